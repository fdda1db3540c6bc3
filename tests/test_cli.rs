//! `kinja test`: helm-unittest suites against a chart's templates.

mod common;

use common::{TestChart, kinja, success};

/// What `kinja test CHART` prints (it may fail: suites here fail on purpose).
fn test_output(chart: &TestChart) -> String {
    let output = kinja().arg("test").arg(chart.path()).output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every line is in the report.
fn assert_report_has(out: &str, lines: &[&str]) {
    for line in lines {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn the_example_charts_suites_pass_and_render_every_branch() {
    for chart in ["charts/seedapp", "charts/fleet"] {
        let out = success(
            kinja()
                .args(["test", chart, "--coverage"])
                .env("CI", "true"),
        );
        assert!(out.contains(" passed, 0 failed\n"), "{out}");
        assert!(
            out.contains("branches rendered (100.0%)\n"),
            "{chart}'s suites must render every branch:\n{out}"
        );
    }
    let out = success(kinja().args(["test", "charts/seedapp"]));
    assert!(
        out.contains("PASS  service › refuses an ExternalName service without a name"),
        "{out}"
    );
}

/// The `N` of the closing `N passed, …` line.
fn passed(out: &str) -> usize {
    let last = out.lines().rfind(|l| l.contains(" passed, ")).unwrap_or("");
    last.split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn failures_say_what_and_where_broken_suites_fail_alone_and_the_exit_code_is_one() {
    let chart = TestChart::new(&[
        ("values.yaml", "size: 2\n"),
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ release.name }}-cm\ndata:\n  size: \"{{ values.size }}\"\n",
        ),
        (
            "tests/cm_test.yaml",
            "suite: config\ntemplates: [cm.yaml]\ntests:\n  - it: holds the size\n    asserts:\n      - equal: {path: data.size, value: \"2\"}\n      - equal: {path: metadata.name, value: RELEASE-NAME-cm}\n  - it: is wrong on purpose\n    set:\n      size: 3\n    asserts:\n      - equal: {path: data.size, value: \"2\"}\n      - isKind: {of: ConfigMap}\n        not: true\n  - it: is skipped\n    skip: {reason: later}\n    asserts: []\n",
        ),
        (
            "tests/broken_test.yaml",
            "suite: broken\ntests:\n  - it: x\n    asserts:\n      - equalish: {path: a}\n",
        ),
        ("tests/bad_yaml_test.yaml", "suite: [\n"),
        (
            "tests/typo_test.yaml",
            "suite: typo\ntemplates: [cmm.yaml]\ntests:\n  - it: counts nothing\n    asserts:\n      - hasDocuments: {count: 0}\n",
        ),
    ]);
    let output = kinja().arg("test").arg(chart.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("PASS  config › holds the size"), "{out}");
    assert!(
        out.contains("FAIL  config › is wrong on purpose\n      equal (cm.yaml): data.size is \"3\", expected \"2\"\n      isKind (cm.yaml): isKind held, but `not: true` asks that it does not\n"),
        "{out}"
    );
    assert!(
        out.contains("SKIP  config › is skipped\n      later\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "tests/broken_test.yaml: tests[0]: asserts[0]: `equalish` is not an assert kinja knows"
        ),
        "{out}"
    );
    assert!(out.contains("tests/bad_yaml_test.yaml: line 2"), "{out}");
    assert!(
        out.contains("FAIL  typo › counts nothing\n      hasDocuments (cmm.yaml): no template cmm.yaml in the chart"),
        "a misspelt template is no pass: {out}"
    );
    assert!(out.ends_with("1 passed, 4 failed, 1 skipped\n"), "{out}");
    let filtered = success(kinja().arg("test").arg(chart.path()).args([
        "--filter",
        "holds",
        "--file",
        "tests/cm_test.yaml",
    ]));
    assert!(filtered.ends_with("1 passed, 0 failed\n"), "{filtered}");
}

#[test]
fn snapshots_are_written_once_compared_after_and_refused_missing_in_ci() {
    let chart = TestChart::new(&[
        ("values.yaml", "size: 2\n"),
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  size: \"{{ values.size }}\"\n",
        ),
        (
            "tests/cm_test.yaml",
            "templates: [cm.yaml]\ntests:\n  - it: looks as before\n    asserts:\n      - matchSnapshot: {}\n      - matchSnapshot: {path: data}\n",
        ),
    ]);
    let snap = chart.path().join("tests/__snapshot__/cm_test.yaml.snap");
    // In CI a missing snapshot fails and nothing is written.
    let ci = kinja()
        .arg("test")
        .arg(chart.path())
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(ci.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ci.stdout).contains("in CI a missing snapshot fails"));
    assert!(!snap.exists());
    // Outside CI the first run writes them and says so.
    let first = success(kinja().arg("test").arg(chart.path()).env_remove("CI"));
    assert!(
        first.contains("2 new snapshot(s) written") && first.ends_with("1 passed, 0 failed\n"),
        "{first}"
    );
    let written = std::fs::read_to_string(&snap).unwrap();
    assert!(
        written.starts_with("looks as before:\n  1: |\n    apiVersion: v1\n"),
        "{written}"
    );
    assert!(written.contains("\n  2: |\n    size: \"2\"\n"), "{written}");
    // The same render matches; a changed one fails with a diff; -u takes it.
    assert!(
        success(kinja().arg("test").arg(chart.path()).env("CI", "true"))
            .ends_with("1 passed, 0 failed\n")
    );
    let unchanged = kinja()
        .arg("test")
        .arg(chart.path())
        .args(["-f", "tests/*_test.yaml", "--ci"])
        .env_remove("CI")
        .output()
        .unwrap();
    assert_eq!(unchanged.status.code(), Some(0), "nothing changed yet");
    std::fs::write(chart.path().join("values.yaml"), "size: 3\n").unwrap();
    let differs = kinja()
        .arg("test")
        .arg(chart.path())
        .env_remove("CI")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&differs.stdout);
    assert_eq!(differs.status.code(), Some(1));
    assert!(
        out.contains("snapshot 1 differs")
            && out.contains("-  size: \"2\"\n")
            && out.contains("+  size: \"3\"\n"),
        "{out}"
    );
    assert!(
        success(
            kinja()
                .arg("test")
                .arg(chart.path())
                .arg("-u")
                .env_remove("CI")
        )
        .contains("snapshots written anew")
    );
    assert!(
        success(kinja().arg("test").arg(chart.path()).env("CI", "true"))
            .ends_with("1 passed, 0 failed\n")
    );
}

