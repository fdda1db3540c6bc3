use super::*;

fn opts() -> DiffOptions {
    DiffOptions {
        default_namespace: "web".into(),
        ..DiffOptions::default()
    }
}

fn diff(old: &str, new: &str, options: &DiffOptions) -> DiffReport {
    diff_manifests(("old.yaml", old), ("new.yaml", new), options).unwrap()
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  paused: false\n";
const SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n";

fn stream(docs: &[&str]) -> String {
    docs.iter().map(|d| format!("---\n{d}")).collect()
}

#[test]
fn matched_by_identity_and_counted() {
    let old = stream(&[DEPLOY, SERVICE]);
    let new_deploy = DEPLOY.replace("replicas: 3", "replicas: 5");
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n";
    let report = diff(&old, &stream(&[&new_deploy, ingress]), &opts());
    let kinds: Vec<_> = report
        .changes
        .iter()
        .map(|c| (c.kind.as_str(), c.change))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Deployment", Change::Changed),
            ("Ingress", Change::Added),
            ("Service", Change::Removed)
        ]
    );
    assert_eq!(
        report.summary,
        Summary {
            add: 1,
            change: 1,
            remove: 1,
            unchanged: 0,
            rename: 0,
            kept: 0
        }
    );
    let hunk = report.changes[0].diff.as_deref().unwrap();
    assert!(hunk.contains("-  replicas: 3\n+  replicas: 5\n"), "{hunk}");
}

#[test]
fn reordering_keys_documents_or_sources_is_no_change() {
    let old = stream(&[DEPLOY, SERVICE]);
    let reordered = "# Source: x/templates/other.yaml\nkind: Deployment\napiVersion: apps/v1\nspec:\n  paused: false\n  replicas: 3\nmetadata:\n  name: web\n";
    let report = diff(&old, &stream(&[SERVICE, reordered]), &opts());
    assert!(!report.has_changes(), "{report:?}");
    assert_eq!(report.summary.unchanged, 2);
}

#[test]
fn the_release_namespace_fills_in_missing_namespaces() {
    let explicit = DEPLOY.replace("  name: web\n", "  name: web\n  namespace: web\n");
    let report = diff(&stream(&[DEPLOY]), &stream(&[&explicit]), &opts());
    assert_eq!(
        report.summary.unchanged + report.summary.change,
        1,
        "same resource: {report:?}"
    );
    let elsewhere = DEPLOY.replace("  name: web\n", "  name: web\n  namespace: other\n");
    let report = diff(&stream(&[DEPLOY]), &stream(&[&elsewhere]), &opts());
    assert_eq!((report.summary.add, report.summary.remove), (1, 1));
}

#[test]
fn secrets_are_masked_in_every_output() {
    let secret = |v: &str| {
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  PASSWORD: {v}\n  USER: cm9vdA==\n"
        )
    };
    let report = diff(
        &stream(&[&secret("c2VjcmV0")]),
        &stream(&[&secret("b3RoZXI=")]),
        &opts(),
    );
    assert_eq!(report.summary.change, 1);
    for text in [
        format_diff(&report, false),
        format_simple(&report, false),
        format_json(&report),
    ] {
        assert!(
            !text.contains("c2VjcmV0") && !text.contains("b3RoZXI=") && !text.contains("cm9vdA=="),
            "{text}"
        );
    }
    let shown = format_diff(&report, false);
    assert!(
        shown.contains("-  PASSWORD: (hidden, before)\n+  PASSWORD: (hidden, after)"),
        "{shown}"
    );
    assert!(
        !shown.contains("-  USER"),
        "an unchanged key is not a change: {shown}"
    );
    let revealed = diff(
        &stream(&[&secret("c2VjcmV0")]),
        &stream(&[&secret("b3RoZXI=")]),
        &DiffOptions {
            show_secrets: true,
            ..opts()
        },
    );
    assert!(format_diff(&revealed, false).contains("+  PASSWORD: b3RoZXI="));
    let added = diff("", &stream(&[&secret("c2VjcmV0")]), &opts());
    assert!(!format_diff(&added, false).contains("c2VjcmV0"));
}

