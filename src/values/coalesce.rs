//! Helm's merge rules.
//!
//! * [`merge_maps`] merges user sources into each other (`-f a.yaml -f b.yaml`):
//!   maps merge recursively, anything else on the right replaces the left.
//! * [`coalesce_tables`] merges an upgrade's new user values over the last
//!   revision's (`--reuse-values`, `--reset-then-reuse-values`).
//! * [`coalesce_values`] places the chart defaults *under* the user values:
//!   maps merge recursively, user lists and scalars replace defaults, and a
//!   user `null` deletes the default it lands on (`livenessProbe: null`
//!   removes the chart's probe). A `null` with no default under it stays.

use super::Values;
use serde_json::Value;

/// Merges `overlay` into `base`: maps recursively, everything else replaced.
pub fn merge_maps(base: &mut Values, overlay: Values) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(base_map)), Value::Object(overlay_map)) => {
                merge_maps(base_map, overlay_map)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Coalesces chart `defaults` under `user` values. The result keeps the
/// defaults' key order, with keys only the user wrote after them.
/// Type conflicts resolve in the user's favour; each one adds a warning.
pub fn coalesce_values(defaults: &Values, user: Values, warnings: &mut Vec<String>) -> Values {
    coalesce_at(defaults, user, "", false, &|_| false, warnings)
}

/// One chart's level of [`coalesce_values`]. With `keep_nulls` (Helm's
/// merge mode) a user `null` stays, for a level below to act on; the
/// values of a key `is_subchart` names are merged in that mode, since the
/// subchart's own defaults are coalesced under them later.
pub(super) fn coalesce_at(
    defaults: &Values,
    mut user: Values,
    prefix: &str,
    keep_nulls: bool,
    is_subchart: &dyn Fn(&str) -> bool,
    warnings: &mut Vec<String>,
) -> Values {
    let mut result = Values::with_capacity(defaults.len() + user.len());
    for (key, default) in defaults {
        let path = join_path(prefix, key);
        match user.shift_remove(key) {
            None => {
                result.insert(key.clone(), default.clone());
            }
            // A user null deletes the default (or, merging, is kept for later).
            Some(Value::Null) => {
                if keep_nulls {
                    result.insert(key.clone(), Value::Null);
                }
            }
            Some(Value::Object(user_map)) => match default {
                Value::Object(default_map) => {
                    let keep = keep_nulls || is_subchart(key);
                    let merged =
                        coalesce_at(default_map, user_map, &path, keep, &|_| false, warnings);
                    result.insert(key.clone(), Value::Object(merged));
                }
                // A user map over a null default is taken as written, nulls and all.
                Value::Null => {
                    result.insert(key.clone(), Value::Object(user_map));
                }
                _ => {
                    warnings.push(format!(
                        "the chart's default for {path} is not a mapping; your mapping replaces it"
                    ));
                    result.insert(key.clone(), Value::Object(user_map));
                }
            },
            Some(user_value) => {
                if default.is_object() && !prefix.is_empty() {
                    warnings.push(format!(
                        "cannot overwrite table with non table for {path}; your value replaces the chart's mapping"
                    ));
                }
                result.insert(key.clone(), user_value);
            }
        }
    }
    // Keys only the user wrote: nulls with no default under them stay null.
    for (key, value) in user {
        result.insert(key, value);
    }
    result
}

/// Helm's `CoalesceTables(new, old)` as helm 4.1.4 runs it for an
/// upgrade that reuses values: `new` wins, `old` fills in what `new` lacks,
/// maps merge recursively, and a type conflict keeps `new`'s value. A
/// `null` in `new` on a key `old` set (to something not null) drops the key
/// from the result, so the defaults under it show again; a `null` on any
/// other key stays, to delete a chart default later.
pub fn coalesce_tables(new: Values, old: &Values) -> Values {
    merge_tables_with(new, old, false)
}

/// Helm's `MergeTables(new, old)`: as [`coalesce_tables`], but a `null` in
/// `new` always stays.
pub fn merge_tables(new: Values, old: &Values) -> Values {
    merge_tables_with(new, old, true)
}

/// [`coalesce_tables`], or with `keep_nulls` Helm's `MergeTables`.
pub(super) fn merge_tables_with(new: Values, old: &Values, keep_nulls: bool) -> Values {
    let mut result = new;
    for (key, old_value) in old {
        match result.get_mut(key) {
            None => {
                result.insert(key.clone(), old_value.clone());
            }
            Some(Value::Null) if !keep_nulls && !old_value.is_null() => {
                result.shift_remove(key);
            }
            Some(Value::Object(new_map)) => {
                if let Value::Object(old_map) = old_value {
                    let merged = merge_tables_with(std::mem::take(new_map), old_map, keep_nulls);
                    *new_map = merged;
                }
            }
            Some(_) => {}
        }
    }
    result
}

fn join_path(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::values::test_values as map;

    fn coalesce(defaults: Value, user: Value) -> Value {
        let mut warnings = Vec::new();
        Value::Object(coalesce_values(&map(defaults), map(user), &mut warnings))
    }

    #[test]
    fn user_files_merge_maps_and_replace_lists() {
        let mut base = map(json!({"a": {"x": 1, "y": 2}, "list": [1, 2], "s": "old"}));
        merge_maps(
            &mut base,
            map(json!({"a": {"y": 3}, "list": [9], "s": {"now": "map"}})),
        );
        assert_eq!(
            Value::Object(base),
            json!({"a": {"x": 1, "y": 3}, "list": [9], "s": {"now": "map"}})
        );
    }

    #[test]
    fn merge_between_user_files_keeps_nulls_for_coalesce_to_see() {
        let mut base = map(json!({"probe": {"httpGet": {"path": "/"}}}));
        merge_maps(&mut base, map(json!({"probe": {"httpGet": null}})));
        assert_eq!(Value::Object(base), json!({"probe": {"httpGet": null}}));
    }

    #[test]
    fn defaults_fill_in_under_user_values() {
        assert_eq!(
            coalesce(
                json!({"image": {"repo": "nginx", "tag": "1"}, "replicas": 1}),
                json!({"image": {"tag": "2"}})
            ),
            json!({"image": {"repo": "nginx", "tag": "2"}, "replicas": 1})
        );
    }

    #[test]
    fn user_null_deletes_the_default_at_any_depth() {
        assert_eq!(
            coalesce(
                json!({"probe": {"httpGet": {"path": "/"}, "period": 10}, "top": 1}),
                json!({"probe": {"httpGet": null}, "top": null})
            ),
            json!({"probe": {"period": 10}})
        );
    }

    #[test]
    fn null_without_a_default_stays_null() {
        assert_eq!(
            coalesce(json!({}), json!({"extra": null, "m": {"k": null}})),
            json!({"extra": null, "m": {"k": null}})
        );
    }

    #[test]
    fn user_lists_and_scalars_replace_defaults() {
        assert_eq!(
            coalesce(
                json!({"ports": [80, 443], "name": "x"}),
                json!({"ports": [8080], "name": "y"})
            ),
            json!({"ports": [8080], "name": "y"})
        );
    }

    #[test]
    fn type_conflicts_resolve_for_the_user_with_a_warning() {
        let mut warnings = Vec::new();
        let result = coalesce_values(
            &map(json!({"m": {"nested": {"x": 1}, "a": 1}})),
            map(json!({"m": {"nested": "scalar", "a": {"now": "map"}}})),
            &mut warnings,
        );
        assert_eq!(
            Value::Object(result),
            json!({"m": {"nested": "scalar", "a": {"now": "map"}}})
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("m.nested"), "{warnings:?}");
    }

    #[test]
    fn coalesce_tables_lets_new_values_win_and_old_ones_fill_in() {
        let old =
            map(json!({"a": 1, "b": {"x": 1, "y": 2}, "gone": 5, "list": [1], "m": {"k": 1}}));
        let new =
            map(json!({"b": {"y": 3}, "gone": null, "fresh": null, "list": [2], "m": "text"}));
        assert_eq!(
            Value::Object(coalesce_tables(new, &old)),
            json!({"b": {"y": 3, "x": 1}, "fresh": null, "list": [2], "m": "text", "a": 1})
        );
    }

    #[test]
    fn result_keeps_default_key_order_then_user_only_keys() {
        let result = coalesce(json!({"b": 1, "a": 2}), json!({"z": 0, "a": 3}));
        let keys: Vec<_> = result.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["b", "a", "z"]);
    }
}
