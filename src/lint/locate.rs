//! The line of a path inside a document's text, so a diagnostic points at
//! `spec.selector.matchLabels.app` and not only at the document. The YAML
//! parser keeps no positions; block-style YAML (what charts render) is
//! read here by its indentation. Flow style (`{a: 1}`) and anything else
//! unexpected give the deepest step found, never a wrong deeper one.

/// The line offset (0 for the document's first line) of the deepest step of
/// `path` found in `text`.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let steps = steps(path);
    let mut scope: Vec<Line> = lines(text);
    let mut found = None;
    for step in steps {
        let Some(indent) = scope.first().map(|l| l.indent) else {
            break;
        };
        let at = match &step {
            Step::Key(key) => scope
                .iter()
                .position(|l| l.indent == indent && key_of(l.content) == Some(key.as_str())),
            Step::Index(n) => scope
                .iter()
                .enumerate()
                .filter(|(_, l)| l.indent == indent && is_item(l.content))
                .map(|(i, _)| i)
                .nth(*n),
        };
        let Some(at) = at else {
            break;
        };
        found = Some(scope[at].number);
        scope = match step {
            Step::Key(_) => block_of_key(&scope, at),
            Step::Index(_) => block_of_item(&scope, at),
        };
    }
    found
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    indent: usize,
    content: &'a str,
}

enum Step {
    Key(String),
    Index(usize),
}

/// `a.b[0]["c.d"]` as steps; a malformed part ends the path.
fn steps(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.trim_start_matches('.');
        if let Some(inner) = rest.strip_prefix('[') {
            let Some(close) = inner.find(']') else {
                break;
            };
            let part = inner[..close].trim_matches(|c| c == '"' || c == '\'');
            steps.push(match part.parse() {
                Ok(n) => Step::Index(n),
                Err(_) => Step::Key(part.to_string()),
            });
            rest = &inner[close + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end > 0 {
                steps.push(Step::Key(rest[..end].to_string()));
            }
            rest = &rest[end..];
        }
    }
    steps
}

/// The lines that hold something (no blanks, comments or separators).
fn lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .filter_map(|(number, raw)| {
            let content = raw.trim_start();
            let skip = content.is_empty() || content.starts_with('#') || content == "---";
            (!skip).then(|| Line {
                number,
                indent: raw.len() - content.len(),
                content,
            })
        })
        .collect()
}

fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// The key of `key: value` (quotes dropped), if the line starts a mapping entry.
fn key_of(content: &str) -> Option<&str> {
    let (key, _) = content.split_once(':')?;
    Some(key.trim().trim_matches(|c| c == '"' || c == '\''))
}

/// What a key at `at` holds: the deeper lines after it (and a list written
/// at the key's own indentation).
fn block_of_key<'a>(scope: &[Line<'a>], at: usize) -> Vec<Line<'a>> {
    let indent = scope[at].indent;
    scope[at + 1..]
        .iter()
        .take_while(|l| l.indent > indent || (l.indent == indent && is_item(l.content)))
        .copied()
        .collect()
}

/// A list item: its first line without the dash, then its deeper lines.
fn block_of_item<'a>(scope: &[Line<'a>], at: usize) -> Vec<Line<'a>> {
    let item = scope[at];
    let after_dash = item.content[1..].trim_start();
    let mut block = Vec::new();
    if !after_dash.is_empty() {
        block.push(Line {
            number: item.number,
            indent: item.indent + (item.content.len() - after_dash.len()),
            content: after_dash,
        });
    }
    block.extend(
        scope[at + 1..]
            .iter()
            .take_while(|l| l.indent > item.indent)
            .copied(),
    );
    block
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    \"app.kubernetes.io/name\": web
spec:
  selector:
    matchLabels:
      app: web
  template:
    spec:
      containers:
      - name: web
        ports:
          - name: http
            containerPort: 80
      - name: sidecar
        image: envoy
";

    #[test]
    fn finds_keys_items_and_quoted_keys() {
        assert_eq!(line_of(DEPLOYMENT, "kind"), Some(1));
        assert_eq!(
            line_of(DEPLOYMENT, "spec.selector.matchLabels.app"),
            Some(9)
        );
        assert_eq!(
            line_of(DEPLOYMENT, "metadata.labels[\"app.kubernetes.io/name\"]"),
            Some(5)
        );
        assert_eq!(
            line_of(DEPLOYMENT, "spec.template.spec.containers[0].ports[0].name"),
            Some(15)
        );
        assert_eq!(
            line_of(DEPLOYMENT, "spec.template.spec.containers[1].image"),
            Some(18)
        );
        assert_eq!(
            line_of(DEPLOYMENT, "spec.template.spec.containers[1]"),
            Some(17)
        );
    }

    #[test]
    fn a_step_not_found_gives_the_deepest_found() {
        assert_eq!(
            line_of(DEPLOYMENT, "spec.selector.matchLabels.tier"),
            Some(8)
        );
        assert_eq!(
            line_of(DEPLOYMENT, "spec.template.spec.containers[5]"),
            Some(12)
        );
        assert_eq!(line_of(DEPLOYMENT, "status"), None);
        assert_eq!(line_of("a: {b: 1}\n", "a.b"), Some(0));
    }
}
