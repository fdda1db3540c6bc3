//! The values flags shared by every command that renders.

use crate::values::ValuesOptions;
use clap::Args;

#[derive(Debug, Clone, Args, Default)]
pub struct ValuesArgs {
    /// Values file to merge over the chart's values.yaml; repeat it, the rightmost wins; `-` reads stdin
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub files: Vec<String>,
    /// Set values: `a.b=1,list[0]=x,tags={a,b}` (Helm's --set grammar)
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,
    /// Set values, every value taken as a string
    #[arg(long = "set-string", value_name = "K=V")]
    pub set_string: Vec<String>,
    /// Set values from JSON: `a={"b":[1,2]}`
    #[arg(long = "set-json", value_name = "K=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to the content of a file: `cert=tls.crt` (`-` reads stdin)
    #[arg(long = "set-file", value_name = "K=PATH")]
    pub set_file: Vec<String>,
    /// Set one value literally: everything after the first `=`, no escapes
    #[arg(long = "set-literal", value_name = "K=V")]
    pub set_literal: Vec<String>,
}

impl ValuesArgs {
    pub fn to_options(&self) -> ValuesOptions {
        ValuesOptions {
            files: self.files.clone(),
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        }
    }
}
