//! Every class of user error: exit 1, nothing on stdout, one message on
//! stderr that names the file (and line) and says what is wrong.

mod common;

use common::{TestChart, kinja, user_error};

const DEPLOYMENT: &str =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ release.name }}\n";

#[test]
fn missing_chart_folder() {
    let err = user_error(kinja().args(["render", "no/such/chart"]));
    assert!(err.contains("chart no/such/chart: no such folder"), "{err}");
}

#[test]
fn folder_without_chart_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let err = user_error(kinja().arg("render").arg(dir.path()));
    assert!(err.contains("Chart.yaml is missing"), "{err}");
}

#[test]
fn chart_yaml_with_bad_yaml_names_line_and_column() {
    let chart = TestChart::new(&[("Chart.yaml", "apiVersion: v2\nname: [demo\n")]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("Chart.yaml:3:"), "{err}");
}

#[test]
fn chart_yaml_without_version() {
    let chart = TestChart::new(&[("Chart.yaml", "apiVersion: v2\nname: demo\n")]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("Chart.yaml: version is required"), "{err}");
}

#[test]
fn missing_values_file() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let err = user_error(&mut chart.render(&["-f", "nope.yaml"]));
    assert!(err.contains("values file nope.yaml: no such file"), "{err}");
}

#[test]
fn invalid_values_yaml_names_file_line_and_column() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let bad = chart.write("bad.yaml", b"image:\n  tag: 1\n  repo: [x\n");
    let err = user_error(&mut chart.render(&["-f", bad.to_str().unwrap()]));
    assert!(err.contains("bad.yaml:4:"), "{err}");
}

#[test]
fn chart_values_yaml_with_bad_yaml_is_reported_too() {
    let chart = TestChart::new(&[
        ("values.yaml", "a: b: c\n"),
        ("templates/d.yaml", DEPLOYMENT),
    ]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("values.yaml:1:"), "{err}");
}

#[test]
fn values_that_are_not_a_mapping() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let list = chart.write("list.yaml", b"- a\n- b\n");
    let err = user_error(&mut chart.render(&["-f", list.to_str().unwrap()]));
    assert!(err.contains("list.yaml: values must be a mapping"), "{err}");
}

#[test]
fn binary_garbage_values_file() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let garbage = chart.write("garbage.bin", &[0x00, 0xff, 0xfe, 0x13, 0x37, 0x80, 0x81]);
    let err = user_error(&mut chart.render(&["-f", garbage.to_str().unwrap()]));
    assert!(
        err.contains("garbage.bin") && err.contains("not UTF-8"),
        "{err}"
    );
}

#[test]
fn yaml_alias_bomb_ends_in_an_error_quickly() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut previous = 'a';
    for name in 'b'..='z' {
        bomb.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
        previous = name;
    }
    let file = chart.write("bomb.yaml", bomb.as_bytes());
    let started = std::time::Instant::now();
    let err = user_error(&mut chart.render(&["-f", file.to_str().unwrap()]));
    assert!(err.contains("bomb.yaml"), "{err}");
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn deeply_nested_values_end_in_an_error_not_a_crash() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let depth = 100_000;
    let nested = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let file = chart.write("deep.yaml", nested.as_bytes());
    let err = user_error(&mut chart.render(&["-f", file.to_str().unwrap()]));
    assert!(err.contains("deep.yaml"), "{err}");
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let chart = TestChart::new(&[("templates/d.yaml", "kind: A\nname: {{ values.x \n")]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("templates/d.yaml:2: syntax error"), "{err}");
}

#[test]
fn undefined_value_names_template_line_and_expression() {
    let chart = TestChart::new(&[
        ("values.yaml", "image:\n  tag: \"1\"\n"),
        (
            "templates/d.yaml",
            "kind: A\nmetadata:\n  name: {{ values.image.tagg }}\n",
        ),
    ]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("templates/d.yaml:3:"), "{err}");
    assert!(err.contains("`values.image.tagg` is undefined"), "{err}");
}