#[test]
fn junit_output_and_fail_fast_as_helm_unittest_spells_them() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("reports/junit.xml");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let out = success(
        kinja()
            .args(["test", "charts/seedapp", "-t", "junit", "-o"])
            .arg(&report),
    );
    assert!(
        out.ends_with(" passed, 0 failed\n") && passed(&out) > 50,
        "{out}"
    );
    let xml = std::fs::read_to_string(&report).unwrap();
    let totals = format!("<testsuites tests=\"{}\" failures=\"0\"", passed(&out));
    assert!(xml.starts_with("<?xml") && xml.contains(&totals), "{xml}");
    assert!(xml.contains("<testcase classname=\"tests/service_test.yaml\" name=\"refuses an ExternalName service without a name\"/>"), "{xml}");
    // --fail-fast stops at the first failure.
    let chart = TestChart::new(&[
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        ),
        (
            "tests/a_test.yaml",
            "templates: [cm.yaml]\ntests:\n  - it: fails\n    asserts:\n      - isKind: {of: Secret}\n  - it: would pass\n    asserts:\n      - isKind: {of: ConfigMap}\n",
        ),
    ]);
    let output = kinja()
        .arg("test")
        .arg(chart.path())
        .arg("--fail-fast")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.ends_with("0 passed, 1 failed\n") && !out.contains("would pass"),
        "{out}"
    );
}

