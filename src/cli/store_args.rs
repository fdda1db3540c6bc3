//! Which release store a command uses.

use crate::release::FileStore;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The release store folder (default: $KINJA_STORE, else $XDG_DATA_HOME/kinja, else ~/.local/share/kinja)
    #[arg(long, value_name = "DIR", global = true)]
    pub store: Option<PathBuf>,
}

impl StoreArgs {
    /// The flag wins over the environment, as in every common CLI.
    pub fn open(&self) -> FileStore {
        FileStore::new(store_root(self.store.clone(), |name| {
            std::env::var_os(name)
        }))
    }
}

/// Resolves the store folder: `--store`, `$KINJA_STORE`, `$XDG_DATA_HOME/kinja`, `~/.local/share/kinja`.
pub fn store_root(
    flag: Option<PathBuf>,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> PathBuf {
    let non_empty = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    flag.or_else(|| non_empty("KINJA_STORE"))
        .or_else(|| non_empty("XDG_DATA_HOME").map(|d| d.join("kinja")))
        .or_else(|| non_empty("HOME").map(|h| h.join(".local/share/kinja")))
        .unwrap_or_else(|| PathBuf::from(".kinja"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_flag_beats_the_environment() {
        let all = env(&[
            ("KINJA_STORE", "/env"),
            ("XDG_DATA_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(
            store_root(Some("/flag".into()), &all),
            PathBuf::from("/flag")
        );
        assert_eq!(store_root(None, &all), PathBuf::from("/env"));
        assert_eq!(
            store_root(None, env(&[("XDG_DATA_HOME", "/xdg"), ("HOME", "/h")])),
            PathBuf::from("/xdg/kinja")
        );
        assert_eq!(
            store_root(None, env(&[("HOME", "/h")])),
            PathBuf::from("/h/.local/share/kinja")
        );
    }
}
