//! HTTP(S) chart repositories: Helm's `index.yaml` (each chart's versions,
//! archive URLs and digests), the archive downloaded and checked against
//! its digest and its own `Chart.yaml`.

use crate::chart::source;
use crate::version::Version;
use serde_json::Value;

/// Fetching a URL's bytes; tests hand in a loopback server's URLs, the
/// command line [`HttpFetch`].
pub trait Fetch {
    fn get(&self, url: &str) -> Result<Vec<u8>, String>;
}

/// Plain HTTP(S) with a size cap (an index or an archive larger than
/// [`source::MAX_ARCHIVE_BYTES`] is refused).
pub struct HttpFetch;

impl Fetch for HttpFetch {
    fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let response = ureq::get(url).call().map_err(|e| format!("{url}: {e}"))?;
        let mut body = response.into_body();
        body.with_config()
            .limit(source::MAX_ARCHIVE_BYTES)
            .read_to_vec()
            .map_err(|e| format!("{url}: {e}"))
    }
}

/// The highest version of `name` in the repository at `repository` that
/// `wanted` takes, and its archive's bytes.
pub fn fetch_chart(
    fetch: &dyn Fetch,
    repository: &str,
    name: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<(String, Vec<u8>), String> {
    let base = repository.trim_end_matches('/');
    let index_url = format!("{base}/index.yaml");
    let index = fetch.get(&index_url)?;
    let index = String::from_utf8(index).map_err(|_| format!("{index_url}: not UTF-8 text"))?;
    let index = crate::yaml::parse_value(&index)
        .map_err(|e| format!("{index_url}: not a chart repository index ({e})"))?;
    let versions = match index.get("entries").and_then(|e| e.get(name)) {
        Some(Value::Array(versions)) => versions,
        _ => return Err(format!("the repository {repository} has no chart {name}")),
    };
    let mut candidates: Vec<(Version, &Value)> = versions
        .iter()
        .filter_map(|entry| {
            let text = entry.get("version")?.as_str()?;
            let urls = entry.get("urls")?.as_array()?;
            (!urls.is_empty() && wanted(text)).then_some((Version::parse_lenient(text)?, entry))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0));
    let Some((_, entry)) = candidates.first() else {
        let listed: Vec<&str> = versions
            .iter()
            .filter_map(|e| e.get("version")?.as_str())
            .collect();
        return Err(format!(
            "the repository {repository} has no version of {name} in the range (it has {})",
            listed.join(", ")
        ));
    };
    let version = entry["version"].as_str().unwrap_or_default().to_string();
    let url = entry["urls"][0].as_str().unwrap_or_default();
    let url = if url.contains("://") {
        url.to_string()
    } else {
        format!("{base}/{}", url.trim_start_matches('/'))
    };
    let bytes = fetch.get(&url)?;
    if let Some(expected) = entry.get("digest").and_then(Value::as_str) {
        use sha2::Digest;
        let actual: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if !expected.eq_ignore_ascii_case(&actual) {
            return Err(format!(
                "{url}: the archive's digest is sha256:{actual}, but the index says {expected}; nothing was written"
            ));
        }
    }
    // The archive must hold the chart the index says it does.
    let chart = source::read_archive(&bytes, &url)
        .and_then(|s| crate::chart::Chart::from_source(&s, 0))
        .map_err(|e| e.to_string())?;
    if chart.metadata.name != name || chart.metadata.version != version {
        return Err(format!(
            "{url} holds {}-{}, not {name}-{version}",
            chart.metadata.name, chart.metadata.version
        ));
    }
    Ok((version, bytes))
}