#[test]
fn undefined_errors_name_the_missing_value_not_the_filter() {
    let cases = [
        ("{{ values.nope | quote }}", "`values.nope` is undefined"),
        ("{{ values.nope == 1 }}", "`values.nope` is undefined"),
        ("{{ values.nope.deeper }}", "`values.nope` is undefined"),
        (
            "{{ values.image.tagg | upper }}",
            "`values.image.tagg` is undefined",
        ),
        (
            "{{ values.ports[3].name }}",
            "`values.ports[3]` is undefined",
        ),
        // A quoted key may hold brackets (this once panicked).
        ("{{ values[\"]]\"] }}", "`values[\"]]\"]` is undefined"),
        // Another tag on the line that guards its own value is not blamed.
        (
            "{% if values.opt is defined %}{{ values.opt }}{% endif %}{{ values.image.tagg | upper }}",
            "`values.image.tagg` is undefined",
        ),
        // Filters that minijinja lets read an undefined value silently.
        ("{{ values.nope | tojson }}", "`values.nope` is undefined"),
        ("{{ values.nope | bool }}", "`values.nope` is undefined"),
        (
            "{{ values.nope | indent(2) }}",
            "`values.nope` is undefined",
        ),
        (
            "{{ values.nope | nindent(2) }}",
            "`values.nope` is undefined",
        ),
        ("{{ values.nope | trunc(3) }}", "`values.nope` is undefined"),
        ("{{ values.nope | escape }}", "`values.nope` is undefined"),
        ("{{ values.nope | pprint }}", "`values.nope` is undefined"),
        // Filters that fail on their own terms still say what is missing.
        ("{{ values.nope | list }}", "(`values.nope` is undefined)"),
        (
            "{{ values.nope | dictsort }}",
            "(`values.nope` is undefined)",
        ),
    ];
    for (expression, expected) in cases {
        let chart = TestChart::new(&[
            ("values.yaml", "image:\n  tag: \"1\"\nports: [{port: 80}]\n"),
            (
                "templates/d.yaml",
                &format!("kind: A\nx: \"{expression}\"\n"),
            ),
        ]);
        let err = user_error(&mut chart.render(&[]));
        assert!(err.contains("templates/d.yaml:2:"), "{expression}: {err}");
        assert!(err.contains(expected), "{expression}: {err}");
    }
}

#[test]
fn optional_values_still_work_under_strict_undefined() {
    let chart = TestChart::new(&[(
        "templates/d.yaml",
        "kind: A\nmetadata:\n  name: {{ values.name | default(\"fallback\") }}\n{% if values.extra %}\nextra: 1\n{% endif %}\n{% if values.other is defined %}\nother: 1\n{% endif %}\n",
    )]);
    let out = common::success(&mut chart.render(&[]));
    assert!(
        out.contains("name: fallback") && !out.contains("extra") && !out.contains("other"),
        "{out}"
    );
}

#[test]
fn required_fails_with_its_message() {
    let chart = TestChart::new(&[(
        "templates/d.yaml",
        "kind: A\nhost: {{ values.host | required(\"values.host is required: set --set host=...\") }}\n",
    )]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("templates/d.yaml:2:"), "{err}");
    assert!(
        err.contains("values.host is required: set --set host=..."),
        "{err}"
    );
}

#[test]
fn fail_stops_the_render_with_its_message() {
    let chart = TestChart::new(&[(
        "templates/d.yaml",
        "kind: A\n{{ fail(\"tls needs a secretName\") }}\n",
    )]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("tls needs a secretName"), "{err}");
}

#[test]
fn schema_violations_are_all_reported_with_values_paths() {
    let chart = TestChart::new(&[
        ("values.yaml", "replicas: 1\nimage:\n  tag: latest\n"),
        (
            "values.schema.json",
            r#"{"type":"object","properties":{"replicas":{"type":"integer","minimum":1},"image":{"type":"object","properties":{"tag":{"type":"string"}}}}}"#,
        ),
        ("templates/d.yaml", DEPLOYMENT),
    ]);
    let err = user_error(&mut chart.render(&["--set", "replicas=0", "--set", "image.tag=5"]));
    assert!(
        err.contains("values don't meet the schema of chart demo"),
        "{err}"
    );
    // Each names the flag that set the offending value.
    assert!(
        err.contains("at replicas (set by --set #1 (replicas=0)): 0 is less than the minimum of 1")
            && err.contains("at image.tag (set by --set #2 (image.tag=5)):"),
        "{err}"
    );
}