#[test]
fn renames_pair_similar_resources_of_one_kind() {
    let old = stream(&[DEPLOY]);
    let renamed = DEPLOY.replace("name: web", "name: web-v2");
    let report = diff(
        &old,
        &stream(&[&renamed]),
        &DiffOptions {
            find_renames: Some(0.5),
            ..opts()
        },
    );
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].change, Change::Renamed);
    assert_eq!(report.changes[0].old_name.as_deref(), Some("web"));
    assert_eq!(
        report.summary,
        Summary {
            add: 0,
            change: 0,
            remove: 0,
            unchanged: 0,
            rename: 1,
            kept: 0
        }
    );
    assert_eq!(
        report.changes[0].warnings,
        ["a rename is not an update: Kubernetes deletes web/web and creates web/web-v2"]
    );
    assert!(
        format_diff(&report, false).ends_with("0 to add, 0 to change, 0 to remove, 1 to rename\n")
    );
    // helm-diff's meaning: the largest fraction of changed lines that still
    // pairs. One name line of seven changed is 2 of 8 diff lines, 0.25.
    let paired_below = |fraction: f64| {
        let report = diff(
            &old,
            &stream(&[&renamed]),
            &DiffOptions {
                find_renames: Some(fraction),
                ..opts()
            },
        );
        report.summary.rename == 1
    };
    assert!(!paired_below(0.25));
    assert!(paired_below(0.26));
    assert!(paired_below(1.0));
}

#[test]
fn suppressed_kinds_are_counted_but_their_diffs_not_shown() {
    let report = diff(
        "",
        &stream(&[DEPLOY, SERVICE]),
        &DiffOptions {
            suppress: vec!["service".into()],
            ..opts()
        },
    );
    assert_eq!(report.summary.add, 2, "a suppressed change still counts");
    let service = &report.changes[1];
    assert_eq!(
        (service.kind.as_str(), service.suppressed),
        ("Service", true)
    );
    assert_eq!(service.diff, None);
    assert!(report.changes[0].diff.is_some());
    let printed = format_diff(&report, false);
    assert!(
        printed
            .contains("web, web, Service (core) added\n  (diff not shown: --suppress Service)\n"),
        "{printed}"
    );
}

fn diff_error(old: &str, new: &str) -> DiffError {
    diff_manifests(("old.yaml", old), ("new.yaml", new), &opts()).unwrap_err()
}

/// A diff that fails on a broken document: the manifest error.
fn broken_document(old: &str, new: &str) -> crate::manifest::ManifestError {
    match diff_error(old, new) {
        DiffError::Manifest { error, .. } => error,
        other => panic!("expected a broken document, got {other:?}"),
    }
}

const CM_A1: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  a: \"1\"\n";

#[test]
fn one_resource_twice_is_an_error_however_the_copies_pair_up() {
    let a2 = CM_A1.replace("\"1\"", "\"2\"");
    let a3 = CM_A1.replace("\"1\"", "\"3\"");
    let twice_same = stream(&[CM_A1, CM_A1]);
    let twice_different = stream(&[CM_A1, &a2]);
    let cases = [
        (twice_same.clone(), twice_same.clone(), "old.yaml"),
        (twice_different.clone(), stream(&[CM_A1]), "old.yaml"),
        (stream(&[CM_A1]), twice_different.clone(), "new.yaml"),
        (twice_different.clone(), stream(&[CM_A1, &a3]), "old.yaml"),
        // Both copies identical on both sides: everything pairs by text.
        (twice_different.clone(), twice_different.clone(), "old.yaml"),
    ];
    for (old, new, file) in cases {
        let error = diff_error(&old, &new);
        let side = if file == "old.yaml" {
            DiffSide::Old
        } else {
            DiffSide::New
        };
        assert_eq!(error.side(), side, "{old} / {new}");
        assert!(error.to_string().starts_with(file), "{error}");
        assert!(
            matches!(&error, DiffError::DuplicateResource { resource, .. } if resource == "v1 ConfigMap web/dup"),
            "{error}"
        );
    }
}

