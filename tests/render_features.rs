//! What `kinja render` offers a chart author and a user, through the CLI.

mod common;

use common::{TestChart, success};

const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ release.name }}-cm\n";
const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ release.name }}\n";

#[test]
fn output_is_helms_format_in_install_order() {
    let chart = TestChart::new(&[
        ("templates/a-service.yaml", SERVICE),
        (
            "templates/b-namespace.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n",
        ),
        ("templates/c-configmap.yaml", CONFIGMAP),
    ]);
    let out = success(&mut chart.render(&["--name", "web"]));
    assert_eq!(
        out,
        "---\n# Source: demo/templates/b-namespace.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n\
         ---\n# Source: demo/templates/c-configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-cm\n\
         ---\n# Source: demo/templates/a-service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
    );
}

#[test]
fn partials_hidden_files_notes_and_comment_only_documents_are_not_printed() {
    let chart = TestChart::new(&[
        (
            "templates/_helpers.tpl",
            "{% macro name() %}x{% endmacro %}",
        ),
        ("templates/.hidden.yaml", "kind: Hidden\n"),
        ("templates/.git/x.yaml", "kind: Hidden\n"),
        // Helm's rule hides only what sits directly in templates/.
        (
            "templates/sub/.deeper.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deeper\n",
        ),
        (
            "templates/NOTES.txt",
            "Thanks for installing {{ release.name }}.",
        ),
        ("templates/MYNOTES.txt", "not yaml: at: all:"),
        ("templates/empty.yaml", "# just a comment\n\n"),
        ("templates/cm.yaml", CONFIGMAP),
    ]);
    let out = success(&mut chart.render(&[]));
    assert_eq!(out.matches("# Source:").count(), 2, "{out}");
    assert!(out.contains("demo/templates/cm.yaml"), "{out}");
    assert!(out.contains("demo/templates/sub/.deeper.yaml"), "{out}");
}

#[test]
fn include_notes_prints_the_notes_last() {
    let chart = TestChart::new(&[
        (
            "templates/NOTES.txt",
            "Thanks for installing {{ release.name }}.\n",
        ),
        ("templates/cm.yaml", CONFIGMAP),
    ]);
    let out = success(&mut chart.render(&["--include-notes", "--name", "shop"]));
    assert!(
        out.ends_with("---\n# Source: demo/templates/NOTES.txt\nThanks for installing shop.\n"),
        "{out}"
    );
}

#[test]
fn values_from_stdin() {
    let chart = TestChart::new(&[(
        "templates/cm.yaml",
        "kind: ConfigMap\ndata:\n  color: {{ values.color }}\n",
    )]);
    let out = success(chart.render(&["-f", "-"]).write_stdin("color: blue\n"));
    assert!(out.contains("color: blue"), "{out}");
}

#[test]
fn rightmost_values_file_wins_and_set_beats_files() {
    let chart = TestChart::new(&[
        ("values.yaml", "color: red\nsize: s\nshape: round\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\ndata:\n  color: {{ values.color }}\n  size: {{ values.size }}\n  shape: {{ values.shape }}\n",
        ),
    ]);
    let first = chart.write("first.yaml", b"color: green\nsize: m\n");
    let second = chart.write("second.yaml", b"color: blue\n");
    let out = success(&mut chart.render(&[
        "--set",
        "size=xl",
        "-f",
        first.to_str().unwrap(),
        "-f",
        second.to_str().unwrap(),
    ]));
    assert!(
        out.contains("color: blue") && out.contains("size: xl") && out.contains("shape: round"),
        "{out}"
    );
}

#[test]
fn show_only_keeps_the_named_templates_in_the_order_asked() {
    let chart = TestChart::new(&[
        ("templates/svc.yaml", SERVICE),
        ("templates/cm.yaml", CONFIGMAP),
    ]);
    let out = success(&mut chart.render(&[
        "--show-only",
        "templates/svc.yaml",
        "-s",
        "templates/cm.yaml",
    ]));
    let sources: Vec<_> = out.lines().filter(|l| l.starts_with("# Source:")).collect();
    assert_eq!(
        sources,
        [
            "# Source: demo/templates/svc.yaml",
            "# Source: demo/templates/cm.yaml"
        ]
    );
    let globbed = success(&mut chart.render(&["--show-only", "templates/*.yaml"]));
    assert_eq!(globbed.matches("# Source:").count(), 2);
}

