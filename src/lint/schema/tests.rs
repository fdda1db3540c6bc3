//! Objects against their kind's schema: each rule fires on its mistake and
//! stays silent on the object written right.

use crate::lint::{Diagnostic, LintOptions, lint_stream};

fn lint(stream: &str) -> Vec<Diagnostic> {
    lint_with(stream, &LintOptions::default())
}

fn lint_with(stream: &str, options: &LintOptions) -> Vec<Diagnostic> {
    lint_stream(stream, "stream.yaml", options).diagnostics
}

fn rules(stream: &str) -> Vec<&'static str> {
    lint(stream).into_iter().map(|d| d.rule).collect()
}

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
    - name: web
      image: nginx
      ports:
        - containerPort: 80
      env:
        - name: MODE
          value: fast
";

#[test]
fn a_correct_object_passes() {
    assert_eq!(rules(POD), Vec::<&str>::new());
}

#[test]
fn a_misspelled_field_is_unknown_with_the_field_meant() {
    let found = lint(&POD.replace("containers:", "contianers:"));
    let unknown = found.iter().find(|d| d.rule == "unknown-field").unwrap();
    assert_eq!(unknown.message, "a PodSpec has no field \"contianers\"");
    assert_eq!(unknown.path.as_deref(), Some("spec.contianers"));
    assert_eq!(unknown.line, Some(7));
    assert_eq!(unknown.hint.as_deref(), Some("did you mean containers?"));
    // Without containers, the required field is missing as well.
    assert!(found.iter().any(|d| d.rule == "missing-field"));
}

#[test]
fn a_field_far_from_any_known_one_points_at_kubectl_explain() {
    let found = lint(&POD.replace(
        "      image: nginx\n",
        "      image: nginx\n      sidecar: true\n",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].hint.as_deref(),
        Some("`kubectl explain pod.spec.containers` lists its fields")
    );
}

#[test]
fn a_wrong_type_names_what_was_given_and_what_is_expected() {
    let found = lint(&POD.replace("value: fast", "value: 8080"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "wrong-type");
    assert_eq!(
        found[0].message,
        "spec.containers[0].env[0].value is an integer (8080), not a string"
    );
    let found = lint(&POD.replace("containerPort: 80", "containerPort: \"80\""));
    assert_eq!(
        found[0].message,
        "spec.containers[0].ports[0].containerPort is a string (\"80\"), not an integer"
    );
    assert!(found[0].hint.as_deref().unwrap().contains("without quotes"));
}

#[test]
fn null_is_unset_unless_the_field_is_required() {
    assert_eq!(
        rules(&POD.replace("labels: {app: web}", "labels: null")),
        Vec::<&str>::new()
    );
    assert_eq!(
        rules(&POD.replace("containerPort: 80", "containerPort: null")),
        ["wrong-type"]
    );
}

#[test]
fn a_missing_required_field_is_named() {
    let found = lint(&POD.replace("    - name: web\n      image", "    - image"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "missing-field");
    assert_eq!(
        found[0].message,
        "spec.containers[0] has no \"name\", which a Container requires"
    );
}

#[test]
fn int_or_string_and_quantities_take_both_forms() {
    let service = "apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
    - {port: 80, targetPort: http}
    - {port: 81, targetPort: 8081}
";
    assert_eq!(rules(service), Vec::<&str>::new());
    assert_eq!(rules(&service.replace("8081", "true")), ["wrong-type"]);
    let limits = POD.replace(
        "      env:",
        "      resources: {limits: {cpu: 1, memory: 128Mi}}\n      env:",
    );
    assert_eq!(rules(&limits), Vec::<&str>::new());
}

#[test]
fn an_api_version_the_cluster_does_not_serve_names_the_one_it_does() {
    let ingress = "apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec: {}
";
    let found = lint(ingress);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "unserved-api");
    assert_eq!(
        found[0].message,
        "Kubernetes 1.35 does not serve Ingress in extensions/v1beta1"
    );
    assert_eq!(
        found[0].hint.as_deref(),
        Some("it serves Ingress in networking.k8s.io/v1")
    );
}

#[test]
fn the_kube_version_chooses_the_schemas() {
    // ValidatingAdmissionPolicy reached admissionregistration.k8s.io/v1 in 1.30;
    // MutatingAdmissionPolicy's beta came in 1.34.
    let policy = "apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: p}
spec: {}
";
    let at = |minor| LintOptions {
        kube_minor: minor,
        ..LintOptions::default()
    };
    let rules_at = |minor| -> Vec<&str> {
        lint_with(policy, &at(minor))
            .into_iter()
            .map(|d| d.rule)
            .collect()
    };
    assert_eq!(rules_at(33), ["unserved-api"]);
    assert_eq!(rules_at(34), Vec::<&str>::new());
    // Outside the embedded minors: the nearest, said once.
    let found = lint_with(POD, &at(40));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "kube-version");
    assert!(
        found[0].message.contains("checked against 1.37"),
        "{}",
        found[0].message
    );
}

