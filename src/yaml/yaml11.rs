//! The YAML 1.1 meanings of plain scalars that a YAML 1.2 parser leaves as
//! text. Helm and the Kubernetes API read YAML through sigs.k8s.io/yaml
//! (go-yaml v2, YAML 1.1), so `enabled: no` switches a feature off and
//! `defaultMode: 0755` is 493; kinja must read them the same way or an
//! overlay that says `no` would be truthy. The rules below were checked
//! against helm 4.1.4 (`toJson .Values`), one scalar at a time.

use serde_json::{Number, Value};

/// What a plain scalar the parser kept as text means to a YAML 1.1 reader,
/// or `None` when it is text there too.
pub fn resolve(plain: &str) -> Option<Value> {
    if let Some(boolean) = boolean_word(plain) {
        return Some(Value::Bool(boolean));
    }
    // Only a scalar starting like a number is tried as one (`_1` is text).
    if !plain.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    // Underscores are dropped anywhere before the number is read: `1_000`.
    let number: std::borrow::Cow<str> = if plain.contains('_') {
        plain
            .chars()
            .filter(|&c| c != '_')
            .collect::<String>()
            .into()
    } else {
        plain.into()
    };
    integer(&number).or_else(|| decimal(&number))
}

/// The YAML 1.1 booleans a YAML 1.2 parser keeps as text; exactly these
/// spellings (go-yaml's table has no `yEs` or `oN`).
pub fn boolean_word(word: &str) -> Option<bool> {
    match word {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// An integer as Go's `strconv.ParseInt(s, 0, 64)` reads it, falling back
/// to an unsigned one: an optional sign, then `0x`, `0o` or `0b` and
/// digits of that base, a leading `0` for octal, or decimal digits.
fn integer(text: &str) -> Option<Value> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let prefix = body
        .as_bytes()
        .get(..2)
        .map(|p| [p[0], p[1].to_ascii_lowercase()]);
    let (radix, digits) = match prefix {
        Some(p) if &p == b"0x" => (16, &body[2..]),
        Some(p) if &p == b"0o" => (8, &body[2..]),
        Some(p) if &p == b"0b" => (2, &body[2..]),
        _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        let value = 0i64.checked_sub_unsigned(magnitude)?;
        Some(Value::Number(value.into()))
    } else {
        Some(Value::Number(magnitude.into()))
    }
}

/// A decimal number by go-yaml's float pattern
/// (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`). Without a
/// point or an exponent it is an integer written with leading zeros
/// (`08`, which is not octal), and stays an integer here.
fn decimal(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && all_digits(whole),
        Some(fraction) if whole.is_empty() => !fraction.is_empty() && all_digits(fraction),
        Some(fraction) => all_digits(whole) && all_digits(fraction),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && all_digits(digits)
    });
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    if fraction.is_none() && exponent.is_none() {
        // Past 64 bits Go reads the digits as a float, and so does kinja.
        if let Ok(value) = text.parse::<i64>() {
            return Some(Value::Number(value.into()));
        }
        if let Ok(value) = text.parse::<u64>() {
            return Some(Value::Number(value.into()));
        }
    }
    let value: f64 = text.parse().ok()?;
    Number::from_f64(value)
        .filter(|_| value.is_finite())
        .map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_yaml_1_1_booleans_are_exactly_go_yamls_spellings() {
        for word in ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"] {
            assert_eq!(resolve(word), Some(json!(true)), "{word}");
        }
        for word in ["n", "N", "no", "No", "NO", "off", "Off", "OFF"] {
            assert_eq!(resolve(word), Some(json!(false)), "{word}");
        }
        for word in ["yEs", "oN", "nO", "enabled", "_1"] {
            assert_eq!(resolve(word), None, "{word}");
        }
    }

    #[test]
    fn numbers_read_as_helm_reads_them() {
        let cases = [
            ("0755", json!(493)),
            ("0o755", json!(493)),
            ("0O755", json!(493)),
            ("-0755", json!(-493)),
            ("0x_1F", json!(31)),
            ("+0x10", json!(16)),
            ("-0b101", json!(-5)),
            ("1_000", json!(1000)),
            ("1__0", json!(10)),
            ("1_", json!(1)),
            ("08", json!(8)),
            ("0089", json!(89)),
            ("00", json!(0)),
            ("09.5", json!(9.5)),
            ("1_0.5", json!(10.5)),
            ("099999999999999999999", json!(1e20)),
            ("077777777777777777777777", json!(7.777_777_777_777_777e22)),
        ];
        for (text, expected) in cases {
            assert_eq!(resolve(text), Some(expected), "{text}");
        }
        for text in [
            "0o8",
            "0b",
            "0x",
            "1:20",
            "2024-01-01",
            ".",
            "-",
            "1e",
            "0x1G",
        ] {
            assert_eq!(resolve(text), None, "{text}");
        }
    }
}
