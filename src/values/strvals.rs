//! Helm's `--set` family (its "strvals" grammar), writing into a values map.
//!
//! ```text
//! --set image.tag=1.2,replicas=3        {"image": {"tag": "1.2"}, "replicas": 3}
//! --set hosts[0].name=a,tags={x,y}      {"hosts": [{"name": "a"}], "tags": ["x", "y"]}
//! --set name=one\,two                   {"name": "one,two"}
//! --set-string replicas=3               {"replicas": "3"}
//! --set-literal cmd=a,b=c               {"cmd": "a,b=c"}
//! --set-json 'ports=[80,443]'           {"ports": [80, 443]}
//! --set-file cert=tls.crt               {"cert": "<the file's content>"}
//! ```
//!
//! Arguments write *into* the map that already holds the merged `-f` files,
//! as Helm does: `--set list[1]=x` edits a list from a file in place, and
//! `--set a.b=1` merges into an existing map `a`. A path that needs a map or
//! a list where something else stands is an error, with Helm's wording.
//! Error texts follow Helm's so that users can search them.

use serde_json::{Map, Value};

/// Which flag an argument came from; decides typing and escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetFlag {
    Set,
    SetString,
    SetJson,
    SetFile,
    SetLiteral,
}

impl SetFlag {
    /// The flag as a user types it.
    pub fn flag_name(self) -> &'static str {
        match self {
            SetFlag::Set => "--set",
            SetFlag::SetString => "--set-string",
            SetFlag::SetJson => "--set-json",
            SetFlag::SetFile => "--set-file",
            SetFlag::SetLiteral => "--set-literal",
        }
    }
}

/// A malformed argument. Displays as Helm does:
/// `failed parsing --set data: key "a" has no value`, and for `--set-json`
/// `failed parsing --set-json data a=x` (kinja adds why: `: not valid JSON: ...`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("failed parsing {flag} data{}{message}", if *flag == "--set-json" { " " } else { ": " })]
pub struct StrvalsError {
    pub flag: &'static str,
    pub message: String,
}

/// The deepest `a.b.c` nesting Helm accepts.
const MAX_NESTED_NAME_LEVEL: usize = 30;
/// The largest list index Helm accepts.
const MAX_INDEX: i64 = 65536;

/// Applies one command-line argument of the given flag to `values`. For
/// `SetFile`, `read_file` gets the path (the part after `=`) and returns the
/// file's content or a reason; the other flags never call it.
pub fn apply(
    flag: SetFlag,
    arg: &str,
    values: &mut Map<String, Value>,
    read_file: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), StrvalsError> {
    let fail = |message: String| StrvalsError {
        flag: flag.flag_name(),
        message,
    };
    if flag == SetFlag::SetJson {
        // Helm's message names the argument; kinja adds why it failed.
        return apply_json(arg, values)
            .map_err(|why| fail(format!("{}: {why}", json_error_subject(arg))));
    }
    let mut parser = Parser {
        chars: arg.chars().collect(),
        pos: 0,
        flag,
        read_file,
    };
    loop {
        match parser.key(values, 0) {
            Ok(()) => continue,
            Err(Stop::End) => return Ok(()),
            Err(Stop::Error(message)) => return Err(fail(message)),
        }
    }
}

/// `--set-json` errors name the argument only (Helm gives no detail); a
/// whole-object argument is called out as JSON.
/// The argument as Helm names it in errors, cut short when it is long
/// (a 100 KB JSON blob is not worth printing back).
fn json_error_subject(arg: &str) -> String {
    let shown = crate::error::shortened(arg, 120);
    if arg.trim_start().starts_with('{') {
        format!("JSON: {shown}")
    } else {
        shown.into_owned()
    }
}

fn apply_json(arg: &str, values: &mut Map<String, Value>) -> Result<(), String> {
    let trimmed = arg.trim();
    if trimmed.starts_with('{') {
        let object: Map<String, Value> =
            serde_json::from_str(trimmed).map_err(|e| format!("not valid JSON: {e}"))?;
        super::merge_maps(values, object);
        return Ok(());
    }
    let mut parser = Parser {
        chars: arg.chars().collect(),
        pos: 0,
        flag: SetFlag::SetJson,
        read_file: &mut |_| Err(String::new()),
    };
    loop {
        match parser.key(values, 0) {
            Ok(()) => continue,
            Err(Stop::End) => return Ok(()),
            Err(Stop::Error(why)) => return Err(why),
        }
    }
}

