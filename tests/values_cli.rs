//! `kinja values`: the merged values as the templates see them, the chart's
//! own defaults as written, and bad input refused with nothing on stdout.
//! (The parity suite checks the merged values against helm's.)

mod common;

use common::{TestChart, kinja, success, user_error};

#[test]
fn the_merged_values_keep_written_order_and_every_override() {
    let out = success(kinja().args([
        "values",
        "charts/seedapp",
        "-f",
        "charts/seedapp/ci/prod.yaml",
        "--set",
        "replicaCount=5",
    ]));
    assert!(
        out.starts_with("nameOverride: \"\"\nfullnameOverride: \"\"\nreplicaCount: 5\nimage:\n"),
        "{out}"
    );
    let json = success(kinja().args([
        "values",
        "charts/seedapp",
        "--set",
        "livenessProbe=null,image.tag=1.27",
        "-o",
        "json",
    ]));
    let values: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(values["image"]["tag"], "1.27");
    assert_eq!(values["image"]["repository"], "nginx", "maps merge deeply");
    assert!(
        values.get("livenessProbe").is_none(),
        "null deletes a default"
    );
}

#[test]
fn subcharts_values_sit_under_their_names_with_globals_passed_down() {
    let json = success(kinja().args(["values", "charts/composed", "-o", "json"]));
    let values: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(values["db"]["port"], 5432);
    assert_eq!(values["db"]["global"]["region"], values["global"]["region"]);
}

#[test]
fn defaults_are_the_chart_values_file_as_written() {
    let written = std::fs::read_to_string("charts/seedapp/values.yaml").unwrap();
    let out = success(kinja().args(["values", "charts/seedapp", "--defaults"]));
    assert_eq!(out, written);
    let json = success(kinja().args(["values", "charts/seedapp", "--defaults", "-o", "json"]));
    let values: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(values["replicaCount"], 3);
}

#[test]
fn bad_input_is_one_message_and_nothing_on_stdout() {
    let err = user_error(kinja().args(["values", "charts/seedapp", "--defaults", "--set", "a=1"]));
    assert!(
        err.contains("--defaults prints the chart's values.yaml alone"),
        "{err}"
    );
    let err = user_error(kinja().args(["values", "charts/nothing-here"]));
    assert!(err.contains("charts/nothing-here"), "{err}");
    let err = user_error(kinja().args(["values", "charts/seedapp", "-f", "missing.yaml"]));
    assert!(err.contains("missing.yaml"), "{err}");
    let err = user_error(kinja().args(["values", "charts/seedapp", "--set", "a[x]=1"]));
    assert!(err.contains("failed parsing --set data"), "{err}");
    let schema = TestChart::new(&[
        ("values.yaml", "port: 80\n"),
        (
            "values.schema.json",
            r#"{"type": "object", "properties": {"port": {"type": "integer"}}}"#,
        ),
    ]);
    let err = user_error(
        kinja()
            .arg("values")
            .arg(schema.path())
            .args(["--set-string", "port=http"]),
    );
    assert!(err.contains("values don't meet the schema"), "{err}");
}
