//! The table of filters and functions every kinja environment gets, apart
//! from minijinja's builtins (`default`, `indent`, `tojson`, `replace`, ...),
//! and the names of all of them, for "did you mean" hints.

use super::helm_compat as h;
use super::{helm_time as time, helm_values as pick};
use minijinja::Environment;

/// Registers each entry with `add` and lists its name in `names`: one
/// table, so the hints never miss a filter.
macro_rules! table {
    ($names:ident, $register:ident, $add:ident { $($name:literal => $f:expr,)* }) => {
        pub const $names: &[&str] = &[$($name),*];
        fn $register(env: &mut Environment<'static>) {
            $(env.$add($name, $f);)*
        }
    };
}

table!(KINJA_FILTERS, register_filters, add_filter {
    "to_yaml" => h::to_yaml,
    "toyaml" => h::to_yaml,
    "from_yaml" => h::from_yaml,
    "from_json" => h::from_json,
    "nindent" => h::nindent,
    "quote" => h::quote,
    "squote" => h::squote,
    "b64encode" => h::b64encode,
    "b64decode" => h::b64decode,
    "sha256" => h::sha256,
    "sha1" => h::sha1,
    "trunc" => h::trunc,
    "trim_suffix" => h::trim_suffix,
    "trim_prefix" => h::trim_prefix,
    "regex_replace" => h::regex_replace,
    "required" => h::required,
    "tpl" => h::tpl,
    "string" => h::string,
    "tojson" => h::tojson,
    "bool" => h::bool,
    "indent" => h::indent,
    "escape" => h::escape,
    "e" => h::escape,
    "pprint" => h::pprint,
    "ternary" => pick::ternary_filter,
    "dig" => pick::dig_filter,
    "merge" => pick::merge,
    "merge_overwrite" => pick::merge_overwrite,
    "date" => time::date_filter,
});

table!(KINJA_FUNCTIONS, register_functions, add_function {
    "fail" => h::fail,
    "tpl" => h::tpl,
    "lookup" => h::lookup,
    "semver_compare" => h::semver_compare,
    "from_yaml" => h::from_yaml,
    "from_json" => h::from_json,
    "to_yaml" => h::to_yaml,
    "coalesce" => pick::coalesce,
    "ternary" => pick::ternary_function,
    "dig" => pick::dig_function,
    "merge" => pick::merge,
    "merge_overwrite" => pick::merge_overwrite,
    "now" => time::now,
    "date" => time::date_function,
    "uuidv4" => time::uuidv4,
    "rand_alpha_num" => time::rand_alpha_num,
});

/// minijinja's own filters (with the `builtins` feature) that kinja keeps.
pub const BUILTIN_FILTERS: &[&str] = &[
    "safe",
    "lower",
    "upper",
    "title",
    "capitalize",
    "length",
    "count",
    "items",
    "dictsort",
    "reverse",
    "trim",
    "join",
    "split",
    "lines",
    "default",
    "d",
    "round",
    "abs",
    "int",
    "float",
    "attr",
    "first",
    "last",
    "min",
    "max",
    "sort",
    "list",
    "batch",
    "slice",
    "sum",
    "select",
    "reject",
    "selectattr",
    "rejectattr",
    "map",
    "groupby",
    "unique",
    "chain",
    "zip",
    "replace",
    "format",
];

/// minijinja's own global functions.
pub const BUILTIN_FUNCTIONS: &[&str] = &["range", "dict", "debug", "namespace"];

pub fn register(env: &mut Environment<'static>) {
    register_filters(env);
    register_functions(env);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_builtin_exists() {
        let mut env = Environment::new();
        register(&mut env);
        for name in BUILTIN_FILTERS {
            let error = env.render_str(&format!("{{{{ 1 | {name} }}}}"), ()).err();
            assert!(
                error.is_none_or(|e| e.kind() != minijinja::ErrorKind::UnknownFilter),
                "{name}"
            );
        }
        let globals: Vec<&str> = env.globals().map(|(name, _)| name).collect();
        for name in BUILTIN_FUNCTIONS.iter().chain(KINJA_FUNCTIONS) {
            assert!(globals.contains(name), "{name}");
        }
    }
}
