//! Parity with the real Helm: each case renders a reference chart in Go
//! templates (`../shared/parity/helm/CHART`, or our own twins in
//! `tests/parity-helm/CHART`) with `helm template` and its
//! Jinja port (`charts/CHART`) with `kinja render`, with the same flags, and
//! compares the manifests semantically: same documents, same order, same
//! `# Source:` lines, same content (map key order aside).
//!
//! Helm is found through `HELM_BIN`, else `helm` on `PATH`. Without it the
//! cases are reported as *ignored* (never as passed) with a loud notice;
//! with `CI=true` a missing helm fails the run.

mod common;

use common::kinja_binary;
use libtest_mimic::{Arguments, Failed, Trial};
use serde_yaml::Value;
use std::path::Path;
use std::process::Command;

struct Case {
    name: String,
    chart: &'static str,
    args: Vec<String>,
    /// For inputs both tools must refuse: a fragment of kinja's error message.
    error: Option<&'static str>,
    /// A release name: helm takes it as the first argument, kinja as `--name`.
    release: Option<&'static str>,
    /// Both charts are packaged by `kinja package` first and rendered from
    /// the archives: helm reads kinja's archive, kinja reads its own.
    packaged: bool,
}

fn case(name: &str, chart: &'static str, args: &[&str]) -> Case {
    Case {
        name: name.to_string(),
        chart,
        args: args.iter().map(|a| a.to_string()).collect(),
        error: None,
        release: None,
        packaged: false,
    }
}

fn failing(name: &str, chart: &'static str, args: &[&str], error: &'static str) -> Case {
    Case {
        error: Some(error),
        ..case(name, chart, args)
    }
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        case("seedapp/defaults", "seedapp", &[]),
        case(
            "fleet/twelve-apps",
            "fleet",
            &["-f", "charts/fleet/ci/twelve-apps.yaml"],
        ),
        case("fleet/no-apps", "fleet", &[]),
        case("valuesdump/defaults", "valuesdump", &[]),
        Case {
            release: Some("shop-seedapp-prod"),
            ..case(
                "seedapp/release-name-and-namespace",
                "seedapp",
                &["--namespace", "shop"],
            )
        },
        Case {
            release: Some("seedapp"),
            ..case("seedapp/release-name-holds-chart-name", "seedapp", &[])
        },
        case(
            "seedapp/set-nodeport",
            "seedapp",
            &[
                "--set",
                "service.type=NodePort,service.ports[0].name=http,service.ports[0].port=80,service.ports[0].nodePort=30080",
            ],
        ),
        case(
            "seedapp/set-beats-file",
            "seedapp",
            &[
                "-f",
                "charts/seedapp/ci/prod.yaml",
                "--set",
                "replicaCount=7,autoscaling.enabled=false",
            ],
        ),
        case(
            "seedapp/set-string-and-json",
            "seedapp",
            &[
                "--set-string",
                "config.RETRIES=3",
                "--set-json",
                r#"env={"B_VAR":"2","A_VAR":"1"}"#,
            ],
        ),
        failing(
            "seedapp/external-name-required",
            "seedapp",
            &["--set", "service.type=ExternalName"],
            "service.externalName is required when service.type is ExternalName",
        ),
    ];
    cases.extend(null_each_seedapp_value());
    cases.extend(composed_cases());
    // Helm's `default` also replaces empty and zero values; a missing `env` renders nothing.
    let app = "apps[0].name=a,apps[0].image=i";
    for (name, extra) in [
        ("fleet/app-without-env", ""),
        ("fleet/empty-version", ",apps[0].version="),
        ("fleet/null-version", ",apps[0].version=null"),
        (
            "fleet/zero-replicas-and-port",
            ",apps[0].replicas=0,apps[0].port=0",
        ),
        ("fleet/null-resources", ",apps[0].resources=null"),
        ("fleet/null-default-resources", ",defaults.resources=null"),
        ("fleet/null-registry", ",global.registry=null"),
        ("fleet/env-in-key-order", ",apps[0].env.B=2,apps[0].env.A=1"),
    ] {
        cases.push(case(name, "fleet", &["--set", &format!("{app}{extra}")]));
    }
    for fixture in [
        "merge-keys",
        "repeated-key",
        "byte-order-mark",
        "yaml-1-1-scalars",
    ] {
        cases.push(case(
            &format!("valuesdump/yaml-{fixture}"),
            "valuesdump",
            &["-f", &format!("tests/fixtures/values/{fixture}.yaml")],
        ));
    }
    // Non-text image tags: the reference chart hashes Go's %!s(type=value) form.
    for (name, set) in [
        ("seedapp/integer-image-tag", "image.tag=5"),
        ("seedapp/boolean-image-tag", "image.tag=true"),
        ("seedapp/float-image-tag", "image.tag=1.5"),
        (
            "seedapp/null-secret-value",
            "secret.enabled=true,secret.data.x=null,secret.data.a=1",
        ),
    ] {
        cases.push(case(name, "seedapp", &["--set", set]));
    }
    cases.push(failing(
        "seedapp/empty-port-entry",
        "seedapp",
        &["--set", "service.ports[1].port=9"],
        "service.ports[0] is empty",
    ));
    cases.push(case(
        "seedapp/set-replaces-the-ports-list",
        "seedapp",
        &[
            "--set",
            "service.type=NodePort,service.ports[0].nodePort=30080",
        ],
    ));
    for overlay in [
        "prod",
        "todo-app",
        "course-nginx",
        "external",
        "null-delete",
    ] {
        cases.push(Case {
            name: format!("seedapp/{overlay}"),
            chart: "seedapp",
            args: vec!["-f".into(), format!("charts/seedapp/ci/{overlay}.yaml")],
            error: None,
            release: None,
            packaged: false,
        });
    }
    for files in [
        &["a"][..],
        &["b"],
        &["c"],
        &["a", "b"],
        &["b", "a"],
        &["a", "b", "c"],
        &["c", "b", "a"],
    ] {
        let mut args = Vec::new();
        for file in files {
            args.push("-f".to_string());
            args.push(format!("charts/valuesdump/ci/{file}.yaml"));
        }
        cases.push(Case {
            name: format!("valuesdump/merge-{}", files.join("-")),
            chart: "valuesdump",
            args,
            error: None,
            release: None,
            packaged: false,
        });
    }
    cases.extend(set_cases());
    cases
}