#[test]
fn an_empty_namespace_is_the_release_namespace() {
    let explicit = DEPLOY.replace("  name: web\n", "  name: web\n  namespace: \"\"\n");
    let report = diff(&stream(&[&explicit]), &stream(&[DEPLOY]), &opts());
    assert_eq!(
        report.summary.change + report.summary.unchanged,
        1,
        "{report:?}"
    );
    assert_eq!((report.summary.add, report.summary.remove), (0, 0));
}

const SECRET_OLD: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: T0xEU0VDUkVU\n";

#[test]
fn list_items_are_resources_of_their_own_and_their_secrets_stay_hidden() {
    let list = |secret: &str| {
        let item: String = secret.lines().map(|l| format!("  {l}\n")).collect();
        format!("apiVersion: v1\nkind: List\nitems:\n-{}", &item[1..])
    };
    let new_secret = SECRET_OLD.replace("T0xEU0VDUkVU", "TkVXU0VDUkVU");
    let report = diff(&list(SECRET_OLD), &list(&new_secret), &opts());
    let change = &report.changes[0];
    assert_eq!(
        (change.kind.as_str(), change.name.as_str(), change.change),
        ("Secret", "s", Change::Changed)
    );
    let hunk = change.diff.as_deref().unwrap();
    assert!(!hunk.contains("U0VDUkVU"), "{hunk}");
    assert!(
        hunk.contains("-  password: (hidden, before)\n+  password: (hidden, after)"),
        "{hunk}"
    );
}

#[test]
fn secret_data_of_any_shape_is_masked() {
    let scalar_old = SECRET_OLD.replace(
        "data:\n  password: T0xEU0VDUkVU\n",
        "data: c2VjcmV0b2xk\nstringData: [plainold]\n",
    );
    let scalar_new = scalar_old
        .replace("c2VjcmV0b2xk", "c2VjcmV0bmV3")
        .replace("plainold", "plainnew");
    let report = diff(&stream(&[&scalar_old]), &stream(&[&scalar_new]), &opts());
    let hunk = report.changes[0].diff.as_deref().unwrap();
    for leaked in ["c2VjcmV0", "plain"] {
        assert!(!hunk.contains(leaked), "{hunk}");
    }
    assert!(hunk.contains("-data: (hidden, before)\n"), "{hunk}");
}

#[test]
fn a_broken_secret_is_reported_without_its_lines() {
    let broken = format!("{SECRET_OLD}bad: [unclosed\n");
    let error = broken_document(&stream(&[&broken]), "");
    assert!(error.snippet.is_none(), "{:?}", error.snippet);
    let error = broken_document(
        &stream(&[DEPLOY, "apiVersion: v1\nkind: ConfigMap\nbad: [x\n"]),
        "",
    );
    assert!(
        error.snippet.is_some(),
        "other documents keep their snippet"
    );
}

#[test]
fn a_rename_across_namespaces_names_the_old_namespace() {
    let old = DEPLOY.replace("  name: web\n", "  name: web\n  namespace: old\n");
    let new = DEPLOY.replace("  name: web\n", "  name: api\n");
    let report = diff(
        &stream(&[&old]),
        &stream(&[&new]),
        &DiffOptions {
            find_renames: Some(0.5),
            ..opts()
        },
    );
    let simple = format_simple(&report, false);
    assert!(
        simple.contains("~ renamed   apps/v1 Deployment web/api (from old/web)"),
        "{simple}"
    );
    assert!(format_json(&report).contains("\"oldNamespace\": \"old\""));
}

