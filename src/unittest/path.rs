//! helm-unittest's paths into a document: `spec.template.spec.containers[0].image`,
//! `metadata.labels["app.kubernetes.io/name"]`, `data['k.y']`, and the
//! JSONPath it reads them with: `containers[*].name`, `items[-1]`,
//! `..image`, filters such as `env[?(@.name == "MODE")].value`. A path
//! with a wildcard, a descent or a filter can find many values; asserts
//! check each.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    /// From the end when negative: `[-1]` is the last entry.
    Index(i64),
    /// `[*]` or `.*`: every entry of a list, every value of a mapping.
    Every,
    /// `..key`: `key` at any depth below.
    Descend(String),
    /// `[?(...)]`: the entries for which the expression holds.
    Filter(Expr),
}

/// A filter's expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `@.a.b` (or `$.a` from the document): true when it finds a value.
    Exists(Operand),
    Compare(Operand, Op, Operand),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Steps from the entry (`@`) or from the document (`$`).
    Current(Vec<Step>),
    Root(Vec<Step>),
    Literal(Value),
    /// `/pattern/` after `=~`.
    Pattern(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Matches,
}

/// Parses a path; the error says what is wrong with it.
pub fn parse(path: &str) -> Result<Vec<Step>, String> {
    let mut reader = Reader {
        chars: path.chars().collect(),
        at: 0,
        depth: 0,
    };
    let mut steps = reader
        .steps(false)
        .map_err(|why| format!("path {path:?}: {why}"))?;
    if reader.at < reader.chars.len() {
        return Err(format!(
            "path {path:?}: unexpected {:?}",
            reader.chars[reader.at]
        ));
    }
    if let Some(Step::Key(first)) = steps.first()
        && first == "$"
    {
        steps.remove(0);
    }
    Ok(steps)
}

/// Whether the path can find more than one value.
pub fn is_multiple(steps: &[Step]) -> bool {
    steps
        .iter()
        .any(|s| matches!(s, Step::Every | Step::Descend(_) | Step::Filter(_)))
}

/// The value at the path, if there is one (the first, for a path that finds many).
pub fn lookup<'v>(document: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    find(document, steps).into_iter().next()
}

/// Every value the path finds, in document order.
pub fn find<'v>(document: &'v Value, steps: &[Step]) -> Vec<&'v Value> {
    let mut current = vec![document];
    for step in steps {
        let mut next = Vec::new();
        for value in current {
            apply(step, value, document, &mut next);
        }
        current = next;
    }
    current
}

fn apply<'v>(step: &Step, value: &'v Value, root: &'v Value, out: &mut Vec<&'v Value>) {
    match step {
        Step::Key(key) => out.extend(value.as_object().and_then(|o| o.get(key))),
        Step::Index(index) => {
            if let Some(items) = value.as_array() {
                let at = if *index < 0 {
                    items.len().checked_sub(index.unsigned_abs() as usize)
                } else {
                    Some(*index as usize)
                };
                out.extend(at.and_then(|i| items.get(i)));
            }
        }
        Step::Every => out.extend(children(value)),
        Step::Descend(key) => descend(value, key, out),
        Step::Filter(expr) => out.extend(children(value).filter(|c| holds(expr, c, root))),
    }
}

fn children(value: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(map) => Box::new(map.values()),
        _ => Box::new(std::iter::empty()),
    }
}

fn descend<'v>(value: &'v Value, key: &str, out: &mut Vec<&'v Value>) {
    if let Some(found) = value.as_object().and_then(|o| o.get(key)) {
        out.push(found);
    }
    for child in children(value) {
        descend(child, key, out);
    }
}

