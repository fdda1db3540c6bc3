//! Helm's clock and randomness: `now`, `date`, `uuidv4`, `rand_alpha_num`.
//! Each makes the output differ from one render to the next, so a chart
//! that uses them shows a change in every `kinja diff`.
//!
//! ```jinja
//! stamp: {{ now() | date("2006-01-02") }}
//! password: {{ rand_alpha_num(24) | b64encode }}
//! ```
//!
//! `date` takes Go's reference-time layouts (`2006-01-02T15:04:05Z07:00`),
//! as Helm's does. kinja's clock is UTC on every machine (Helm uses the
//! local zone), and `now()` is an RFC 3339 text that `date` reads back.

use minijinja::value::Value;
use minijinja::{Error, ErrorKind};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// `now()`: the current time, UTC, as RFC 3339 with nanoseconds.
pub fn now() -> String {
    humantime::format_rfc3339_nanos(SystemTime::now()).to_string()
}

/// `date(layout, time)`, as Helm's `date "2006-01-02" $t`.
pub fn date_function(layout: &str, time: Value) -> Result<String, Error> {
    format(layout, &instant(&time)?)
}

/// `time | date(layout)`, as Helm's `$t | date "2006-01-02"`.
pub fn date_filter(time: Value, layout: &str) -> Result<String, Error> {
    date_function(layout, time)
}

/// A time given to `date`: unix seconds, or RFC 3339 text in UTC (what
/// `now()` returns).
fn instant(time: &Value) -> Result<SystemTime, Error> {
    if let Ok(seconds) = i64::try_from(time.clone()) {
        let magnitude = Duration::from_secs(seconds.unsigned_abs());
        let instant = if seconds >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        };
        return instant.ok_or_else(|| invalid(format!("date: {seconds} seconds is out of range")));
    }
    time.as_str()
        .and_then(|text| humantime::parse_rfc3339_weak(text).ok())
        .ok_or_else(|| {
            invalid(format!(
                "date takes now(), unix seconds or an RFC 3339 time in UTC (2024-05-01T12:00:00Z), not {time}"
            ))
        })
}

/// The parts of a UTC time that layouts print.
struct Civil {
    year: i64,
    month: usize,
    day: i64,
    year_day: i64,
    weekday: usize,
    hour: i64,
    minute: i64,
    second: i64,
    nanos: u32,
}

fn civil(time: &SystemTime) -> Civil {
    let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (after.as_secs() as i64, after.subsec_nanos()),
        Err(before) => {
            let d = before.duration();
            let whole = i64::try_from(d.as_secs()).map_or(i64::MIN, |s| -s);
            match d.subsec_nanos() {
                0 => (whole, 0),
                n => (whole - 1, 1_000_000_000 - n),
            }
        }
    };
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    // Days since 1970-01-01 to a proleptic Gregorian date, by 400-year eras.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const BEFORE_MONTH: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let year_day = BEFORE_MONTH[(month - 1) as usize] + day + i64::from(leap && month > 2);
    Civil {
        year,
        month: month as usize,
        day,
        year_day,
        weekday: (days + 4).rem_euclid(7) as usize, // 1970-01-01 was a Thursday
        hour: of_day / 3_600,
        minute: of_day % 3_600 / 60,
        second: of_day % 60,
        nanos,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Far longer than any date layout; a longer one is a mistake.
const MAX_LAYOUT: usize = 1_000;

/// Prints `time` by a Go layout: each element of the reference time
/// `Mon Jan 2 15:04:05 MST 2006` stands for that part; the rest is copied.
fn format(layout: &str, time: &SystemTime) -> Result<String, Error> {
    if layout.len() > MAX_LAYOUT {
        return Err(invalid(format!(
            "date: a layout of {} bytes is longer than {MAX_LAYOUT}",
            layout.len()
        )));
    }
    let t = civil(time);
    let hour12 = if t.hour % 12 == 0 { 12 } else { t.hour % 12 };
    let mut out = String::with_capacity(layout.len() + 8);
    let mut rest = layout;
    while !rest.is_empty() {
        // As in Go, `_2006` is a literal `_` and the year, not `_2` and `006`.
        if rest.starts_with("_2006") {
            out.push('_');
            rest = &rest[1..];
            continue;
        }
        // Longest elements first, so `January` is not read as `Jan` + `uary`.
        let element: Option<(&str, String)> = [
            ("January", MONTHS[t.month - 1].to_string()),
            ("Monday", WEEKDAYS[t.weekday].to_string()),
            ("Z07:00:00", "Z".to_string()),
            ("-07:00:00", "+00:00:00".to_string()),
            ("Z070000", "Z".to_string()),
            ("-070000", "+000000".to_string()),
            ("Z07:00", "Z".to_string()),
            ("-07:00", "+00:00".to_string()),
            ("Z0700", "Z".to_string()),
            ("-0700", "+0000".to_string()),
            ("2006", format!("{:04}", t.year)),
            ("Jan", MONTHS[t.month - 1][..3].to_string()),
            ("Mon", WEEKDAYS[t.weekday][..3].to_string()),
            ("MST", "UTC".to_string()),
            ("Z07", "Z".to_string()),
            ("-07", "+00".to_string()),
            ("002", format!("{:03}", t.year_day)),
            ("__2", format!("{:>3}", t.year_day)),
            ("_2", format!("{:>2}", t.day)),
            ("06", format!("{:02}", t.year.rem_euclid(100))),
            ("01", format!("{:02}", t.month)),
            ("02", format!("{:02}", t.day)),
            ("15", format!("{:02}", t.hour)),
            ("03", format!("{hour12:02}")),
            ("04", format!("{:02}", t.minute)),
            ("05", format!("{:02}", t.second)),
            ("PM", if t.hour < 12 { "AM" } else { "PM" }.to_string()),
            ("pm", if t.hour < 12 { "am" } else { "pm" }.to_string()),
            ("1", t.month.to_string()),
            ("2", t.day.to_string()),
            ("3", hour12.to_string()),
            ("4", t.minute.to_string()),
            ("5", t.second.to_string()),
        ]
        .into_iter()
        .find(|(name, _)| {
            // Go reads `Jan` and `Mon` only when no lowercase letter follows (`Month` is text).
            let word_goes_on = matches!(*name, "Jan" | "Mon")
                && rest[name.len().min(rest.len())..].starts_with(|c: char| c.is_ascii_lowercase());
            rest.starts_with(name) && !word_goes_on
        });
        if let Some((name, text)) = element {
            out.push_str(&text);
            rest = &rest[name.len()..];
        } else if let Some(len) = fraction_len(rest) {
            out.push_str(&fraction(&rest[..len], t.nanos));
            rest = &rest[len..];
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(out)
}

/// A fractional-second element: `.` or `,` then `0`s (fixed width) or
/// `9`s (trailing zeros dropped), not followed by another digit.
fn fraction_len(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    if !matches!(bytes.first(), Some(b'.' | b',')) {
        return None;
    }
    let digit = *bytes.get(1).filter(|b| matches!(b, b'0' | b'9'))?;
    let count = bytes[1..].iter().take_while(|&&b| b == digit).count();
    let after = bytes.get(1 + count);
    (!after.is_some_and(u8::is_ascii_digit)).then_some(1 + count)
}

fn fraction(element: &str, nanos: u32) -> String {
    let separator = &element[..1];
    let width = (element.len() - 1).min(9);
    let digits = format!("{nanos:09}")[..width].to_string();
    if element.as_bytes()[1] == b'0' {
        return format!("{separator}{digits}");
    }
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{separator}{trimmed}")
    }
}

/// Fresh random bytes from the operating system.
fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| invalid(format!("no randomness available: {e}")))?;
    Ok(bytes)
}