#[test]
fn context_lines_follow_the_option() {
    let long: String = (0..20).map(|i| format!("  k{i:02}: v\n")).collect();
    let old = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n{long}");
    let new = old.replace("k10: v", "k10: w");
    let narrow = diff(
        &stream(&[&old]),
        &stream(&[&new]),
        &DiffOptions {
            context: 1,
            ..opts()
        },
    );
    let hunk = narrow.changes[0].diff.as_deref().unwrap();
    assert_eq!(hunk.lines().count(), 1 + 1 + 2 + 1, "{hunk}");
}

#[test]
fn summary_and_formats() {
    let report = diff(
        &stream(&[DEPLOY]),
        &stream(&[DEPLOY, SERVICE]),
        &DiffOptions {
            list_unchanged: true,
            ..opts()
        },
    );
    assert!(format_diff(&report, false).ends_with("1 to add, 0 to change, 0 to remove\n"));
    assert!(format_diff(&report, false).starts_with("web, web, Service (core) added\n"));
    assert_eq!(
        format_simple(&report, false),
        "+ added     v1 Service web/web\n1 to add, 0 to change, 0 to remove\n"
    );
    let json: serde_json::Value = serde_json::from_str(&format_json(&report)).unwrap();
    assert_eq!(json["changes"][0]["change"], "unchanged");
    assert!(json["changes"][0].get("diff").is_none());
    assert_eq!(json["changes"][1]["apiVersion"], "v1");
    assert_eq!(json["summary"]["add"], 1);
    let colored = format_diff(&report, true);
    assert!(
        colored.contains("\x1b[32m+") && colored.contains("\x1b[1m"),
        "{colored}"
    );
    let none = diff(&stream(&[DEPLOY]), &stream(&[DEPLOY]), &opts());
    assert_eq!(
        format_diff(&none, false),
        "No changes.\n0 to add, 0 to change, 0 to remove\n"
    );
}

#[test]
fn identical_documents_are_counted_without_being_listed_unless_asked() {
    let old = stream(&[DEPLOY, SERVICE]);
    let new = stream(&[DEPLOY, &SERVICE.replace("ClusterIP", "NodePort")]);
    let quick = diff(&old, &new, &opts());
    assert_eq!(
        quick.summary,
        Summary {
            add: 0,
            change: 1,
            remove: 0,
            unchanged: 1,
            rename: 0,
            kept: 0
        }
    );
    assert_eq!(quick.changes.len(), 1);
    let listed = diff(
        &old,
        &new,
        &DiffOptions {
            list_unchanged: true,
            ..opts()
        },
    );
    assert_eq!(listed.summary, quick.summary);
    assert_eq!(listed.changes.len(), 2);
    assert_eq!(listed.changes[0].change, Change::Unchanged);
}

#[test]
fn broken_inputs_are_errors() {
    let err = diff_manifests(("old.yaml", "kind: [\n"), ("new.yaml", ""), &opts()).unwrap_err();
    assert!(
        matches!(&err, DiffError::Manifest { side: DiffSide::Old, error } if error.file == "old.yaml"),
        "{err}"
    );
    let twice = stream(&[DEPLOY, DEPLOY]);
    let err = diff_manifests(("old.yaml", ""), ("new.yaml", &twice), &opts()).unwrap_err();
    assert!(
        matches!(&err, DiffError::DuplicateResource { side: DiffSide::New, file, .. } if file == "new.yaml"),
        "{err}"
    );
}

#[test]
fn nameless_documents_are_not_duplicates_and_pair_in_order() {
    let job = |image: &str| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec:\n  image: {image}\n"
        )
    };
    let old = stream(&[&job("a"), &job("a"), &job("b")]);
    let new = stream(&[&job("a"), &job("a"), &job("c")]);
    let report = diff(&old, &new, &opts());
    assert_eq!(
        (
            report.summary.change,
            report.summary.add,
            report.summary.remove
        ),
        (1, 0, 0),
        "{report:?}"
    );
}

#[test]
fn a_custom_kind_ending_in_list_is_a_resource() {
    let price_list = "apiVersion: shop.example.com/v1\nkind: PriceList\nmetadata:\n  name: p\nitems:\n- sku: a\n- sku: b\n";
    let report = diff("", &stream(&[price_list]), &opts());
    assert_eq!(
        (report.changes[0].kind.as_str(), report.summary.add),
        ("PriceList", 1)
    );
}

