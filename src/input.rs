//! Reading what the user points kinja at (values files, `--set-file`, `-`,
//! manifests to diff, chart files) with a size limit: `-f /dev/zero` ends in
//! an error, not in gigabytes of memory.

use std::io::Read;
use std::path::Path;

/// The largest input kinja reads; far above any real chart or manifest.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Everything `reader` holds, if it holds at most `limit` bytes.
pub fn read_capped(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB, more than kinja reads",
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// A file's bytes, up to [`MAX_INPUT_BYTES`].
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    read_capped(std::fs::File::open(path)?, MAX_INPUT_BYTES)
}

/// A file's text, up to [`MAX_INPUT_BYTES`]; bytes that are not UTF-8 are an error.
pub fn read_text_file(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_file(path)?)
        .map_err(|_| std::io::Error::other("not UTF-8 text (is it a binary file?)"))
}

/// Standard input as text, up to [`MAX_INPUT_BYTES`].
pub fn read_stdin() -> std::io::Result<String> {
    String::from_utf8(read_capped(std::io::stdin().lock(), MAX_INPUT_BYTES)?)
        .map_err(|_| std::io::Error::other("not UTF-8 text (is it a binary file?)"))
}

/// A short reason for an I/O error, without Rust's "(os error 2)".
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory, not a file".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            }
        }
    }
}

/// A file the user named that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct InputError {
    /// The path as given, or `<stdin>`.
    pub path: String,
    pub reason: String,
}

/// A manifest (or any text) the user names: a file, or `-` for standard
/// input; errors name the file.
pub fn read_named(path: &str) -> Result<String, InputError> {
    let result = if path == "-" {
        read_stdin()
    } else {
        read_text_file(Path::new(path))
    };
    result.map_err(|e| InputError {
        path: if path == "-" { "<stdin>" } else { path }.to_string(),
        reason: io_reason(&e),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn input_past_the_limit_is_an_error_without_reading_it_all() {
        let endless = std::io::repeat(b'a');
        let error = super::read_capped(endless, 1 << 20).unwrap_err();
        assert!(error.to_string().contains("larger than 1 MiB"), "{error}");
        assert_eq!(super::read_capped(&b"abc"[..], 3).unwrap(), b"abc");
    }
}