/// `uuidv4()`: a random (version 4) UUID, as Helm's `uuidv4`.
pub fn uuidv4() -> Result<String, Error> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// The longest text `rand_alpha_num` makes: a password, not a payload.
const MAX_RANDOM_LENGTH: usize = 10_000;

/// `rand_alpha_num(n)`: `n` random letters and digits, as Helm's `randAlphaNum`.
pub fn rand_alpha_num(length: usize) -> Result<String, Error> {
    if length > MAX_RANDOM_LENGTH {
        return Err(invalid(format!(
            "rand_alpha_num makes at most {MAX_RANDOM_LENGTH} characters, not {length}"
        )));
    }
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(length);
    while out.len() < length {
        for byte in random_bytes::<64>()? {
            // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
            if byte < 248 && out.len() < length {
                out.push(ALPHABET[usize::from(byte) % 62] as char);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64, nanos: u32) -> SystemTime {
        let base = if seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(seconds as u64)
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
        };
        base + Duration::from_nanos(u64::from(nanos))
    }

    #[test]
    fn go_layouts_print_as_helm_prints_them() {
        // The same layout and time as the helm 4.1.4 check (TZ=UTC).
        assert_eq!(
            format("2006-01-02T15:04:05Z07:00 Mon Jan _2 3PM .000", &at(0, 0)).unwrap(),
            "1970-01-01T00:00:00Z Thu Jan  1 12AM .000"
        );
        // 2024-02-29 13:05:09.120 UTC, a leap day.
        let leap = at(1_709_211_909, 120_000_000);
        assert_eq!(
            format(
                "Monday, January 2, 2006 03:04:05.999 pm -0700 MST 002 06/1/2",
                &leap
            )
            .unwrap(),
            "Thursday, February 29, 2024 01:05:09.12 pm +0000 UTC 060 24/2/29"
        );
        assert_eq!(format("2006-01-02", &at(-86_400, 0)).unwrap(), "1969-12-31");
        assert_eq!(
            format("15:04:05,000000", &at(59, 1_500)).unwrap(),
            "00:00:59,000001"
        );
    }

    #[test]
    fn date_reads_now_unix_seconds_and_utc_text() {
        let today = date_function("2006-01-02", Value::from(now())).unwrap();
        assert_eq!(today.len(), 10);
        assert_eq!(
            date_filter(Value::from(86_400 * 365), "2006").unwrap(),
            "1971"
        );
        assert_eq!(
            date_function("Jan 2", Value::from("2021-03-04T05:06:07Z")).unwrap(),
            "Mar 4"
        );
        // The far ends of unix seconds print (or are refused), never panic.
        let _ = date_function("2006", Value::from(i64::MIN));
        let _ = date_function("2006", Value::from(i64::MAX));
        let error = date_function("2006", Value::from("yesterday")).unwrap_err();
        assert!(error.to_string().contains("RFC 3339"), "{error}");
    }

    #[test]
    fn random_values_have_their_shape_and_differ() {
        let id = uuidv4().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4", "{id}");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert_ne!(id, uuidv4().unwrap());
        let password = rand_alpha_num(100).unwrap();
        assert_eq!(password.len(), 100);
        assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(password, rand_alpha_num(100).unwrap());
        assert!(rand_alpha_num(20_000).is_err());
    }
}
