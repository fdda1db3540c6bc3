//! Every example chart rendered with its defaults and with each of its
//! example overlays (`charts/CHART/ci/*.yaml`), as whole-output snapshots in
//! the top-level `snapshots/` folder.

use clap::Parser;
use std::path::Path;

fn render(args: &[&str]) -> String {
    let cli = kinja::cli::Cli::try_parse_from(args).expect("valid arguments");
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    kinja::cli::run(cli, &mut stdout, &mut stderr)
        .unwrap_or_else(|e| panic!("{args:?} failed: {e}"));
    String::from_utf8(stdout).expect("UTF-8 output")
}

fn overlays(chart: &str) -> Vec<String> {
    let dir = Path::new("charts").join(chart).join("ci");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn snapshot_chart(chart: &str) {
    let chart_dir = format!("charts/{chart}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!(
            format!("{chart}-defaults"),
            render(&["kinja", "render", &chart_dir, "--include-notes"])
        );
        for overlay in overlays(chart) {
            let file = format!("{chart_dir}/ci/{overlay}");
            insta::assert_snapshot!(
                format!("{chart}-{}", overlay.trim_end_matches(".yaml")),
                render(&[
                    "kinja",
                    "render",
                    &chart_dir,
                    "-f",
                    &file,
                    "--include-notes"
                ])
            );
        }
    });
}

#[test]
fn seedapp() {
    snapshot_chart("seedapp");
}

#[test]
fn valuesdump() {
    snapshot_chart("valuesdump");
}

#[test]
fn fleet() {
    snapshot_chart("fleet");
}

#[test]
fn composed() {
    snapshot_chart("composed");
}

#[test]
fn stack() {
    snapshot_chart("stack");
}

#[test]
fn unlisted() {
    snapshot_chart("unlisted");
}

#[test]
fn nodeps() {
    snapshot_chart("nodeps");
}

/// `kinja values --explain` of seedapp with each overlay (every leaf and
/// its origin), and the whole chains of a few paths.
#[test]
fn seedapp_values_explained() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for overlay in overlays("seedapp") {
            let file = format!("charts/seedapp/ci/{overlay}");
            insta::assert_snapshot!(
                format!(
                    "values-explain-seedapp-{}",
                    overlay.trim_end_matches(".yaml")
                ),
                render(&[
                    "kinja",
                    "values",
                    "charts/seedapp",
                    "-f",
                    &file,
                    "--explain"
                ])
            );
        }
        insta::assert_snapshot!(
            "values-explain-seedapp-chains",
            render(&[
                "kinja",
                "values",
                "charts/seedapp",
                "-f",
                "charts/seedapp/ci/course-nginx.yaml",
                "-f",
                "charts/seedapp/ci/prod.yaml",
                "--set",
                "replicaCount=5",
                "--set-string",
                "image.tag=1.27",
                "--explain",
                "image",
                "--explain",
                "replicaCount",
            ])
        );
    });
}