/// Why parsing stopped: the argument ended, or it is malformed.
enum Stop {
    End,
    Error(String),
}

fn error<T>(message: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Error(message.into()))
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    flag: SetFlag,
    read_file: &'a mut dyn FnMut(&str) -> Result<String, String>,
}

impl Parser<'_> {
    fn literal(&self) -> bool {
        self.flag == SetFlag::SetLiteral
    }

    /// Reads up to one of `stops` (consumed) or the end (`None`). Outside
    /// `--set-literal`, a backslash takes the next character literally.
    fn until(&mut self, stops: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            if stops.contains(&c) {
                return (out, Some(c));
            }
            if c == '\\' && !self.literal() {
                match self.chars.get(self.pos) {
                    Some(&next) => {
                        self.pos += 1;
                        out.push(next);
                    }
                    None => return (out, None),
                }
            } else {
                out.push(c);
            }
        }
        (out, None)
    }

    fn rest(&mut self) -> String {
        let rest: String = self.chars[self.pos..].iter().collect();
        self.pos = self.chars.len();
        rest
    }

    /// One `key...=value` item into `data`.
    fn key(&mut self, data: &mut Map<String, Value>, level: usize) -> Result<(), Stop> {
        let stops: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.until(stops);
        match last {
            None if key.is_empty() => Err(Stop::End),
            None => error(format!("key {key:?} has no value")),
            Some('[') => {
                let index = self.index()?;
                let list = match data.get(&key) {
                    None => Vec::new(),
                    Some(Value::Array(list)) => list.clone(),
                    Some(other) => return error(conversion(other, "[]interface {}")),
                };
                let (list, result) = self.list_item(list, index, level);
                set(data, &key, Value::Array(list));
                result
            }
            Some('=') => {
                let value = self.value()?;
                set(data, &key, value.unwrap_or(Value::String(String::new())));
                Ok(())
            }
            Some(',') => {
                set(data, &key, Value::String(String::new()));
                error(format!("key {key:?} has no value (cannot end with ,)"))
            }
            _ => {
                // '.': a nested map.
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return error(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let mut inner = match data.get(&key) {
                    None => Map::new(),
                    Some(Value::Object(map)) => map.clone(),
                    Some(other) => return error(conversion(other, "map[string]interface {}")),
                };
                let result = self.key(&mut inner, level);
                let empty = inner.is_empty();
                if !empty {
                    set(data, &key, Value::Object(inner));
                }
                match result {
                    Ok(()) if empty => error(format!("key map {key:?} has no value")),
                    other => other,
                }
            }
        }
    }

    /// The value after `=`; `None` when the argument ends right there.
    fn value(&mut self) -> Result<Option<Value>, Stop> {
        match self.flag {
            SetFlag::SetLiteral => Ok(Some(Value::String(self.rest()))),
            SetFlag::SetJson => self.json_value().map(Some),
            _ => {
                if self.pos >= self.chars.len() {
                    return Ok(None);
                }
                if self.chars[self.pos] == '{' {
                    self.pos += 1;
                    return self.list_value().map(Some);
                }
                let (text, _) = self.until(&[',']);
                self.typed(text).map(Some)
            }
        }
    }

    /// `{a,b}`: a list of typed elements, ending at `}` (a following `,` is consumed).
    fn list_value(&mut self) -> Result<Value, Stop> {
        let mut items = Vec::new();
        loop {
            match self.until(&[',', '}']) {
                (_, None) => return error("list must terminate with '}'"),
                (text, Some('}')) => {
                    if self.chars.get(self.pos) == Some(&',') {
                        self.pos += 1;
                    }
                    items.push(self.typed(text)?);
                    return Ok(Value::Array(items));
                }
                (text, _) => items.push(self.typed(text)?),
            }
        }
    }

    /// A JSON value read from the stream; an empty value is null. A comma
    /// after it (and blanks) are consumed.
    fn json_value(&mut self) -> Result<Value, Stop> {
        if self.skip_blanks_and_comma() {
            return Ok(Value::Null);
        }
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(value)) => value,
            Some(Err(e)) => return error(format!("not valid JSON: {e}")),
            None => return error("not valid JSON: no value"),
        };
        let consumed = rest[..stream.byte_offset()].chars().count();
        self.pos += consumed;
        self.skip_blanks_and_comma();
        Ok(value)
    }

    /// Skips blanks; true when the value is empty (a comma or the end follows).
    fn skip_blanks_and_comma(&mut self) -> bool {
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            if c == ',' {
                return true;
            }
            if !c.is_whitespace() {
                self.pos -= 1;
                return false;
            }
        }
        true
    }

    /// The text of a value as the flag types it.
    fn typed(&mut self, text: String) -> Result<Value, Stop> {
        match self.flag {
            SetFlag::Set => Ok(infer_type(&text)),
            SetFlag::SetFile => {
                let path = text.trim();
                (self.read_file)(path).map(Value::String).or_else(error)
            }
            _ => Ok(Value::String(text)),
        }
    }

    /// `[N]`: the index, after the `[` was read.
    fn index(&mut self) -> Result<i64, Stop> {
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            return Err(Stop::End);
        }
        text.parse::<i64>().or_else(|_| {
            error(format!(
                "error parsing index: strconv.Atoi: parsing {text:?}: invalid syntax"
            ))
        })
    }

    /// What follows `name[N]`: `=value`, `.key...` or another `[M]`.
    /// Returns the list (possibly grown) even when the rest fails, as Helm does.
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        index: i64,
        level: usize,
    ) -> (Vec<Value>, Result<(), Stop>) {
        if index < 0 {
            return (list, error(format!("negative {index} index not allowed")));
        }
        let (junk, last) = self.until(&['[', '.', '=']);
        if !junk.is_empty() {
            let runes: Vec<String> = junk.chars().map(|c| format!("'{c}'")).collect();
            return (
                list,
                error(format!(
                    "unexpected data at end of array index: [{}]",
                    runes.join(" ")
                )),
            );
        }
        match last {
            None => (list, Err(Stop::End)),
            Some('=') => match self.value() {
                Ok(value) => {
                    let result = set_index(
                        &mut list,
                        index,
                        value.unwrap_or(Value::String(String::new())),
                    );
                    (list, result)
                }
                Err(stop) => (list, Err(stop)),
            },
            Some('[') => {
                if level + 1 > MAX_NESTED_NAME_LEVEL {
                    return (
                        list,
                        error(format!(
                            "list nesting is deeper than the maximum supported level of {MAX_NESTED_NAME_LEVEL}"
                        )),
                    );
                }
                let next = match self.index() {
                    Ok(next) => next,
                    Err(stop) => return (list, Err(stop)),
                };
                let current = match list.get(index as usize) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(inner)) => inner.clone(),
                    Some(other) => {
                        let message = conversion(other, "[]interface {}");
                        return (list, error(message));
                    }
                };
                let (inner, result) = self.list_item(current, next, level + 1);
                if let Err(stop) = result {
                    return (list, Err(stop));
                }
                let result = set_index(&mut list, index, Value::Array(inner));
                (list, result)
            }
            _ => {
                // '.': a map inside the list item.
                let mut inner = match list.get(index as usize) {
                    Some(Value::Object(map)) => map.clone(),
                    _ => Map::new(),
                };
                if let Err(stop) = self.key(&mut inner, level) {
                    return (list, Err(stop));
                }
                let result = set_index(&mut list, index, Value::Object(inner));
                (list, result)
            }
        }
    }
}

