//! `kinja show`: a chart's `Chart.yaml`, `values.yaml` and README as
//! written, from a folder or an archive (Helm re-writes `Chart.yaml` with
//! its keys sorted and comments gone; kinja shows the file).

use super::ChartError;
use super::source::Source;

/// Which part of a chart to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Chart,
    Values,
    Readme,
    All,
}

/// The text `kinja show PART` prints.
pub fn show(source: &Source, part: Part) -> Result<String, ChartError> {
    let chart = || -> Result<String, ChartError> {
        source
            .text("Chart.yaml")?
            .ok_or_else(|| ChartError::NoChartYaml {
                path: source.shown.clone(),
            })
    };
    let values = || Ok::<_, ChartError>(source.text("values.yaml")?.unwrap_or_default());
    let readme = || -> Result<String, ChartError> {
        // Helm's names, in its order, any case.
        for wanted in ["readme.md", "readme.txt", "readme"] {
            if let Some(path) = source.files.keys().find(|p| p.eq_ignore_ascii_case(wanted)) {
                return Ok(source.text(path)?.unwrap_or_default());
            }
        }
        Ok(String::new())
    };
    let with_newline = |mut text: String| {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text
    };
    Ok(match part {
        Part::Chart => with_newline(chart()?),
        Part::Values => with_newline(values()?),
        Part::Readme => with_newline(readme()?),
        Part::All => {
            let mut out = with_newline(chart()?);
            for section in [values()?, readme()?] {
                if !section.is_empty() {
                    out.push_str("---\n");
                    out.push_str(&with_newline(section));
                }
            }
            out
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_as_written_and_all_of_them_in_order() {
        let mut source = Source {
            shown: "demo".into(),
            ..Source::default()
        };
        source.files.insert(
            "Chart.yaml".into(),
            b"# kept\nname: demo\nversion: 1.0.0\n".to_vec(),
        );
        source.files.insert("values.yaml".into(), b"a: 1".to_vec());
        source
            .files
            .insert("README.MD".into(), b"# Demo\n".to_vec());
        assert_eq!(
            show(&source, Part::Chart).unwrap(),
            "# kept\nname: demo\nversion: 1.0.0\n"
        );
        assert_eq!(show(&source, Part::Readme).unwrap(), "# Demo\n");
        assert_eq!(
            show(&source, Part::All).unwrap(),
            "# kept\nname: demo\nversion: 1.0.0\n---\na: 1\n---\n# Demo\n"
        );
    }
}
