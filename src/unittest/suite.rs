//! A helm-unittest suite file, read as its `DOCUMENT.md` describes it.
//! Keys kinja does not know yet are refused by name, never ignored: a test
//! that silently skipped its setup would pass for the wrong reason.

use serde_json::{Map, Value};

/// The render a suite or a test asks for; a test's settings go over its suite's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Setup {
    /// Values files, relative to the suite file.
    pub values: Vec<String>,
    /// Dotted paths and the values to put there, in order.
    pub set: Vec<(String, Value)>,
    pub release_name: Option<String>,
    pub release_namespace: Option<String>,
    pub release_revision: Option<u64>,
    pub release_upgrade: Option<bool>,
    pub kube_major: Option<u64>,
    pub kube_minor: Option<u64>,
    pub api_versions: Option<Vec<String>>,
    pub chart_version: Option<String>,
    pub chart_app_version: Option<String>,
    /// `kubernetesProvider.objects`: what `lookup` finds.
    pub cluster_objects: Vec<Value>,
    /// `kubernetesProvider.scheme`: `apiVersion/Kind` and whether it is namespaced.
    pub cluster_scheme: Vec<(String, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub name: String,
    /// Templates in scope, relative to `templates/` (globs allowed).
    pub templates: Vec<String>,
    pub exclude_templates: Vec<String>,
    pub setup: Setup,
    pub skip: Option<String>,
    pub tests: Vec<Test>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub it: String,
    pub setup: Setup,
    pub templates: Vec<String>,
    pub document_index: Option<usize>,
    pub document_selector: Option<Selector>,
    pub skip: Option<String>,
    pub asserts: Vec<Assert>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assert {
    /// `equal`, `isKind`, ...
    pub kind: String,
    pub params: Map<String, Value>,
    pub not: bool,
    pub template: Option<String>,
    pub document_index: Option<usize>,
    pub document_selector: Option<Selector>,
}

/// `documentSelector`: the documents whose value at `path` is `value`
/// (or that have `path`, without a value).
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    pub path: String,
    pub value: Option<Value>,
    /// More than one document may match.
    pub match_many: bool,
    /// A template with no matching document is passed over, not an error.
    pub skip_empty_templates: bool,
}