#[test]
fn rendered_output_that_is_not_yaml_names_template_and_output_line() {
    let chart = TestChart::new(&[(
        "templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  key: {{ values.text }}\n",
    )]);
    let err = user_error(&mut chart.render(&["--set-string", "text=a: b"]));
    assert!(err.contains("templates/cm.yaml"), "{err}");
    assert!(err.contains("line 4 of the output"), "{err}");
    assert!(
        err.contains("key: a: b"),
        "the snippet shows the line: {err}"
    );
}

#[test]
fn no_partial_output_when_one_template_fails() {
    let chart = TestChart::new(&[
        ("templates/a.yaml", DEPLOYMENT),
        ("templates/b.yaml", "kind: B\nx: {{ values.nope }}\n"),
    ]);
    user_error(&mut chart.render(&[]));
}

#[test]
fn recursive_macros_end_in_an_error() {
    let chart = TestChart::new(&[(
        "templates/r.yaml",
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}kind: A\nx: {{ f(0) }}\n",
    )]);
    let started = std::time::Instant::now();
    let err = user_error(&mut chart.render(&[]));
    assert!(
        err.contains("templates/r.yaml:1: recursion limit exceeded"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn templates_that_include_themselves_end_in_an_error() {
    let chart = TestChart::new(&[
        (
            "templates/a.yaml",
            "kind: A\nx: {% include \"_loop.tpl\" %}\n",
        ),
        ("templates/_loop.tpl", "{% include \"_loop.tpl\" %}"),
    ]);
    let err = user_error(&mut chart.render(&[]));
    assert!(
        err.contains("templates/_loop.tpl:1: recursion limit exceeded"),
        "{err}"
    );
    assert!(err.contains("reached from"), "{err}");
    assert_eq!(err.lines().count(), 3, "one message and its snippet: {err}");
}

#[test]
fn runaway_loops_run_out_of_fuel() {
    let chart = TestChart::new(&[(
        "templates/r.yaml",
        "kind: A\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    )]);
    let started = std::time::Instant::now();
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("runaway loop"), "{err}");
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn tpl_that_renders_itself_ends_in_an_error() {
    let chart = TestChart::new(&[
        ("values.yaml", "loop: \"{{ tpl(values.loop) }}\"\n"),
        ("templates/t.yaml", "kind: A\nx: {{ tpl(values.loop) }}\n"),
    ]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("tpl nested more than"), "{err}");
    assert_eq!(
        err.matches("tpl in").count(),
        1,
        "named once, not once per level: {err}"
    );
}

#[test]
fn files_outside_the_chart_are_refused() {
    let chart = TestChart::new(&[(
        "templates/t.yaml",
        "kind: A\nx: {{ files.get(\"../../etc/passwd\") }}\n",
    )]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("leaves the chart folder"), "{err}");
}

#[test]
fn bad_release_name() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let err = user_error(&mut chart.render(&["--name", "Bad_Name"]));
    assert!(
        err.contains("release name \"Bad_Name\" is invalid"),
        "{err}"
    );
}

#[test]
fn bad_kube_version() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let err = user_error(&mut chart.render(&["--kube-version", "banana"]));
    assert!(
        err.contains("invalid Kubernetes version \"banana\""),
        "{err}"
    );
}

#[test]
fn chart_kube_version_constraint_is_checked() {
    let chart = TestChart::new(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 1.0.0\nkubeVersion: \"<1.20.0\"\n",
        ),
        ("templates/d.yaml", DEPLOYMENT),
    ]);
    let err = user_error(&mut chart.render(&[]));
    assert!(
        err.contains("requires kubeVersion <1.20.0") && err.contains("v1.35.0"),
        "{err}"
    );
    common::success(&mut chart.render(&["--kube-version", "1.19.4"]));
}

#[test]
fn library_charts_cannot_be_rendered() {
    let chart = TestChart::new(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n",
    )]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("library chart"), "{err}");
}

#[test]
fn show_only_a_template_that_does_not_exist() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let err = user_error(&mut chart.render(&["--show-only", "templates/nope.yaml"]));
    assert!(
        err.contains("could not find template templates/nope.yaml in chart"),
        "{err}"
    );
}

#[test]
fn unknown_flags_are_user_errors() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    user_error(&mut chart.render(&["--no-such-flag"]));
}

