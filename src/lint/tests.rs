//! Each rule fires on the mistake it is for, and stays silent on the same
//! objects written right.

use super::*;

fn rules(stream: &str) -> Vec<&'static str> {
    rules_with(stream, &LintOptions::default())
}

fn rules_with(stream: &str, options: &LintOptions) -> Vec<&'static str> {
    lint_stream(stream, "stream.yaml", options)
        .diagnostics
        .into_iter()
        .map(|d| d.rule)
        .collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: http
              containerPort: 80
          resources:
            requests: {cpu: 100m, memory: 64Mi}
          readinessProbe:
            httpGet: {path: /, port: http}
";

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
";

/// The Service without its selector (endpoints by hand): nothing to select.
fn lone_service() -> String {
    SERVICE.replace("  selector:\n    app: web\n", "")
}

fn with(docs: &[&str]) -> String {
    docs.join("---\n")
}

#[test]
fn a_correct_release_is_clean_even_strict() {
    let strict = LintOptions {
        strict: true,
        ..LintOptions::default()
    };
    assert_eq!(
        rules_with(&with(&[DEPLOYMENT, SERVICE]), &strict),
        Vec::<&str>::new()
    );
}

#[test]
fn a_selector_that_misses_its_own_pods() {
    let wrong = DEPLOYMENT.replacen(
        "      app: web\n  template",
        "      app: api\n  template",
        1,
    );
    assert_eq!(rules(&wrong), ["selector-mismatch"]);
    let report = lint_stream(&wrong, "s.yaml", &LintOptions::default());
    let d = &report.diagnostics[0];
    assert_eq!(
        d.path.as_deref(),
        Some("spec.selector.matchLabels[\"app\"]")
    );
    assert_eq!(d.line, Some(9), "the line of `app: api`");
    assert_eq!(d.resource.as_deref(), Some("Deployment/web"));
    let no_selector = DEPLOYMENT.replace("  selector:\n    matchLabels:\n      app: web\n", "");
    assert_eq!(rules(&no_selector), ["missing-field"]);
    let expression = DEPLOYMENT.replace(
        "    matchLabels:\n      app: web\n",
        "    matchExpressions:\n      - {key: app, operator: In, values: [api]}\n",
    );
    assert_eq!(rules(&expression), ["selector-mismatch"]);
    assert!(rules(&expression.replace("[api]", "[web, api]")).is_empty());
}

#[test]
fn a_service_that_selects_nothing_or_names_a_missing_port() {
    let nothing = SERVICE.replace("    app: web\n", "    app: webb\n");
    assert_eq!(
        rules(&with(&[DEPLOYMENT, &nothing])),
        ["service-selects-nothing"]
    );
    let port = SERVICE.replace("targetPort: http", "targetPort: https");
    let report = lint_stream(&with(&[DEPLOYMENT, &port]), "s", &LintOptions::default());
    assert_eq!(report.diagnostics[0].rule, "service-target-port");
    assert_eq!(
        report.diagnostics[0].hint.as_deref(),
        Some("the container ports are named http")
    );
    // A number needs no name; a Service without a selector has its endpoints by hand.
    assert!(
        rules(&with(&[
            DEPLOYMENT,
            &SERVICE.replace("targetPort: http", "targetPort: 80")
        ]))
        .is_empty()
    );
    assert!(rules(&SERVICE.replace("  selector:\n    app: web\n", "")).is_empty());
    // A `helm test` pod does not make a selector right or a port wrong.
    let hook = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  labels: {app: web}\n  annotations: {helm.sh/hook: test}\nspec:\n  containers:\n    - name: t\n      image: busybox\n";
    assert!(rules(&with(&[DEPLOYMENT, SERVICE, hook])).is_empty());
    assert_eq!(rules(&with(&[SERVICE, hook])), ["service-selects-nothing"]);
}