/// Reads a suite; the error is a message for the user.
pub fn read(text: &str) -> Result<Suite, String> {
    let value = crate::yaml::parse_value_core(text).map_err(|e| match e.line {
        Some(line) => format!("line {line}: {}", e.message),
        None => e.message,
    })?;
    let Value::Object(map) = value else {
        return Err("a suite is a mapping (suite, templates, tests, ...)".into());
    };
    let known = [
        &["suite", "templates", "excludeTemplates", "skip", "tests"],
        SETUP_KEYS,
    ]
    .concat();
    refuse_unknown(&map, &known, "the suite")?;
    let tests = match map.get("tests") {
        Some(Value::Array(tests)) => tests
            .iter()
            .enumerate()
            .map(|(i, t)| read_test(t).map_err(|e| format!("tests[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err("a suite needs `tests:`, a list of tests".into()),
    };
    Ok(Suite {
        name: text_at(&map, "suite").unwrap_or_default(),
        templates: strings_at(&map, "templates")?,
        exclude_templates: strings_at(&map, "excludeTemplates")?,
        setup: read_setup(&map)?,
        skip: skip_reason(&map)?,
        tests,
    })
}

fn read_test(value: &Value) -> Result<Test, String> {
    let Value::Object(map) = value else {
        return Err("a test is a mapping (it, set, asserts, ...)".into());
    };
    let own = [
        "it",
        "template",
        "templates",
        "documentIndex",
        "documentSelector",
        "skip",
        "asserts",
    ];
    let known = [&own, SETUP_KEYS].concat();
    refuse_unknown(map, &known, "a test")?;
    let mut templates = strings_at(map, "templates")?;
    if let Some(one) = text_at(map, "template") {
        templates.push(one);
    }
    let asserts = match map.get("asserts") {
        Some(Value::Array(asserts)) => asserts
            .iter()
            .enumerate()
            .map(|(i, a)| read_assert(a).map_err(|e| format!("asserts[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err("a test needs `asserts:`, a list".into()),
    };
    Ok(Test {
        it: text_at(map, "it").unwrap_or_default(),
        setup: read_setup(map)?,
        templates,
        document_index: index_at(map, "documentIndex")?,
        document_selector: selector_at(map)?,
        skip: skip_reason(map)?,
        asserts,
    })
}

/// The asserts kinja runs.
pub const ASSERTS: &[&str] = &[
    "equal",
    "notEqual",
    "matchRegex",
    "notMatchRegex",
    "contains",
    "notContains",
    "isNull",
    "isNotNull",
    "isEmpty",
    "isNotEmpty",
    "isKind",
    "isAPIVersion",
    "hasDocuments",
    "exists",
    "notExists",
    "lengthEqual",
    "isSubset",
    "isNotSubset",
    "failedTemplate",
    "notFailedTemplate",
    "matchSnapshot",
    "containsDocument",
    "isType",
    "isNotType",
    "notLengthEqual",
    "equalRaw",
    "notEqualRaw",
    "matchRegexRaw",
    "notMatchRegexRaw",
    "matchSnapshotRaw",
    "isNullOrEmpty",
    "isNotNullOrEmpty",
    "greaterOrEqual",
    "notGreaterOrEqual",
    "lessOrEqual",
    "notLessOrEqual",
];

fn read_assert(value: &Value) -> Result<Assert, String> {
    let Value::Object(map) = value else {
        return Err("an assert is a mapping (equal: {path, value}, ...)".into());
    };
    let options = ["not", "template", "documentIndex", "documentSelector"];
    let kinds: Vec<&String> = map
        .keys()
        .filter(|k| !options.contains(&k.as_str()))
        .collect();
    let [kind] = kinds.as_slice() else {
        return Err(format!(
            "an assert names one assert type, found {}",
            if kinds.is_empty() {
                "none".to_string()
            } else {
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    };
    if !ASSERTS.contains(&kind.as_str()) {
        return Err(format!(
            "`{kind}` is not an assert kinja knows (it runs: {})",
            ASSERTS.join(", ")
        ));
    }
    let params = match &map[kind.as_str()] {
        Value::Object(params) => params.clone(),
        Value::Null => Map::new(),
        _ => return Err(format!("`{kind}` takes a mapping of parameters")),
    };
    // A parameter kinja does not read would be ignored, and the assert
    // pass for the wrong reason: refuse it by name.
    let known = parameters(kind);
    if let Some(unknown) = params.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!(
            "`{kind}` has `{unknown}`, which kinja does not support (it reads: {})",
            if known.is_empty() {
                "nothing".to_string()
            } else {
                known.join(", ")
            }
        ));
    }
    Ok(Assert {
        kind: kind.to_string(),
        params,
        not: matches!(map.get("not"), Some(Value::Bool(true))),
        template: text_at(map, "template"),
        document_index: index_at(map, "documentIndex")?,
        document_selector: selector_at(map)?,
    })
}

/// The parameters kinja reads for each assert.
fn parameters(kind: &str) -> &'static [&'static str] {
    match kind {
        "equal" | "notEqual" => &["path", "value", "decodeBase64"],
        "greaterOrEqual" | "notGreaterOrEqual" | "lessOrEqual" | "notLessOrEqual" => {
            &["path", "value"]
        }
        "matchRegex" | "notMatchRegex" => &["path", "pattern", "decodeBase64"],
        "contains" | "notContains" => &["path", "content", "count", "any"],
        "isSubset" | "isNotSubset" => &["path", "content"],
        "isNull" | "isNotNull" | "isEmpty" | "isNotEmpty" | "isNullOrEmpty"
        | "isNotNullOrEmpty" | "exists" | "notExists" => &["path"],
        "isKind" | "isAPIVersion" => &["of"],
        "hasDocuments" => &["count", "filterAware"],
        "lengthEqual" | "notLengthEqual" => &["path", "paths", "count"],
        "isType" | "isNotType" => &["path", "type"],
        "failedTemplate" => &["errorMessage", "errorPattern"],
        "matchSnapshot" => &["path", "matchRegex", "notMatchRegex"],
        "containsDocument" => &["kind", "apiVersion", "name", "namespace", "any"],
        "equalRaw" | "notEqualRaw" => &["value"],
        "matchRegexRaw" | "notMatchRegexRaw" => &["pattern"],
        _ => &[],
    }
}

/// The keys a suite and each of its tests may both set (`read_setup` reads them).
const SETUP_KEYS: &[&str] = &[
    "values",
    "set",
    "release",
    "capabilities",
    "chart",
    "kubernetesProvider",
];

fn read_setup(map: &Map<String, Value>) -> Result<Setup, String> {
    let mut setup = Setup {
        values: strings_at(map, "values")?,
        ..Setup::default()
    };
    // `set:` with nothing under it is no setting (helm-unittest reads it so).
    if let Some(set) = map.get("set").filter(|s| !s.is_null()) {
        let Value::Object(set) = set else {
            return Err("`set` is a mapping of dotted paths to values".into());
        };
        setup.set = set.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    if let Some(release) = object_at(map, "release")? {
        refuse_unknown(
            release,
            &["name", "namespace", "revision", "upgrade"],
            "release",
        )?;
        setup.release_name = text_at(release, "name");
        setup.release_namespace = text_at(release, "namespace");
        setup.release_revision = release.get("revision").and_then(Value::as_u64);
        setup.release_upgrade = release.get("upgrade").and_then(Value::as_bool);
    }
    if let Some(capabilities) = object_at(map, "capabilities")? {
        refuse_unknown(
            capabilities,
            &["majorVersion", "minorVersion", "apiVersions"],
            "capabilities",
        )?;
        let number = |key: &str| {
            capabilities
                .get(key)
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        };
        setup.kube_major = number("majorVersion");
        setup.kube_minor = number("minorVersion");
        if capabilities.contains_key("apiVersions") {
            setup.api_versions = Some(strings_at(capabilities, "apiVersions")?);
        }
    }
    if let Some(chart) = object_at(map, "chart")? {
        refuse_unknown(chart, &["version", "appVersion"], "chart")?;
        setup.chart_version = text_at(chart, "version");
        setup.chart_app_version = text_at(chart, "appVersion");
    }
    if let Some(provider) = object_at(map, "kubernetesProvider")? {
        refuse_unknown(provider, &["scheme", "objects"], "kubernetesProvider")?;
        match provider.get("objects") {
            None => {}
            Some(Value::Array(objects)) if objects.iter().all(Value::is_object) => {
                setup.cluster_objects = objects.clone();
            }
            Some(_) => return Err("kubernetesProvider.objects is a list of objects".into()),
        }
        if let Some(scheme) = object_at(provider, "scheme")? {
            for (kind, props) in scheme {
                let Value::Object(props) = props else {
                    return Err(format!("kubernetesProvider.scheme.{kind} is a mapping"));
                };
                refuse_unknown(
                    props,
                    &["gvr", "namespaced"],
                    "a kubernetesProvider scheme entry",
                )?;
                let namespaced = props
                    .get("namespaced")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                setup.cluster_scheme.push((kind.clone(), namespaced));
            }
        }
    }
    Ok(setup)
}

fn refuse_unknown(map: &Map<String, Value>, known: &[&str], what: &str) -> Result<(), String> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        Some(key) => Err(format!(
            "{what} has `{key}`, which kinja does not know (it reads: {})",
            known.join(", ")
        )),
        None => Ok(()),
    }
}

fn text_at(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn strings_at(map: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect()),
        Some(Value::String(one)) => Ok(vec![one.clone()]),
        Some(_) => Err(format!("`{key}` is a list of strings")),
    }
}

fn object_at<'m>(
    map: &'m Map<String, Value>,
    key: &str,
) -> Result<Option<&'m Map<String, Value>>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(_) => Err(format!("`{key}` is a mapping")),
    }
}

fn index_at(map: &Map<String, Value>, key: &str) -> Result<Option<usize>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_i64() {
            Some(-1) => Ok(None),
            Some(n) if n >= 0 => Ok(Some(n as usize)),
            _ => Err(format!("`{key}` is a document number (0, 1, ...)")),
        },
    }
}