#[test]
fn malformed_set_uses_helms_wording() {
    let chart = TestChart::new(&[("templates/d.yaml", DEPLOYMENT)]);
    let err = user_error(&mut chart.render(&["--set", "name1,name2=x"]));
    assert!(
        err.contains("failed parsing --set data: key \"name1\" has no value (cannot end with ,)"),
        "{err}"
    );
    let err = user_error(&mut chart.render(&["--set-json", "a=notjson"]));
    assert!(
        err.contains("failed parsing --set-json data a=notjson"),
        "{err}"
    );
    let err = user_error(&mut chart.render(&["--set-file", "cert=missing.crt"]));
    assert!(
        err.contains("failed parsing --set-file data: missing.crt: no such file"),
        "{err}"
    );
}

#[test]
fn broken_subcharts_are_errors_naming_them() {
    // A dependency with no chart in charts/ (Helm: "missing in charts/ directory").
    let declared = TestChart::new(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: db\n  version: 1.0.0\n",
        ),
        ("templates/cm.yaml", "kind: A\n"),
    ]);
    let err = user_error(&mut declared.render(&[]));
    assert!(
        err.contains("db in Chart.yaml dependencies but not in charts/"),
        "{err}"
    );
    // A subchart folder without Chart.yaml, an archive, a stray file.
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "charts/db/values.yaml",
            b"a: 1\n",
            "charts/db: Chart.yaml is missing",
        ),
        (
            "charts/db-1.0.0.tgz",
            b"\x1f\x8b",
            "charts/db-1.0.0.tgz: not a readable gzipped tar archive",
        ),
        ("charts/README.md", b"hi\n", "charts/README.md: not a chart"),
    ];
    for (path, content, expected) in cases {
        let chart = TestChart::new(&[("templates/cm.yaml", "kind: A\n")]);
        chart.write(path, content);
        let err = user_error(&mut chart.render(&[]));
        assert!(err.contains(expected), "{path}: {err}");
    }
}

#[test]
fn a_long_template_line_is_cut_around_the_error() {
    let line = format!(
        "x: \"{}{{{{ values.nope }}}}{}\"\n",
        "a".repeat(5000),
        "b".repeat(5000)
    );
    let chart = TestChart::new(&[("templates/d.yaml", &line)]);
    let err = user_error(&mut chart.render(&[]));
    assert!(
        err.contains("...aaa") && err.contains("{{ values.nope }}bbb"),
        "{err}"
    );
    assert!(
        err.len() < 600,
        "the whole 10 KB line is not printed: {} bytes",
        err.len()
    );
}

#[test]
fn an_endless_input_is_an_error_not_a_memory_blow_up() {
    let chart = TestChart::new(&[("templates/cm.yaml", "kind: A\n")]);
    let err = user_error(&mut chart.render(&["-f", "/dev/zero"]));
    assert!(
        err.contains("/dev/zero") && err.contains("larger than 256 MiB"),
        "{err}"
    );
    let err = user_error(&mut chart.render(&["--set-file", "a=/dev/zero"]));
    assert!(err.contains("larger than 256 MiB"), "{err}");
}

#[test]
fn a_long_line_of_broken_output_is_cut_in_the_snippet() {
    let line = format!("kind: A\nx: [{}\n", "a".repeat(100_000));
    let chart = TestChart::new(&[("templates/d.yaml", &line)]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("(100004 characters)"), "{err}");
    assert!(
        err.len() < 1000,
        "the 100 KB line is not printed whole: {} bytes",
        err.len()
    );
}