#[test]
fn an_external_name_service_with_a_selector() {
    let external = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n  externalName: db.example.com\n";
    assert!(rules(external).is_empty());
    assert_eq!(
        rules(&format!("{external}  selector: {{app: db}}\n")),
        ["externalname-with-selector"]
    );
    assert!(rules(&format!("{external}  ports: []\n")).is_empty());
    let report = lint_stream(
        &format!("{external}  ports: [{{port: 5432}}]\n"),
        "s",
        &LintOptions::default(),
    );
    assert!(
        report.diagnostics[0]
            .message
            .contains("its ports are ignored"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn an_ingress_to_a_missing_service_or_port() {
    let ingress = |service: &str, port: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: a.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {service}\n                port: {port}\n"
        )
    };
    assert!(rules(&with(&[&lone_service(), &ingress("web", "{number: 80}")])).is_empty());
    assert!(rules(&with(&[&lone_service(), &ingress("web", "{name: http}")])).is_empty());
    assert_eq!(
        rules(&with(&[&lone_service(), &ingress("api", "{number: 80}")])),
        ["ingress-backend-missing"]
    );
    assert_eq!(
        rules(&with(&[&lone_service(), &ingress("web", "{number: 8080}")])),
        ["ingress-backend-port"]
    );
    assert_eq!(
        rules(&with(&[&lone_service(), &ingress("web", "{name: https}")])),
        ["ingress-backend-port"]
    );
}

#[test]
fn claims_config_maps_and_secrets_the_release_lacks() {
    let pod = |volumes: &str, env_from: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n{env_from}  volumes:\n{volumes}"
        )
    };
    let claim = pod(
        "    - name: d\n      persistentVolumeClaim: {claimName: data}\n",
        "",
    );
    assert_eq!(rules(&claim), ["claim-missing"]);
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    assert!(rules(&with(&[&claim, pvc])).is_empty());
    let config = pod(
        "    - name: c\n      configMap: {name: settings}\n",
        "      envFrom:\n        - secretRef: {name: keys}\n",
    );
    assert_eq!(rules(&config), ["config-missing", "config-missing"]);
    let optional = config
        .replace("{name: settings}", "{name: settings, optional: true}")
        .replace("{name: keys}", "{name: keys, optional: true}");
    assert!(rules(&optional).is_empty());
    // A Certificate makes the Secret it names.
    let tls = pod("    - name: t\n      secret: {secretName: web-tls}\n", "");
    assert_eq!(rules(&tls), ["config-missing"]);
    let certificate = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n";
    assert_eq!(rules(&with(&[&tls, certificate])), ["unchecked-kind"]);
}

#[test]
fn an_autoscaler_without_its_target_or_fighting_replicas() {
    let hpa = |name: &str| {
        format!(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}\n  minReplicas: 1\n  maxReplicas: 3\n"
        )
    };
    assert_eq!(rules(&hpa("api")), ["hpa-target-missing"]);
    assert_eq!(
        rules(&with(&[DEPLOYMENT, &hpa("web")])),
        ["hpa-fights-replicas"]
    );
    let no_replicas = DEPLOYMENT.replace("  replicas: 2\n", "");
    assert!(rules(&with(&[&no_replicas, &hpa("web")])).is_empty());
}

#[test]
fn one_object_rendered_twice() {
    let service = lone_service();
    assert_eq!(rules(&with(&[&service, &service])), ["duplicate-resource"]);
    let other_namespace = service.replace("  name: web\n", "  name: web\n  namespace: other\n");
    assert!(rules(&with(&[&service, &other_namespace])).is_empty());
    // The release's namespace, written or not, is one namespace.
    let written = service.replace("  name: web\n", "  name: web\n  namespace: default\n");
    assert_eq!(rules(&with(&[&service, &written])), ["duplicate-resource"]);
}

#[test]
fn habits_only_when_strict() {
    let lax = DEPLOYMENT
        .replace(
            "          resources:\n            requests: {cpu: 100m, memory: 64Mi}\n",
            "",
        )
        .replace(
            "          readinessProbe:\n            httpGet: {path: /, port: http}\n",
            "",
        );
    let stream = with(&[&lax, SERVICE]);
    assert!(rules(&stream).is_empty());
    let strict = LintOptions {
        strict: true,
        ..LintOptions::default()
    };
    assert_eq!(
        rules_with(&stream, &strict),
        ["no-resource-requests", "no-readiness-probe"]
    );
}

