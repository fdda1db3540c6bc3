//! `files`: the chart's non-template files, with Helm's `.Files` accessors as methods.

use crate::chart::ChartFiles;
use minijinja::value::{Object, Value};
use minijinja::{Error, ErrorKind};
use std::sync::Arc;

/// `files`: the chart's non-template files, with Helm's accessors as methods.
#[derive(Debug)]
pub struct FilesObject(pub Arc<ChartFiles>);

impl Object for FilesObject {
    fn call_method(
        self: &Arc<Self>,
        _state: &mut minijinja::State,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        let files = &self.0;
        let (path,): (&str,) = minijinja::value::from_args(args)?;
        let result = match method {
            "get" => files.get(path).map(Value::from),
            "lines" => files.lines(path).map(Value::from),
            "as_config" => files.as_config(path).map(Value::from),
            "as_secrets" => files.as_secrets(path).map(Value::from),
            "glob" => files.glob(path).and_then(|found| {
                found
                    .into_iter()
                    .map(|(name, bytes)| {
                        String::from_utf8(bytes.to_vec())
                            .map(|text| (name.to_string(), Value::from(text)))
                            .map_err(|_| crate::chart::FilesError::NotText(name.to_string()))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::from_pairs)
            }),
            _ => {
                return Err(Error::new(
                    ErrorKind::UnknownMethod,
                    format!(
                        "files has no method {method}; use get, glob, lines, as_config or as_secrets"
                    ),
                ));
            }
        };
        result.map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
    }
}
