//! Which release store a command uses.

use crate::error::Error;
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
    pub fn open(&self) -> Result<FileStore, Error> {
        store_root(self.store.clone(), |name| std::env::var_os(name))
            .map(FileStore::new)
            .ok_or_else(|| {
                Error::Usage(
                    "no release store: HOME is not set; pass --store DIR or set KINJA_STORE".into(),
                )
            })
    }
}

/// Resolves the store folder: `--store`, `$KINJA_STORE`, `$XDG_DATA_HOME/kinja`
/// (only an absolute one, as the XDG spec says), `~/.local/share/kinja`.
pub fn store_root(
    flag: Option<PathBuf>,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let non_empty = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    flag.or_else(|| non_empty("KINJA_STORE"))
        .or_else(|| {
            non_empty("XDG_DATA_HOME")
                .filter(|d| d.is_absolute())
                .map(|d| d.join("kinja"))
        })
        .or_else(|| non_empty("HOME").map(|h| h.join(".local/share/kinja")))
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
        assert_eq!(store_root(Some("/flag".into()), &all), Some("/flag".into()));
        assert_eq!(store_root(None, &all), Some("/env".into()));
        assert_eq!(
            store_root(None, env(&[("XDG_DATA_HOME", "/xdg"), ("HOME", "/h")])),
            Some("/xdg/kinja".into())
        );
        assert_eq!(
            store_root(None, env(&[("HOME", "/h")])),
            Some("/h/.local/share/kinja".into())
        );
    }

    #[test]
    fn a_relative_xdg_data_home_is_ignored_and_no_home_is_no_store() {
        assert_eq!(
            store_root(None, env(&[("XDG_DATA_HOME", "rel"), ("HOME", "/h")])),
            Some("/h/.local/share/kinja".into())
        );
        assert_eq!(store_root(None, env(&[])), None);
    }
}
