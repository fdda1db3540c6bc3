//! Release operations on a file store in a temporary folder, with a small
//! chart: what `kinja release`, `rollback` and `diff` do, without the CLI.

use super::compare::{self, Side};
use super::*;
use crate::store::{FileStore, RecordProblem, StoreError};

struct Fixture {
    _dir: tempfile::TempDir,
    store: FileStore,
    chart: Chart,
    capabilities: Capabilities,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let chart_dir = dir.path().join("chart");
    std::fs::create_dir_all(chart_dir.join("templates")).unwrap();
    std::fs::write(
        chart_dir.join("Chart.yaml"),
        "apiVersion: v2\nname: demo\nversion: 1.0.0\nappVersion: \"2\"\n",
    )
    .unwrap();
    std::fs::write(chart_dir.join("values.yaml"), "size: 1\n").unwrap();
    std::fs::write(
        chart_dir.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ release.name }}\ndata:\n  size: \"{{ values.size }}\"\n  revision: \"{{ release.revision if values.by_revision is defined else 0 }}\"\n",
    )
    .unwrap();
    Fixture {
        chart: Chart::load(&chart_dir).unwrap(),
        store: FileStore::new(dir.path().join("store")),
        capabilities: Capabilities::default(),
        _dir: dir,
    }
}

impl Fixture {
    fn request(&self, size: i64) -> UpgradeRequest<'_> {
        let mut request = UpgradeRequest::new("shop", "web", &self.chart, &self.capabilities);
        request
            .user_values
            .insert("size".into(), serde_json::json!(size));
        request
    }
}

#[test]
fn an_upgrade_records_the_render_and_carries_the_first_deployment_time() {
    let f = fixture();
    let first = upgrade(&f.store, &f.request(1)).unwrap();
    assert_eq!(first.record.description, "Install complete");
    assert_eq!(first.record.chart.label(), "demo-1.0.0");
    assert_eq!(first.record.config["size"], 1);
    assert_eq!(first.summary.add, 1);
    let second = upgrade(&f.store, &f.request(2)).unwrap();
    assert_eq!(second.record.revision, 2);
    assert_eq!(second.record.description, "Upgrade complete");
    assert_eq!(second.record.first_deployed, first.record.first_deployed);
    assert_eq!((second.summary.add, second.summary.change), (0, 1));
    assert!(second.record.manifest.contains("size: \"2\""));
}

#[test]
fn a_failing_render_writes_nothing() {
    let f = fixture();
    upgrade(&f.store, &f.request(1)).unwrap();
    // Without the chart's default, `values.size` is undefined.
    let mut chart = f.chart.clone();
    chart.default_values.clear();
    let broken = UpgradeRequest {
        values_rule: ValuesRule::Reset,
        ..UpgradeRequest::new("shop", "web", &chart, &f.capabilities)
    };
    let error = upgrade(&f.store, &broken).unwrap_err();
    assert!(matches!(error, Error::Render(_)), "{error}");
    assert_eq!(f.store.history("web", "shop").unwrap().len(), 1);
}

#[test]
fn a_description_and_a_history_limit_are_kept() {
    let f = fixture();
    for size in 1..=4 {
        let request = UpgradeRequest {
            description: Some(format!("size {size}")),
            history_max: 2,
            ..f.request(size)
        };
        upgrade(&f.store, &request).unwrap();
    }
    let history = f.store.history("web", "shop").unwrap();
    let kept: Vec<(u64, &str)> = history
        .iter()
        .map(|r| (r.revision, r.description.as_str()))
        .collect();
    assert_eq!(kept, [(3, "size 3"), (4, "size 4")]);
}

#[test]
fn rollback_copies_an_earlier_revision_as_the_next_one() {
    let f = fixture();
    assert!(matches!(
        rollback(&f.store, "web", "shop", None, 10),
        Err(Error::Store(StoreError::ReleaseNotFound { .. }))
    ));
    upgrade(&f.store, &f.request(1)).unwrap();
    assert!(matches!(
        rollback(&f.store, "web", "shop", None, 10),
        Err(Error::Release(ReleaseError::NothingToRollBack {
            only: 1,
            ..
        }))
    ));
    upgrade(&f.store, &f.request(2)).unwrap();
    let back = rollback(&f.store, "web", "shop", None, 10).unwrap();
    assert_eq!((back.target, back.record.revision), (1, 3));
    assert_eq!(back.record.description, "Rollback to 1");
    assert!(back.record.manifest.contains("size: \"1\""));
    assert_eq!(back.summary.change, 1);
    let previous = rollback(&f.store, "web", "shop", Some(0), 10).unwrap();
    assert_eq!(
        (previous.target, previous.record.revision),
        (2, 4),
        "0 is the previous one"
    );
    assert!(matches!(
        rollback(&f.store, "web", "shop", Some(9), 10),
        Err(Error::Store(StoreError::RevisionNotFound {
            revision: 9,
            ..
        }))
    ));
}

#[test]
fn after_an_uninstall_with_history_the_next_upgrade_is_an_install() {
    let f = fixture();
    upgrade(&f.store, &f.request(1)).unwrap();
    f.store.uninstall("web", "shop", true).unwrap();
    let again = upgrade(&f.store, &f.request(1)).unwrap();
    assert_eq!(again.record.description, "Install complete");
    assert_eq!(again.summary.add, 1, "diffed against nothing");
}