/// A template that builds a value too large for memory ends in an error
/// naming it, not in an abort or the OOM killer.
#[test]
fn a_string_doubled_in_a_loop_is_stopped_with_an_error() {
    // Other templates beside it, so it may run on a worker thread (the
    // main thread holds the stdout and stderr locks meanwhile).
    let filler = format!("{{# {} #}}\nkind: A\n", "x".repeat(1000));
    let chart = TestChart::new(&[
        (
            "templates/double.yaml",
            "{% set ns = namespace(s=\"x\") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}a: {{ ns.s | length }}\n",
        ),
        ("templates/a.yaml", &filler),
        ("templates/b.yaml", &filler),
    ]);
    let err = user_error(&mut chart.render(&[]));
    assert!(
        err.contains("templates/double.yaml: the template needs more than 1 GiB"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one message: {err}");
}

#[test]
fn output_past_the_render_limit_is_an_error_naming_the_template() {
    let chart = TestChart::new(&[(
        "templates/big.yaml",
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ \"y\" * 100 }}{% endfor %}{% endfor %}",
    )]);
    let err = user_error(&mut chart.render(&[]));
    assert!(
        err.contains("templates/big.yaml: the rendered output passed 256 MiB"),
        "{err}"
    );
}

#[test]
fn indentation_widths_are_bounded() {
    for filter in [
        "nindent(2000000000)",
        "indent(2000000000)",
        "indent(width=2000000000)",
        "tojson(indent=2000000000)",
    ] {
        let chart = TestChart::new(&[(
            "templates/wide.yaml",
            &format!("a: {{{{ \"x\" | {filter} }}}}\n"),
        )]);
        let err = user_error(&mut chart.render(&[]));
        assert!(
            err.contains("templates/wide.yaml:1:")
                && err.contains("more than the 10000 kinja allows"),
            "{filter}: {err}"
        );
    }
}

#[test]
fn the_output_limit_is_for_the_whole_render_not_each_template() {
    let half = "{% for i in range(15000) %}{{ \"y\" * 10000 }}{% endfor %}";
    let chart = TestChart::new(&[("templates/a.yaml", half), ("templates/b.yaml", half)]);
    let err = user_error(&mut chart.render(&[]));
    assert!(err.contains("the rendered output passed 256 MiB"), "{err}");
}

/// Renders `tag` as the value of a ConfigMap key and returns the error.
fn error_for(values: &str, tag: &str) -> String {
    let chart = TestChart::new(&[
        ("values.yaml", values),
        ("templates/cm.yaml", &format!("kind: ConfigMap\nx: {tag}\n")),
    ]);
    user_error(&mut chart.render(&[]))
}

#[test]
fn hints_fit_what_is_missing() {
    let values = "image:\n  tag: x\non: 1\n";
    let cases = [
        // Only a values path is something to set in values.
        (
            "{{ values.imgae.tag }}",
            "`values.imgae` is undefined; did you mean `values.image`? If not, set it in values",
        ),
        (
            "{{ release.nmae }}",
            "`release` has no `nmae`; did you mean `release.name`?",
        ),
        (
            "{{ valus.image }}",
            "`valus.image` is undefined; did you mean `values.image`?",
        ),
        (
            "{{ values.on }}",
            "YAML reads the unquoted key `on` as `true` (as Helm does): quote it",
        ),
        // Helm's names, a near miss, and the other kind of call.
        (
            "{{ values.image | toYaml }}",
            "filter `| toYaml` is unknown; for Helm's `toYaml`, kinja uses `| to_yaml`",
        ),
        (
            "{{ values.image.tag | b64enc }}",
            "kinja uses `| b64encode`",
        ),
        (
            "{{ values.image.tag | sha256sum }}",
            "kinja uses `| sha256`",
        ),
        (
            "{{ values.image.tag | trimSuffix(\"-\") }}",
            "kinja uses `| trim_suffix(\"-\")`",
        ),
        (
            "{{ hasKey(values, \"image\") }}",
            "kinja uses `\"key\" in mapping`",
        ),
        ("{{ include(\"x\", 1) }}", "kinja uses a macro"),
        (
            "{{ values.image.tag | quot }}",
            "filter `| quot` is unknown; did you mean `| quote`?",
        ),
        (
            "{{ quote(values.image.tag) }}",
            "`quote` is a filter: write `x | quote`",
        ),
    ];
    for (tag, expected) in cases {
        let error = error_for(values, tag);
        assert!(error.contains(expected), "{tag}: {error}");
        let set_in_values = error.contains("set it in values");
        assert_eq!(set_in_values, tag.contains("imgae"), "{tag}: {error}");
    }
}

#[test]
fn a_subchart_schema_is_checked_against_its_own_values_naming_it() {
    let chart = TestChart::new(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: db\n  version: '*'\n",
        ),
        ("values.yaml", "db:\n  port: http\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: x\n",
        ),
        (
            "charts/db/Chart.yaml",
            "apiVersion: v2\nname: db\nversion: 1.0.0\n",
        ),
        ("charts/db/values.yaml", "port: 5432\n"),
        (
            "charts/db/values.schema.json",
            r#"{"type": "object", "properties": {"port": {"type": "integer"}}}"#,
        ),
    ]);
    let err = user_error(&mut chart.render(&[]));
    assert!(
        err.contains("values don't meet the schema of chart demo/charts/db")
            && err.contains("at port: \"http\" is not of type \"integer\""),
        "{err}"
    );
}