/// An empty key is ignored, as in Helm (`=x` sets nothing).
fn set(data: &mut Map<String, Value>, key: &str, value: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), value);
    }
}

fn set_index(list: &mut Vec<Value>, index: i64, value: Value) -> Result<(), Stop> {
    if index < 0 {
        return error(format!("negative {index} index not allowed"));
    }
    if index > MAX_INDEX {
        return error(format!(
            "index of {index} is greater than maximum supported index of {MAX_INDEX}"
        ));
    }
    let index = index as usize;
    if list.len() <= index {
        list.resize(index + 1, Value::Null);
    }
    list[index] = value;
    Ok(())
}

/// Helm's `typedVal`: booleans and null by name, integers unless they start
/// with `0` (so `00009` stays text), everything else a string.
fn infer_type(text: &str) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::from(0);
    }
    if !text.is_empty()
        && !text.starts_with('0')
        && let Ok(number) = parse_go_int(text)
    {
        return Value::from(number);
    }
    Value::String(text.to_string())
}

/// Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, then digits only.
fn parse_go_int(text: &str) -> Result<i64, ()> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    text.parse::<i64>().map_err(|_| ())
}

/// Helm's wording when a path runs into a value of the wrong type.
fn conversion(found: &Value, wanted: &str) -> String {
    let found = match found {
        Value::Null => "nil",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    };
    format!("unable to parse key: interface conversion: interface {{}} is {found}, not {wanted}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_with(flag: SetFlag, arg: &str, base: Value) -> Result<Value, String> {
        let mut values = match base {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let mut reader = |path: &str| match path {
            "tls.crt" => Ok("CERT\n".to_string()),
            other => Err(format!("open {other}: no such file or directory")),
        };
        apply(flag, arg, &mut values, &mut reader)
            .map(|_| Value::Object(values))
            .map_err(|e| e.to_string())
    }

    fn set(arg: &str) -> Result<Value, String> {
        parse_with(SetFlag::Set, arg, json!({}))
    }

    fn ok(arg: &str, expected: Value) {
        assert_eq!(set(arg), Ok(expected), "--set {arg}");
    }

    fn err(arg: &str, message: &str) {
        let got = set(arg).expect_err(arg);
        assert_eq!(
            got,
            format!("failed parsing --set data: {message}"),
            "--set {arg}"
        );
    }

    #[test]
    fn helms_parser_test_table() {
        ok(
            "name1=null,f=false,t=true",
            json!({"name1": null, "f": false, "t": true}),
        );
        ok("name1=value1", json!({"name1": "value1"}));
        ok(
            "name1=value1,name2=value2",
            json!({"name1": "value1", "name2": "value2"}),
        );
        ok(
            "name1=value1,name2=value2,",
            json!({"name1": "value1", "name2": "value2"}),
        );
        err(
            "name1=value1,,,,name2=value2,",
            "key \"\" has no value (cannot end with ,)",
        );
        ok(
            "name1=,name2=value2",
            json!({"name1": "", "name2": "value2"}),
        );
        ok("leading_zeros=00009", json!({"leading_zeros": "00009"}));
        ok("zero_int=0", json!({"zero_int": 0}));
        ok("long_int=1234567890", json!({"long_int": 1234567890}));
        ok("boolean=true", json!({"boolean": true}));
        ok("is_null=null", json!({"is_null": null}));
        err(
            "name1,name2=",
            "key \"name1\" has no value (cannot end with ,)",
        );
        err(
            "name1,name2=value2",
            "key \"name1\" has no value (cannot end with ,)",
        );
        err(
            "name1,name2=value2\\",
            "key \"name1\" has no value (cannot end with ,)",
        );
        err(
            "name1,name2",
            "key \"name1\" has no value (cannot end with ,)",
        );
        ok(
            "name1=one\\,two,name2=three\\,four",
            json!({"name1": "one,two", "name2": "three,four"}),
        );
        ok(
            "name1=one\\=two,name2=three\\=four",
            json!({"name1": "one=two", "name2": "three=four"}),
        );
        ok(
            "name1=one two three,name2=three two one",
            json!({"name1": "one two three", "name2": "three two one"}),
        );
        ok("outer.inner=value", json!({"outer": {"inner": "value"}}));
        ok(
            "outer.middle.inner=value",
            json!({"outer": {"middle": {"inner": "value"}}}),
        );
        ok(
            "outer.inner1=value,outer.inner2=value2",
            json!({"outer": {"inner1": "value", "inner2": "value2"}}),
        );
        ok(
            "outer.inner1=value,outer.middle.inner=value",
            json!({"outer": {"inner1": "value", "middle": {"inner": "value"}}}),
        );
        err("name1.name2", "key \"name2\" has no value");
        err(
            "name1.name2,name1.name3",
            "key \"name2\" has no value (cannot end with ,)",
        );
        ok("name1.name2=", json!({"name1": {"name2": ""}}));
        err("name1.=name2", "key map \"name1\" has no value");
        err("name1.,name2", "key \"\" has no value (cannot end with ,)");
        ok(
            "name1={value1,value2}",
            json!({"name1": ["value1", "value2"]}),
        );
        ok(
            "name1={value1,value2},name2={value1,value2}",
            json!({"name1": ["value1", "value2"], "name2": ["value1", "value2"]}),
        );
        ok("name1={1021,902}", json!({"name1": [1021, 902]}));
        ok(
            "name1.name2={value1,value2}",
            json!({"name1": {"name2": ["value1", "value2"]}}),
        );
        err("name1={1021,902", "list must terminate with '}'");
        ok("list[0]=foo", json!({"list": ["foo"]}));
        ok("list[0].foo=bar", json!({"list": [{"foo": "bar"}]}));
        ok(
            "list[0].foo=bar,list[0].hello=world",
            json!({"list": [{"foo": "bar", "hello": "world"}]}),
        );
        err(
            "list[0].foo=bar,list[-30].hello=world",
            "negative -30 index not allowed",
        );
        ok("list[0]=foo,list[1]=bar", json!({"list": ["foo", "bar"]}));
        ok("list[0]=foo,list[1]=bar,", json!({"list": ["foo", "bar"]}));
        ok(
            "list[0]=foo,list[3]=bar",
            json!({"list": ["foo", null, null, "bar"]}),
        );
        err(
            "list[0]=foo,list[-20]=bar",
            "negative -20 index not allowed",
        );
        err(
            "illegal[0]name.foo=bar",
            "unexpected data at end of array index: ['n' 'a' 'm' 'e']",
        );
        ok("noval[0]", json!({"noval": []}));
        ok("noval[0]=", json!({"noval": [""]}));
        ok("nested[0][0]=1", json!({"nested": [[1]]}));
        ok("nested[1][1]=1", json!({"nested": [null, [null, 1]]}));
        ok(
            "name1.name2[0].foo=bar,name1.name2[1].foo=bar",
            json!({"name1": {"name2": [{"foo": "bar"}, {"foo": "bar"}]}}),
        );
        ok(
            "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
            json!({"name1": {"name2": [{"foo": "bar"}, {"foo": "bar"}]}}),
        );
        ok(
            "name1.name2[1].foo=bar",
            json!({"name1": {"name2": [null, {"foo": "bar"}]}}),
        );
        err(
            "]={}].",
            "unable to parse key: interface conversion: interface {} is []interface {}, not map[string]interface {}",
        );
        err(
            "a[x]=1",
            "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax",
        );
        err(
            "a[70000]=1",
            "index of 70000 is greater than maximum supported index of 65536",
        );
        err("a=[1,2]", "key \"2]\" has no value");
    }

    #[test]
    fn nesting_deeper_than_thirty_levels_is_refused() {
        let thirty_one: Vec<String> = (0..31).map(|i| format!("k{i}")).collect();
        assert!(set(&format!("{}=x", thirty_one.join("."))).is_ok());
        let thirty_two: Vec<String> = (0..32).map(|i| format!("k{i}")).collect();
        err(
            &format!("{}=x", thirty_two.join(".")),
            "value name nested level is greater than maximum supported nested level of 30",
        );
    }

    #[test]
    fn typing_rules() {
        ok(
            "a=-5,b=+5,c=-0,d=0x10,e=1.5,f=1e3,g=1_000,h=9223372036854775808,i= 5,j=yes,k=~,l=TRUE,m=Null",
            json!({"a": -5, "b": 5, "c": 0, "d": "0x10", "e": "1.5", "f": "1e3", "g": "1_000",
                   "h": "9223372036854775808", "i": " 5", "j": "yes", "k": "~", "l": true, "m": null}),
        );
        ok("empty={}", json!({"empty": [""]}));
        ok("=x", json!({}));
        ok("x\\y=a\\", json!({"xy": "a"}));
    }

    #[test]
    fn set_string_keeps_everything_a_string() {
        assert_eq!(
            parse_with(
                SetFlag::SetString,
                "long_int_string=1234567890,boolean=true,is_null=null,zero=0,l={1,true}",
                json!({})
            ),
            Ok(
                json!({"long_int_string": "1234567890", "boolean": "true", "is_null": "null", "zero": "0", "l": ["1", "true"]})
            )
        );
    }

    #[test]
    fn set_literal_takes_the_rest_as_is() {
        assert_eq!(
            parse_with(SetFlag::SetLiteral, "a\\.b=c", json!({})),
            Ok(json!({"a\\": {"b": "c"}}))
        );
        assert_eq!(
            parse_with(SetFlag::SetLiteral, "a=x,b=y", json!({})),
            Ok(json!({"a": "x,b=y"}))
        );
        assert_eq!(
            parse_with(SetFlag::SetLiteral, "l[1]={a,b}", json!({})),
            Ok(json!({"l": [null, "{a,b}"]}))
        );
    }

    #[test]
    fn set_file_reads_the_file() {
        assert_eq!(
            parse_with(SetFlag::SetFile, "tls.cert=tls.crt", json!({})),
            Ok(json!({"tls": {"cert": "CERT\n"}}))
        );
        let err = parse_with(SetFlag::SetFile, "cert=missing.crt", json!({})).unwrap_err();
        assert_eq!(
            err,
            "failed parsing --set-file data: open missing.crt: no such file or directory"
        );
    }

    #[test]
    fn set_json_items_and_objects() {
        assert_eq!(
            parse_with(
                SetFlag::SetJson,
                r#"outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null"#,
                json!({})
            ),
            Ok(
                json!({"outer": {"inner1": null, "inner3": {"aa": "1", "bb": 2, "cc": [1, null, 3]}}})
            )
        );
        assert_eq!(
            parse_with(
                SetFlag::SetJson,
                r#"{"image":{"tag":"x"}}"#,
                json!({"image": {"repo": "r", "tag": "y"}})
            ),
            Ok(json!({"image": {"repo": "r", "tag": "x"}}))
        );
        assert_eq!(
            parse_with(SetFlag::SetJson, r#"a={"b":1}"#, json!({"a": {"c": 2}})),
            Ok(json!({"a": {"b": 1}})),
            "the item form replaces the key"
        );
        assert_eq!(
            parse_with(SetFlag::SetJson, "a=1, b=2", json!({})),
            Ok(json!({"a": 1, " b": 2}))
        );
        assert_eq!(
            parse_with(SetFlag::SetJson, "a=x", json!({})).unwrap_err(),
            "failed parsing --set-json data a=x: not valid JSON: expected value at line 1 column 1"
        );
        assert_eq!(
            parse_with(SetFlag::SetJson, "{bad", json!({})).unwrap_err(),
            "failed parsing --set-json data JSON: {bad: not valid JSON: key must be a string at line 1 column 2"
        );
        let long = format!("a={{\"k\": \"{}\",}}", "x".repeat(100_000));
        let message = parse_with(SetFlag::SetJson, &long, json!({})).unwrap_err();
        assert!(
            message.len() < 300 && message.contains("(100012 characters)"),
            "{message}"
        );
    }

    #[test]
    fn writes_into_existing_values() {
        assert_eq!(
            parse_with(
                SetFlag::Set,
                "outer.inner1=value1,outer.inner3=value3,outer.inner4=4",
                json!({"outer": {"inner1": "overwrite", "inner2": "value2"}})
            ),
            Ok(
                json!({"outer": {"inner1": "value1", "inner2": "value2", "inner3": "value3", "inner4": 4}})
            )
        );
        assert_eq!(
            parse_with(SetFlag::Set, "list[1]=x", json!({"list": ["a", "b", "c"]})),
            Ok(json!({"list": ["a", "x", "c"]}))
        );
        let err = parse_with(SetFlag::Set, "a.b=1", json!({"a": "str"})).unwrap_err();
        assert!(
            err.ends_with("interface {} is string, not map[string]interface {}"),
            "{err}"
        );
        let err = parse_with(SetFlag::Set, "a.b=1", json!({"a": null})).unwrap_err();
        assert!(
            err.ends_with("interface {} is nil, not map[string]interface {}"),
            "{err}"
        );
    }

    #[test]
    fn keys_keep_their_order() {
        let value = set("zeta=1,alpha=2,mid.b=3,mid.a=4").unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"zeta":1,"alpha":2,"mid":{"b":3,"a":4}}"#
        );
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = [
            "]]]",
            "{{{",
            "[[[",
            "a[",
            "a[1",
            "a[1]",
            "a[1][",
            "a[]=1",
            "a.b.c.",
            "\\",
            "=",
            ",",
            ".",
            "a[0].=1",
            "a={",
            "a={}",
            "a[0]{=1",
            "\u{0}=\u{1}",
            "a[99999999999999999999]=1",
            "a[1].b[2].c[3]=d",
        ];
        for input in inputs {
            for flag in [
                SetFlag::Set,
                SetFlag::SetString,
                SetFlag::SetLiteral,
                SetFlag::SetJson,
                SetFlag::SetFile,
            ] {
                let _ = parse_with(flag, input, json!({"a": "x"}));
                let _ = parse_with(flag, input, json!({}));
            }
        }
        let long = "a.".repeat(100_000) + "b=1";
        assert!(set(&long).is_err());
        let wide = "[0]".repeat(100_000);
        let _ = set(&format!("a{wide}=1"));
    }
}