fn selector_at(map: &Map<String, Value>) -> Result<Option<Selector>, String> {
    let Some(selector) = object_at(map, "documentSelector")? else {
        return Ok(None);
    };
    refuse_unknown(
        selector,
        &["path", "value", "matchMany", "skipEmptyTemplates"],
        "documentSelector",
    )?;
    let path = text_at(selector, "path").ok_or("documentSelector needs `path`")?;
    Ok(Some(Selector {
        path,
        value: selector.get("value").cloned(),
        match_many: matches!(selector.get("matchMany"), Some(Value::Bool(true))),
        skip_empty_templates: matches!(selector.get("skipEmptyTemplates"), Some(Value::Bool(true))),
    }))
}

fn skip_reason(map: &Map<String, Value>) -> Result<Option<String>, String> {
    Ok(object_at(map, "skip")?
        .map(|skip| text_at(skip, "reason").unwrap_or_else(|| "skipped".into())))
}

#[cfg(test)]
mod tests {
    /// The helm-unittest suites of real charts (../shared/convert-corpus:
    /// traefik, ingress-nginx, external-dns, cert-manager) read as they
    /// are, except where they hold a parameter helm-unittest silently
    /// ignores: those asserts do not check what their authors meant.
    #[test]
    fn upstream_suites_read_unchanged() {
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/convert-corpus");
        if !corpus.is_dir() {
            assert!(
                std::env::var("CI").is_err(),
                "CI must have ../shared/convert-corpus"
            );
            eprintln!("NOT RUN: ../shared/convert-corpus is missing");
            return;
        }
        let mut read = 0;
        let mut refused = Vec::new();
        for chart in std::fs::read_dir(&corpus).unwrap() {
            let tests = chart.unwrap().path().join("tests");
            let Ok(files) = std::fs::read_dir(&tests) else {
                continue;
            };
            for file in files {
                let path = file.unwrap().path();
                if !path.to_string_lossy().ends_with("_test.yaml") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                match super::read(&text) {
                    Ok(suite) => read += suite.tests.len(),
                    Err(why) => {
                        let name = path.strip_prefix(&corpus).unwrap().display().to_string();
                        refused.push(format!("{name}: {why}"));
                    }
                }
            }
        }
        refused.sort();
        assert!(read >= 890, "{read} tests read");
        let expected_mistakes = [
            "`equal` has `documentIndex`",
            "`equal` has `asserts`",
            "`equal` has `documentIndex`",
            "`notContains` has `value`",
            "`notContains` has `pattern`",
        ];
        assert_eq!(refused.len(), expected_mistakes.len(), "{refused:#?}");
        for mistake in expected_mistakes {
            assert!(
                refused.iter().any(|r| r.contains(mistake)),
                "{mistake}: {refused:#?}"
            );
        }
    }
}