#[test]
fn a_secret_the_value_reader_refuses_is_still_hidden() {
    let odd = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: hunter2\n  limit: .inf\n";
    let report = diff("", &stream(&[odd]), &opts());
    let hunk = report.changes[0].diff.as_deref().unwrap();
    assert!(!hunk.contains("hunter2"), "{hunk}");
}

#[test]
fn an_error_snippet_never_reaches_into_the_document_before() {
    let broken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: [x\n";
    let error = broken_document(&stream(&[SECRET_OLD, broken]), "");
    let snippet = error.snippet.unwrap_or_default();
    assert!(!snippet.contains("T0xEU0VDUkVU"), "{snippet}");
    assert!(snippet.contains("data: [x"), "{snippet}");
}

#[test]
fn a_list_counts_as_its_items_however_the_report_is_asked_for() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n";
    let both = stream(&[list, SERVICE]);
    let counted = diff(&both, &both, &opts()).summary.unchanged;
    let listed = diff(
        &both,
        &both,
        &DiffOptions {
            list_unchanged: true,
            ..opts()
        },
    )
    .summary
    .unchanged;
    assert_eq!((counted, listed), (3, 3));
}

#[test]
fn random_manifests_never_panic() {
    const HEADS: &[&str] = &[
        "apiVersion: v1\nkind: ConfigMap\n",
        "apiVersion: v1\nkind: Secret\n",
        "apiVersion: apps/v1\nkind: Deployment\n",
        "apiVersion: v1\nkind: List\n",
        "kind: Job\napiVersion: batch/v1\n",
    ];
    const METADATA: &[&str] = &[
        "metadata:\n  name: a\n",
        "metadata:\n  name: b\n",
        "metadata:\n  name: a\n  namespace: \"\"\n",
        "metadata:\n  generateName: job-\n",
        "metadata: {name: a}\n",
        "",
    ];
    const BODIES: &[&str] = &[
        "data:\n  k: v\n",
        "data:\n  k: w\n",
        "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n",
        "items:\n- 1\n",
        "data: [x\n",
        "data:\n  <<: 1\n",
        "spec:\n  replicas: 3\n",
        "",
    ];
    // Only Secrets hold this value; it must never be printed.
    const SECRET_BODIES: &[&str] = &[
        "items:\n- kind: Secret\n  data: {pw: s3cr3t}\n- 5\n",
        "stringData:\n  password: s3cr3t\n",
        "stringData: s3cr3t\n",
        "data:\n  password: s3cr3t\n  other: [x\n",
        "data:\n  password: s3cr3t\n  limit: .inf\n",
        "data:\n  password: s3cr3t-2\n",
    ];
    let mut seed: u64 = 42;
    let mut compared = 0;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for round in 0..2000 {
        let mut stream = || -> String {
            (0..next(6))
                .map(|_| {
                    let head = HEADS[next(HEADS.len())];
                    let metadata = METADATA[next(METADATA.len())];
                    let body = if head.contains("Secret") {
                        SECRET_BODIES[next(SECRET_BODIES.len())]
                    } else {
                        BODIES[next(BODIES.len())]
                    };
                    format!("---\n{head}{metadata}{body}")
                })
                .collect()
        };
        let (old, new) = (stream(), stream());
        let options = DiffOptions {
            list_unchanged: round % 2 == 0,
            find_renames: (round % 3 == 0).then_some(0.5),
            suppress: if round % 5 == 0 {
                vec!["Secret".into()]
            } else {
                vec![]
            },
            ..opts()
        };
        match diff_manifests(("old", &old), ("new", &new), &options) {
            Ok(report) => {
                compared += usize::from(report.has_changes());
                let printed = format_diff(&report, true)
                    + &format_simple(&report, false)
                    + &format_json(&report);
                assert!(
                    !printed.contains("s3cr3t"),
                    "a Secret's value leaked:\n{printed}"
                );
            }
            Err(error) => {
                let printed = error.to_string();
                assert!(
                    !printed.contains("s3cr3t"),
                    "a Secret's value leaked:\n{printed}"
                );
            }
        }
    }
    assert!(
        compared > 100,
        "the generator must reach the diff, not only errors: {compared}"
    );
}