fn holds(expr: &Expr, entry: &Value, root: &Value) -> bool {
    match expr {
        Expr::Exists(operand) => !values(operand, entry, root).is_empty(),
        Expr::Not(inner) => !holds(inner, entry, root),
        Expr::And(a, b) => holds(a, entry, root) && holds(b, entry, root),
        Expr::Or(a, b) => holds(a, entry, root) || holds(b, entry, root),
        Expr::Compare(left, op, right) => {
            let rights = values(right, entry, root);
            values(left, entry, root)
                .iter()
                .any(|l| rights.iter().any(|r| compare(l, *op, r, right)))
        }
    }
}

fn values<'v>(operand: &'v Operand, entry: &'v Value, root: &'v Value) -> Vec<&'v Value> {
    match operand {
        Operand::Current(steps) => find(entry, steps),
        Operand::Root(steps) => find(root, steps),
        Operand::Literal(value) => vec![value],
        Operand::Pattern(_) => vec![&Value::Null],
    }
}

fn compare(left: &Value, op: Op, right: &Value, right_operand: &Operand) -> bool {
    use std::cmp::Ordering;
    if op == Op::Matches {
        let (Value::String(text), Operand::Pattern(pattern)) = (left, right_operand) else {
            return false;
        };
        return regex::Regex::new(pattern).is_ok_and(|re| re.is_match(text));
    }
    let order = match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (a, b) => (a == b).then_some(Ordering::Equal),
    };
    match op {
        Op::Eq => order == Some(Ordering::Equal),
        Op::Ne => order != Some(Ordering::Equal),
        Op::Lt => order == Some(Ordering::Less),
        Op::Le => matches!(order, Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => order == Some(Ordering::Greater),
        Op::Ge => matches!(order, Some(Ordering::Greater | Ordering::Equal)),
        Op::Matches => unreachable!("handled above"),
    }
}

struct Reader {
    chars: Vec<char>,
    at: usize,
    /// How deep filters and parentheses nest, kept far from the stack's end.
    depth: usize,
}

