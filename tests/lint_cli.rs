//! `kinja lint`: the example charts and the convert corpus lint clean,
//! mistakes are reported with their place, in three formats.

mod common;

use common::{TestChart, find_helm, kinja, success};

const CLEAN: &str = "0 errors, 0 warnings, 0 infos\n";

#[test]
fn the_example_charts_lint_clean_with_every_overlay() {
    let mut runs = vec![
        vec!["charts/seedapp".to_string()],
        vec!["charts/fleet".to_string()],
        vec![
            "charts/fleet".into(),
            "-f".into(),
            "charts/fleet/ci/twelve-apps.yaml".into(),
        ],
    ];
    for overlay in std::fs::read_dir("charts/seedapp/ci").unwrap() {
        let path = overlay.unwrap().path().display().to_string();
        runs.push(vec!["charts/seedapp".into(), "-f".into(), path]);
    }
    for args in runs {
        let out = success(kinja().arg("lint").args(&args));
        assert_eq!(out, CLEAN, "kinja lint {args:?}");
    }
}

#[test]
fn a_created_chart_lints_clean_even_strict() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("web");
    success(kinja().arg("create").arg(&chart));
    let out = success(kinja().arg("lint").arg(&chart).args([
        "--strict",
        "--set",
        "ingress.enabled=true,persistence.enabled=true,autoscaling.enabled=true",
    ]));
    assert!(out.ends_with("0 errors, 0 warnings, 1 info\n"), "{out}");
    assert!(
        out.contains("info[chart-icon]"),
        "only the icon is left to the author: {out}"
    );
}

fn broken_chart() -> TestChart {
    TestChart::new(&[(
        "templates/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: web\n          image: nginx\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIp\n  selector:\n    app: api\n  ports:\n    - port: 80\n      targetPort: http\n",
    )])
}

#[test]
fn mistakes_are_errors_with_their_place_and_the_exit_code_is_one() {
    let chart = broken_chart();
    let output = kinja().arg("lint").arg(chart.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("error[selector-mismatch]: the selector asks for app: \"web\", but the pod template has app: \"api\"\n  --> demo/templates/web.yaml:8 (Deployment/web, spec.selector.matchLabels[\"app\"])\n   = hint: set the same label in spec.template.metadata.labels\n"),
        "{out}"
    );
    assert!(out.contains("error[invalid-value]: \"ClusterIp\" is not one of ClusterIP, NodePort, LoadBalancer, ExternalName\n"), "{out}");
    assert!(
        out.contains("   = hint: did you mean ClusterIP?\n"),
        "{out}"
    );
    assert!(out.contains("error[service-target-port]: targetPort \"http\" names no container port of Deployment/web\n"), "{out}");
    assert!(out.ends_with("3 errors, 0 warnings, 0 infos\n"), "{out}");

    let json = success_or_lint(kinja().arg("lint").arg(chart.path()).args(["-o", "json"]));
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<&str> = parsed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["invalid-value", "selector-mismatch", "service-target-port"]
    );
    assert_eq!(parsed[1]["line"], 8);
    assert_eq!(parsed[1]["severity"], "error");

    let sarif = success_or_lint(kinja().arg("lint").arg(chart.path()).args(["-o", "sarif"]));
    let parsed: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(parsed["version"], "2.1.0");
    let results = parsed["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[1]["ruleId"], "selector-mismatch");
    assert_eq!(results[1]["level"], "error");
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        8
    );
}