#[test]
fn not_index_and_update_behave_as_in_helm_unittest() {
    let chart = TestChart::new(&[
        ("values.yaml", "replicas: 3\nbroken: false\n"),
        (
            "templates/rbac.yaml",
            "{% if values.broken %}{{ fail(\"asked to fail\") }}{% endif %}\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n",
        ),
        (
            "tests/rbac_test.yaml",
            "templates: [rbac.yaml]\ntests:\n  - it: counts documents in the order the template wrote them\n    asserts:\n      - isKind: {of: Role}\n        documentIndex: 0\n  - it: refuses an index past the end\n    asserts:\n      - isKind: {of: Role}\n        documentIndex: 5\n  - it: does not flip a failed render\n    set: {broken: true}\n    asserts:\n      - isKind: {of: Service}\n        not: true\n  - it: applies not to each document\n    asserts:\n      - isKind: {of: Role}\n        not: true\n  - it: compares the whole message\n    set: {broken: true}\n    asserts:\n      - failedTemplate: {errorMessage: asked}\n  - it: snaps\n    asserts:\n      - matchSnapshot: {}\n",
        ),
    ]);
    let out = String::from_utf8_lossy(
        &kinja()
            .arg("test")
            .arg(chart.path())
            .env_remove("CI")
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(
        out.contains(
            "PASS  tests/rbac_test.yaml › counts documents in the order the template wrote them"
        ),
        "{out}"
    );
    assert!(
        out.contains("documentIndex 5 is out of range: rbac.yaml rendered 2 document(s)"),
        "{out}"
    );
    assert!(out.contains("FAIL  tests/rbac_test.yaml › does not flip a failed render\n      isKind (rbac.yaml): the render failed: asked to fail"), "{out}");
    assert!(out.contains("FAIL  tests/rbac_test.yaml › applies not to each document\n      isKind (rbac.yaml): document 0: isKind held"), "{out}");
    assert!(
        out.contains("FAIL  tests/rbac_test.yaml › compares the whole message"),
        "{out}"
    );
    // -u with a filter keeps the snapshots of the tests that did not run.
    let snap = chart.path().join("tests/__snapshot__/rbac_test.yaml.snap");
    assert!(std::fs::read_to_string(&snap).unwrap().contains("snaps:"));
    kinja()
        .arg("test")
        .arg(chart.path())
        .args(["-u", "--filter", "counts"])
        .output()
        .unwrap();
    assert!(
        std::fs::read_to_string(&snap).unwrap().contains("snaps:"),
        "the other test's snapshot is kept"
    );
}

#[test]
fn coverage_names_the_branches_never_rendered_and_writes_lcov() {
    let chart = TestChart::new(&[
        ("values.yaml", "ingress: {enabled: false}\nhosts: [a]\n"),
        (
            "templates/ingress.yaml",
            "{% if values.ingress.enabled %}\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    {% for host in values.hosts %}\n    - host: {{ host }}\n    {% endfor %}\n{% endif %}\n",
        ),
        (
            "tests/ingress_test.yaml",
            "suite: ingress\ntemplates: [ingress.yaml]\ntests:\n  - it: is off by default\n    asserts:\n      - hasDocuments: {count: 0}\n",
        ),
    ]);
    let lcov = chart.path().join("coverage.info");
    let out = success(
        kinja()
            .arg("test")
            .arg(chart.path())
            .args(["--coverage-format", "lcov"])
            .arg(&lcov),
    );
    let file = chart.path().join("templates/ingress.yaml");
    assert!(
        out.ends_with(&format!(
            "1 passed, 0 failed\nCoverage: 1 of 3 branches rendered (33.3%)\n  {}   33.3%  1/3; never rendered: lines 2-10 (`if` at line 1), line 9 (loop body at line 8)\n",
            file.display()
        )),
        "{out}"
    );
    let written = std::fs::read_to_string(&lcov).unwrap();
    assert!(
        written.starts_with(&format!("TN:\nSF:{}\n", file.display())),
        "{written}"
    );
    assert!(
        written.contains("BRDA:1,0,0,0\nBRDA:8,1,0,0\nBRDA:1,0,1,1\nBRF:3\nBRH:1\n"),
        "{written}"
    );
    assert!(written.contains("DA:1,1\nDA:2,0\n"), "{written}");

    // Enabled, every branch renders: 100%.
    std::fs::write(
        chart.path().join("tests/on_test.yaml"),
        "suite: on\ntemplates: [ingress.yaml]\ntests:\n  - it: lists the hosts\n    set: {ingress.enabled: true}\n    asserts:\n      - equal:\n          path: spec.rules[0].host\n          value: a\n",
    )
    .unwrap();
    let out = success(kinja().arg("test").arg(chart.path()).arg("--coverage"));
    assert!(
        out.contains("Coverage: 3 of 3 branches rendered (100.0%)\n"),
        "{out}"
    );

    let refused = kinja()
        .arg("test")
        .arg(chart.path())
        .args(["--coverage-format", "cobertura", "x.xml"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(refused.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("the one format is lcov"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[test]
fn jsonpath_filters_comparisons_base64_and_helm_unittest_newer_asserts() {
    let chart = TestChart::new(&[
        (
            "templates/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          env:\n            - {name: MODE, value: prod}\n            - {name: EMPTY, value: \"\"}\n        - name: sidecar\n          image: envoy\n",
        ),
        (
            "templates/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ndata:\n  password: {{ \"hunter2\" | b64encode }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
        ),
        ("templates/NOTES.txt", "Installed {{ release.name }}.\n"),
        (
            "tests/all_test.yaml",
            r#"suite: newer asserts
tests:
  - it: reads JSONPath filters and wildcards
    template: deploy.yaml
    asserts:
      - equal:
          path: spec.template.spec.containers[?(@.name == "web")].env[?(@.name == 'MODE')].value
          value: prod
      - isNullOrEmpty:
          path: spec.template.spec.containers[0].env[?(@.name == "EMPTY")].value
      - isNotNullOrEmpty:
          path: spec.template.spec.containers[*].image
      - equal:
          path: spec.template.spec.containers[*].image
          value: redis
        not: true
      - greaterOrEqual:
          path: spec.replicas
          value: 3
      - lessOrEqual:
          path: spec.replicas
          value: 5
      - notGreaterOrEqual:
          path: spec.replicas
          value: 4
  - it: fails when one of many matches differs
    template: deploy.yaml
    asserts:
      - equal:
          path: spec.template.spec.containers[*].image
          value: nginx
  - it: compares only values of one type
    template: deploy.yaml
    asserts:
      - greaterOrEqual:
          path: spec.replicas
          value: "3"
  - it: decodes base64
    template: secret.yaml
    asserts:
      - equal:
          path: data.password
          value: hunter2
          decodeBase64: true
        documentIndex: 0
  - it: wants every document to be the one named, unless any is set
    template: secret.yaml
    asserts:
      - containsDocument:
          kind: Secret
          apiVersion: v1
          any: true
      - containsDocument:
          kind: Pod
          apiVersion: v1
        not: true
  - it: fails without any when another document is there
    template: secret.yaml
    asserts:
      - containsDocument:
          kind: Secret
          apiVersion: v1
  - it: snapshots the notes
    template: NOTES.txt
    asserts:
      - matchSnapshotRaw: {}
"#,
        ),
    ]);
    // A first run writes the notes' snapshot (CI=true would refuse it).
    let output = kinja()
        .arg("test")
        .arg(chart.path())
        .env_remove("CI")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{out}");
    for line in [
        "PASS  newer asserts › reads JSONPath filters and wildcards\n",
        "FAIL  newer asserts › fails when one of many matches differs\n      equal (deploy.yaml): spec.template.spec.containers[*].image is \"envoy\", expected \"nginx\"\n",
        "FAIL  newer asserts › compares only values of one type\n      greaterOrEqual (deploy.yaml): spec.replicas is 3 (int) and \"3\" is string: they do not compare\n",
        "PASS  newer asserts › decodes base64\n",
        "PASS  newer asserts › wants every document to be the one named, unless any is set\n",
        "FAIL  newer asserts › fails without any when another document is there\n      containsDocument (secret.yaml): 1 of 2 documents are not a v1 Secret (with `any: true`, one is enough)\n",
        "PASS  newer asserts › snapshots the notes\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    let snapshot =
        std::fs::read_to_string(chart.path().join("tests/__snapshot__/all_test.yaml.snap"))
            .unwrap();
    assert!(snapshot.contains("Installed RELEASE-NAME."), "{snapshot}");
    // The second run compares against it and passes again.
    let again = kinja()
        .arg("test")
        .arg(chart.path())
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .contains("PASS  newer asserts › snapshots the notes\n")
    );
}

#[test]
fn kubernetes_provider_objects_are_what_lookup_finds() {
    let chart = TestChart::new(&[
        (
            "templates/secret.yaml",
            "{% set existing = lookup(\"v1\", \"Secret\", release.namespace, \"db\") %}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: {{ existing.data.password if existing else \"bmV3\" }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: namespaces\ndata:\n  count: \"{{ lookup(\"v1\", \"Namespace\", \"\", \"\").items | default([]) | length }}\"\n",
        ),
        (
            "tests/lookup_test.yaml",
            r#"suite: lookup
templates: [secret.yaml]
kubernetesProvider:
  scheme:
    "v1/Namespace":
      gvr: {version: v1, resource: namespaces}
      namespaced: false
  objects:
    - apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
tests:
  - it: makes a new password without a cluster object
    asserts:
      - equal:
          path: data.password
          value: bmV3
        documentIndex: 0
      - equal:
          path: data.count
          value: "1"
        documentIndex: 1
  - it: keeps the password of the Secret that is there
    kubernetesProvider:
      objects:
        - apiVersion: v1
          kind: Secret
          metadata: {name: db, namespace: NAMESPACE}
          data: {password: b2xk}
        - apiVersion: v1
          kind: Namespace
          metadata: {name: web}
    asserts:
      - equal:
          path: data.password
          value: b2xk
        documentIndex: 0
      - equal:
          path: data.count
          value: "2"
        documentIndex: 1
"#,
        ),
        (
            "tests/bad_test.yaml",
            "suite: bad\ntests:\n  - it: x\n    kubernetesProvider:\n      scheme:\n        v1/Pod: {should_err: boom}\n    asserts:\n      - hasDocuments: {count: 2}\n",
        ),
    ]);
    let output = kinja().arg("test").arg(chart.path()).output().unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("PASS  lookup › makes a new password without a cluster object\n"),
        "{out}"
    );
    assert!(
        out.contains("PASS  lookup › keeps the password of the Secret that is there\n"),
        "{out}"
    );
    assert!(
        out.contains("FAIL  tests/bad_test.yaml › (the suite)\n      tests/bad_test.yaml: tests[0]: a kubernetesProvider scheme entry has `should_err`"),
        "{out}"
    );
    // Without objects, lookup finds nothing, as `helm template` has it.
    let rendered = success(kinja().arg("render").arg(chart.path()));
    assert!(
        rendered.contains("password: bmV3\n") && rendered.contains("count: \"0\"\n"),
        "{rendered}"
    );
}

#[test]
fn a_suite_renders_only_its_templates_and_asserts_hold_template_by_template() {
    let chart = TestChart::new(&[
        ("values.yaml", "strict: false\n"),
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        ),
        (
            "templates/broken.yaml",
            "{% if values.strict %}{{ fail(\"broken.yaml refuses strict\") }}{% endif %}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
        ),
        (
            "tests/cm_test.yaml",
            "suite: cm\ntemplates: [cm.yaml]\ntests:\n  - it: is not failed by a template it does not test\n    set: {strict: true}\n    asserts:\n      - isKind: {of: ConfigMap}\n      - notFailedTemplate: {}\n",
        ),
        (
            "tests/all_test.yaml",
            "suite: all\ntests:\n  - it: checks every template, each on its own\n    asserts:\n      - hasDocuments: {count: 1}\n      - isAPIVersion: {of: v1}\n  - it: fails where one template differs\n    asserts:\n      - isKind: {of: ConfigMap}\n  - it: sees the failure of any template\n    set: {strict: true}\n    asserts:\n      - failedTemplate: {errorMessage: broken.yaml refuses strict}\n",
        ),
    ]);
    let out = test_output(&chart);
    assert_report_has(
        &out,
        &[
            "PASS  cm › is not failed by a template it does not test\n",
            "PASS  all › checks every template, each on its own\n",
            "FAIL  all › fails where one template differs\n      isKind: broken.yaml: the kind is \"Secret\", not \"ConfigMap\"\n",
            "PASS  all › sees the failure of any template\n",
        ],
    );
}

#[test]
fn subsets_compare_top_level_keys_and_only_listed_api_versions_exist() {
    let chart = TestChart::new(&[
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: {a: \"1\", b: \"2\"}\ndata:\n  policy: \"{{ 'policy/v1' in capabilities.api_versions }}\"\n  apps: \"{{ 'apps/v1' in capabilities.api_versions }}\"\n",
        ),
        (
            "tests/cm_test.yaml",
            "suite: cm\ntemplates: [cm.yaml]\ncapabilities:\n  apiVersions: [policy/v1]\ntests:\n  - it: takes a top-level subset\n    asserts:\n      - isSubset:\n          path: metadata\n          content: {name: cm}\n  - it: compares a nested mapping whole\n    asserts:\n      - isSubset:\n          path: metadata\n          content: {labels: {a: \"1\"}}\n  - it: has only the API versions listed\n    asserts:\n      - equal: {path: data.policy, value: \"true\"}\n      - equal: {path: data.apps, value: \"false\"}\n",
        ),
    ]);
    let output = kinja().arg("test").arg(chart.path()).output().unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("PASS  cm › takes a top-level subset\n"),
        "{out}"
    );
    assert!(
        out.contains("FAIL  cm › compares a nested mapping whole\n"),
        "{out}"
    );
    assert!(
        out.contains("PASS  cm › has only the API versions listed\n"),
        "{out}"
    );
}

#[test]
fn marks_are_coloured_only_when_asked_or_on_a_terminal() {
    let plain = success(kinja().args(["test", "charts/fleet"]));
    assert!(!plain.contains('\x1b'), "{plain}");
    let coloured = success(
        kinja()
            .args(["test", "charts/fleet", "--color", "always"])
            .env("NO_COLOR", "1"),
    );
    assert!(coloured.starts_with("\x1b[32mPASS\x1b[0m  "), "{coloured}");
}

#[test]
fn a_multi_line_value_that_differs_is_shown_as_a_diff() {
    let chart = TestChart::new(&[
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: \"1\"\n  b: \"2\"\n",
        ),
        (
            "tests/cm_test.yaml",
            "suite: cm\ntests:\n  - it: differs in one key\n    asserts:\n      - equal:\n          path: data\n          value: {a: \"1\", b: \"3\"}\n",
        ),
    ]);
    let output = kinja().arg("test").arg(chart.path()).output().unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("      equal: data is not the value expected:\n      --- expected\n      +++ rendered\n      @@ -1,2 +1,2 @@\n       a: \"1\"\n      -b: \"3\"\n      +b: \"2\"\n"),
        "{out}"
    );
}

#[test]
fn negatives_pass_on_nothing_and_suites_read_yaml_as_helm_unittest() {
    let chart = TestChart::new(&[
        ("values.yaml", "on: false\n"),
        (
            "templates/a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {gone: null}\ndata:\n  mode: \"{{ values.mode | default('') }}\"\n  text: \"\\nline one  \\nline two\"\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
        ),
        (
            "templates/b.yaml",
            "{% if values.b %}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n{% endif %}\n",
        ),
        (
            "tests/all_test.yaml",
            r#"suite: helm-unittest's rules
templates: [a.yaml, b.yaml]
tests:
  - it: lets negatives pass where nothing renders or nothing is found
    asserts:
      - notExists: {path: spec}
        template: b.yaml
      - notEqual: {path: nope, value: 1}
        template: a.yaml
      - isNotNullOrEmpty: {path: nope}
        template: a.yaml
  - it: finds an explicit null as there
    template: a.yaml
    documentIndex: 0
    asserts:
      - isNotNull: {path: metadata.labels.gone}
      - exists: {path: metadata.labels.gone}
  - it: reads on and yes in a suite as text
    set: {mode: on}
    template: a.yaml
    documentIndex: 0
    asserts:
      - equal: {path: data.mode, value: "on"}
  - it: compares text without the spaces before line breaks
    template: a.yaml
    documentIndex: 0
    asserts:
      - equal: {path: data.text, value: "line one\nline two"}
  - it: takes containsDocument with not to ask that one document is not it
    template: a.yaml
    asserts:
      - containsDocument: {kind: ConfigMap, apiVersion: v1}
        not: true
  - it: refuses a selector that finds nothing in a template
    asserts:
      - equal: {path: metadata.name, value: a}
        documentSelector: {path: kind, value: ConfigMap}
"#,
        ),
    ]);
    let out = test_output(&chart);
    assert_report_has(
        &out,
        &[
            "PASS  helm-unittest's rules › lets negatives pass where nothing renders or nothing is found\n",
            "PASS  helm-unittest's rules › finds an explicit null as there\n",
            "PASS  helm-unittest's rules › reads on and yes in a suite as text\n",
            "PASS  helm-unittest's rules › compares text without the spaces before line breaks\n",
            "PASS  helm-unittest's rules › takes containsDocument with not to ask that one document is not it\n",
            "FAIL  helm-unittest's rules › refuses a selector that finds nothing in a template\n      equal (a.yaml, b.yaml): documentSelector: no document of b.yaml has kind as asked",
        ],
    );
}

#[test]
fn a_snapshot_with_patterns_checks_them_instead() {
    let chart = TestChart::new(&[
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  mode: fast\n",
        ),
        (
            "tests/cm_test.yaml",
            "suite: cm\ntests:\n  - it: has the mode\n    asserts:\n      - matchSnapshot:\n          path: data\n          matchRegex: {pattern: \"mode: fast\"}\n          notMatchRegex: {pattern: slow}\n  - it: lacks a mode\n    asserts:\n      - matchSnapshot:\n          matchRegex: {pattern: \"mode: slow\"}\n",
        ),
    ]);
    let output = kinja()
        .arg("test")
        .arg(chart.path())
        .env("CI", "true")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("PASS  cm › has the mode\n"), "{out}");
    assert!(out.contains("FAIL  cm › lacks a mode\n      matchSnapshot: pattern \"mode: slow\" is not in snapshot 1\n"), "{out}");
    assert!(
        !chart.path().join("tests/__snapshot__").exists(),
        "nothing to store"
    );
}
