//! helm-unittest's paths into a document: `spec.template.spec.containers[0].image`,
//! `metadata.labels["app.kubernetes.io/name"]`, `data['k.y']`.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Parses a path; the error says what is wrong with it.
pub fn parse(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut at = 0;
    let mut key = String::new();
    let flush = |key: &mut String, steps: &mut Vec<Step>| {
        if !key.is_empty() {
            steps.push(Step::Key(std::mem::take(key)));
        }
    };
    while at < chars.len() {
        match chars[at] {
            '.' => {
                flush(&mut key, &mut steps);
                at += 1;
            }
            '\\' if at + 1 < chars.len() => {
                key.push(chars[at + 1]);
                at += 2;
            }
            '[' => {
                flush(&mut key, &mut steps);
                let close = chars[at..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| at + p)
                    .ok_or_else(|| format!("path {path:?}: a `[` is never closed"))?;
                let inner: String = chars[at + 1..close].iter().collect();
                let inner = inner.trim();
                let quoted = (inner.starts_with('"') && inner.ends_with('"') && inner.len() >= 2)
                    || (inner.starts_with('\'') && inner.ends_with('\'') && inner.len() >= 2);
                if quoted {
                    steps.push(Step::Key(inner[1..inner.len() - 1].to_string()));
                } else if let Ok(index) = inner.parse::<usize>() {
                    steps.push(Step::Index(index));
                } else if inner.starts_with('?') {
                    return Err(format!(
                        "path {path:?}: JSONPath filters are not supported yet"
                    ));
                } else {
                    return Err(format!(
                        "path {path:?}: [{inner}] is not an index or a quoted key"
                    ));
                }
                at = close + 1;
            }
            c => {
                key.push(c);
                at += 1;
            }
        }
    }
    flush(&mut key, &mut steps);
    Ok(steps)
}

/// The value at the path, if there is one.
pub fn lookup<'v>(document: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(document, |current, step| match step {
        Step::Key(key) => current.as_object()?.get(key),
        Step::Index(index) => current.as_array()?.get(*index),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_as_helm_unittest_writes_them() {
        let doc = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web"}},
                         "spec": {"containers": [{"image": "nginx"}]}});
        let get = |p: &str| lookup(&doc, &parse(p).unwrap()).cloned();
        assert_eq!(get("spec.containers[0].image"), Some(json!("nginx")));
        assert_eq!(
            get("metadata.labels[\"app.kubernetes.io/name\"]"),
            Some(json!("web"))
        );
        assert_eq!(
            get("metadata.labels['app.kubernetes.io/name']"),
            Some(json!("web"))
        );
        assert_eq!(get("spec.containers[3]"), None);
        assert!(
            parse("a[?(@.name == 'x')]")
                .unwrap_err()
                .contains("not supported yet")
        );
        assert!(parse("a[0").is_err());
    }
}