#[test]
fn secrets_inside_a_list_that_cannot_be_taken_apart_stay_hidden() {
    let lists = [
        "apiVersion: v1\nkind: List\nitems:\n- kind: Secret\n  metadata: {name: s}\n  data: {pw: VE9QU0VDUkVU}\n",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - kind: Secret\n    stringData: {pw: VE9QU0VDUkVU}\n",
        "apiVersion: v1\nkind: List\nitems:\n- 5\n- kind: Secret\n  data: {pw: VE9QU0VDUkVU}\n",
    ];
    for list in lists {
        let changed = list.replace("VE9QU0VDUkVU", "TkVX");
        for (old, new) in [("", list), (list, ""), (list, changed.as_str())] {
            let report = diff(&stream(&[old]), &stream(&[new]), &opts());
            let printed = format_diff(&report, false) + &format_json(&report);
            assert!(
                !printed.contains("VE9QU0VDUkVU") && !printed.contains("TkVX"),
                "{printed}"
            );
        }
    }
}

#[test]
fn a_secret_field_aliasing_its_data_is_masked_too() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\ndata: &x\n  pw: VE9QU0VDUkVU\nfoo: *x\n";
    let report = diff("", &stream(&[secret]), &opts());
    let hunk = report.changes[0].diff.as_deref().unwrap();
    assert!(!hunk.contains("VE9QU0VDUkVU"), "{hunk}");
    assert!(
        hunk.contains("+type: Opaque"),
        "the type is still shown: {hunk}"
    );
}

#[test]
fn secret_values_do_not_leak_through_aliases_secret_lists_or_unreadable_lists() {
    let cases = [
        // An alias of a secret value in a shown field.
        "apiVersion: v1\nkind: Secret\nstringData:\n  password: &pw hunter2\nmetadata:\n  name: s\n  annotations:\n    note: *pw\ntype: *pw\n",
        // The items of a SecretList need not say they are Secrets.
        "apiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: s}\n  data: {password: hunter2}\n",
        // A List the value reader refuses (`.inf`) next to a Secret item.
        "apiVersion: v1\nkind: List\nitems:\n- kind: Secret\n  stringData: {password: hunter2}\n- kind: ConfigMap\n  data: {x: .inf}\n",
    ];
    for doc in cases {
        let report = diff("", &stream(&[doc]), &opts());
        let printed = format_diff(&report, false) + &format_json(&report);
        assert!(!printed.contains("hunter2"), "{printed}");
    }
}

#[test]
fn resources_alike_but_for_their_names_are_all_paired_as_renames() {
    let config = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: \"1\"\n")
    };
    let old: Vec<String> = (0..6).map(|i| config(&format!("old-{i}"))).collect();
    let new: Vec<String> = (0..6).map(|i| config(&format!("new-{i}"))).collect();
    let refs = |docs: &[String]| stream(&docs.iter().map(String::as_str).collect::<Vec<_>>());
    let report = diff(
        &refs(&old),
        &refs(&new),
        &DiffOptions {
            find_renames: Some(0.5),
            ..opts()
        },
    );
    assert_eq!(
        (
            report.summary.rename,
            report.summary.add,
            report.summary.remove
        ),
        (6, 0, 0)
    );
    for change in &report.changes {
        let old_name = change.old_name.as_deref().unwrap();
        assert_eq!(
            old_name.strip_prefix("old-"),
            change.name.strip_prefix("new-")
        );
    }
}

