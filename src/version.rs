//! Helm's flavour of SemVer: lenient versions (`v1.2`, `1`) and constraints
//! (`>=1.25.0-0`, `~1.2`, `^2`, `1.2.x`, `>1 <3 || 5`), used by Chart.yaml
//! checks (`version`, `kubeVersion`) and the `semver_compare` function.
//!
//! As in Helm, a pre-release version (`1.29.3-gke.100`) satisfies a constraint
//! only when the constraint itself names a pre-release; that is why charts
//! write `>=1.25.0-0`.

use std::cmp::Ordering;
use std::fmt;

/// A parsed version. Build metadata is kept for display but never compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub build: String,
}

impl Version {
    /// Parses `1.2.3`, `v1.2.3`, `1.2`, `1`, with optional `-pre` and `+build`.
    pub fn parse_lenient(text: &str) -> Option<Version> {
        let (parts, pre, build) = split_version(text.trim())?;
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let mut numbers = [0u64; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            *slot = parse_number(part)?;
        }
        Some(Version {
            major: numbers[0],
            minor: numbers[1],
            patch: numbers[2],
            pre,
            build,
        })
    }

    fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
            pre: String::new(),
            build: String::new(),
        }
    }

    fn core(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// SemVer precedence: a pre-release sorts before its release.
    fn cmp(&self, other: &Self) -> Ordering {
        self.core().cmp(&other.core()).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            }
        })
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

fn split_version(text: &str) -> Option<(Vec<&str>, String, String)> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) => (rest, build.to_string()),
        None => (text, String::new()),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, pre.to_string()),
        None => (rest, String::new()),
    };
    let valid_ident = |s: &str| {
        s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    if (!pre.is_empty() && !valid_ident(&pre)) || (!build.is_empty() && !valid_ident(&build)) {
        return None;
    }
    if rest.ends_with('-') {
        return None;
    }
    Some((core.split('.').collect(), pre, build))
}

fn parse_number(part: &str) -> Option<u64> {
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// A constraint: alternatives (`||`), each a list of comparisons that must all hold.
#[derive(Debug, Clone)]
pub struct Constraint {
    alternatives: Vec<Vec<Comparison>>,
    /// Whether any comparison names a pre-release; only then may a pre-release version match.
    allows_prerelease: bool,
}

#[derive(Debug, Clone)]
struct Comparison {
    op: Op,
    version: Version,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Constraint {
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let mut alternatives = Vec::new();
        let mut allows_prerelease = false;
        for alternative in text.split("||") {
            let mut comparisons = Vec::new();
            for term in terms(alternative)? {
                allows_prerelease |= term.contains('-') && !term.starts_with('-');
                comparisons.extend(
                    expand_term(&term)
                        .ok_or_else(|| format!("improper constraint: {}", text.trim()))?,
                );
            }
            if comparisons.is_empty() {
                return Err(format!("improper constraint: {}", text.trim()));
            }
            alternatives.push(comparisons);
        }
        Ok(Constraint {
            alternatives,
            allows_prerelease,
        })
    }

    pub fn matches(&self, version: &Version) -> bool {
        if !version.pre.is_empty() && !self.allows_prerelease {
            return false;
        }
        self.alternatives
            .iter()
            .any(|all| all.iter().all(|c| c.holds(version)))
    }
}

impl Comparison {
    fn holds(&self, v: &Version) -> bool {
        let order = v.cmp(&self.version);
        match self.op {
            Op::Eq => order == Ordering::Equal,
            Op::Ne => order != Ordering::Equal,
            Op::Gt => order == Ordering::Greater,
            Op::Ge => order != Ordering::Less,
            Op::Lt => order == Ordering::Less,
            Op::Le => order != Ordering::Greater,
        }
    }
}

/// Splits one alternative into terms: `>= 1.2, <2` gives `>=1.2`, `<2`;
/// a hyphen range `1.2 - 1.4` stays one term.
fn terms(alternative: &str) -> Result<Vec<String>, String> {
    let words: Vec<&str> = alternative
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if words.get(i + 1) == Some(&"-") && i + 2 < words.len() {
            terms.push(format!("{} - {}", word, words[i + 2]));
            i += 3;
        } else if is_operator(word) && i + 1 < words.len() {
            // `>= 1.2` written with a space.
            terms.push(format!("{word}{}", words[i + 1]));
            i += 2;
        } else {
            terms.push(word.to_string());
            i += 1;
        }
    }
    Ok(terms)
}

fn is_operator(word: &str) -> bool {
    matches!(
        word,
        "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^"
    )
}

/// A version in a constraint, where trailing parts may be missing or wildcards.
struct Partial {
    parts: Vec<u64>,
    pre: String,
}

impl Partial {
    fn parse(text: &str) -> Option<Partial> {
        if matches!(text, "*" | "x" | "X" | "") {
            return Some(Partial {
                parts: vec![],
                pre: String::new(),
            });
        }
        let (core, pre, _build) = split_version(text)?;
        let mut parts = Vec::new();
        for part in core {
            if matches!(part, "*" | "x" | "X") {
                break;
            }
            parts.push(parse_number(part)?);
        }
        if parts.len() > 3 {
            return None;
        }
        Some(Partial { parts, pre })
    }

    fn floor(&self) -> Version {
        let get = |i: usize| self.parts.get(i).copied().unwrap_or(0);
        let mut v = Version::new(get(0), get(1), get(2));
        v.pre = self.pre.clone();
        v
    }

    /// The first version above every version this partial covers (`1.2` → `1.3.0`).
    fn ceiling(&self) -> Option<Version> {
        let p = &self.parts;
        match p.len() {
            0 => None,
            1 => Some(Version::new(p[0] + 1, 0, 0)),
            2 => Some(Version::new(p[0], p[1] + 1, 0)),
            _ => Some(Version::new(p[0], p[1], p[2] + 1)),
        }
    }

