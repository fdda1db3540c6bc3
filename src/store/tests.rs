//! The file store on its own: locking, crash repair, pruning, corruption.

use super::*;
use std::ffi::OsString;

fn store() -> (tempfile::TempDir, FileStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path());
    (dir, store)
}

fn append(store: &FileStore, history_max: usize) -> Record {
    let lock = store.lock("web", "shop", history_max).unwrap();
    lock.append(Record::example()).unwrap()
}

fn statuses(store: &FileStore) -> Vec<(u64, Status)> {
    store
        .history("web", "shop")
        .unwrap()
        .into_iter()
        .map(|r| (r.revision, r.status))
        .collect()
}

#[test]
fn appends_number_revisions_and_supersede_the_one_before() {
    let (_dir, store) = store();
    assert_eq!(append(&store, 10).revision, 1);
    assert_eq!(append(&store, 10).revision, 2);
    assert_eq!(
        statuses(&store),
        [(1, Status::Superseded), (2, Status::Deployed)]
    );
}

#[test]
fn history_beyond_the_limit_is_pruned_oldest_first_and_zero_keeps_all() {
    let (_dir, store) = store();
    for _ in 0..4 {
        append(&store, 2);
    }
    let kept: Vec<u64> = statuses(&store).iter().map(|(r, _)| *r).collect();
    assert_eq!(kept, [3, 4]);
    for _ in 0..3 {
        append(&store, 0);
    }
    assert_eq!(store.history("web", "shop").unwrap().len(), 5);
}

#[test]
fn a_revision_left_deployed_by_a_crash_is_superseded_by_the_next_append() {
    let (dir, store) = store();
    append(&store, 10);
    append(&store, 10);
    let first = dir.path().join("web/shop/v1.yaml");
    let mut record = Record::from_text(&std::fs::read_to_string(&first).unwrap()).unwrap();
    record.status = Status::Deployed;
    std::fs::write(&first, record.to_text()).unwrap();
    append(&store, 10);
    assert_eq!(
        statuses(&store),
        [
            (1, Status::Superseded),
            (2, Status::Superseded),
            (3, Status::Deployed)
        ]
    );
}

#[test]
fn a_corrupt_record_due_for_pruning_stops_the_append() {
    let (dir, store) = store();
    append(&store, 10);
    append(&store, 10);
    let first = dir.path().join("web/shop/v1.yaml");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replace("Install complete", "Edited")).unwrap();
    let error = store.lock("web", "shop", 1).map(|_| ()).unwrap_err();
    assert!(
        matches!(&error, StoreError::Corrupt { path, problem: RecordProblem::ChecksumMismatch } if path.ends_with("v1.yaml")),
        "{error}"
    );
    assert!(first.exists(), "kept for the user to see");
    assert!(!dir.path().join("web/shop/v3.yaml").exists());
}

#[test]
fn concurrent_writers_take_turns_and_get_consecutive_revisions() {
    let (_dir, store) = store();
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                let lock = store.lock("web", "shop", 0).unwrap();
                let latest = lock.latest().map_or(0, |r| r.revision);
                // Holding the lock: nobody else can write meanwhile.
                std::thread::sleep(std::time::Duration::from_millis(5));
                let written = lock.append(Record::example()).unwrap();
                assert_eq!(written.revision, latest + 1);
            });
        }
    });
    let revisions: Vec<u64> = statuses(&store).iter().map(|(r, _)| *r).collect();
    assert_eq!(revisions, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn names_that_are_not_kubernetes_names_never_become_paths() {
    let (_dir, store) = store();
    for (namespace, name) in [("../up", "shop"), ("web", "../../etc"), ("web", "Shop")] {
        assert!(matches!(
            store.lock(namespace, name, 10).map(|_| ()),
            Err(StoreError::InvalidName(_))
        ));
        assert!(matches!(
            store.get(namespace, name, None),
            Err(StoreError::InvalidName(_))
        ));
    }
}

#[test]
fn uninstall_keeps_or_removes_the_history() {
    let (_dir, store) = store();
    append(&store, 10);
    let gone = store.uninstall("web", "shop", true).unwrap();
    assert_eq!(gone.status, Status::Uninstalled);
    assert!(matches!(
        store.uninstall("web", "shop", true),
        Err(StoreError::AlreadyUninstalled { .. })
    ));
    store.uninstall("web", "shop", false).unwrap();
    assert!(matches!(
        store.get("web", "shop", None),
        Err(StoreError::ReleaseNotFound { .. })
    ));
}

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| OsString::from(v))
    }
}

#[test]
fn the_flag_beats_the_environment() {
    let all = env(&[
        ("KINJA_STORE", "/env"),
        ("XDG_DATA_HOME", "/xdg"),
        ("HOME", "/home/u"),
    ]);
    assert_eq!(
        store_root(Some("/flag".into()), &all).unwrap(),
        PathBuf::from("/flag")
    );
    assert_eq!(store_root(None, &all).unwrap(), PathBuf::from("/env"));
    assert_eq!(
        store_root(None, env(&[("XDG_DATA_HOME", "/xdg"), ("HOME", "/h")])).unwrap(),
        PathBuf::from("/xdg/kinja")
    );
    assert_eq!(
        store_root(None, env(&[("HOME", "/h")])).unwrap(),
        PathBuf::from("/h/.local/share/kinja")
    );
}

#[test]
fn a_relative_xdg_data_home_is_ignored_and_no_home_is_no_store() {
    assert_eq!(
        store_root(None, env(&[("XDG_DATA_HOME", "rel"), ("HOME", "/h")])).unwrap(),
        PathBuf::from("/h/.local/share/kinja")
    );
    assert!(matches!(
        store_root(None, env(&[])),
        Err(StoreError::NoLocation)
    ));
}

#[test]
fn a_release_with_an_unreadable_record_does_not_hide_the_others() {
    let (dir, store) = store();
    append(&store, 10);
    let lock = store.lock("web", "cart", 10).unwrap();
    lock.append(Record::example()).unwrap();
    let cart = dir.path().join("web/cart/v1.yaml");
    std::fs::write(&cart, "cut sh").unwrap();
    let listing = store.list(None).unwrap();
    let names: Vec<&str> = listing.records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["shop"]);
    assert!(
        matches!(&listing.unreadable[..], [StoreError::Corrupt { path, .. }] if path.ends_with("cart/v1.yaml")),
        "{:?}",
        listing.unreadable
    );
}