#[test]
fn a_resource_helm_keeps_is_shown_as_kept_not_removed() {
    let kept = SERVICE.replace(
        "  name: web\n",
        "  name: web\n  annotations:\n    helm.sh/resource-policy: keep\n",
    );
    let report = diff(&stream(&[DEPLOY, &kept]), &stream(&[DEPLOY]), &opts());
    assert_eq!((report.summary.remove, report.summary.kept), (0, 1));
    assert!(
        !report.has_changes(),
        "a kept resource changes nothing in the cluster"
    );
    assert_eq!(report.changes[0].change, Change::Kept);
    let printed = format_diff(&report, false);
    assert!(
        printed.starts_with("web, web, Service (core) kept\n  (left out of the chart;"),
        "{printed}"
    );
    assert!(
        printed.ends_with("0 to add, 0 to change, 0 to remove, 1 kept\n"),
        "{printed}"
    );
    assert!(format_simple(&report, false).starts_with("= kept      v1 Service web/web\n"));
    assert!(
        format_simple(&report, true).starts_with("= kept      v1 Service web/web\n"),
        "kept is not painted"
    );
    assert!(format_json(&report).contains("\"change\": \"kept\""));
    // Any other policy (or none) is a removal, and so is `keep` on the new side only.
    let other = kept.replace("keep", "delete");
    let report = diff(&stream(&[&other]), "", &opts());
    assert_eq!((report.summary.remove, report.summary.kept), (1, 0));
}

#[test]
fn simple_output_is_coloured_by_its_marks_when_asked() {
    let changed = DEPLOY.replace("replicas: 3", "replicas: 5");
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    let report = diff(
        &stream(&[DEPLOY, SERVICE]),
        &stream(&[&changed, config]),
        &opts(),
    );
    let painted = format_simple(&report, true);
    assert!(
        painted.contains("\x1b[36m~ changed   apps/v1 Deployment web/web\x1b[0m\n"),
        "{painted:?}"
    );
    assert!(painted.contains("\x1b[32m+ added"), "{painted:?}");
    assert!(painted.contains("\x1b[31m- removed"), "{painted:?}");
    assert!(!format_simple(&report, false).contains('\x1b'));
}

#[test]
fn yaml_1_1_spellings_are_no_change_as_the_api_reads_them() {
    let pod = |host: &str, mode: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: {host}\n  volumes:\n  - name: c\n    configMap:\n      defaultMode: {mode}\n"
        )
    };
    let report = diff(&pod("yes", "0644"), &pod("true", "420"), &opts());
    assert!(!report.has_changes(), "{report:?}");
    // A quoted "yes" is text to the API: a real change.
    let report = diff(&pod("\"yes\"", "0644"), &pod("true", "420"), &opts());
    assert!(report.has_changes());
}

#[test]
fn changes_kubernetes_rejects_are_flagged_under_the_resource_and_in_json() {
    let deploy = |app: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: {app}\n"
        )
    };
    let report = diff(&stream(&[&deploy("a")]), &stream(&[&deploy("b")]), &opts());
    let text = format_diff(&report, false);
    assert!(
        text.contains("web, web, Deployment (apps) changed\n  ! spec.selector cannot change: Kubernetes rejects the update; the Deployment must be deleted and created again\n"),
        "{text}"
    );
    assert!(format_simple(&report, false).contains("  ! spec.selector cannot change"));
    let json: serde_json::Value = serde_json::from_str(&format_json(&report)).unwrap();
    assert_eq!(json["changes"][0]["warnings"].as_array().unwrap().len(), 1);
    let claim = |size: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  resources:\n    requests:\n      storage: {size}\n"
        )
    };
    let shrunk = diff(
        &stream(&[&claim("10Gi")]),
        &stream(&[&claim("5Gi")]),
        &opts(),
    );
    assert!(
        shrunk.changes[0].warnings[0].contains("shrinks"),
        "{shrunk:?}"
    );
    let grown = diff(
        &stream(&[&claim("10Gi")]),
        &stream(&[&claim("20Gi")]),
        &opts(),
    );
    assert!(grown.changes[0].warnings.is_empty());
}