#[test]
fn output_dir_writes_one_file_per_template() {
    let chart = TestChart::new(&[
        ("templates/svc.yaml", SERVICE),
        (
            "templates/cms.yaml",
            "kind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\nmetadata: {name: b}\n",
        ),
    ]);
    let out_dir = tempfile::tempdir().unwrap();
    let out = success(&mut chart.render(&["--output-dir", out_dir.path().to_str().unwrap()]));
    let cms = out_dir.path().join("demo/templates/cms.yaml");
    assert!(out.contains(&format!("wrote {}", cms.display())), "{out}");
    let text = std::fs::read_to_string(cms).unwrap();
    assert_eq!(
        text.matches("# Source: demo/templates/cms.yaml").count(),
        2,
        "{text}"
    );
    assert!(out_dir.path().join("demo/templates/svc.yaml").is_file());
}

#[test]
fn output_dir_with_include_notes_writes_the_notes_too() {
    let chart = TestChart::new(&[
        ("templates/svc.yaml", SERVICE),
        (
            "templates/NOTES.txt",
            "Thanks for installing {{ release.name }}.\n\n",
        ),
    ]);
    let out_dir = tempfile::tempdir().unwrap();
    let dir = out_dir.path().to_str().unwrap();
    let notes = out_dir.path().join("demo/templates/NOTES.txt");
    success(&mut chart.render(&["--output-dir", dir]));
    assert!(!notes.exists(), "only with --include-notes");
    let out = success(&mut chart.render(&["--output-dir", dir, "--include-notes"]));
    assert!(out.contains(&format!("wrote {}", notes.display())), "{out}");
    assert_eq!(
        std::fs::read_to_string(notes).unwrap(),
        "Thanks for installing release-name.\n"
    );
}

#[test]
fn context_objects() {
    let chart = TestChart::new(&[(
        "templates/ctx.yaml",
        "kind: ConfigMap\ndata:\n  release: {{ release.name }}/{{ release.namespace }}/{{ release.revision }}/{{ release.is_install }}/{{ release.is_upgrade }}/{{ release.service }}\n  chart: {{ chart.name }}-{{ chart.version }}-{{ chart.appVersion }}\n  kube: {{ capabilities.kube_version }} {{ capabilities.kube_version.major }}.{{ capabilities.kube_version.minor }}\n  apps: {{ \"apps/v1\" in capabilities.api_versions }}\n  custom: {{ \"example.com/v1\" in capabilities.api_versions }}\n  template: {{ template.name }} {{ template.base_path }}\n",
    )]);
    let out = success(&mut chart.render(&[
        "--name",
        "shop",
        "-n",
        "prod",
        "--api-versions",
        "example.com/v1",
    ]));
    assert!(
        out.contains("release: shop/prod/1/true/false/kinja"),
        "{out}"
    );
    assert!(out.contains("chart: demo-0.1.0-2.0"), "{out}");
    assert!(out.contains("kube: v1.35.0 1.35"), "{out}");
    assert!(
        out.contains("apps: true") && out.contains("custom: true"),
        "{out}"
    );
    assert!(
        out.contains("template: demo/templates/ctx.yaml demo/templates"),
        "{out}"
    );
    let older = success(&mut chart.render(&["--kube-version", "1.29.3-gke.100"]));
    assert!(older.contains("kube: v1.29.3 1.29"), "{older}");
}