/// The stdout of a lint that found errors (exit 1).
fn success_or_lint(cmd: &mut assert_cmd::Command) -> String {
    let output = cmd.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn any_stream_lints_from_stdin_and_a_chart_that_does_not_render_is_one_error() {
    let rendered = success(kinja().args(["render", "charts/seedapp"]));
    let out = success(
        kinja()
            .args(["lint", "--manifest", "-"])
            .write_stdin(rendered),
    );
    assert_eq!(out, CLEAN);
    let chart = TestChart::new(&[("templates/x.yaml", "a: {{ values.missing.deep }}\n")]);
    let out = success_or_lint(kinja().arg("lint").arg(chart.path()));
    assert!(out.starts_with("error[render-failed]: "), "{out}");
    assert!(out.contains("missing"), "{out}");
    // A warning fails only with --strict.
    let chart = TestChart::new(&[(
        "templates/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: nobody}\n  ports: [{port: 80}]\n",
    )]);
    let out = success(kinja().arg("lint").arg(chart.path()));
    assert!(out.ends_with("0 errors, 1 warning, 0 infos\n"), "{out}");
    success_or_lint(kinja().arg("lint").arg(chart.path()).arg("--strict"));
}

/// Production charts written by others, rendered by the real helm: no
/// errors, and only the warnings we looked at (a Secret the user must
/// provide in metrics-server's existingSecret overlay).
#[test]
fn the_convert_corpus_rendered_by_helm_lints_without_errors() {
    let Some(helm) = find_helm() else {
        assert!(std::env::var("CI").is_err(), "CI must have helm (HELM_BIN)");
        eprintln!("NOT RUN: no helm binary (set HELM_BIN)");
        return;
    };
    let corpus = std::path::Path::new("../shared/convert-corpus");
    let cases = std::fs::read_to_string(corpus.join("cases.psv")).unwrap();
    let mut warnings = Vec::new();
    let mut linted = 0;
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('|').collect();
        let dir = corpus.join(fields[0]);
        let mut helm_cmd = std::process::Command::new(&helm);
        helm_cmd.arg("template").arg("x").arg(&dir);
        if !fields[1].is_empty() {
            helm_cmd.arg("-f").arg(dir.join(fields[1]));
        }
        helm_cmd.args(fields[2].split_whitespace());
        let rendered = helm_cmd.output().unwrap();
        assert!(rendered.status.success(), "helm template {line}");
        let out = kinja()
            .args(["lint", "--manifest", "-"])
            .write_stdin(rendered.stdout)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(0), "{line}:\n{text}");
        warnings.extend(
            text.lines()
                .filter(|l| l.starts_with("warning"))
                .map(|l| format!("{}: {l}", fields[0])),
        );
        linted += 1;
    }
    assert_eq!(linted, 32);
    assert_eq!(
        warnings,
        [
            "metrics-server: warning[config-missing]: Secret metrics-server-existing is not in the release"
        ]
    );
}

#[test]
fn render_validate_fails_on_lint_errors_with_nothing_on_stdout() {
    let chart = broken_chart();
    let err = common::user_error(kinja().arg("render").arg(chart.path()).arg("--validate"));
    assert!(
        err.contains("the render does not pass kinja lint (--validate)"),
        "{err}"
    );
    assert!(err.contains("error[selector-mismatch]"), "{err}");
    // Without the flag the same chart renders; a clean chart renders with it.
    success(kinja().arg("render").arg(chart.path()));
    let out = success(kinja().args(["render", "charts/seedapp", "--validate"]));
    assert!(out.contains("kind: Deployment"), "{out}");
    // The chart's .kinja-lint.yaml turns rules off for lint and --validate alike.
    chart.write(
        ".kinja-lint.yaml",
        b"lint:\n  disable:\n    - rule: selector-mismatch\n      reason: a test of the setting\n    - rule: invalid-value\n      reason: a test\n    - rule: service-target-port\n      reason: a test\n",
    );
    success(kinja().arg("render").arg(chart.path()).arg("--validate"));
    assert_eq!(success(kinja().arg("lint").arg(chart.path())), CLEAN);
}

const BACKUP_CRD: &str = include_str!("fixtures/lint/backup-crd.yaml");

const BACKUP: &str = "apiVersion: example.com/v1
kind: Backup
metadata:
  name: nightly
spec:
  schedule: '0 3 * * *'
  kepe: 7
";