#[test]
fn upgrade_sides_show_a_new_install_against_nothing() {
    let f = fixture();
    let sides = compare::upgrade_sides(&f.store, &f.request(1), false).unwrap();
    assert!(sides.new_install);
    assert_eq!(sides.old, Side::new("no revision", String::new()));
    upgrade(&f.store, &f.request(1)).unwrap();
    let sides = compare::upgrade_sides(&f.store, &f.request(3), false).unwrap();
    assert!(!sides.new_install);
    assert_eq!(sides.old.label, "revision 1");
    let report = compare::diff(&sides.old, &sides.new, &DiffOptions::default()).unwrap();
    assert_eq!(report.summary.change, 1);
}

#[test]
fn a_recorded_manifest_that_is_not_yaml_is_reported_with_the_record_path() {
    let f = fixture();
    upgrade(&f.store, &f.request(1)).unwrap();
    // A record with a valid checksum whose manifest is broken (an older
    // kinja, or a hand-made record).
    let mut record = f.store.get("web", "shop", None).unwrap();
    record.manifest = "---\nkind: [unclosed\n".into();
    let path = f.store.location("web", "shop", 1);
    std::fs::write(&path, record.to_text()).unwrap();
    let error = upgrade(&f.store, &f.request(2)).unwrap_err();
    match &error {
        Error::Store(StoreError::Corrupt {
            path: reported,
            problem: RecordProblem::InvalidManifest { line: 2, .. },
        }) => assert_eq!(reported, &path),
        other => panic!("expected a corrupt record, got {other}"),
    }
    assert_eq!(f.store.history("web", "shop").unwrap().len(), 1);
    let (old, new) = compare::revision_sides(&f.store, "web", "shop", 1, None).unwrap();
    assert!(matches!(
        compare::diff(&old, &new, &DiffOptions::default()),
        Err(Error::Store(StoreError::Corrupt { .. }))
    ));
}

#[test]
fn a_broken_render_hides_its_lines_unless_secrets_are_shown() {
    let f = fixture();
    let mut chart = f.chart.clone();
    chart.templates[0].source = "kind: Secret\nstringData: {password: hunter2\n".into();
    let request = UpgradeRequest::new("shop", "web", &chart, &f.capabilities);
    let hidden = compare::upgrade_sides(&f.store, &request, false).unwrap_err();
    assert!(
        matches!(&hidden, Error::Manifest(e) if e.snippet.is_none()),
        "{hidden}"
    );
    assert!(!hidden.to_string().contains("hunter2"));
    let shown = compare::upgrade_sides(&f.store, &request, true).unwrap_err();
    assert!(shown.to_string().contains("hunter2"), "{shown}");
}

#[test]
fn a_corrupt_record_due_for_pruning_is_reported_before_anything_renders() {
    let f = fixture();
    upgrade(&f.store, &f.request(1)).unwrap();
    upgrade(&f.store, &f.request(2)).unwrap();
    let first = f.store.location("web", "shop", 1);
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replace("Install complete", "Edited")).unwrap();
    // A chart that fails to render: the corrupt record still comes first.
    let mut chart = f.chart.clone();
    chart.default_values.clear();
    let request = UpgradeRequest {
        history_max: 1,
        ..UpgradeRequest::new("shop", "web", &chart, &f.capabilities)
    };
    let error = upgrade(&f.store, &request).unwrap_err();
    assert!(
        matches!(&error, Error::Store(StoreError::Corrupt { path, .. }) if *path == first),
        "{error}"
    );
}

#[test]
fn install_takes_only_a_new_name_and_upgrade_only_a_live_release() {
    let f = fixture();
    let with_mode = |mode| UpgradeRequest {
        mode,
        ..f.request(1)
    };
    assert!(matches!(
        upgrade(&f.store, &with_mode(Mode::Upgrade)),
        Err(Error::Release(ReleaseError::NotInstalled { .. }))
    ));
    assert!(f.store.get("web", "shop", None).is_err(), "nothing written");
    upgrade(&f.store, &with_mode(Mode::Install)).unwrap();
    assert!(matches!(
        upgrade(&f.store, &with_mode(Mode::Install)),
        Err(Error::Release(ReleaseError::NameInUse { revision: 1, .. }))
    ));
    let second = upgrade(&f.store, &with_mode(Mode::Upgrade)).unwrap();
    assert_eq!(second.record.description, "Upgrade complete");
    // An uninstalled release (history kept) is no upgrade, and its name is still taken.
    f.store.uninstall("web", "shop", true).unwrap();
    assert!(matches!(
        upgrade(&f.store, &with_mode(Mode::Upgrade)),
        Err(Error::Release(ReleaseError::NotInstalled { .. }))
    ));
    assert!(matches!(
        upgrade(&f.store, &with_mode(Mode::Install)),
        Err(Error::Release(ReleaseError::NameInUse { .. }))
    ));
    let again = upgrade(&f.store, &with_mode(Mode::InstallOrUpgrade)).unwrap();
    assert_eq!(again.record.description, "Install complete");
}