/// Helm's strvals behaviour (`pkg/strvals/parser_test.go`), through `toJson .Values`.
fn set_cases() -> Vec<Case> {
    let ok = [
        "name1=null,f=false,t=true",
        "name1=value1",
        "name1=value1,name2=value2",
        "name1=value1,name2=value2,",
        "name1=,name2=value2",
        "leading_zeros=00009",
        "zero_int=0",
        "long_int=1234567890",
        "boolean=true",
        "is_null=null",
        "name1=one\\,two,name2=three\\,four",
        "name1=one\\=two,name2=three\\=four",
        "name1=one two three,name2=three two one",
        "outer.inner=value",
        "outer.middle.inner=value",
        "outer.inner1=value,outer.inner2=value2",
        "outer.inner1=value,outer.middle.inner=value",
        "name1.name2=",
        "name1={value1,value2}",
        "name1={value1,value2},name2={value1,value2}",
        "name1={1021,902}",
        "name1.name2={value1,value2}",
        "list[0]=foo",
        "list[0].foo=bar",
        "list[0].foo=bar,list[0].hello=world",
        "list[0]=foo,list[1]=bar",
        "list[0]=foo,list[1]=bar,",
        "list[0]=foo,list[3]=bar",
        "noval[0]",
        "noval[0]=",
        "nested[0][0]=1",
        "nested[1][1]=1",
        "name1.name2[0].foo=bar,name1.name2[1].foo=bar",
        "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
        "name1.name2[1].foo=bar",
        "x=-5,y=+5,z=-0,h=0x10,f=1.5,e=1e3,u=1_000,big=9223372036854775808",
        "image.tag=1.20,labels.app=null,ports={8080,8443},probe.httpGet=null",
        "ports[1]=8443",
        "empty={}",
        "=x",
        "a\\.b=c",
    ];
    let mut cases: Vec<Case> = ok
        .iter()
        .enumerate()
        .map(|(i, arg)| Case {
            name: format!("set/{i:02}"),
            chart: "valuesdump",
            args: vec!["--set".into(), arg.to_string()],
            error: None,
            release: None,
            packaged: false,
        })
        .collect();
    let flags: &[(&str, &[&str])] = &[
        (
            "set-string/types",
            &[
                "--set-string",
                "long_int_string=1234567890,boolean=true,is_null=null,zero=0",
            ],
        ),
        ("set-literal/no-escapes", &["--set-literal", "a\\.b=c"]),
        ("set-literal/commas-kept", &["--set-literal", "a=x,b=y"]),
        (
            "set-json/item",
            &[
                "--set-json",
                r#"outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]}"#,
            ],
        ),
        (
            "set-json/whole-object",
            &["--set-json", r#"{"image":{"tag":"x"},"extra":[1]}"#],
        ),
        ("set-json/empty-is-null", &["--set-json", "labels.app="]),
        (
            "set-groups/fixed-order",
            &[
                "--set-literal",
                "k=lit",
                "--set-string",
                "k=str",
                "--set",
                "k=set",
                "--set-json",
                r#"k="json""#,
                "-f",
                "charts/valuesdump/ci/a.yaml",
            ],
        ),
        (
            "set-groups/set-over-file",
            &["--set", "name=set", "-f", "charts/valuesdump/ci/a.yaml"],
        ),
        (
            "set-groups/set-edits-file-list",
            &[
                "-f",
                "charts/valuesdump/ci/a.yaml",
                "--set",
                "ports[1]=9090",
            ],
        ),
        (
            "set-groups/repeat-in-order",
            &["--set", "name=first", "--set", "name=second"],
        ),
    ];
    for (name, args) in flags {
        cases.push(Case {
            name: name.to_string(),
            chart: "valuesdump",
            args: args.iter().map(|a| a.to_string()).collect(),
            error: None,
            release: None,
            packaged: false,
        });
    }
    let errors: &[(&str, &str, &'static str)] = &[
        (
            "set-error/trailing-key",
            "name1,name2=",
            "key \"name1\" has no value (cannot end with ,)",
        ),
        (
            "set-error/empty-items",
            "name1=value1,,,,name2=value2,",
            "key \"\" has no value (cannot end with ,)",
        ),
        (
            "set-error/no-value",
            "name1.name2",
            "key \"name2\" has no value",
        ),
        (
            "set-error/map-no-value",
            "name1.=name2",
            "key map \"name1\" has no value",
        ),
        (
            "set-error/unterminated-list",
            "name1={1021,902",
            "list must terminate with '}'",
        ),
        (
            "set-error/negative-index",
            "list[0].foo=bar,list[-30].hello=world",
            "negative -30 index not allowed",
        ),
        (
            "set-error/junk-after-index",
            "illegal[0]name.foo=bar",
            "unexpected data at end of array index",
        ),
        (
            "set-error/index-too-big",
            "a[70000]=1",
            "index of 70000 is greater than maximum supported index of 65536",
        ),
        (
            "set-error/index-not-a-number",
            "a[x]=1",
            "error parsing index",
        ),
        (
            "set-error/scalar-then-map",
            "name=x,name.deeper=1",
            "unable to parse key",
        ),
    ];
    for (name, arg, error) in errors {
        cases.push(Case {
            name: name.to_string(),
            chart: "valuesdump",
            args: vec!["--set".into(), arg.to_string()],
            error: Some(error),
            release: None,
            packaged: false,
        });
    }
    cases
}

/// A parent with subcharts (alias, condition, tags, nesting, globals):
/// which subcharts render and what values each sees, against Helm.
fn composed_cases() -> Vec<Case> {
    let sets: &[(&str, &str)] = &[
        ("db-off", "db.enabled=false"),
        ("global-switch-loses-to-first-path", "global.database=false"),
        ("db-enabled-null-falls-to-global", "db.enabled=null"),
        ("db-off-by-global", "db.enabled=null,global.database=false"),
        ("tag-off", "tags.caching=false"),
        ("alias-on", "cacheB.enabled=true"),
        ("alias-values", "cacheB.enabled=true,cache-b.size=5"),
        ("tag-off-alias-on", "tags.caching=false,cacheB.enabled=true"),
        ("nested-condition-off", "worker.sidecar.enabled=false"),
        (
            "nested-values",
            "worker.replicas=5,worker.sidecar.image=nginx",
        ),
        ("global-flows", "global.region=us"),
        ("global-map-merges", "global.labels.extra=x"),
        ("null-over-parent-default", "db.port=null"),
        ("null-over-subchart-default", "db.user=null"),
        ("null-over-alias-default", "cache-a.ttl=null"),
        ("subchart-global", "db.global.tier=x,db.global.own=y"),
        ("null-subchart-key", "worker.sidecar=null"),
        ("null-global", "global=null"),
    ];
    let mut cases: Vec<Case> = sets
        .iter()
        .map(|(name, set)| case(&format!("composed/{name}"), "composed", &["--set", set]))
        .collect();
    cases.push(case("composed/defaults", "composed", &[]));
    cases.push(case(
        "composed/switched-overlay",
        "composed",
        &["-f", "charts/composed/ci/switched.yaml"],
    ));
    cases.push(case(
        "composed/show-only-subchart",
        "composed",
        &["--show-only", "charts/db/templates/values.yaml"],
    ));
    // A library chart's helpers and import-values, both forms.
    cases.push(case("stack/defaults", "stack", &[]));
    for (name, set) in [
        ("null-over-imported", "apiConfig.retries=null,timeout=1"),
        (
            "user-values-are-not-imported",
            "api.config.backoff=4,api.exports.defaults.timeout=5",
        ),
        ("parent-wins-over-import", "retries=1,apiConfig.backoff=0"),
        ("library-values", "common.commonDefault=2"),
    ] {
        cases.push(case(&format!("stack/{name}"), "stack", &["--set", set]));
    }
    // Entries that take no chart, charts no entry names, and a parent
    // without a `dependencies` key (Helm then reads no switch below it).
    for (name, chart, set) in [
        ("unlisted/defaults", "unlisted", "extra.own=x"),
        (
            "unlisted/entry-without-chart-switches-it-off",
            "unlisted",
            "extra.enabled=false",
        ),
        ("unlisted/tag-off", "unlisted", "tags.t=false"),
        ("nodeps/defaults", "nodeps", "global.other=1"),
        ("nodeps/null-global", "nodeps", "global.env=null"),
        (
            "nodeps/nested-switch-is-not-read",
            "nodeps",
            "a.b.enabled=false",
        ),
    ] {
        cases.push(case(name, chart, &["--set", set]));
    }
    for chart in ["composed", "stack", "seedapp"] {
        cases.push(Case {
            packaged: true,
            ..case(
                &format!("{chart}/from-kinja-package"),
                chart,
                &["--set", "global.x=1"],
            )
        });
    }
    cases.push(failing(
        "composed/subchart-values-not-a-mapping",
        "composed",
        &["--set", "db=text"],
        "values for subchart db must be a mapping",
    ));
    cases
}

/// `--set KEY=null` deletes a chart default (Helm's rule): for every key of
/// seedapp's values, with every optional feature on, both tools must agree.
fn null_each_seedapp_value() -> Vec<Case> {
    fn paths(map: &serde_yaml::Mapping, prefix: &str, out: &mut Vec<String>) {
        for (key, value) in map {
            let path = format!("{prefix}{}", key.as_str().expect("string keys"));
            if let serde_yaml::Value::Mapping(inner) = value {
                paths(inner, &format!("{path}."), out);
            }
            out.push(path);
        }
    }
    let text = std::fs::read_to_string("charts/seedapp/values.yaml").expect("seedapp values");
    let values: serde_yaml::Mapping = serde_yaml::from_str(&text).expect("a mapping");
    let mut keys = Vec::new();
    paths(&values, "", &mut keys);
    let features = "autoscaling.enabled=true,ingress.enabled=true,persistence.enabled=true,secret.enabled=true,resourceQuota.enabled=true";
    // Without these, the Go templates dereference nil and helm fails; kinja
    // must fail too, naming the missing value.
    let helm_fails = [
        "image",
        "secret",
        "service",
        "service.ports",
        "ingress",
        "persistence",
        "autoscaling",
        "resourceQuota",
    ];
    keys.into_iter()
        .map(|key| Case {
            name: format!("seedapp/null-{key}"),
            chart: "seedapp",
            args: vec![
                "--set".into(),
                features.into(),
                "--set".into(),
                format!("{key}=null"),
            ],
            error: helm_fails.contains(&key.as_str()).then_some("is undefined"),
            release: None,
            packaged: false,
        })
        .collect()
}

fn main() {
    let args = Arguments::from_args();
    let helm = common::find_helm();
    let reference = Path::new("../shared/parity/helm");
    let missing = match (&helm, reference.is_dir()) {
        (None, _) => Some(
            "no helm binary (set HELM_BIN or put helm on PATH; ../shared/tools/install-helm.sh installs one)",
        ),
        (_, false) => Some("the reference charts in ../shared/parity/helm are missing"),
        _ => None,
    };
    if let Some(why) = missing {
        if std::env::var("CI").as_deref() == Ok("true") {
            eprintln!("parity: CI=true but {why}; the parity suite must run in CI");
            std::process::exit(1);
        }
        eprintln!(
            "\n{}\n!! PARITY TESTS NOT RUN: {why}.\n!! They are reported as ignored, not passed.\n{}\n",
            "!".repeat(78),
            "!".repeat(78)
        );
    }
    let helm = helm.unwrap_or_default();
    let mut trials = Vec::new();
    for case in cases() {
        // `kinja values` against the values helm computes, for every case
        // whose flags are values flags only (`helm install` takes no others).
        if let Some(flags) = values_flags(&case) {
            let (helm, chart) = (helm.clone(), case.chart);
            let name = format!("values/{}", case.name);
            let trial = Trial::test(name, move || run_values_case(&helm, chart, &flags));
            trials.push(trial.with_ignored_flag(missing.is_some()));
        }
        let helm = helm.clone();
        let trial = Trial::test(case.name.clone(), move || run_case(&helm, &case));
        trials.push(trial.with_ignored_flag(missing.is_some()));
    }
    libtest_mimic::run(&args, trials).exit();
}

/// A case's flags when they are all values flags (and the case renders).
fn values_flags(case: &Case) -> Option<Vec<String>> {
    const VALUES_FLAGS: &[&str] = &[
        "-f",
        "--values",
        "--set",
        "--set-string",
        "--set-json",
        "--set-file",
        "--set-literal",
    ];
    if case.error.is_some() || case.packaged {
        return None;
    }
    let mut expects_value = false;
    for arg in &case.args {
        let flag = arg.split('=').next().unwrap_or(arg);
        if expects_value {
            expects_value = false;
        } else if VALUES_FLAGS.contains(&flag) {
            expects_value = !arg.contains('=');
        } else {
            return None;
        }
    }
    Some(case.args.clone())
}

/// `kinja values CHART FLAGS` and the COMPUTED VALUES of `helm install
/// --dry-run=client --debug` (no cluster needed) hold the same values.
fn run_values_case(helm: &Path, chart: &str, flags: &[String]) -> Result<(), Failed> {
    let mut helm_args: Vec<String> = ["install", "release-name"].map(String::from).into();
    helm_args.push(helm_chart(chart));
    helm_args.extend(["--dry-run=client".into(), "--debug".into()]);
    helm_args.extend(flags.iter().cloned());
    let helm_run = run(helm, &helm_args)?;
    if !helm_run.ok {
        return Err(format!("helm install --dry-run failed: {}", helm_run.stderr).into());
    }
    let computed = helm_run
        .stdout
        .split_once("COMPUTED VALUES:\n")
        .and_then(|(_, rest)| rest.split("\nHOOKS:\n").next())
        .ok_or_else(|| format!("no COMPUTED VALUES in helm's output:\n{}", helm_run.stdout))?;
    let mut kinja_args: Vec<String> = vec!["values".into(), format!("charts/{chart}")];
    kinja_args.extend(["-o".into(), "json".into()]);
    kinja_args.extend(flags.iter().cloned());
    let kinja_run = run(&kinja_binary(), &kinja_args)?;
    if !kinja_run.ok {
        return Err(format!(
            "kinja values failed where helm computed them:\n{}",
            kinja_run.stderr
        )
        .into());
    }
    let expected: serde_json::Value = serde_yaml::from_str(computed).map_err(|e| e.to_string())?;
    let actual: serde_json::Value =
        serde_json::from_str(&kinja_run.stdout).map_err(|e| e.to_string())?;
    if numbers_as_floats(expected.clone()) != numbers_as_floats(actual) {
        return Err(format!(
            "values differ\n--- helm\n{computed}\n--- kinja\n{}",
            kinja_run.stdout
        )
        .into());
    }
    Ok(())
}

/// Helm holds every number as a float; kinja keeps integers (documented).
fn numbers_as_floats(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        J::Number(n) => n.as_f64().map_or(J::Null, |f| serde_json::json!(f)),
        J::Array(items) => J::Array(items.into_iter().map(numbers_as_floats).collect()),
        J::Object(map) => J::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The Go twin of a chart: a shared reference chart, else one of ours.
fn helm_chart(chart: &str) -> String {
    let shared = format!("../shared/parity/helm/{chart}");
    if Path::new(&shared).is_dir() {
        shared
    } else {
        format!("tests/parity-helm/{chart}")
    }
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn run(program: &Path, args: &[String]) -> Result<Run, Failed> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    Ok(Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// `kinja package CHART` into `dir`: the archive's path.
fn kinja_package(chart: &str, dir: &Path) -> Result<String, Failed> {
    let run = run(
        &kinja_binary(),
        &[
            "package".into(),
            chart.into(),
            "-d".into(),
            dir.display().to_string(),
        ],
    )?;
    if !run.ok {
        return Err(format!("kinja package {chart} failed: {}", run.stderr).into());
    }
    let path = run
        .stdout
        .trim()
        .rsplit(": ")
        .next()
        .unwrap_or_default()
        .to_string();
    Ok(path)
}

fn run_case(helm: &Path, case: &Case) -> Result<(), Failed> {
    let packages = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (helm_chart_path, kinja_chart_path) = if case.packaged {
        let go = packages.path().join("go");
        let jinja = packages.path().join("jinja");
        std::fs::create_dir_all(&go).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&jinja).map_err(|e| e.to_string())?;
        let helm_archive = kinja_package(&helm_chart(case.chart), &go)?;
        // helm itself must read kinja's archive.
        let shown = run(helm, &["show".into(), "chart".into(), helm_archive.clone()])?;
        if !shown.ok || !shown.stdout.contains(&format!("name: {}", case.chart)) {
            return Err(format!(
                "helm show chart {helm_archive}: {}{}",
                shown.stdout, shown.stderr
            )
            .into());
        }
        (
            helm_archive,
            kinja_package(&format!("charts/{}", case.chart), &jinja)?,
        )
    } else {
        (helm_chart(case.chart), format!("charts/{}", case.chart))
    };
    let mut helm_args = vec!["template".to_string()];
    helm_args.extend(case.release.map(str::to_string));
    helm_args.push(helm_chart_path);
    helm_args.extend(case.args.iter().cloned());
    let mut kinja_args = vec!["render".to_string(), kinja_chart_path];
    if let Some(release) = case.release {
        kinja_args.extend(["--name".to_string(), release.to_string()]);
    }
    kinja_args.extend(case.args.iter().cloned());

    let helm_run = run(helm, &helm_args)?;
    let kinja_run = run(&kinja_binary(), &kinja_args)?;

    if let Some(expected) = case.error {
        if helm_run.ok {
            return Err(format!(
                "helm accepted an input this case expects it to refuse:\n{}",
                helm_run.stdout
            )
            .into());
        }
        if kinja_run.ok {
            return Err(format!(
                "kinja accepted an input helm refuses ({}):\n{}",
                helm_run.stderr.trim(),
                kinja_run.stdout
            )
            .into());
        }
        if !kinja_run.stdout.is_empty() {
            return Err("kinja printed to stdout although it failed".into());
        }
        if !kinja_run.stderr.contains(expected) {
            return Err(format!(
                "kinja's error lacks {expected:?}:\n{}\nhelm said: {}",
                kinja_run.stderr, helm_run.stderr
            )
            .into());
        }
        return Ok(());
    }
    if !helm_run.ok {
        return Err(format!("helm failed: {}", helm_run.stderr).into());
    }
    if !kinja_run.ok {
        return Err(format!("kinja failed where helm rendered:\n{}", kinja_run.stderr).into());
    }
    let expected = documents(&helm_run.stdout)?;
    let actual = documents(&kinja_run.stdout)?;
    if expected != actual {
        return Err(format!(
            "manifests differ\n--- helm\n{}\n--- kinja\n{}",
            helm_run.stdout, kinja_run.stdout
        )
        .into());
    }
    Ok(())
}

/// The documents of a `template` output as (source, content) pairs; a
/// `values.json` string (valuesdump) is parsed as JSON so key order and
/// formatting don't matter.
fn documents(text: &str) -> Result<Vec<(String, Value)>, Failed> {
    let mut out = Vec::new();
    for chunk in text
        .split("\n---\n")
        .flat_map(|c| c.strip_prefix("---\n").or(Some(c)))
    {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        let (source_line, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let source = source_line
            .strip_prefix("# Source: ")
            .ok_or_else(|| format!("a document without a # Source line: {chunk}"))?
            .to_string();
        let mut value: Value =
            serde_yaml::from_str(body).map_err(|e| format!("{source}: {e}\n{body}"))?;
        if let Some(json) = value.get_mut("data").and_then(|d| d.get_mut("values.json")) {
            let parsed: serde_json::Value =
                serde_json::from_str(json.as_str().unwrap_or("")).map_err(|e| e.to_string())?;
            *json = serde_yaml::to_value(parsed).map_err(|e| e.to_string())?;
        }
        out.push((source, value));
    }
    Ok(out)
}
