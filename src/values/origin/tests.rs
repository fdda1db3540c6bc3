//! Origins through every merge rule: each leaf names the source that set
//! it, with line and column for files, and what it overrode.

use super::*;
use crate::values::{ValuesNode, ValuesOptions, coalesce_tree};

struct Explain {
    explained: Vec<Explained>,
    deleted: Vec<Deleted>,
}

/// Merges `defaults` (the chart's values.yaml), the files and the flags as
/// a render does, tracing each source.
fn explain(defaults: &str, files: &[(&str, &str)], options: ValuesOptions) -> Explain {
    let dir = tempfile::tempdir().unwrap();
    let mut options = options;
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        options.files.push(path.display().to_string());
    }
    let defaults_values = crate::yaml::parse_values(defaults).unwrap();
    let mut stdin = || Ok(String::new());
    let (user, mut trace) = Trace::of_user_values(&options, &mut stdin).unwrap();
    trace.defaults(&[], "values.yaml", &defaults_values, Some(defaults));
    let node = ValuesNode {
        name: "chart",
        defaults: &defaults_values,
        children: Vec::new(),
    };
    let merged = coalesce_tree(&node, user, &mut Vec::new()).unwrap();
    let (explained, deleted) = trace.explain(&merged);
    Explain { explained, deleted }
}

impl Explain {
    fn leaf(&self, path: &str) -> &Explained {
        let path = parse_path(path).unwrap();
        self.explained
            .iter()
            .find(|e| e.path == path)
            .unwrap_or_else(|| panic!("no leaf {path:?} in {:?}", self.explained))
    }

    /// The winner's origin, then each overridden one's, as printed (file
    /// names without their temporary folder).
    fn chain(&self, path: &str) -> Vec<String> {
        let leaf = self.leaf(path);
        let shown = |o: &Origin| {
            let text = o.to_string();
            match o.source {
                Source::File { .. } => text.rsplit('/').next().unwrap_or(&text).to_string(),
                _ => text,
            }
        };
        let mut out = vec![format!(
            "{} {}",
            leaf.value,
            leaf.origin.as_ref().map_or("?".into(), shown)
        )];
        out.extend(
            leaf.overridden
                .iter()
                .map(|s| format!("{} {}", s.value, shown(&s.origin))),
        );
        out
    }
}

fn set(args: &[&str]) -> ValuesOptions {
    ValuesOptions {
        set: args.iter().map(|a| a.to_string()).collect(),
        ..ValuesOptions::default()
    }
}

const DEFAULTS: &str = "image:\n  repository: nginx\n  tag: latest\nreplicaCount: 1\nhosts:\n  - a.example\n  - b.example\nprobe:\n  path: /\n  port: 80\n";

#[test]
fn maps_merge_deeply_each_leaf_keeping_its_own_source() {
    let result = explain(
        DEFAULTS,
        &[
            ("base.yaml", "image:\n  tag: \"1.19\"\n"),
            ("prod.yaml", "image:\n  tag: \"1.21\"\n"),
        ],
        ValuesOptions::default(),
    );
    assert_eq!(
        result.chain("image.tag"),
        [
            "\"1.21\" prod.yaml:2:8",
            "\"1.19\" base.yaml:2:8",
            "\"latest\" values.yaml:3:8 (chart default)"
        ]
    );
    assert_eq!(
        result.chain("image.repository"),
        ["\"nginx\" values.yaml:2:15 (chart default)"]
    );
}

#[test]
fn a_replaced_list_is_the_new_sources_element_by_element() {
    let result = explain(
        DEFAULTS,
        &[("prod.yaml", "hosts: [c.example]\n")],
        ValuesOptions::default(),
    );
    assert_eq!(
        result.chain("hosts[0]"),
        [
            "\"c.example\" prod.yaml:1:9",
            "\"a.example\" values.yaml:6:5 (chart default)"
        ]
    );
    assert!(
        result
            .explained
            .iter()
            .all(|e| path_text(&e.path) != "hosts[1]")
    );
}

