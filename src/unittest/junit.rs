//! JUnit XML of a `kinja test` run (helm-unittest's `--output-type junit`),
//! so CI systems that read helm-unittest's reports read kinja's.

use super::{Outcome, Report};

/// The report as JUnit XML: one `testsuite` per suite file, one `testcase` per test.
pub fn junit_xml(report: &Report) -> String {
    // One testsuite per suite file of each chart (two charts may both have tests/a_test.yaml).
    let mut suites: Vec<(&str, &str, Vec<&super::TestResult>)> = Vec::new();
    for result in &report.results {
        match suites
            .iter_mut()
            .find(|(file, _, results)| *file == result.file && results[0].chart == result.chart)
        {
            Some((_, _, results)) => results.push(result),
            None => suites.push((&result.file, &result.suite, vec![result])),
        }
    }
    let count = |results: &[&super::TestResult], wanted: fn(&Outcome) -> bool| {
        results.iter().filter(|r| wanted(&r.outcome)).count()
    };
    let failed = |o: &Outcome| matches!(o, Outcome::Failed(_));
    let skipped = |o: &Outcome| matches!(o, Outcome::Skipped(_));
    let all: Vec<&super::TestResult> = report.results.iter().collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
        all.len(),
        count(&all, failed),
        count(&all, skipped)
    ));
    for (file, name, results) in &suites {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
            escape(name),
            results.len(),
            count(results, failed),
            count(results, skipped)
        ));
        for result in results {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(file),
                escape(&result.it)
            ));
            match &result.outcome {
                Outcome::Passed => out.push_str("/>\n"),
                Outcome::Failed(messages) => {
                    let first = messages.first().map(String::as_str).unwrap_or("failed");
                    out.push_str(&format!(
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                        escape(first.lines().next().unwrap_or(first)),
                        escape(&messages.join("\n"))
                    ));
                }
                Outcome::Skipped(reason) => out.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape(reason)
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text safe in XML attributes and content; characters XML 1.0 forbids are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::TestResult;
    use super::*;

    #[test]
    fn failures_and_skips_are_counted_and_escaped() {
        let report = Report {
            results: vec![
                TestResult {
                    chart: "c".into(),
                    file: "tests/a_test.yaml".into(),
                    suite: "a & b".into(),
                    it: "passes".into(),
                    outcome: Outcome::Passed,
                },
                TestResult {
                    chart: "c".into(),
                    file: "tests/a_test.yaml".into(),
                    suite: "a & b".into(),
                    it: "fails <here>".into(),
                    outcome: Outcome::Failed(vec!["equal: x is \"1\"\x01".into()]),
                },
                TestResult {
                    chart: "c".into(),
                    file: "tests/b_test.yaml".into(),
                    suite: "b".into(),
                    it: "later".into(),
                    outcome: Outcome::Skipped("not yet".into()),
                },
            ],
            notes: vec![],
            coverage: None,
        };
        let xml = junit_xml(&report);
        assert!(
            xml.contains("<testsuites tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\">"),
            "{xml}"
        );
        assert!(
            xml.contains("<testsuite name=\"a &amp; b\" tests=\"2\" failures=\"1\""),
            "{xml}"
        );
        assert!(xml.contains("name=\"fails &lt;here&gt;\">\n      <failure message=\"equal: x is &quot;1&quot;\">"), "{xml}");
        assert!(xml.contains("<skipped message=\"not yet\"/>"), "{xml}");
    }
}