/// A CRD the CLI tests use too.
const CRD: &str = include_str!("../../../tests/fixtures/lint/backup-crd.yaml");

const BACKUP: &str = "apiVersion: example.com/v1
kind: Backup
metadata: {name: nightly, labels: {app: db}}
spec:
  schedule: '0 3 * * *'
  keep: 7
  mode: full
  extra: {anything: [1, 2]}
";

#[test]
fn a_custom_resource_is_checked_against_the_crd_in_the_stream() {
    let stream = format!("{CRD}---\n{BACKUP}");
    assert_eq!(rules(&stream), Vec::<&str>::new());
    let found = lint(&stream.replace("keep: 7", "kepe: 7"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "unknown-field");
    assert_eq!(found[0].message, "spec of a Backup has no field \"kepe\"");
    assert_eq!(found[0].hint.as_deref(), Some("did you mean keep?"));
    assert_eq!(
        rules(&stream.replace("keep: 7", "keep: seven")),
        ["wrong-type"]
    );
    assert_eq!(
        rules(&stream.replace("mode: full", "mode: fast")),
        ["invalid-value"]
    );
    assert_eq!(
        rules(&stream.replace("  schedule: '0 3 * * *'\n", "")),
        ["missing-field"]
    );
    // metadata is checked as every object's.
    assert_eq!(
        rules(&stream.replace("labels: {app: db}", "labels: {app: 1}")),
        ["wrong-type"]
    );
}

#[test]
fn a_custom_resource_without_a_crd_is_reported_once_as_unchecked() {
    let second = BACKUP.replace("nightly", "weekly");
    let found = lint(&format!("{BACKUP}---\n{second}"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, crate::lint::Severity::Info);
    assert_eq!(found[0].rule, "unchecked-kind");
    assert_eq!(found[0].resource.as_deref(), Some("Backup/nightly"));
}

#[test]
fn the_crds_a_chart_brings_outside_its_templates_count() {
    let crd: serde_json::Value = crate::yaml::parse_value(CRD).unwrap();
    let crds = [crd];
    let options = LintOptions {
        chart_crds: &crds,
        ..LintOptions::default()
    };
    let found = lint_with(&BACKUP.replace("keep: 7", "keep: seven"), &options);
    assert_eq!(
        found.iter().map(|d| d.rule).collect::<Vec<_>>(),
        ["wrong-type"]
    );
}

#[test]
fn a_head_the_renderer_cannot_read_is_still_checked() {
    let config = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: [default]
";
    let found = lint(config);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "wrong-type");
    assert_eq!(found[0].path.as_deref(), Some("metadata.namespace"));
}

#[test]
fn a_key_with_dots_is_written_in_brackets_and_located() {
    let labelled = POD.replace(
        "labels: {app: web}",
        "labels:\n    app.kubernetes.io/version: 1.2",
    );
    let found = lint(&labelled);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].path.as_deref(),
        Some("metadata.labels[\"app.kubernetes.io/version\"]")
    );
    assert_eq!(found[0].line, Some(6));
    assert_eq!(
        found[0].message,
        "metadata.labels[\"app.kubernetes.io/version\"] is a number (1.2), not a string"
    );
    assert_eq!(
        found[0].hint.as_deref(),
        Some("quote the value (in a template, `| quote`)")
    );
}

#[test]
fn a_map_where_text_belongs_is_named_without_repeating_itself() {
    let found = lint(&POD.replace("value: fast", "value: {a: 1}"));
    assert_eq!(
        found[0].message,
        "spec.containers[0].env[0].value is a map, not a string"
    );
}

#[test]
fn a_document_that_is_not_a_map_is_one_error() {
    let found = lint("- a\n- b\n---\n42\n");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|d| d.rule == "invalid-yaml"), "{found:?}");
}

#[test]
fn the_versions_a_crd_serves_are_the_ones_checked() {
    let stream = format!("{CRD}---\n{BACKUP}");
    let found = lint(&stream.replace(
        "apiVersion: example.com/v1\nkind: Backup",
        "apiVersion: example.com/v2\nkind: Backup",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "unserved-api");
    assert_eq!(
        found[0].message,
        "the CustomResourceDefinition of Backup does not serve example.com/v2"
    );
    assert_eq!(
        found[0].hint.as_deref(),
        Some("it serves Backup in example.com/v1")
    );
    let unserved = stream.replace("served: true", "served: false");
    assert_eq!(rules(&unserved), ["unserved-api"]);
    // A version without a schema takes anything; its metadata is still checked.
    let open = CRD.split("      schema:\n").next().unwrap();
    assert_eq!(
        rules(&format!(
            "{open}---\n{}",
            BACKUP.replace("keep: 7", "keep: seven")
        )),
        Vec::<&str>::new()
    );
}