#[test]
fn custom_resources_are_checked_against_the_crds_of_the_chart_and_its_subcharts() {
    // The chart's own crds/ folder.
    let chart = TestChart::new(&[
        ("crds/backup.yaml", BACKUP_CRD),
        ("templates/backup.yaml", BACKUP),
    ]);
    let out = kinja().arg("lint").arg(chart.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[unknown-field]: spec of a Backup has no field \"kepe\""),
        "{text}"
    );
    assert!(text.contains("did you mean keep?"), "{text}");
    assert!(
        text.contains("demo/templates/backup.yaml:7 (Backup/nightly, spec.kepe)"),
        "{text}"
    );
    // A subchart's crds/ count for the parent's resources too; fixed, it is clean.
    let parent = TestChart::new(&[
        (
            "charts/backups/Chart.yaml",
            "apiVersion: v2\nname: backups\nversion: 1.0.0\n",
        ),
        ("charts/backups/crds/backup.yaml", BACKUP_CRD),
        ("templates/backup.yaml", &BACKUP.replace("kepe", "keep")),
    ]);
    assert_eq!(success(kinja().arg("lint").arg(parent.path())), CLEAN);
    // A crds/ file that does not read is an error naming it.
    let broken = TestChart::new(&[
        ("crds/backup.yaml", "kind: [\n"),
        ("templates/backup.yaml", BACKUP),
    ]);
    let out = kinja().arg("lint").arg(broken.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[invalid-yaml]"), "{text}");
    assert!(text.contains("demo/crds/backup.yaml:1"), "{text}");
    // Without the CRD the resource is unchecked: one info, exit 0.
    let alone = TestChart::new(&[("templates/backup.yaml", BACKUP)]);
    let out = success(kinja().arg("lint").arg(alone.path()));
    assert!(out.contains("info[unchecked-kind]"), "{out}");
    assert!(out.ends_with("0 errors, 0 warnings, 1 info\n"), "{out}");
}

#[test]
fn composed_and_packaged_charts_lint_like_folders() {
    for chart in [
        "charts/composed",
        "charts/stack",
        "charts/nodeps",
        "charts/unlisted",
    ] {
        assert_eq!(
            success(kinja().args(["lint", chart])),
            CLEAN,
            "kinja lint {chart}"
        );
    }
    // A subchart's mistake names the subchart's template.
    let parent = TestChart::new(&[
        (
            "charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        ),
        (
            "charts/web/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  port: 8080\n",
        ),
    ]);
    let out = kinja().arg("lint").arg(parent.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[wrong-type]: data.port is an integer (8080), not a string"),
        "{text}"
    );
    assert!(
        text.contains("demo/charts/web/templates/cm.yaml:6"),
        "{text}"
    );
    // The same chart packaged lints the same.
    let dir = tempfile::tempdir().unwrap();
    success(
        kinja()
            .arg("package")
            .arg(parent.path())
            .arg("-d")
            .arg(dir.path()),
    );
    let archive = dir.path().join("demo-0.1.0.tgz");
    let packaged = kinja().arg("lint").arg(&archive).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&packaged.stdout), text);
    assert_eq!(packaged.status.code(), Some(1));
}

#[test]
fn the_kube_version_chooses_the_schemas_objects_are_checked_against() {
    let policy = "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata:\n  name: p\nspec: {}\n";
    assert_eq!(
        success(
            kinja()
                .args(["lint", "--manifest", "-"])
                .write_stdin(policy)
        ),
        CLEAN
    );
    let out = kinja()
        .args(["lint", "--manifest", "-", "--kube-version", "1.33"])
        .write_stdin(policy)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[unserved-api]: Kubernetes 1.33 does not serve MutatingAdmissionPolicy in admissionregistration.k8s.io/v1beta1"),
        "{text}"
    );
}

#[test]
fn a_value_no_template_reads_is_a_warning() {
    let out = success(kinja().args(["lint", "charts/seedapp", "--set", "image.tagg=1.26"]));
    assert!(
        out.contains(
            "warning[unused-value]: the value image.tagg is given, but no template reads it"
        ),
        "{out}"
    );
    assert!(out.contains("did you mean image.tag?"), "{out}");
    assert!(out.ends_with("0 errors, 1 warning, 0 infos\n"), "{out}");
    let strict = kinja()
        .args([
            "lint",
            "charts/seedapp",
            "--strict",
            "--set",
            "image.tagg=1.26",
        ])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    // A template reading a key beside the one the chart defines.
    let chart = TestChart::new(&[
        ("values.yaml", "autoscaling:\n  enabled: false\n"),
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{% if values.autoscaling.enable %}data: {}\n{% endif %}",
        ),
    ]);
    let out = success(kinja().arg("lint").arg(chart.path()));
    assert!(
        out.contains("warning[undefined-value]: templates read autoscaling.enable, but no values source defines it"),
        "{out}"
    );
    assert!(out.contains("demo/templates/cm.yaml"), "{out}");
}