/// Deeper than any real path; a deeper one is refused, not a crash.
const MAX_DEPTH: usize = 64;

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn starts(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// Steps up to the end, or (`in_filter`) up to what ends an operand.
    fn steps(&mut self, in_filter: bool) -> Result<Vec<Step>, String> {
        let mut steps = Vec::new();
        let mut key = String::new();
        let flush = |key: &mut String, steps: &mut Vec<Step>| {
            if !key.is_empty() {
                let taken = std::mem::take(key);
                steps.push(if taken == "*" {
                    Step::Every
                } else {
                    Step::Key(taken)
                });
            }
        };
        while let Some(c) = self.peek() {
            match c {
                '.' if self.starts("..") => {
                    flush(&mut key, &mut steps);
                    self.at += 2;
                    let name = self.plain_key(in_filter);
                    if name.is_empty() {
                        return Err("`..` needs a key after it".into());
                    }
                    steps.push(Step::Descend(name));
                }
                '.' => {
                    flush(&mut key, &mut steps);
                    self.at += 1;
                }
                '\\' if self.at + 1 < self.chars.len() => {
                    key.push(self.chars[self.at + 1]);
                    self.at += 2;
                }
                '[' => {
                    flush(&mut key, &mut steps);
                    self.at += 1;
                    steps.push(self.bracket()?);
                }
                c if in_filter && (c.is_whitespace() || "=!<>&|)".contains(c)) => break,
                c => {
                    key.push(c);
                    self.at += 1;
                }
            }
        }
        flush(&mut key, &mut steps);
        Ok(steps)
    }

    /// A number literal: digits, sign, point and exponent.
    fn number(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_ascii_digit() || "+-.eE".contains(*c))
        {
            text.push(c);
            self.at += 1;
        }
        text
    }

    fn plain_key(&mut self, in_filter: bool) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c == '.' || c == '[' || (in_filter && (c.is_whitespace() || "=!<>&|)".contains(c))) {
                break;
            }
            name.push(c);
            self.at += 1;
        }
        name
    }

    /// After `[`: an index, a quoted key, `*` or a filter, through `]`.
    fn bracket(&mut self) -> Result<Step, String> {
        self.skip_spaces();
        let step = match self.peek() {
            Some(quote @ ('"' | '\'')) => Step::Key(self.quoted(quote)?),
            Some('*') => {
                self.at += 1;
                Step::Every
            }
            Some('?') => {
                self.at += 1;
                self.skip_spaces();
                if self.peek() != Some('(') {
                    return Err("a filter is written [?(...)]".into());
                }
                self.at += 1;
                let expr = self.or()?;
                self.skip_spaces();
                if self.peek() != Some(')') {
                    return Err("a filter's `(` is never closed".into());
                }
                self.at += 1;
                Step::Filter(expr)
            }
            _ => {
                let start = self.at;
                while self.peek().is_some_and(|c| c != ']') {
                    self.at += 1;
                }
                let inner: String = self.chars[start..self.at].iter().collect();
                let inner = inner.trim();
                let index = inner.parse::<i64>().map_err(|_| {
                    format!("[{inner}] is not an index, a quoted key, * or a filter")
                })?;
                Step::Index(index)
            }
        };
        self.skip_spaces();
        if self.peek() != Some(']') {
            return Err("a `[` is never closed".into());
        }
        self.at += 1;
        Ok(step)
    }

    fn quoted(&mut self, quote: char) -> Result<String, String> {
        self.at += 1;
        let mut text = String::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            match c {
                '\\' => {
                    if let Some(next) = self.peek() {
                        text.push(next);
                        self.at += 1;
                    }
                }
                c if c == quote => return Ok(text),
                c => text.push(c),
            }
        }
        Err("a quoted key is never closed".into())
    }

    fn or(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("filters nest deeper than {MAX_DEPTH}"));
        }
        let result = self.or_inner();
        self.depth -= 1;
        result
    }

    fn or_inner(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        loop {
            self.skip_spaces();
            if !self.starts("||") {
                return Ok(left);
            }
            self.at += 2;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            self.skip_spaces();
            if !self.starts("&&") {
                return Ok(left);
            }
            self.at += 2;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.skip_spaces();
        if self.peek() == Some('!') && !self.starts("!=") {
            self.at += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(format!("filters nest deeper than {MAX_DEPTH}"));
            }
            let inner = self.unary();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner?)));
        }
        if self.peek() == Some('(') {
            self.at += 1;
            let inner = self.or()?;
            self.skip_spaces();
            if self.peek() != Some(')') {
                return Err("a `(` in a filter is never closed".into());
            }
            self.at += 1;
            return Ok(inner);
        }
        let left = self.operand()?;
        self.skip_spaces();
        let op = [
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=~", Op::Matches),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find(|(text, _)| self.starts(text));
        let Some((text, op)) = op else {
            return match left {
                Operand::Current(_) | Operand::Root(_) => Ok(Expr::Exists(left)),
                _ => Err("a filter tests @.path, or compares it".into()),
            };
        };
        self.at += text.len();
        self.skip_spaces();
        let right = if op == Op::Matches {
            self.pattern()?
        } else {
            self.operand()?
        };
        Ok(Expr::Compare(left, op, right))
    }

    fn pattern(&mut self) -> Result<Operand, String> {
        if self.peek() != Some('/') {
            return Err("=~ takes a /pattern/".into());
        }
        self.at += 1;
        let mut pattern = String::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            match c {
                '\\' if self.peek() == Some('/') => {
                    pattern.push('/');
                    self.at += 1;
                }
                '/' => {
                    regex::Regex::new(&pattern).map_err(|e| format!("/{pattern}/: {e}"))?;
                    return Ok(Operand::Pattern(pattern));
                }
                c => pattern.push(c),
            }
        }
        Err("a /pattern/ is never closed".into())
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.skip_spaces();
        match self.peek() {
            Some('@') => {
                self.at += 1;
                Ok(Operand::Current(self.steps(true)?))
            }
            Some('$') => {
                self.at += 1;
                Ok(Operand::Root(self.steps(true)?))
            }
            Some(quote @ ('"' | '\'')) => Ok(Operand::Literal(Value::String(self.quoted(quote)?))),
            _ => {
                let word = if self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+')
                {
                    self.number()
                } else {
                    self.plain_key(true)
                };
                let value = match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    number => serde_json::from_str::<serde_json::Number>(number)
                        .map(Value::Number)
                        .map_err(|_| format!("{word:?} in a filter is not @.path, a quoted text, a number, true, false or null"))?,
                };
                Ok(Operand::Literal(value))
            }
        }
    }
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
        assert_eq!(
            get("metadata.labels.app\\.kubernetes\\.io/name"),
            Some(json!("web"))
        );
        assert_eq!(get("$.spec.containers[-1].image"), Some(json!("nginx")));
        assert_eq!(get("spec.containers[3]"), None);
        assert_eq!(get("spec.containers[-2]"), None);
        assert!(parse("a[0").is_err());
        assert!(parse("a[x]").unwrap_err().contains("not an index"));
        assert!(parse("a[?(@.x == )]").is_err());
    }

    #[test]
    fn wildcards_descents_and_filters_find_every_match() {
        let doc = json!({"spec": {"containers": [
            {"name": "web", "image": "nginx", "env": [{"name": "MODE", "value": "prod"}], "port": 80},
            {"name": "sidecar", "image": "envoy", "port": 9901},
        ]}});
        let all = |p: &str| -> Vec<Value> {
            find(&doc, &parse(p).unwrap())
                .into_iter()
                .cloned()
                .collect()
        };
        assert_eq!(
            all("spec.containers[*].name"),
            [json!("web"), json!("sidecar")]
        );
        assert_eq!(
            all("spec.containers.*.image"),
            [json!("nginx"), json!("envoy")]
        );
        assert_eq!(all("..image"), [json!("nginx"), json!("envoy")]);
        assert_eq!(
            all("spec.containers[?(@.name == \"sidecar\")].image"),
            [json!("envoy")]
        );
        assert_eq!(
            all("spec.containers[?(@.name=='web')].env[?(@.name == 'MODE')].value"),
            [json!("prod")]
        );
        assert_eq!(
            all("spec.containers[?(@.port > 100)].name"),
            [json!("sidecar")]
        );
        assert_eq!(
            all("spec.containers[?(@.port <= 80 || @.name == 'x')].name"),
            [json!("web")]
        );
        assert_eq!(all("spec.containers[?(@.env)].name"), [json!("web")]);
        assert_eq!(all("spec.containers[?(!@.env)].name"), [json!("sidecar")]);
        assert_eq!(
            all("spec.containers[?(@.image =~ /^env/ && @.port != 80)].name"),
            [json!("sidecar")]
        );
        assert!(all("spec.containers[?(@.name == 'none')]").is_empty());
        let weights = json!({"items": [{"w": 0.25, "n": -1}, {"w": 1.0, "n": 2}]});
        let all_in = |p: &str| find(&weights, &parse(p).unwrap()).len();
        assert_eq!(all_in("items[?(@.w > 0.5)]"), 1);
        assert_eq!(all_in("items[?(@.w == 1.0)]"), 1);
        assert_eq!(all_in("items[?(@.n < -0.5)]"), 1);
        assert!(parse("a[?(@.x =~ /[/)]").unwrap_err().contains("/[/"));
        let deep = format!("a[?({}@.b{})]", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep).unwrap_err().contains("nest deeper"));
        assert!(parse(&format!("a[?({}@.b)]", "!".repeat(500))).is_err());
        assert!(is_multiple(&parse("a[?(@.b)]").unwrap()));
        assert!(!is_multiple(&parse("a.b[0]").unwrap()));
    }
}