    fn is_exact(&self) -> bool {
        self.parts.len() == 3
    }
}

fn ge(version: Version) -> Comparison {
    Comparison {
        op: Op::Ge,
        version,
    }
}

fn lt(version: Version) -> Comparison {
    Comparison {
        op: Op::Lt,
        version,
    }
}

/// Turns one term into plain comparisons.
fn expand_term(term: &str) -> Option<Vec<Comparison>> {
    if let Some((low, high)) = term.split_once(" - ") {
        let low = Partial::parse(low)?;
        let high = Partial::parse(high)?;
        let mut out = vec![ge(low.floor())];
        match high.is_exact() {
            true => out.push(Comparison {
                op: Op::Le,
                version: high.floor(),
            }),
            false => out.extend(high.ceiling().map(lt)),
        }
        return Some(out);
    }
    let split = term
        .find(|c: char| c.is_ascii_alphanumeric() || c == '*')
        .unwrap_or(term.len());
    let (op, rest) = term.split_at(split);
    let partial = Partial::parse(rest)?;
    let floor = partial.floor();
    let ceiling = partial.ceiling();
    Some(match op {
        "" | "=" if partial.is_exact() => vec![Comparison {
            op: Op::Eq,
            version: floor,
        }],
        "" | "=" => std::iter::once(ge(floor)).chain(ceiling.map(lt)).collect(),
        "!=" if partial.is_exact() => vec![Comparison {
            op: Op::Ne,
            version: floor,
        }],
        "!=" => return None,
        ">" if partial.is_exact() => vec![Comparison {
            op: Op::Gt,
            version: floor,
        }],
        ">" => vec![ge(ceiling?)],
        ">=" | "=>" => vec![ge(floor)],
        "<" => vec![lt(floor)],
        "<=" | "=<" if partial.is_exact() => vec![Comparison {
            op: Op::Le,
            version: floor,
        }],
        "<=" | "=<" => ceiling.map(lt).into_iter().collect(),
        "~" | "~>" => {
            let p = &partial.parts;
            let upper = match p.len() {
                0 => None,
                1 => Some(Version::new(p[0] + 1, 0, 0)),
                _ => Some(Version::new(p[0], p[1] + 1, 0)),
            };
            std::iter::once(ge(floor)).chain(upper.map(lt)).collect()
        }
        "^" => {
            let p = &partial.parts;
            let upper = match (p.first(), p.get(1), p.get(2)) {
                (None, _, _) => None,
                (Some(&major), _, _) if major > 0 => Some(Version::new(major + 1, 0, 0)),
                (Some(_), None, _) => Some(Version::new(1, 0, 0)),
                (Some(_), Some(&minor), _) if minor > 0 => Some(Version::new(0, minor + 1, 0)),
                (Some(_), Some(_), None) => Some(Version::new(0, 1, 0)),
                (Some(_), Some(_), Some(&patch)) => Some(Version::new(0, 0, patch + 1)),
            };
            std::iter::once(ge(floor)).chain(upper.map(lt)).collect()
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, version: &str) -> bool {
        Constraint::parse(constraint)
            .unwrap()
            .matches(&Version::parse_lenient(version).unwrap())
    }

    #[test]
    fn lenient_versions_parse() {
        assert_eq!(Version::parse_lenient("v1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(Version::parse_lenient("1").unwrap().to_string(), "1.0.0");
        assert_eq!(
            Version::parse_lenient("1.29.3-gke.100").unwrap().pre,
            "gke.100"
        );
        for bad in ["", "banana", "1.2.3.4", "1..2", "1.2.3-", "1.2.3-a..b"] {
            assert!(Version::parse_lenient(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn precedence_follows_semver() {
        let v = |s| Version::parse_lenient(s).unwrap();
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert!(v("1.0.0-alpha.1") < v("1.0.0-beta"));
        assert!(v("1.0.0-rc.1") < v("1.0.0"));
        assert!(
            v("1.0.0+build") == v("1.0.0+other")
                || v("1.0.0+build").cmp(&v("1.0.0")) == Ordering::Equal
        );
    }

    #[test]
    fn comparison_operators() {
        assert!(check(">=1.20.0", "1.35.0"));
        assert!(!check("<1.20.0", "1.35.0"));
        assert!(check(">= 1.2, < 2", "1.9.9"));
        assert!(check(">1.2 <3 || 5", "5.0.3"));
        assert!(!check("!=1.2.3", "1.2.3"));
        assert!(check("1.2.x", "1.2.9") && !check("1.2.x", "1.3.0"));
        assert!(check("*", "7.0.0"));
        assert!(check("1.2 - 1.4.5", "1.4.5") && !check("1.2 - 1.4.5", "1.4.6"));
    }

    #[test]
    fn tilde_and_caret() {
        assert!(check("~1.2.3", "1.2.9") && !check("~1.2.3", "1.3.0"));
        assert!(check("^1.2.3", "1.9.0") && !check("^1.2.3", "2.0.0"));
        assert!(check("^0.2.3", "0.2.9") && !check("^0.2.3", "0.3.0"));
        assert!(check("^0.0.3", "0.0.3") && !check("^0.0.3", "0.0.4"));
    }

    #[test]
    fn prereleases_match_only_constraints_that_name_one() {
        assert!(!check(">=1.20.0", "1.29.3-gke.100"));
        assert!(check(">=1.20.0-0", "1.29.3-gke.100"));
    }

    #[test]
    fn nonsense_is_an_error() {
        assert!(Constraint::parse("banana").is_err());
        assert!(Constraint::parse(">>1").is_err());
        assert!(Constraint::parse("").is_err());
    }
}
