//! Which values an upgrade renders with, by Helm's rules
//! (`pkg/action/upgrade.go`, `reuseValues`, helm 4.1.4):
//!
//! * `--reset-values`: the chart's defaults and the values given now.
//! * `--reuse-values`: the values given now over the last revision's user
//!   values, all over the last revision's *merged* values instead of the
//!   chart's defaults, so a new chart version's new defaults are not seen.
//! * `--reset-then-reuse-values`: the values given now over the last
//!   revision's user values, over the new chart's defaults.
//! * none of them: the values given now; when none are given at all, the
//!   last revision's user values (so an upgrade without `-f prod.yaml`
//!   keeps prod's values instead of falling back to the defaults).
//!
//! As in Helm, `--reset-values` beats `--reuse-values`, which beats
//! `--reset-then-reuse-values`. An install (no live revision) takes the
//! values given now whatever the flags.

use crate::store::Record;
use crate::values::{Values, coalesce_tables};

/// The upgrade values flag given, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValuesRule {
    /// No flag: Helm's default rule.
    #[default]
    Default,
    Reset,
    Reuse,
    ResetThenReuse,
}

impl ValuesRule {
    /// The rule of a command line's three flags, with Helm's precedence.
    pub fn from_flags(reset: bool, reuse: bool, reset_then_reuse: bool) -> ValuesRule {
        match (reset, reuse, reset_then_reuse) {
            (true, _, _) => ValuesRule::Reset,
            (_, true, _) => ValuesRule::Reuse,
            (_, _, true) => ValuesRule::ResetThenReuse,
            _ => ValuesRule::Default,
        }
    }
}

/// The values an upgrade renders with.
#[derive(Debug, Clone, PartialEq)]
pub struct UpgradeValues {
    /// The user values, recorded as the revision's `config`.
    pub user: Values,
    /// What goes under them instead of the chart's defaults (`--reuse-values`).
    pub defaults: Option<Values>,
    /// Said on stderr when values come from the last revision without a flag asking.
    pub note: Option<String>,
}

/// Applies `rule` to the values given now and the live revision, if any.
pub fn upgrade_values(rule: ValuesRule, given: Values, live: Option<&Record>) -> UpgradeValues {
    let plain = |user| UpgradeValues {
        user,
        defaults: None,
        note: None,
    };
    let Some(previous) = live else {
        return plain(given);
    };
    match rule {
        ValuesRule::Reset => plain(given),
        ValuesRule::Reuse => UpgradeValues {
            user: coalesce_tables(given, &previous.config),
            defaults: Some(previous.values.clone()),
            note: None,
        },
        ValuesRule::ResetThenReuse => plain(coalesce_tables(given, &previous.config)),
        ValuesRule::Default if given.is_empty() && !previous.config.is_empty() => UpgradeValues {
            user: previous.config.clone(),
            defaults: None,
            note: Some(format!(
                "no values given: the values of revision {} are used again, as Helm does (--reset-values uses only the chart's defaults)",
                previous.revision
            )),
        },
        ValuesRule::Default => plain(given),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    use crate::values::test_values as map;

    fn previous() -> Record {
        let mut record = Record::example();
        record.revision = 3;
        record.config = map(json!({"replicas": 3, "image": {"tag": "prod"}}));
        record.values = map(json!({"replicas": 3, "image": {"tag": "prod", "repo": "old"}}));
        record
    }

    #[test]
    fn without_values_an_upgrade_reuses_the_last_user_values_and_says_so() {
        let reused = upgrade_values(ValuesRule::Default, Values::new(), Some(&previous()));
        assert_eq!(reused.user, previous().config);
        assert_eq!(reused.defaults, None, "the new chart's defaults apply");
        assert!(reused.note.unwrap().contains("revision 3"));
        // Any value given replaces them all, as in Helm.
        let given = map(json!({"replicas": 5}));
        let fresh = upgrade_values(ValuesRule::Default, given.clone(), Some(&previous()));
        assert_eq!((fresh.user, fresh.note), (given, None));
    }

    #[test]
    fn each_flag_as_helm_reads_it() {
        let given = map(json!({"replicas": 5}));
        let reset = upgrade_values(ValuesRule::Reset, Values::new(), Some(&previous()));
        assert_eq!(reset.user, Values::new());
        let reuse = upgrade_values(ValuesRule::Reuse, given.clone(), Some(&previous()));
        assert_eq!(
            Value::Object(reuse.user),
            json!({"replicas": 5, "image": {"tag": "prod"}})
        );
        assert_eq!(
            reuse.defaults,
            Some(previous().values),
            "old merged values as defaults"
        );
        let then_reuse =
            upgrade_values(ValuesRule::ResetThenReuse, given.clone(), Some(&previous()));
        assert_eq!(
            (Value::Object(then_reuse.user), then_reuse.defaults),
            (json!({"replicas": 5, "image": {"tag": "prod"}}), None)
        );
        let install = upgrade_values(ValuesRule::Reuse, given.clone(), None);
        assert_eq!((install.user, install.defaults), (given, None));
        assert_eq!(ValuesRule::from_flags(true, true, true), ValuesRule::Reset);
        assert_eq!(ValuesRule::from_flags(false, true, true), ValuesRule::Reuse);
    }
}