#[test]
fn files_object() {
    let chart = TestChart::new(&[
        ("config/app.ini", "a=1\nb=2\n"),
        ("config/db.ini", "host=db\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\ndata:\n  first: {{ files.lines(\"config/app.ini\") | first }}\n  count: {{ files.glob(\"config/*.ini\") | length }}\n  {{- files.as_config(\"config/*.ini\") | nindent(2) }}\n---\nkind: Secret\ndata:\n  {{- files.as_secrets(\"config/db.ini\") | nindent(2) }}\n  raw: {{ files.get(\"config/db.ini\") | b64encode }}\n",
        ),
    ]);
    let out = success(&mut chart.render(&[]));
    assert!(
        out.contains("first: a=1") && out.contains("count: 2"),
        "{out}"
    );
    assert!(
        out.contains("app.ini: |\n    a=1\n    b=2\n  db.ini: |\n    host=db\n"),
        "{out}"
    );
    assert!(
        out.contains("db.ini: aG9zdD1kYgo=") && out.contains("raw: aG9zdD1kYgo="),
        "{out}"
    );
}

#[test]
fn helm_functions() {
    let chart = TestChart::new(&[
        (
            "values.yaml",
            "greeting: \"hello {{ release.name }}\"\nresources:\n  limits:\n    cpu: 500m\n",
        ),
        (
            "templates/fn.yaml",
            "kind: ConfigMap\ndata:\n  tpl: {{ tpl(values.greeting) }}\n  tplf: {{ values.greeting | tpl }}\n  lookup: {{ lookup(\"v1\", \"Secret\", \"ns\", \"x\") | length }}\n  new: {{ semver_compare(\">=1.25.0-0\", capabilities.kube_version.version) }}\n  sha: {{ \"abc\" | sha256 | trunc(8) }}\n  name: {{ (\"a-very-long-name-\" ~ release.name) | trunc(17) | trim_suffix(\"-\") }}\n  re: {{ \"nginx:1.19\" | regex_replace(\"[^a-z0-9]+\", \"-\") }}\n  q: {{ \"x\" | squote }}\n  yaml: {{ values.resources | to_yaml | from_yaml | tojson }}\n  json: {{ '{\"a\": [1]}' | from_json | tojson }}\n  trimmed: {{ \"/path\" | trim_prefix(\"/\") }}\n  decoded: {{ \"aGk=\" | b64decode }}\n  res:\n    {{- values.resources | toyaml | nindent(4) }}\n",
        ),
    ]);
    let out = success(&mut chart.render(&["--name", "web"]));
    for expected in [
        "tpl: hello web",
        "tplf: hello web",
        "lookup: 0",
        "new: true",
        "sha: ba7816bf",
        "name: a-very-long-name",
        "re: nginx-1-19",
        "q: 'x'",
        "yaml: {\"limits\": {\"cpu\": \"500m\"}}",
        "json: {\"a\": [1]}",
        "trimmed: path",
        "decoded: hi",
        "res:\n    limits:\n      cpu: 500m",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
}

#[test]
fn booleans_and_nulls_print_like_helm() {
    let chart = TestChart::new(&[
        ("values.yaml", "flag: yes\nnothing: null\n"),
        (
            "templates/b.yaml",
            "kind: ConfigMap\ndata:\n  a: {{ values.flag }}\n  b: {{ values.flag | string }}\n  c: {{ values.flag | quote }}\n  d: x{{ values.nothing }}x\n",
        ),
    ]);
    let out = success(&mut chart.render(&[]));
    assert!(
        out.contains("a: true\n  b: true\n  c: \"true\"\n  d: xx"),
        "{out}"
    );
}

#[test]
fn same_inputs_same_bytes() {
    let first = success(common::kinja().args([
        "render",
        "charts/seedapp",
        "-f",
        "charts/seedapp/ci/prod.yaml",
    ]));
    let second = success(common::kinja().args([
        "render",
        "charts/seedapp",
        "-f",
        "charts/seedapp/ci/prod.yaml",
    ]));
    assert_eq!(first, second);
}

#[test]
fn kube_version_prints_as_helm_does() {
    let chart = TestChart::new(&[(
        "templates/v.yaml",
        "kind: A\nv: \"{{ capabilities.kube_version }}|{{ capabilities.kube_version.git_version }}|{{ capabilities.kube_version.version }}\"\n",
    )]);
    // What helm 4.1 prints for .Capabilities.KubeVersion, .GitVersion and .Version.
    for (given, expected) in [
        ("1.29", "v1.29|v1.29|v1.29"),
        (
            "v1.30.1-rc.1+k3s1",
            "v1.30.1|v1.30.1-rc.1+k3s1|v1.30.1-rc.1+k3s1",
        ),
    ] {
        let out = common::success(&mut chart.render(&["--kube-version", given]));
        assert!(
            out.contains(&format!("v: \"{expected}\"")),
            "{given}: {out}"
        );
    }
    let err = common::user_error(&mut chart.render(&["--kube-version", "1"]));
    assert!(err.contains("invalid Kubernetes version \"1\""), "{err}");
}

#[test]
fn numeric_chart_versions_read_as_helm_reads_them() {
    let chart = TestChart::new(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 1.0\nappVersion: 1.10\n",
        ),
        (
            "templates/v.yaml",
            "kind: A\nv: \"{{ chart.version }}/{{ chart.appVersion }}\"\n",
        ),
    ]);
    let out = common::success(&mut chart.render(&[]));
    assert!(out.contains("v: \"1/1.1\""), "{out}");
}