#[test]
fn names_labels_values_ports_and_quantities_of_one_object() {
    assert_eq!(
        rules(&lone_service().replace("name: web\nspec", "name: Web_1\nspec")),
        ["invalid-name"]
    );
    assert_eq!(
        rules(&lone_service().replace("name: web\nspec", "name: 1web\nspec")),
        ["invalid-name"]
    );
    let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:aggregate-to-view\nrules: []\n";
    assert!(rules(role).is_empty());
    assert_eq!(
        rules(&DEPLOYMENT.replace(
            "        app: web\n    spec",
            "        app: web\n        tier: -front\n    spec"
        )),
        ["invalid-label"]
    );
    assert_eq!(
        rules(&lone_service().replace(
            "  name: web\n",
            "  name: web\n  labels: {\"bad key!\": x}\n"
        )),
        ["invalid-label"]
    );
    assert_eq!(
        rules(&lone_service().replace("  name: web\n", "  name: web\n  labels: {version: 1.2}\n")),
        ["wrong-type"]
    );
    let report = lint_stream(
        &lone_service().replace("spec:\n", "spec:\n  type: Nodeport\n"),
        "s",
        &LintOptions::default(),
    );
    assert_eq!(report.diagnostics[0].rule, "invalid-value");
    assert_eq!(
        report.diagnostics[0].hint.as_deref(),
        Some("did you mean NodePort?")
    );
    assert_eq!(
        rules(&DEPLOYMENT.replace(
            "image: nginx\n",
            "image: nginx\n          imagePullPolicy: always\n"
        )),
        ["invalid-value"]
    );
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOne]\n  resources: {requests: {storage: 1gb}}\n";
    assert_eq!(rules(pvc), ["invalid-value", "invalid-quantity"]);
    assert_eq!(
        rules(
            &lone_service()
                .replace("      port: 80\n", "      port: 80\n      nodePort: 8080\n")
                .replace("spec:\n", "spec:\n  type: NodePort\n")
        ),
        ["nodeport-range"]
    );
    assert!(
        rules(
            &lone_service()
                .replace(
                    "      port: 80\n",
                    "      port: 80\n      nodePort: 30080\n"
                )
                .replace("spec:\n", "spec:\n  type: NodePort\n")
        )
        .is_empty()
    );
    assert_eq!(
        rules(&DEPLOYMENT.replace("cpu: 100m", "cpu: 1 core")),
        ["invalid-quantity"]
    );
    assert_eq!(
        rules("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"),
        ["missing-identity"]
    );
    assert_eq!(rules("kind: [\n"), ["invalid-yaml"]);
}

#[test]
fn an_annotation_turns_a_rule_off_on_its_resource() {
    let nothing = SERVICE.replace("    app: web\n", "    app: webb\n");
    let annotated = nothing.replace(
        "  name: web\n",
        "  name: web\n  annotations:\n    kinja.dev/lint-disable: \"service-selects-nothing, other\"\n    kinja.dev/lint-reason: endpoints come from the mesh\n",
    );
    assert_eq!(rules(&nothing), ["service-selects-nothing"]);
    assert!(rules(&annotated).is_empty());
}

#[test]
fn a_chart_config_turns_rules_off_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config_file = dir.path().join(".kinja-lint.yaml");
    std::fs::write(
        &config_file,
        "lint:\n  disable:\n    - rule: service-selects-nothing\n      resource: Service/web\n      reason: endpoints by the mesh\n",
    )
    .unwrap();
    let config = config::LintConfig::of_chart(dir.path()).unwrap();
    let nothing = SERVICE.replace("    app: web\n", "    app: webb\n");
    let other = nothing.replace("  name: web\n", "  name: api\n");
    let pieces: Vec<Document> = split_stream(&with(&[&nothing, &other]))
        .iter()
        .map(|p| p.to_document("s").unwrap())
        .collect();
    let report = lint_documents_with(&pieces, &LintOptions::default(), &config);
    let left: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| d.resource.clone().unwrap())
        .collect();
    assert_eq!(left, ["Service/api"], "only Service/web's is off");
    std::fs::write(
        &config_file,
        "lint:\n  disable:\n    - rule: claim-missing\n",
    )
    .unwrap();
    let error = config::LintConfig::of_chart(dir.path()).unwrap_err();
    assert!(error.contains("(claim-missing) needs a reason"), "{error}");
}