#[test]
fn a_null_deletes_the_default_and_says_where_both_were() {
    let result = explain(
        DEFAULTS,
        &[("prod.yaml", "probe: null\n")],
        ValuesOptions::default(),
    );
    assert_eq!(result.deleted.len(), 1, "{:?}", result.deleted);
    let deleted = &result.deleted[0];
    assert_eq!(path_text(&deleted.path), "probe");
    assert!(
        deleted.by.to_string().ends_with("prod.yaml:1:8"),
        "{}",
        deleted.by
    );
    assert_eq!(
        deleted.default.to_string(),
        "values.yaml:9:3 (chart default)"
    );
}

#[test]
fn a_set_into_a_list_from_a_file_is_the_flags_and_the_rest_the_files() {
    let result = explain(
        DEFAULTS,
        &[("prod.yaml", "hosts: [c.example, d.example]\n")],
        set(&["hosts[1]=e.example"]),
    );
    assert_eq!(
        result.chain("hosts[1]")[0],
        "\"e.example\" --set #1 (hosts[1]=e.example)"
    );
    assert_eq!(result.chain("hosts[0]")[0], "\"c.example\" prod.yaml:1:9");
}

#[test]
fn each_set_flavour_is_named_with_its_place_among_its_kind() {
    let options = ValuesOptions {
        set: vec!["replicaCount=2".into(), "replicaCount=3".into()],
        set_string: vec!["image.tag=1.27".into()],
        set_json: vec![r#"probe={"path": "/healthz"}"#.into()],
        set_literal: vec!["note=a,b".into()],
        ..ValuesOptions::default()
    };
    let result = explain(DEFAULTS, &[], options);
    assert_eq!(
        result.chain("replicaCount"),
        [
            "3 --set #2 (replicaCount=3)",
            "2 --set #1 (replicaCount=2)",
            "1 values.yaml:4:15 (chart default)"
        ]
    );
    assert_eq!(
        result.chain("image.tag")[0],
        "\"1.27\" --set-string #1 (image.tag=1.27)"
    );
    assert_eq!(
        result.chain("probe.path")[0],
        "\"/healthz\" --set-json #1 (probe={\"path\": \"/healthz\"})"
    );
    // --set-json replaced nothing but path: port stays the chart's.
    assert_eq!(
        result.chain("probe.port")[0],
        "80 values.yaml:10:9 (chart default)"
    );
    assert_eq!(
        result.chain("note")[0],
        "\"a,b\" --set-literal #1 (note=a,b)"
    );
}

#[test]
fn a_set_that_repeats_a_value_still_names_the_flag() {
    let result = explain(DEFAULTS, &[], set(&["replicaCount=1"]));
    assert_eq!(
        result.chain("replicaCount")[0],
        "1 --set #1 (replicaCount=1)"
    );
}

#[test]
fn anchors_and_merge_keys_point_at_the_alias() {
    let file = "common: &common\n  pullPolicy: Always\nimage:\n  <<: *common\n  tag: \"2.0\"\n";
    let result = explain(DEFAULTS, &[("prod.yaml", file)], ValuesOptions::default());
    assert_eq!(
        result.chain("image.pullPolicy")[0],
        "\"Always\" prod.yaml:4:7"
    );
    assert_eq!(
        result.chain("common.pullPolicy")[0],
        "\"Always\" prod.yaml:2:15"
    );
    assert_eq!(result.chain("image.tag")[0], "\"2.0\" prod.yaml:5:8");
}

#[test]
fn paths_read_back_as_they_are_written() {
    for text in [
        "image.tag",
        "hosts[0].host",
        "a[1][2]",
        r"podAnnotations.prometheus\.io/scrape",
    ] {
        assert_eq!(path_text(&parse_path(text).unwrap()), text);
    }
    for bad in ["", ".a", "a..b", "[0]", "a[x]", "a[0]b"] {
        assert!(parse_path(bad).is_err(), "{bad}");
    }
}