#[test]
fn a_hook_with_an_unknown_event_is_left_out_with_a_warning() {
    let chart = TestChart::new(&[(
        "templates/job.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-instal\n",
    )]);
    let output = chart.render(&[]).output().unwrap();
    assert!(output.status.success());
    assert!(!String::from_utf8_lossy(&output.stdout).contains("migrate"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: demo/templates/job.yaml: Job \"migrate\" is left out")
            && stderr.contains("\"pre-instal\""),
        "{stderr}"
    );
}

#[test]
fn an_empty_namespace_renders_as_default_like_helm() {
    let chart = TestChart::new(&[("templates/n.yaml", "kind: A\nns: {{ release.namespace }}\n")]);
    let out = success(&mut chart.render(&["-n", ""]));
    assert!(out.contains("ns: default"), "{out}");
}

#[test]
fn a_block_tag_ending_a_line_after_content_keeps_its_newline() {
    let chart = TestChart::new(&[
        ("values.yaml", "x: true\nitems: [c, d]\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\ndata:\n  a: {% if values.x %}on{% endif %}\n  b: \"2\"\n\
             {% for i in values.items %}\n  {{ i }}: {% if loop.first %}first{% else %}later{% endif %}\n{% endfor %}\n\
             {% tpl_line %}\n",
        ),
    ]);
    // Line 8 holds an unknown tag: its line number must be exact.
    let error = common::user_error(&mut chart.render(&[]));
    assert!(error.contains("templates/cm.yaml:8:"), "{error}");
    chart.write(
        "templates/cm.yaml",
        b"kind: ConfigMap\ndata:\n  a: {% if values.x %}on{% endif %}\n  b: \"2\"\n\
          {% for i in values.items %}\n  {{ i }}: {% if loop.first %}first{% else %}later{% endif %}\n{% endfor %}\n\
          {{ values.nope }}\n",
    );
    let error = common::user_error(&mut chart.render(&[]));
    assert!(error.contains("templates/cm.yaml:8:"), "{error}");
    chart.write(
        "templates/cm.yaml",
        b"kind: ConfigMap\ndata:\n  a: {% if values.x %}on{% endif %}\n  b: \"2\"\n\
          {% for i in values.items %}\n  {{ i }}: {% if loop.first %}first{% else %}later{% endif %}\n{% endfor %}\n",
    );
    let out = success(&mut chart.render(&[]));
    assert!(
        out.ends_with("data:\n  a: on\n  b: \"2\"\n  c: first\n  d: later\n"),
        "{out}"
    );
}

