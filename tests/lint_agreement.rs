//! kinja lint's object checks agree with an independent validator: the PyPI
//! package kubernetes-validate (Kubernetes' JSON schemas, strict, offline),
//! run by tests/support/kube_validate.py with the Python that
//! `KUBE_VALIDATE_PYTHON` names (`.ci/run` installs it in a virtual
//! environment). Both judge every document of the example charts' renders
//! and a corpus of broken documents, one defect each, and must agree on
//! which are valid.

mod common;

use common::{kinja, success};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The schemas both sides use: the minor `kinja render` assumes.
const KUBE_VERSION: &str = "1.35.0";

fn validator() -> Option<PathBuf> {
    let python = std::env::var_os("KUBE_VALIDATE_PYTHON").filter(|p| !p.is_empty());
    if python.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have kubernetes-validate (KUBE_VALIDATE_PYTHON)"
        );
        eprintln!(
            "NOT RUN: no kubernetes-validate (set KUBE_VALIDATE_PYTHON to a Python that has it)"
        );
    }
    python.map(PathBuf::from)
}

/// kubernetes-validate's verdict on each document of `file`, by `Kind/name`.
fn kube_validate(python: &Path, file: &Path) -> Vec<(String, String, String)> {
    let out = std::process::Command::new(python)
        .arg("tests/support/kube_validate.py")
        .arg(KUBE_VERSION)
        .arg(file)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "kube_validate.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let text = |k: &str| v[k].as_str().unwrap().to_string();
            (text("resource"), text("verdict"), text("message"))
        })
        .collect()
}

/// kinja's diagnostics on `file`, by resource: (severity, rule, message).
fn kinja_diagnostics(file: &Path) -> HashMap<String, Vec<(String, String, String)>> {
    let out = kinja()
        .args(["lint", "-o", "json", "--manifest"])
        .arg(file)
        .output()
        .unwrap();
    let diagnostics: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut by_resource: HashMap<String, Vec<_>> = HashMap::new();
    for d in diagnostics {
        let text = |k: &str| d[k].as_str().unwrap_or("").to_string();
        by_resource.entry(text("resource")).or_default().push((
            text("severity"),
            text("rule"),
            text("message"),
        ));
    }
    by_resource
}

fn errors_of(diagnostics: &[(String, String, String)]) -> Vec<&str> {
    diagnostics
        .iter()
        .filter(|(severity, ..)| severity == "error")
        .map(|(_, rule, _)| rule.as_str())
        .collect()
}

/// The documents of a fixture with the rule its `# defect:` comment names.
fn defects(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    text.split("\n---\n")
        .map(|doc| {
            let line = |prefix: &str| {
                doc.lines()
                    .find_map(|l| l.strip_prefix(prefix))
                    .unwrap_or_else(|| panic!("no {prefix:?} in\n{doc}"))
                    .trim()
                    .to_string()
            };
            let resource = format!("{}/{}", line("kind: "), line("  name: "));
            (resource, line("# defect: "))
        })
        .collect()
}

/// Runs both over a fixture of `# defect:` documents: kinja must report
/// exactly the rule each names, kubernetes-validate the verdict `theirs`
/// gives for that rule.
fn judge_defects(python: &Path, file: &Path, theirs: impl Fn(&str) -> &'static str) -> usize {
    let expected = defects(file);
    let verdicts = kube_validate(python, file);
    assert_eq!(verdicts.len(), expected.len());
    let ours = kinja_diagnostics(file);
    for ((resource, rule), (their_resource, verdict, message)) in expected.iter().zip(&verdicts) {
        assert_eq!(resource, their_resource);
        assert_eq!(
            verdict,
            theirs(rule),
            "kubernetes-validate on {resource}: {message}"
        );
        let found = ours.get(resource).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(
            errors_of(found),
            [rule.as_str()],
            "kinja on {resource} (kubernetes-validate: {message}): {found:?}"
        );
    }
    expected.len()
}

#[test]
fn broken_documents_are_invalid_to_both_with_the_one_defect_each_has() {
    let Some(python) = validator() else { return };
    let file = Path::new("tests/fixtures/lint/broken-objects.yaml");
    let judged = judge_defects(&python, file, |_| "invalid");
    assert!(judged >= 40, "{judged} documents");
}

#[test]
fn what_the_schemas_cannot_express_only_kinja_refuses() {
    let Some(python) = validator() else { return };
    let file = Path::new("tests/fixtures/lint/beyond-schema.yaml");
    // The documented difference: their schemas pass these (or have none).
    judge_defects(&python, file, |rule| match rule {
        "unserved-api" => "no-schema",
        _ => "valid",
    });
}

#[test]
fn every_document_the_example_charts_render_is_valid_to_both() {
    let Some(python) = validator() else { return };
    let dir = tempfile::tempdir().unwrap();
    let starter = dir.path().join("web");
    success(kinja().arg("create").arg(&starter));
    let starter = starter.display().to_string();
    let mut renders: Vec<Vec<String>> = vec![
        vec![
            "charts/fleet".into(),
            "-f".into(),
            "charts/fleet/ci/twelve-apps.yaml".into(),
        ],
        vec![
            starter,
            "--set".into(),
            "ingress.enabled=true,persistence.enabled=true,autoscaling.enabled=true".into(),
        ],
    ];
    for chart in [
        "seedapp", "fleet", "composed", "stack", "nodeps", "unlisted",
    ] {
        renders.push(vec![format!("charts/{chart}")]);
    }
    for overlay in std::fs::read_dir("charts/seedapp/ci").unwrap() {
        let path = overlay.unwrap().path().display().to_string();
        renders.push(vec!["charts/seedapp".into(), "-f".into(), path]);
    }
    let mut documents = 0;
    for (i, args) in renders.iter().enumerate() {
        let file = dir.path().join(format!("render-{i}.yaml"));
        std::fs::write(&file, success(kinja().arg("render").args(args))).unwrap();
        let ours = kinja_diagnostics(&file);
        let errors: Vec<_> = ours.values().flat_map(|found| errors_of(found)).collect();
        assert_eq!(errors, Vec::<&str>::new(), "kinja on {args:?}: {ours:?}");
        for (resource, verdict, message) in kube_validate(&python, &file) {
            let found = ours.get(&resource).map(Vec::as_slice).unwrap_or_default();
            assert_eq!(
                verdict, "valid",
                "kubernetes-validate on {resource} of {args:?}: {message}"
            );
            assert_eq!(
                errors_of(found),
                Vec::<&str>::new(),
                "kinja on {resource} of {args:?}"
            );
            documents += 1;
        }
    }
    assert!(documents >= 60, "{documents} documents checked");
}
