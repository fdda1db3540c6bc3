//! `kinja diff`: each subcommand, its output forms and its exit codes, and
//! snapshots of the diffs between the example overlays of seedapp.

mod common;

use common::{kinja, success, user_error};
use std::path::Path;

const CHART: &str = "charts/seedapp";

fn render(args: &[&str]) -> String {
    success(
        kinja()
            .args(["render", CHART, "--name", "shop", "-n", "web"])
            .args(args),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// `kinja diff files` of two renders, without colour.
fn diff_renders(old: &[&str], new: &[&str], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", &render(old));
    let new = write(dir.path(), "new.yaml", &render(new));
    success(
        kinja()
            .args(["diff", "files", &old, &new, "-n", "web", "--color", "never"])
            .args(extra),
    )
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn values_change() {
    snapshot(
        "diff-values-change",
        &diff_renders(&[], &["--set", "replicaCount=5,image.tag=1.20.0"], &[]),
    );
}

#[test]
fn ingress_added() {
    snapshot(
        "diff-ingress-added",
        &diff_renders(&[], &["--set", "ingress.enabled=true"], &[]),
    );
}

#[test]
fn pvc_removed() {
    let todo = ["-f", "charts/seedapp/ci/todo-app.yaml"];
    let out = diff_renders(
        &todo,
        &[
            "-f",
            "charts/seedapp/ci/todo-app.yaml",
            "--set",
            "persistence.enabled=false",
        ],
        &[],
    );
    snapshot("diff-pvc-removed", &out);
}

#[test]
fn secret_changed_and_masked() {
    let todo = ["-f", "charts/seedapp/ci/todo-app.yaml"];
    let out = diff_renders(
        &todo,
        &[
            "-f",
            "charts/seedapp/ci/todo-app.yaml",
            "--set",
            "secret.data.MYSQL_PASSWORD=other",
        ],
        &[],
    );
    assert!(
        !out.contains("c2VjcmV0") && !out.contains("b3RoZXI="),
        "no secret value, not even base64:\n{out}"
    );
    snapshot("diff-secret-masked", &out);
    let shown = diff_renders(
        &todo,
        &[
            "-f",
            "charts/seedapp/ci/todo-app.yaml",
            "--set",
            "secret.data.MYSQL_PASSWORD=other",
        ],
        &["--show-secrets"],
    );
    assert!(shown.contains("+  MYSQL_PASSWORD: b3RoZXI="), "{shown}");
}

#[test]
fn rename() {
    let out = diff_renders(
        &["--set", "fullnameOverride=shop-a"],
        &["--set", "fullnameOverride=shop-b"],
        &["--find-renames", "0.5"],
    );
    snapshot("diff-rename", &out);
}

#[test]
fn simple_and_json_outputs() {
    let simple = diff_renders(
        &[],
        &["--set", "ingress.enabled=true,replicaCount=1"],
        &["-o", "simple"],
    );
    assert_eq!(
        simple,
        "~ changed   apps/v1 Deployment web/shop-seedapp\n+ added     networking.k8s.io/v1 Ingress web/shop-seedapp\n1 to add, 1 to change, 0 to remove\n"
    );
    let json = diff_renders(&[], &["--set", "replicaCount=1"], &["-o", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let changes: Vec<_> = parsed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["unchanged", "changed"]);
    assert_eq!(parsed["summary"]["change"], 1);
}

#[test]
fn detailed_exitcode_is_two_for_changes_and_zero_without() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.yaml", &render(&[]));
    let b = write(dir.path(), "b.yaml", &render(&["--set", "replicaCount=9"]));
    kinja()
        .args(["diff", "files", &a, &b, "--detailed-exitcode"])
        .assert()
        .code(2);
    kinja()
        .args(["diff", "files", &a, &a, "--detailed-exitcode"])
        .assert()
        .code(0);
    kinja().args(["diff", "files", &a, &b]).assert().code(0);
    let err = user_error(kinja().args(["diff", "files", &a, "nope.yaml"]));
    assert!(err.contains("nope.yaml: no such file"), "{err}");
}

#[test]
fn files_from_stdin_and_colours() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.yaml", &render(&[]));
    let new = render(&["--set", "replicaCount=9"]);
    let out = success(
        kinja()
            .args(["diff", "files", &a, "-", "--color", "always"])
            .write_stdin(new.clone()),
    );
    assert!(out.contains("\x1b[32m+  replicas: 9"), "{out}");
    let plain = success(
        kinja()
            .args(["diff", "files", &a, "-"])
            .env("NO_COLOR", "1")
            .write_stdin(new),
    );
    assert!(!plain.contains('\x1b'), "{plain}");
}

#[test]
fn upgrade_revision_and_rollback_against_the_store() {
    let store = tempfile::tempdir().unwrap();
    let s = store.path().to_str().unwrap();
    success(kinja().args(["release", "shop", CHART, "-n", "web", "--store", s]));
    success(kinja().args([
        "release",
        "shop",
        CHART,
        "-n",
        "web",
        "--store",
        s,
        "--set",
        "replicaCount=4",
    ]));

    let upgrade = success(kinja().args([
        "diff",
        "upgrade",
        "shop",
        CHART,
        "-n",
        "web",
        "--store",
        s,
        "--set",
        "replicaCount=4,ingress.enabled=true",
        "-o",
        "simple",
    ]));
    assert!(
        upgrade.contains("+ added     networking.k8s.io/v1 Ingress web/shop-seedapp"),
        "{upgrade}"
    );
    assert!(
        upgrade.ends_with("1 to add, 0 to change, 0 to remove\n"),
        "{upgrade}"
    );

    let revision = success(kinja().args([
        "diff", "revision", "shop", "1", "2", "-n", "web", "--store", s, "--color", "never",
    ]));
    assert!(
        revision.contains("-  replicas: 3\n+  replicas: 4"),
        "{revision}"
    );
    let rollback = success(kinja().args([
        "diff", "rollback", "shop", "1", "-n", "web", "--store", s, "--color", "never",
    ]));
    assert!(
        rollback.contains("-  replicas: 4\n+  replicas: 3"),
        "{rollback}"
    );

    let err =
        user_error(kinja().args(["diff", "revision", "shop", "7", "-n", "web", "--store", s]));
    assert!(err.contains("has no revision 7"), "{err}");
    let fresh = success(kinja().args([
        "diff", "upgrade", "new-one", CHART, "--store", s, "-o", "simple",
    ]));
    assert!(
        fresh.ends_with("2 to add, 0 to change, 0 to remove\n"),
        "{fresh}"
    );
}

#[test]
fn broken_manifests_are_user_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.yaml", "kind: [\n");
    let good = write(dir.path(), "good.yaml", &render(&[]));
    let err = user_error(kinja().args(["diff", "files", &bad, &good]));
    assert!(err.contains("bad.yaml"), "{err}");
}

#[test]
fn documents_that_hold_nothing_are_no_resources() {
    let dir = tempfile::tempdir().unwrap();
    let config = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n";
    let old = write(dir.path(), "old.yaml", config);
    // A trailing separator, a null and a `~` document, as templates leave them.
    let new = write(
        dir.path(),
        "new.yaml",
        &format!("{config}---\n---\nnull\n---\n# nothing here\n~\n---\n"),
    );
    let out = success(kinja().args([
        "diff",
        "files",
        &old,
        &new,
        "--color",
        "never",
        "--detailed-exitcode",
    ]));
    assert_eq!(out, "No changes.\n0 to add, 0 to change, 0 to remove\n");
}

#[test]
fn rename_and_line_flags_as_helm_diff_spells_them() {
    let old = &["--set", "fullnameOverride=shop-a"];
    let new = &["--set", "fullnameOverride=shop-b"];
    // -D is --find-renames; 0 turns detection off.
    let short = diff_renders(old, new, &["-D", "0.5", "-o", "simple"]);
    assert!(
        short.ends_with("0 to add, 0 to change, 0 to remove, 2 to rename\n"),
        "{short}"
    );
    let off = diff_renders(old, new, &["-D", "0", "-o", "simple"]);
    assert!(
        off.ends_with("2 to add, 0 to change, 2 to remove\n"),
        "{off}"
    );
    // Hidden lines are left out of the diff but the change still counts.
    let hidden = diff_renders(
        &[],
        &["--set", "image.tag=1.20.0"],
        &["--suppress-output-line-regex", "version|image:"],
    );
    assert!(!hidden.contains("1.20.0"), "{hidden}");
    assert!(hidden.contains("1 to change"), "{hidden}");
    let error = user_error(kinja().args([
        "diff",
        "files",
        "a",
        "b",
        "--suppress-output-line-regex",
        "(",
    ]));
    assert!(error.contains("not a regular expression"), "{error}");
}

#[test]
fn suppressing_a_kind_no_resource_has_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", &render(&[]));
    let output = kinja()
        .args(["diff", "files", &old, &old, "--suppress", "Secrets"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--suppress Secrets: neither manifest holds a resource of that kind"),
        "{stderr}"
    );
}

#[test]
fn diff_files_errors_name_the_file_and_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "good.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    let bad = write(dir.path(), "bad.yaml", "apiVersion: v1\nkind: [\n");
    let error = user_error(kinja().args(["diff", "files", &good, &bad]));
    assert!(error.contains("bad.yaml:2: not valid YAML"), "{error}");
    assert!(!error.contains("rendered output"), "{error}");
    let twice = write(
        dir.path(),
        "twice.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {a: b}\n",
    );
    let error = user_error(kinja().args(["diff", "files", &good, &twice]));
    assert!(
        error.contains("twice.yaml:1: two documents are the same resource (v1 ConfigMap default/x, also at line 6)"),
        "{error}"
    );
}