#[test]
fn every_chart_field_helm_defines_exists_even_when_unset() {
    let chart = TestChart::new(&[
        ("Chart.yaml", "apiVersion: v2\nname: bare\nversion: 1.0.0\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\ndata:\n  app: \"{{ chart.appVersion }}\"\n  kube: \"{{ chart.kubeVersion }}\"\n  \
             keywords: \"{{ chart.keywords | length }}\"\n  deprecated: \"{{ chart.deprecated }}\"\n  \
             annotations: \"{{ chart.annotations | length }}\"\n  home: \"{{ chart.home }}\"\n",
        ),
    ]);
    let out = success(&mut chart.render(&[]));
    assert!(
        out.contains("app: \"\"\n  kube: \"\"\n  keywords: \"0\"\n  deprecated: \"false\"\n  annotations: \"0\"\n  home: \"\"\n"),
        "{out}"
    );
    // A field Helm does not define is still strict.
    chart.write(
        "templates/cm.yaml",
        b"kind: ConfigMap\ndata:\n  x: {{ chart.appVerison }}\n",
    );
    let error = common::user_error(&mut chart.render(&[]));
    assert!(error.contains("`chart.appVerison` is undefined"), "{error}");
}

#[test]
fn show_only_on_a_template_that_rendered_nothing_says_so() {
    let chart = TestChart::new(&[
        (
            "templates/off.yaml",
            "{% if false %}\nkind: ConfigMap\n{% endif %}\n",
        ),
        (
            "templates/on.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: on\n",
        ),
    ]);
    let error = common::user_error(&mut chart.render(&["--show-only", "templates/off.yaml"]));
    assert!(
        error.contains(
            "templates/off.yaml rendered nothing with these values: the template is in the chart"
        ),
        "{error}"
    );
    let error = common::user_error(&mut chart.render(&["--show-only", "templates/gone.yaml"]));
    assert!(
        error.contains("could not find template templates/gone.yaml"),
        "{error}"
    );
    chart.write(
        "templates/_helpers.tpl",
        b"{% macro x() %}x{% endmacro %}\n",
    );
    let error = common::user_error(&mut chart.render(&["--show-only", "templates/_helpers.tpl"]));
    assert!(
        error.contains("templates/_helpers.tpl renders no documents of its own: a partial"),
        "{error}"
    );
}

#[test]
fn partials_of_one_name_in_two_charts_never_shadow_each_other() {
    let chart = TestChart::new(&[
        (
            "templates/_names.tpl",
            "{% macro who() %}parent{% endmacro %}\n",
        ),
        (
            "templates/cm.yaml",
            "{% from \"_names.tpl\" import who %}{% from \"@lib/_names.tpl\" import who as lib_who %}\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  own: {{ who() }}\n  lib: {{ lib_who() }}\n",
        ),
        (
            "charts/lib/Chart.yaml",
            "apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n",
        ),
        (
            "charts/lib/templates/_names.tpl",
            "{% macro who() %}library{% endmacro %}\n",
        ),
        (
            "charts/lib/templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: never-rendered\n",
        ),
    ]);
    let out = success(&mut chart.render(&[]));
    assert!(out.contains("own: parent\n  lib: library\n"), "{out}");
    assert!(
        !out.contains("never-rendered"),
        "a library chart renders no documents: {out}"
    );
    chart.write(
        "templates/cm.yaml",
        b"{% from \"@nosuch/_names.tpl\" import who %}\nkind: ConfigMap\n",
    );
    let error = common::user_error(&mut chart.render(&[]));
    assert!(error.contains("@nosuch/_names.tpl"), "{error}");
}

#[test]
fn a_dependency_that_takes_no_chart_still_switches_it_as_helm_does_with_a_warning() {
    let chart = TestChart::new(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: db\n  condition: db.enabled\n",
        ),
        ("values.yaml", "db:\n  enabled: false\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: parent\n",
        ),
        (
            "charts/db/Chart.yaml",
            "apiVersion: v2\nname: db\nversion: 1.0.0\n",
        ),
        (
            "charts/db/templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: db\n",
        ),
    ]);
    let output = chart.render(&[]).output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("charts/db"),
        "the entry's condition is false: {stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no chart in charts/ named db has a version in \"\"")
            && stderr.contains("the entry's condition and tags still switch it off"),
        "{stderr}"
    );
    // Switched on, the chart renders under its own name.
    let on = success(&mut chart.render(&["--set", "db.enabled=true"]));
    assert!(
        on.contains("# Source: demo/charts/db/templates/cm.yaml"),
        "{on}"
    );
}