#[test]
fn a_renamed_claim_warns_that_its_data_is_lost() {
    let claim = |name: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n"
        )
    };
    let report = diff(
        &stream(&[&claim("data-a")]),
        &stream(&[&claim("data-b")]),
        &DiffOptions {
            find_renames: Some(0.5),
            ..opts()
        },
    );
    assert_eq!(report.summary.rename, 1);
    assert!(
        report.changes[0].warnings[0].contains("the data is lost"),
        "{report:?}"
    );
}

#[test]
fn string_data_is_compared_as_the_api_stores_it() {
    let secret = |body: &str| format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n{body}");
    // `stringData: {pw: hunter2}` is stored as `data: {pw: aHVudGVyMg==}`.
    let report = diff(
        &stream(&[&secret("data:\n  pw: aHVudGVyMg==\n")]),
        &stream(&[&secret("stringData:\n  pw: hunter2\n")]),
        &opts(),
    );
    assert!(!report.has_changes(), "{report:?}");
    // stringData wins over data for the same key, as on the server; still masked.
    let report = diff(
        &stream(&[&secret("data:\n  pw: aHVudGVyMg==\n")]),
        &stream(&[&secret(
            "data:\n  pw: aHVudGVyMg==\nstringData:\n  pw: other\n",
        )]),
        &opts(),
    );
    assert!(report.has_changes());
    let printed = format_diff(&report, false);
    for leaked in ["other", "hunter2", "b3RoZXI=", "aHVudGVyMg=="] {
        assert!(!printed.contains(leaked), "{leaked} in {printed}");
    }
}

#[test]
fn suppressed_output_lines_still_count() {
    let config = |version: &str, size: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    version: \"{version}\"\ndata:\n  size: \"{size}\"\n"
        )
    };
    let options = DiffOptions {
        suppress_lines: vec![regex::Regex::new("version:").unwrap()],
        ..opts()
    };
    let report = diff(
        &stream(&[&config("1", "1")]),
        &stream(&[&config("2", "2")]),
        &options,
    );
    let hunk = report.changes[0].diff.as_deref().unwrap();
    assert!(
        hunk.contains("-  size: \"1\"") && !hunk.contains("version"),
        "{hunk}"
    );
    let only_version = diff(
        &stream(&[&config("1", "1")]),
        &stream(&[&config("2", "1")]),
        &options,
    );
    assert_eq!(
        only_version.summary.change, 1,
        "a hidden change still counts"
    );
    assert!(
        format_diff(&only_version, false).contains("every changed line is hidden"),
        "{}",
        format_diff(&only_version, false)
    );
}

#[test]
fn suppressing_a_kind_neither_side_holds_is_reported() {
    let options = DiffOptions {
        suppress: vec!["secret".into(), "deployment".into()],
        ..opts()
    };
    let report = diff(&stream(&[DEPLOY]), &stream(&[DEPLOY]), &options);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].starts_with("--suppress secret: neither manifest"));
}

#[test]
fn both_sides_are_quoted_alike() {
    let config = |a: &str, b: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: {a}\n  b: {b}\n"
        )
    };
    // The same text in three quoting styles is no change.
    let report = diff(
        &stream(&[&config("'x'", "\"on\"")]),
        &stream(&[&config("x", "'on'")]),
        &opts(),
    );
    assert!(!report.has_changes(), "{report:?}");
    // A changed value shows in one style on both lines.
    let report = diff(
        &stream(&[&config("'1.0'", "x")]),
        &stream(&[&config("\"1.1\"", "x")]),
        &opts(),
    );
    let hunk = report.changes[0].diff.as_deref().unwrap();
    assert!(hunk.contains("-  a: \"1.0\"\n+  a: \"1.1\"\n"), "{hunk}");
}

#[test]
fn a_secret_number_echoed_through_an_alias_is_hidden() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    pin: &p 4321\nstringData:\n  pin: *p\n";
    let report = diff("", &stream(&[secret]), &opts());
    let printed = format_diff(&report, false) + &format_json(&report);
    assert!(!printed.contains("4321"), "{printed}");
}
