//! The table of filters and functions every kinja environment gets, apart
//! from minijinja's builtins (`default`, `indent`, `tojson`, `replace`, ...).

use super::helm_compat as h;
use minijinja::Environment;

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("to_yaml", h::to_yaml);
    env.add_filter("toyaml", h::to_yaml);
    env.add_filter("from_yaml", h::from_yaml);
    env.add_filter("from_json", h::from_json);
    env.add_filter("nindent", h::nindent);
    env.add_filter("quote", h::quote);
    env.add_filter("squote", h::squote);
    env.add_filter("b64encode", h::b64encode);
    env.add_filter("b64decode", h::b64decode);
    env.add_filter("sha256", h::sha256);
    env.add_filter("trunc", h::trunc);
    env.add_filter("trim_suffix", h::trim_suffix);
    env.add_filter("trim_prefix", h::trim_prefix);
    env.add_filter("regex_replace", h::regex_replace);
    env.add_filter("required", h::required);
    env.add_filter("tpl", h::tpl);
    env.add_filter("string", h::string);
    env.add_filter("tojson", h::tojson);
    env.add_filter("bool", h::bool);
    env.add_filter("indent", h::indent);
    env.add_filter("escape", h::escape);
    env.add_filter("e", h::escape);
    env.add_filter("pprint", h::pprint);

    env.add_function("fail", h::fail);
    env.add_function("tpl", h::tpl);
    env.add_function("lookup", h::lookup);
    env.add_function("semver_compare", h::semver_compare);
    env.add_function("from_yaml", h::from_yaml);
    env.add_function("from_json", h::from_json);
    env.add_function("to_yaml", h::to_yaml);
}
