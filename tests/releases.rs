//! Releases: recording renders as revisions, reading them back, and keeping
//! the store whole under concurrency and corruption.

mod common;

use common::{kinja, success, user_error};
use std::path::Path;
use tempfile::TempDir;

const CHART: &str = "charts/seedapp";

fn store() -> TempDir {
    tempfile::tempdir().unwrap()
}

fn release(store: &Path, args: &[&str]) -> String {
    success(
        kinja()
            .args(["release", "shop", CHART, "-n", "web", "--store"])
            .arg(store)
            .args(args),
    )
}

fn cmd(store: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = kinja();
    cmd.args(args).arg("--store").arg(store);
    cmd
}

/// The revision numbers of shop's history and the parsed `history -o json`.
fn history_json(store: &Path) -> (Vec<u64>, serde_json::Value) {
    let history = success(&mut cmd(
        store,
        &["history", "shop", "-n", "web", "-o", "json"],
    ));
    let rows: serde_json::Value = serde_json::from_str(&history).unwrap();
    let revisions = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_u64().unwrap())
        .collect();
    (revisions, rows)
}

/// The `status` of each row of `history -o json`.
fn statuses_of(rows: &serde_json::Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn each_release_records_the_next_revision_and_supersedes_the_last() {
    let dir = store();
    let first = release(dir.path(), &[]);
    assert!(
        first.contains("revision 1 deployed (seedapp-1.4.0)"),
        "{first}"
    );

    assert!(
        first.contains("2 to add, 0 to change, 0 to remove"),
        "{first}"
    );
    let second = release(dir.path(), &["--set", "replicaCount=5"]);
    assert!(second.contains("revision 2 deployed"), "{second}");
    assert!(
        second.contains("0 to add, 1 to change, 0 to remove"),
        "{second}"
    );

    let (_, rows) = history_json(dir.path());
    let history = rows.to_string();
    let statuses = statuses_of(&rows);
    assert_eq!(statuses, ["superseded", "deployed"]);
    for field in [
        "revision",
        "updated",
        "status",
        "chart",
        "app_version",
        "description",
    ] {
        assert!(
            rows[0].get(field).is_some(),
            "history -o json lacks {field}: {history}"
        );
    }
    assert_eq!(rows[0]["chart"], "seedapp-1.4.0");
    assert_eq!(rows[1]["description"], "Upgrade complete");

    let table = success(&mut cmd(dir.path(), &["history", "shop", "-n", "web"]));
    assert!(table.starts_with("REVISION  UPDATED"), "{table}");
    assert_eq!(table.lines().count(), 3, "{table}");
}

#[test]
fn the_record_holds_manifest_values_and_notes() {
    let dir = store();
    release(dir.path(), &["--set", "replicaCount=5"]);
    let rendered = success(kinja().args([
        "render",
        CHART,
        "--name",
        "shop",
        "-n",
        "web",
        "--set",
        "replicaCount=5",
    ]));
    let manifest = success(&mut cmd(
        dir.path(),
        &["get", "manifest", "shop", "-n", "web"],
    ));
    assert_eq!(manifest, rendered);
    let user = success(&mut cmd(
        dir.path(),
        &["get", "values", "shop", "-n", "web"],
    ));
    assert_eq!(user, "replicaCount: 5\n");
    let merged = success(&mut cmd(
        dir.path(),
        &["get", "values", "shop", "-n", "web", "--all"],
    ));
    assert!(
        merged.contains("replicaCount: 5\n") && merged.contains("tier: frontend"),
        "{merged}"
    );
    let notes = success(&mut cmd(dir.path(), &["get", "notes", "shop", "-n", "web"]));
    assert!(
        notes.contains("shop-seedapp is rendered with 5 replicas."),
        "{notes}"
    );
    let record = std::fs::read_to_string(dir.path().join("web/shop/v1.yaml")).unwrap();
    assert!(
        record.contains("manifest: |\n"),
        "records are readable YAML:\n{record}"
    );
}

#[test]
fn rollback_records_a_new_revision_with_the_old_manifest() {
    let dir = store();
    release(dir.path(), &[]);
    release(dir.path(), &["--set", "replicaCount=7"]);
    let out = success(&mut cmd(dir.path(), &["rollback", "shop", "-n", "web"]));
    assert!(out.contains("to revision 1: new revision 3"), "{out}");
    let first = success(&mut cmd(
        dir.path(),
        &["get", "manifest", "shop", "-n", "web", "--revision", "1"],
    ));
    let third = success(&mut cmd(
        dir.path(),
        &["get", "manifest", "shop", "-n", "web"],
    ));
    assert_eq!(first, third);
    let history = success(&mut cmd(
        dir.path(),
        &["history", "shop", "-n", "web", "-o", "json"],
    ));
    assert!(history.contains("Rollback to 1"), "{history}");
}

#[test]
fn list_and_uninstall() {
    let dir = store();
    release(dir.path(), &[]);
    success(
        kinja()
            .args(["release", "other", CHART, "-n", "ops", "--store"])
            .arg(dir.path()),
    );
    let here = success(&mut cmd(dir.path(), &["list", "-n", "web"]));
    assert!(here.contains("shop") && !here.contains("other"), "{here}");
    let all = success(&mut cmd(dir.path(), &["list", "-A"]));
    assert!(all.contains("shop") && all.contains("other"), "{all}");

    success(&mut cmd(
        dir.path(),
        &["uninstall", "other", "-n", "ops", "--keep-history"],
    ));
    let kept = success(&mut cmd(dir.path(), &["history", "other", "-n", "ops"]));
    assert!(kept.contains("uninstalled"), "{kept}");
    success(&mut cmd(dir.path(), &["uninstall", "shop", "-n", "web"]));
    let err = user_error(&mut cmd(dir.path(), &["history", "shop", "-n", "web"]));
    assert!(
        err.contains("release \"shop\" not found in namespace \"web\""),
        "{err}"
    );
}

#[test]
fn history_max_prunes_the_oldest_revisions() {
    let dir = store();
    for _ in 0..4 {
        release(dir.path(), &["--history-max", "2"]);
    }
    let (revisions, _) = history_json(dir.path());
    assert_eq!(revisions, [3, 4]);
}

#[test]
fn eight_concurrent_releases_get_revisions_one_to_eight() {
    let dir = store();
    let children: Vec<_> = (0..8)
        .map(|i| {
            std::process::Command::new(common::kinja_binary())
                .args(["release", "shop", CHART, "-n", "web", "--set"])
                .arg(format!("replicaCount={}", i + 1))
                .arg("--store")
                .arg(dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut reported = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let revision: u64 = stdout
            .split("revision ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no revision in {stdout}"));
        reported.push((revision, i + 1));
    }
    let (revisions, rows) = history_json(dir.path());
    assert_eq!(revisions, (1..=8).collect::<Vec<_>>());
    // Each writer's revision holds what that writer rendered: nobody
    // overwrote anybody.
    for (revision, replicas) in reported {
        let values = success(&mut cmd(
            dir.path(),
            &[
                "get",
                "values",
                "shop",
                "-n",
                "web",
                "--revision",
                &revision.to_string(),
            ],
        ));
        assert_eq!(
            values.trim(),
            format!("replicaCount: {replicas}"),
            "revision {revision}"
        );
    }
    let deployed = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "deployed")
        .count();
    assert_eq!(deployed, 1, "exactly one revision is deployed: {rows}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("web/shop"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );
}

#[test]
fn a_truncated_record_is_reported_with_its_path() {
    let dir = store();
    release(dir.path(), &[]);
    let path = dir.path().join("web/shop/v1.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let err = user_error(&mut cmd(
        dir.path(),
        &["get", "manifest", "shop", "-n", "web"],
    ));
    assert!(
        err.contains("v1.yaml") && err.contains("cut short"),
        "{err}"
    );
    let err = user_error(&mut cmd(dir.path(), &["history", "shop", "-n", "web"]));
    assert!(err.contains("cut short"), "history does not skip it: {err}");
    // Nothing is written on top of a broken record.
    let err = user_error(
        kinja()
            .args(["release", "shop", CHART, "-n", "web", "--store"])
            .arg(dir.path()),
    );
    assert!(err.contains("cut short"), "{err}");
    assert!(!dir.path().join("web/shop/v2.yaml").exists());
}

#[test]
fn a_hand_edited_record_fails_its_checksum() {
    let dir = store();
    release(dir.path(), &[]);
    let path = dir.path().join("web/shop/v1.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("replicas: 3", "replicas: 30")).unwrap();
    let err = user_error(&mut cmd(
        dir.path(),
        &["get", "manifest", "shop", "-n", "web", "--revision", "1"],
    ));
    assert!(err.contains("v1.yaml") && err.contains("checksum"), "{err}");
}

#[test]
fn a_missing_revision_is_an_error_listing_what_exists() {
    let dir = store();
    release(dir.path(), &[]);
    release(dir.path(), &[]);
    let err = user_error(&mut cmd(
        dir.path(),
        &["get", "manifest", "shop", "-n", "web", "--revision", "9"],
    ));
    assert!(err.contains("has no revision 9 (it has 1, 2)"), "{err}");
}

#[test]
fn bad_release_names_are_refused() {
    let dir = store();
    let err = user_error(
        kinja()
            .args(["release", "Shop_1", CHART, "--store"])
            .arg(dir.path()),
    );
    assert!(err.contains("release name \"Shop_1\" is invalid"), "{err}");
}

#[test]
fn namespaces_must_be_dns_labels_so_they_stay_inside_the_store() {
    let dir = store();
    let err = user_error(
        kinja()
            .args(["release", "shop", CHART, "-n", "../escape", "--store"])
            .arg(dir.path()),
    );
    assert!(err.contains("namespace \"../escape\" is invalid"), "{err}");
    let err = user_error(&mut cmd(
        dir.path(),
        &["history", "shop", "-n", "../../etc"],
    ));
    assert!(err.contains("is invalid"), "{err}");
}

#[test]
fn a_failed_render_records_nothing() {
    let dir = store();
    let err = user_error(
        kinja()
            .args([
                "release",
                "shop",
                CHART,
                "-n",
                "web",
                "--set",
                "service.type=ExternalName",
                "--store",
            ])
            .arg(dir.path()),
    );
    assert!(err.contains("service.externalName is required"), "{err}");
    assert!(!dir.path().join("web/shop/v1.yaml").exists());
}

#[test]
fn a_render_with_one_resource_twice_is_refused_before_anything_is_written() {
    let twice = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rev\n";
    let chart = common::TestChart::new(&[("templates/a.yaml", twice), ("templates/b.yaml", twice)]);
    let dir = store();
    let err = user_error(
        kinja()
            .args(["release", "dup"])
            .arg(chart.path())
            .arg("--store")
            .arg(dir.path()),
    );
    assert!(
        err.contains("v1 ConfigMap default/rev is rendered twice, by demo/templates/a.yaml (output line 1) and by demo/templates/b.yaml (output line 1)"),
        "{err}"
    );
    // `render` prints it, as Helm does, and warns.
    let output = chart.render(&[]).output().unwrap();
    assert!(output.status.success());
    let warning = String::from_utf8_lossy(&output.stderr);
    assert!(
        warning.contains("warning: v1 ConfigMap default/rev is rendered twice"),
        "{warning}"
    );
    let err = user_error(&mut cmd(dir.path(), &["history", "dup"]));
    assert!(err.contains("not found"), "nothing was recorded: {err}");
}

#[test]
fn after_uninstall_with_kept_history_the_next_release_is_an_install() {
    let dir = store();
    release(dir.path(), &[]);
    success(&mut cmd(
        dir.path(),
        &["uninstall", "shop", "-n", "web", "--keep-history"],
    ));
    let again = user_error(&mut cmd(
        dir.path(),
        &["uninstall", "shop", "-n", "web", "--keep-history"],
    ));
    assert!(again.contains("already uninstalled"), "{again}");

    let listed = success(&mut cmd(dir.path(), &["list", "-n", "web"]));
    assert!(!listed.contains("shop"), "hidden as in Helm: {listed}");
    for flag in ["--uninstalled", "--all"] {
        let listed = success(&mut cmd(dir.path(), &["list", "-n", "web", flag]));
        assert!(listed.contains("uninstalled"), "{flag}: {listed}");
    }

    let preview = success(&mut cmd(
        dir.path(),
        &[
            "diff", "upgrade", "shop", CHART, "-n", "web", "-o", "simple",
        ],
    ));
    assert!(preview.contains("2 to add, 0 to change"), "{preview}");
    let reinstall = release(dir.path(), &[]);
    assert!(
        reinstall.contains("revision 2 deployed") && reinstall.contains("2 to add, 0 to change"),
        "{reinstall}"
    );
    let (_, rows) = history_json(dir.path());
    assert_eq!(rows[1]["description"], "Install complete");
}

#[test]
fn a_corrupt_old_record_stops_the_release_instead_of_being_pruned() {
    let dir = store();
    release(dir.path(), &[]);
    release(dir.path(), &[]);
    let first = dir.path().join("web/shop/v1.yaml");
    let text = std::fs::read_to_string(&first).unwrap();
    let edited = text.replace("Install complete", "Install completed");
    assert_ne!(edited, text);
    std::fs::write(&first, edited).unwrap();
    let err = user_error(
        kinja()
            .args(["release", "shop", CHART, "-n", "web", "--history-max", "1"])
            .arg("--store")
            .arg(dir.path()),
    );
    assert!(err.contains("v1.yaml") && err.contains("checksum"), "{err}");
    assert!(
        first.exists(),
        "the corrupt record is kept for the user to see"
    );
    assert!(!dir.path().join("web/shop/v3.yaml").exists());
}

#[test]
fn uninstall_racing_releases_never_lets_two_writers_in() {
    for _ in 0..4 {
        let dir = store();
        release(dir.path(), &[]);
        let spawn = |args: &[&str]| {
            std::process::Command::new(common::kinja_binary())
                .args(args)
                .arg("--store")
                .arg(dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let release_args = ["release", "shop", CHART, "-n", "web"];
        let mut children: Vec<_> = (0..3).map(|_| spawn(&release_args)).collect();
        children.push(spawn(&["uninstall", "shop", "-n", "web"]));
        children.extend((0..3).map(|_| spawn(&release_args)));
        for child in children {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success() || stderr.contains("not found"),
                "only an uninstall that finds nothing may fail: {stderr}"
            );
        }
        if let Ok(listed) = std::fs::read_dir(dir.path().join("web/shop")) {
            let mut revisions: Vec<u64> = listed
                .filter_map(|e| {
                    let name = e.unwrap().file_name().into_string().unwrap();
                    name.strip_prefix('v')?.strip_suffix(".yaml")?.parse().ok()
                })
                .collect();
            revisions.sort_unstable();
            let first = revisions.first().copied().unwrap_or(1);
            assert_eq!(
                revisions,
                (first..first + revisions.len() as u64).collect::<Vec<_>>(),
                "consecutive revisions, none lost"
            );
        }
    }
}

#[test]
fn all_is_an_option_of_get_values_only() {
    let dir = store();
    release(dir.path(), &[]);
    let merged = success(&mut cmd(
        dir.path(),
        &["get", "values", "shop", "-n", "web", "--all"],
    ));
    assert!(merged.contains("replicaCount"), "{merged}");
    let err = user_error(&mut cmd(
        dir.path(),
        &["get", "manifest", "shop", "-n", "web", "--all"],
    ));
    assert!(err.contains("--all"), "{err}");
}

#[test]
fn an_older_revision_left_deployed_by_a_crash_is_superseded_by_the_next_release() {
    let dir = store();
    release(dir.path(), &[]);
    release(dir.path(), &[]);
    // What a crash between writing v2 and superseding v1 leaves behind.
    let first = dir.path().join("web/shop/v1.yaml");
    let mut record =
        kinja::store::Record::from_text(&std::fs::read_to_string(&first).unwrap()).unwrap();
    record.status = kinja::store::Status::Deployed;
    std::fs::write(&first, record.to_text()).unwrap();

    release(dir.path(), &[]);
    let (_, rows) = history_json(dir.path());
    let statuses = statuses_of(&rows);
    assert_eq!(statuses, ["superseded", "superseded", "deployed"]);
}

#[test]
fn a_long_or_multi_line_description_cannot_break_the_history_table() {
    let dir = store();
    let long = "a".repeat(70_000);
    release(dir.path(), &["--description", &long]);
    release(dir.path(), &["--description", "x\nchecksum: sha256:00"]);
    let table = success(&mut cmd(dir.path(), &["history", "shop", "-n", "web"]));
    assert_eq!(table.lines().count(), 3, "a header and two rows: {table}");
    assert!(
        table.contains("x\\nchecksum") && table.contains("aaa..."),
        "{table}"
    );
}

#[test]
fn stray_files_in_a_release_folder_are_not_revisions_and_broken_links_are_errors() {
    let dir = store();
    release(dir.path(), &[]);
    release(dir.path(), &[]);
    let folder = dir.path().join("web/shop");
    std::fs::write(folder.join("v01.yaml"), "junk").unwrap();
    let (revisions, _) = history_json(dir.path());
    assert_eq!(revisions, [1, 2], "v01.yaml is not revision 1");
    release(dir.path(), &["--history-max", "2"]);
    assert_eq!(history_json(dir.path()).0, [2, 3]);

    std::os::unix::fs::symlink("nowhere", folder.join("v4.yaml")).unwrap();
    let err = user_error(&mut cmd(dir.path(), &["history", "shop", "-n", "web"]));
    assert!(
        err.contains("v4.yaml"),
        "a broken record is not skipped: {err}"
    );
}

#[test]
fn records_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = store();
    release(dir.path(), &[]);
    let mode = std::fs::metadata(dir.path().join("web/shop/v1.yaml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "records may hold secrets");
}

#[test]
fn install_and_upgrade_follow_helms_rules_and_template_is_render() {
    let dir = store();
    let err = user_error(&mut cmd(
        dir.path(),
        &["upgrade", "shop", CHART, "-n", "web"],
    ));
    assert!(
        err.contains("release \"shop\" has no deployed revision in namespace \"web\"")
            && err.contains("--install"),
        "{err}"
    );
    let installed = success(&mut cmd(
        dir.path(),
        &["install", "shop", CHART, "-n", "web"],
    ));
    assert!(
        installed.starts_with("Release \"shop\" in namespace \"web\": revision 1 deployed"),
        "{installed}"
    );
    let err = user_error(&mut cmd(
        dir.path(),
        &["install", "shop", CHART, "-n", "web"],
    ));
    assert!(
        err.contains("already exists in namespace \"web\" (revision 1)"),
        "{err}"
    );
    success(&mut cmd(
        dir.path(),
        &[
            "upgrade",
            "shop",
            CHART,
            "-n",
            "web",
            "--set",
            "replicaCount=5",
        ],
    ));
    success(&mut cmd(
        dir.path(),
        &["upgrade", "--install", "cart", CHART, "-n", "web"],
    ));
    let (revisions, rows) = history_json(dir.path());
    assert_eq!(revisions, [1, 2]);
    assert_eq!(rows[1]["description"], "Upgrade complete");

    let template = success(kinja().args(["template", CHART]));
    let render = success(kinja().args(["render", CHART]));
    assert_eq!(template, render);
    let err = user_error(kinja().args(["relase", "shop", CHART]));
    assert!(
        err.contains("tip: some similar subcommands exist: 'template', 'create', 'release'"),
        "{err}"
    );
    let err = user_error(kinja().args(["histroy", "shop"]));
    assert!(
        err.contains("similar subcommands exist") && err.contains("'history'"),
        "{err}"
    );
}

#[test]
fn status_metadata_json_values_history_max_and_notes_on_release() {
    let dir = store();
    let first = release(dir.path(), &[]);
    assert!(
        first.ends_with("NOTES:\nshop-seedapp is rendered with 3 replicas.\n"),
        "release prints the notes, as helm install does:\n{first}"
    );
    release(dir.path(), &["--set", "replicaCount=5"]);
    let status = success(&mut cmd(dir.path(), &["status", "shop", "-n", "web"]));
    assert!(
        status.starts_with("NAME: shop\nLAST DEPLOYED: ")
            && status.contains("\nNAMESPACE: web\nSTATUS: deployed\nREVISION: 2\n")
            && status.ends_with("NOTES:\nshop-seedapp is rendered with 5 replicas.\n"),
        "{status}"
    );
    let old = success(&mut cmd(
        dir.path(),
        &[
            "status",
            "shop",
            "-n",
            "web",
            "--revision",
            "1",
            "-o",
            "json",
        ],
    ));
    let old: serde_json::Value = serde_json::from_str(&old).unwrap();
    assert_eq!(
        (old["revision"].as_u64(), old["status"].as_str()),
        (Some(1), Some("superseded"))
    );
    let metadata = success(&mut cmd(
        dir.path(),
        &["get", "metadata", "shop", "-n", "web", "-o", "yaml"],
    ));
    assert!(
        metadata.contains("chart: seedapp\nversion: \"1.4.0\"\nappVersion: \"1.19.3\"\n"),
        "{metadata}"
    );
    let values = success(&mut cmd(
        dir.path(),
        &["get", "values", "shop", "-n", "web", "-o", "json"],
    ));
    assert_eq!(values, "{\n  \"replicaCount\": 5\n}\n");
    let history = success(&mut cmd(
        dir.path(),
        &["history", "shop", "-n", "web", "--max", "1", "-o", "json"],
    ));
    let rows: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["revision"], 2);
}

#[test]
fn list_shows_every_readable_release_and_names_the_broken_record() {
    let dir = store();
    release(dir.path(), &[]);
    success(&mut cmd(
        dir.path(),
        &["release", "cart", CHART, "-n", "shop"],
    ));
    let broken = dir.path().join("shop/cart/v1.yaml");
    std::fs::write(&broken, "cut short").unwrap();
    let output = cmd(dir.path(), &["list", "-A"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|row| row.starts_with("shop  web")),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().count(),
        2,
        "header and the readable release: {stdout}"
    );
    assert!(
        stderr.contains(&format!("Error: {}", broken.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 release(s) could not be read"),
        "{stderr}"
    );
}

#[test]
fn upgrades_reuse_values_by_helms_rules() {
    let store = store();
    let chart = common::TestChart::new(&[
        ("values.yaml", "replicas: 1\nimage: old\n"),
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  replicas: \"{{ values.replicas }}\"\n  image: {{ values.image }}\n  tier: \"{{ values.tier | default('none') }}\"\n",
        ),
    ]);
    let overlay = chart.write("prod.yaml", b"replicas: 3\n");
    let run = |args: &[&str]| {
        let output = cmd(store.path(), &["upgrade", "-i", "shop", "-n", "web"])
            .arg(chart.path())
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let manifest = success(&mut cmd(
            store.path(),
            &["get", "manifest", "shop", "-n", "web"],
        ));
        (manifest, String::from_utf8(output.stderr).unwrap())
    };
    let (first, _) = run(&["-f", overlay.to_str().unwrap()]);
    assert!(first.contains("replicas: \"3\""), "{first}");
    // The chart's defaults change; an upgrade that forgets the overlay keeps it.
    chart.write("values.yaml", b"replicas: 1\nimage: new\ntier: web\n");
    let (forgot, note) = run(&[]);
    assert!(
        forgot.contains("replicas: \"3\"") && forgot.contains("image: new"),
        "{forgot}"
    );
    assert!(
        note.contains("the values of revision 1 are used again"),
        "{note}"
    );
    // --reset-values: only the chart's defaults and what is given now.
    let (reset, _) = run(&["--reset-values"]);
    assert!(reset.contains("replicas: \"1\""), "{reset}");
    // --reuse-values renders over the last revision's merged values: the
    // chart's newest defaults are not seen, the values given now win.
    run(&["-f", overlay.to_str().unwrap()]);
    chart.write("values.yaml", b"replicas: 1\nimage: newest\ntier: web\n");
    let (reused, _) = run(&["--reuse-values", "--set", "tier=api"]);
    assert!(
        reused.contains("replicas: \"3\"")
            && reused.contains("image: new\n")
            && reused.contains("tier: \"api\""),
        "{reused}"
    );
    let (then_reused, _) = run(&["--reset-then-reuse-values", "--set", "tier=db"]);
    assert!(
        then_reused.contains("replicas: \"3\"")
            && then_reused.contains("image: newest")
            && then_reused.contains("tier: \"db\""),
        "{then_reused}"
    );
    // diff upgrade follows the same rules: nothing given, nothing changes.
    let diff = cmd(store.path(), &["diff", "upgrade", "shop", "-n", "web"])
        .arg(chart.path())
        .args(["--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(diff.status.code(), Some(0), "{diff:?}");
}
