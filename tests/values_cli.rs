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

#[test]
fn explain_json_points_at_each_value_in_its_file() {
    let json = success(kinja().args([
        "values",
        "charts/seedapp",
        "-f",
        "charts/seedapp/ci/prod.yaml",
        "--set",
        "replicaCount=5",
        "-o",
        "json",
        "--explain",
    ]));
    let items: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let mut checked = 0;
    for item in &items {
        let source = &item["source"];
        if let Some(flag) = source.get("flag") {
            assert_eq!(item["path"], "replicaCount");
            assert_eq!(flag, "--set");
            assert_eq!(source["index"], 1);
            assert_eq!(source["arg"], "replicaCount=5");
            assert_eq!(
                item["overridden"][0]["source"]["line"], 5,
                "values.yaml's line"
            );
            continue;
        }
        let file = source["file"].as_str().unwrap();
        let path = if file == "values.yaml" {
            "charts/seedapp/values.yaml".to_string()
        } else {
            file.to_string()
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text
            .lines()
            .nth(source["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let at: String = line
            .chars()
            .skip(source["column"].as_u64().unwrap() as usize - 1)
            .collect();
        let value = &item["value"];
        let written = match value {
            serde_json::Value::String(s) => [format!("\"{s}\""), format!("'{s}'"), s.clone()]
                .into_iter()
                .any(|form| at.starts_with(&form)),
            serde_json::Value::Object(_) => at.starts_with('{'),
            serde_json::Value::Array(_) => at.starts_with('['),
            other => at.starts_with(&other.to_string()),
        };
        assert!(
            written,
            "{}: {value} is not at {path}:{}: {at:?}",
            item["path"], source["line"]
        );
        checked += 1;
    }
    assert!(checked > 25, "{checked} positions checked");
}

#[test]
fn explain_a_path_that_is_not_there_suggests_the_nearest() {
    let err = user_error(kinja().args(["values", "charts/seedapp", "--explain", "image.tagg"]));
    assert!(
        err.contains("no values path image.tagg; did you mean image.tag?"),
        "{err}"
    );
    let err = user_error(kinja().args(["values", "charts/seedapp", "--explain", "a..b"]));
    assert!(err.contains("is not a values path"), "{err}");
}

#[test]
fn unused_names_each_misspelled_value_with_its_source_and_exits_one() {
    let chart = TestChart::new(&[
        (
            "values.yaml",
            "image:\n  tag: \"1.25\"\nautoscaling:\n  enabled: false\n",
        ),
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  tag: {{ values.image.tag | quote }}\n{% if values.autoscaling.enable %}  scaled: \"yes\"\n{% endif %}",
        ),
    ]);
    let overlay = chart.write("prod.yaml", b"image:\n  tagg: \"1.26\"\n");
    let out = kinja()
        .arg("values")
        .arg(chart.path())
        .arg("-f")
        .arg(&overlay)
        .args(["--set", "image.tag=1.27", "--unused"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("image.tagg (")
            && lines[0].ends_with("prod.yaml:2:9): no template reads it; did you mean image.tag?"),
        "{text}"
    );
    assert_eq!(
        lines[1],
        "autoscaling.enable (demo/templates/cm.yaml): templates read it, but no values source defines it; did you mean autoscaling.enabled?"
    );
    // The value written right, only the template's typo is left.
    let fixed = chart.write("fixed.yaml", b"image:\n  tag: \"1.26\"\n");
    let mut cmd = kinja();
    cmd.arg("values")
        .arg(chart.path())
        .arg("-f")
        .arg(&fixed)
        .arg("--unused");
    let out = cmd.output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n", lines[1])
    );
}

#[test]
fn the_example_overlays_use_every_value_they_set() {
    let mut runs = vec![
        vec![
            "charts/fleet".to_string(),
            "-f".into(),
            "charts/fleet/ci/twelve-apps.yaml".into(),
        ],
        vec![
            "charts/composed".to_string(),
            "-f".into(),
            "charts/composed/ci/switched.yaml".into(),
        ],
    ];
    for overlay in std::fs::read_dir("charts/seedapp/ci").unwrap() {
        let path = overlay.unwrap().path().display().to_string();
        runs.push(vec!["charts/seedapp".into(), "-f".into(), path]);
    }
    for args in runs {
        let out = success(kinja().arg("values").args(&args).arg("--unused"));
        assert_eq!(out, "", "kinja values {args:?} --unused");
    }
}

#[test]
fn a_schema_violation_names_who_set_the_value() {
    let chart = TestChart::new(&[
        ("values.yaml", "port: 80\nname: web\n"),
        (
            "values.schema.json",
            r#"{"type": "object", "properties": {"port": {"type": "integer"}, "name": {"type": "string"}}}"#,
        ),
        (
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        ),
    ]);
    let overlay = chart.write("prod.yaml", b"# production\nport: http\n");
    for command in ["values", "render"] {
        let err = user_error(
            kinja()
                .arg(command)
                .arg(chart.path())
                .arg("-f")
                .arg(&overlay),
        );
        assert!(err.contains("at port (set by "), "{err}");
        assert!(err.contains("prod.yaml:2:7)"), "{err}");
    }
    let err = user_error(
        kinja()
            .arg("render")
            .arg(chart.path())
            .args(["--set-json", "name=5"]),
    );
    assert!(
        err.contains("at name (set by --set-json #1 (name=5)): 5 is not of type"),
        "{err}"
    );
}
