//! The objects of a release against each other: selectors and the pods
//! they select, Service ports and container ports, Ingress backends,
//! claims, ConfigMaps and Secrets that must exist, autoscalers and their
//! targets, one object rendered twice.

use super::{Diagnostic, LintOptions, Object, Severity};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// A pod template of a workload: its labels, its spec, and the path to it.
struct Pods<'o> {
    owner: &'o Object<'o>,
    labels: Map<String, Value>,
    spec: &'o Value,
    /// `spec.template` (or `spec.jobTemplate.spec.template`, or `` for a Pod).
    path: &'static str,
}

fn pods<'o>(object: &'o Object<'o>) -> Option<Pods<'o>> {
    let (template, path) = match object.kind() {
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => (object.value.pointer("/spec/template")?, "spec.template"),
        "CronJob" => (
            object.value.pointer("/spec/jobTemplate/spec/template")?,
            "spec.jobTemplate.spec.template",
        ),
        "Pod" => (&object.value, ""),
        _ => return None,
    };
    Some(Pods {
        owner: object,
        labels: template
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        spec: template.get("spec")?,
        path,
    })
}

impl Pods<'_> {
    fn at(&self, rest: &str) -> String {
        match self.path {
            "" => rest.to_string(),
            path => format!("{path}.{rest}"),
        }
    }

    /// Every container (init containers too) with its path.
    fn containers(&self) -> Vec<(String, &Value)> {
        let mut all = Vec::new();
        for list in ["initContainers", "containers"] {
            if let Some(items) = self.spec.get(list).and_then(Value::as_array) {
                for (i, container) in items.iter().enumerate() {
                    all.push((self.at(&format!("spec.{list}[{i}]")), container));
                }
            }
        }
        all
    }
}

/// Whether a plain label map (a Service's selector) selects these labels.
fn selects(selector: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The release's objects by kind, namespace and name, and its pod
/// templates by label: lookups stay cheap for thousands of objects.
struct Index<'o> {
    objects: HashMap<(&'o str, &'o str, &'o str), &'o Object<'o>>,
}

impl<'o> Index<'o> {
    fn of(objects: &'o [Object<'o>]) -> Index<'o> {
        let mut index = HashMap::with_capacity(objects.len());
        for o in objects {
            index
                .entry((o.kind(), o.namespace(), o.name()))
                .or_insert(o);
        }
        Index { objects: index }
    }

    fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&'o Object<'o>> {
        self.objects.get(&(kind, namespace, name)).copied()
    }
}

pub fn check(objects: &[Object], options: &LintOptions, out: &mut Vec<Diagnostic>) {
    duplicates(objects, out);
    let index = Index::of(objects);
    let workloads: Vec<Pods> = objects.iter().filter_map(pods).collect();
    // Hooks (a `helm test` pod) run beside the release; Services serve its workloads.
    let served: Vec<&Pods> = workloads.iter().filter(|p| !p.owner.is_hook()).collect();
    // Which served pod templates carry each label, so a Service looks only at those.
    let mut by_label: HashMap<(&str, &str, String), Vec<usize>> = HashMap::new();
    for (i, pods) in served.iter().enumerate() {
        for (key, value) in &pods.labels {
            let entry = (pods.owner.namespace(), key.as_str(), plain(value));
            by_label.entry(entry).or_default().push(i);
        }
    }
    // The pod templates some Service sends traffic to (for the habits).
    let mut behind_service: HashSet<*const Pods> = HashSet::new();
    if options.strict {
        for service in objects.iter().filter(|o| o.kind() == "Service") {
            if let Some(selector) = service
                .value
                .pointer("/spec/selector")
                .and_then(Value::as_object)
            {
                let selected = selected_by(service, selector, &served, &by_label);
                behind_service.extend(selected.into_iter().map(|p| p as *const Pods));
            }
        }
    }
    for pods in &workloads {
        selector_matches_template(pods, out);
        references(pods, &index, objects, out);
        if options.strict {
            habits(pods, behind_service.contains(&(pods as *const Pods)), out);
        }
    }
    for object in objects {
        match object.kind() {
            "Service" => service(object, &served, &by_label, out),
            "Ingress" => ingress(object, &index, out),
            "HorizontalPodAutoscaler" => autoscaler(object, &index, out),
            _ => {}
        }
    }
}

/// Two documents for one object: Kubernetes keeps one of them.
fn duplicates(objects: &[Object], out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(String, &str, &str, &str), &Object> = HashMap::new();
    for object in objects {
        let api = object.text_at(&["apiVersion"]).unwrap_or("");
        let group = api.split_once('/').map_or("", |(g, _)| g).to_string();
        let key = (group, object.kind(), object.namespace(), object.name());
        if let Some(first) = seen.get(&key) {
            let mut d = object.diagnostic(
                Severity::Error,
                "duplicate-resource",
                "metadata.name",
                format!(
                    "{} is rendered twice; the cluster keeps only one",
                    object.shown()
                ),
            );
            d.hint = Some(format!(
                "the first is in {} line {}",
                first.document.source, first.document.line
            ));
            out.push(d);
        } else {
            seen.insert(key, object);
        }
    }
}

/// A workload's selector must select its own pods, or it never sees them.
fn selector_matches_template(pods: &Pods, out: &mut Vec<Diagnostic>) {
    let owner = pods.owner;
    if matches!(owner.kind(), "Pod" | "Job" | "CronJob") {
        return;
    }
    // No selector at all is the schema's missing-field.
    let Some(selector) = owner.value.pointer("/spec/selector") else {
        return;
    };
    // A ReplicationController's selector is a plain map; the others' have matchLabels.
    let match_labels = if owner.kind() == "ReplicationController" {
        selector.as_object()
    } else {
        selector.get("matchLabels").and_then(Value::as_object)
    };
    let base = if owner.kind() == "ReplicationController" {
        "spec.selector"
    } else {
        "spec.selector.matchLabels"
    };
    for (key, value) in match_labels.into_iter().flatten() {
        if pods.labels.get(key) != Some(value) {
            let found = match pods.labels.get(key) {
                Some(v) => format!("has {key}: {v}"),
                None => format!("has no label {key}"),
            };
            let mut d = owner.diagnostic(
                Severity::Error,
                "selector-mismatch",
                &format!("{base}[\"{key}\"]"),
                format!("the selector asks for {key}: {value}, but the pod template {found}"),
            );
            d.hint = Some(format!(
                "set the same label in {}",
                pods.at("metadata.labels")
            ));
            out.push(d);
        }
    }
    for (i, expression) in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let key = expression.get("key").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&Value> = expression
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let label = pods.labels.get(key);
        let holds = match expression.get("operator").and_then(Value::as_str) {
            Some("In") => label.is_some_and(|l| values.contains(&l)),
            Some("NotIn") => label.is_none_or(|l| !values.contains(&l)),
            Some("Exists") => label.is_some(),
            Some("DoesNotExist") => label.is_none(),
            _ => true,
        };
        if !holds {
            out.push(owner.diagnostic(
                Severity::Error,
                "selector-mismatch",
                &format!("spec.selector.matchExpressions[{i}]"),
                format!(
                    "the selector's expression on {key} does not hold for the pod template's labels"
                ),
            ));
        }
    }
}

type ByLabel<'a> = HashMap<(&'a str, &'a str, String), Vec<usize>>;

/// The pod templates a Service's (non-empty) selector selects: only those
/// carrying its first label are looked at.
fn selected_by<'w, 'p>(
    service: &Object,
    selector: &serde_json::Map<String, Value>,
    workloads: &[&'w Pods<'p>],
    by_label: &ByLabel,
) -> Vec<&'w Pods<'p>> {
    let Some((key, value)) = selector.iter().next() else {
        return Vec::new();
    };
    let candidates = by_label
        .get(&(service.namespace(), key.as_str(), plain(value)))
        .map(Vec::as_slice)
        .unwrap_or_default();
    candidates
        .iter()
        .map(|&i| workloads[i])
        .filter(|p| selects(selector, &p.labels))
        .collect()
}

fn service(object: &Object, workloads: &[&Pods], by_label: &ByLabel, out: &mut Vec<Diagnostic>) {
    let spec = object.value.get("spec");
    let selector = spec
        .and_then(|s| s.get("selector"))
        .and_then(Value::as_object);
    if spec.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("ExternalName") {
        let ports = spec
            .and_then(|s| s.get("ports"))
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
        let selects = selector.is_some_and(|s| !s.is_empty());
        let ignored = match (selects, ports) {
            (true, true) => "selector and ports are",
            (true, false) => "selector is",
            (false, true) => "ports are",
            (false, false) => "",
        };
        if !ignored.is_empty() {
            out.push(object.diagnostic(
                Severity::Warning,
                "externalname-with-selector",
                "spec",
                format!(
                    "{} is an ExternalName Service: its {ignored} ignored (it is a DNS name, not a proxy)",
                    object.shown(),
                ),
            ));
        }
        return;
    }
    let Some(selector) = selector.filter(|s| !s.is_empty()) else {
        return; // Endpoints managed by hand.
    };
    let selected = selected_by(object, selector, workloads, by_label);
    if selected.is_empty() {
        let shown: Vec<String> = selector
            .iter()
            .map(|(k, v)| format!("{k}: {}", plain(v)))
            .collect();
        out.push(object.diagnostic(
            Severity::Warning,
            "service-selects-nothing",
            "spec.selector",
            format!(
                "{} selects {{{}}}, and no pod template of the release has those labels",
                object.shown(),
                shown.join(", ")
            ),
        ));
        return;
    }
    let ports = spec
        .and_then(|s| s.get("ports"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // A named targetPort must be a container port of some pod it selects
    // (pods without it are left out of the endpoints).
    for (i, port) in ports.iter().enumerate() {
        let Some(name) = port.get("targetPort").and_then(Value::as_str) else {
            continue; // A number (or none: the port itself) needs no name.
        };
        let names_of = |pods: &Pods| -> Vec<String> {
            pods.containers()
                .iter()
                .flat_map(|(_, c)| {
                    c.get("ports")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                })
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        };
        if selected
            .iter()
            .any(|pods| names_of(pods).iter().any(|n| n == name))
        {
            continue;
        }
        let names: Vec<String> = selected.iter().flat_map(|p| names_of(p)).collect();
        let owners: Vec<String> = selected.iter().map(|p| p.owner.shown()).collect();
        let mut d = object.diagnostic(
            Severity::Error,
            "service-target-port",
            &format!("spec.ports[{i}].targetPort"),
            format!(
                "targetPort {name:?} names no container port of {}",
                owners.join(", ")
            ),
        );
        d.hint = Some(if names.is_empty() {
            "their containers name no ports: name one, or give the number".to_string()
        } else {
            format!("the container ports are named {}", names.join(", "))
        });
        out.push(d);
    }
}

fn plain(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

fn ingress(object: &Object, index: &Index, out: &mut Vec<Diagnostic>) {
    let mut backends: Vec<(String, &Value)> = Vec::new();
    if let Some(backend) = object.value.pointer("/spec/defaultBackend") {
        backends.push(("spec.defaultBackend".into(), backend));
    }
    let rules = object
        .value
        .pointer("/spec/rules")
        .and_then(Value::as_array);
    for (r, rule) in rules.into_iter().flatten().enumerate() {
        let paths = rule.pointer("/http/paths").and_then(Value::as_array);
        for (p, path) in paths.into_iter().flatten().enumerate() {
            if let Some(backend) = path.get("backend") {
                backends.push((format!("spec.rules[{r}].http.paths[{p}].backend"), backend));
            }
        }
    }
    for (at, backend) in backends {
        let Some(name) = backend.pointer("/service/name").and_then(Value::as_str) else {
            continue; // A resource backend.
        };
        let Some(service) = index.find("Service", object.namespace(), name) else {
            out.push(object.diagnostic(
                Severity::Warning,
                "ingress-backend-missing",
                &format!("{at}.service.name"),
                format!("the backend Service {name} is not in the release"),
            ));
            continue;
        };
        let ports = service
            .value
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let port = backend.pointer("/service/port");
        let (wanted, exposed, field) = match (
            port.and_then(|p| p.get("number")).and_then(Value::as_i64),
            port.and_then(|p| p.get("name")).and_then(Value::as_str),
        ) {
            (Some(number), _) => (
                number.to_string(),
                ports
                    .iter()
                    .filter_map(|p| p.get("port").and_then(Value::as_i64))
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>(),
                "number",
            ),
            (None, Some(port_name)) => (
                port_name.to_string(),
                ports
                    .iter()
                    .filter_map(|p| p.get("name").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect(),
                "name",
            ),
            (None, None) => continue,
        };
        if !exposed.contains(&wanted) {
            let mut d = object.diagnostic(
                Severity::Error,
                "ingress-backend-port",
                &format!("{at}.service.port.{field}"),
                format!("Service {name} has no port {field} {wanted}"),
            );
            d.hint = Some(if exposed.is_empty() {
                format!("Service {name} has no port with a {field}")
            } else {
                format!("its ports: {}", exposed.join(", "))
            });
            out.push(d);
        }
    }
}

/// Claims, ConfigMaps and Secrets a pod needs that the release does not have.
fn references(pods: &Pods, index: &Index, objects: &[Object], out: &mut Vec<Diagnostic>) {
    let owner = pods.owner;
    let namespace = owner.namespace();
    let optional = |v: &Value| v.get("optional").and_then(Value::as_bool) == Some(true);
    let mut wanted: Vec<(&str, String, String)> = Vec::new(); // kind, name, path
    let volumes = pods.spec.get("volumes").and_then(Value::as_array);
    for (i, volume) in volumes.into_iter().flatten().enumerate() {
        let at = pods.at(&format!("spec.volumes[{i}]"));
        if let Some(claim) = volume
            .pointer("/persistentVolumeClaim/claimName")
            .and_then(Value::as_str)
        {
            wanted.push((
                "PersistentVolumeClaim",
                claim.into(),
                format!("{at}.persistentVolumeClaim.claimName"),
            ));
        }
        if let Some(map) = volume.get("configMap").filter(|v| !optional(v))
            && let Some(name) = map.get("name").and_then(Value::as_str)
        {
            wanted.push(("ConfigMap", name.into(), format!("{at}.configMap.name")));
        }
        if let Some(secret) = volume.get("secret").filter(|v| !optional(v))
            && let Some(name) = secret.get("secretName").and_then(Value::as_str)
        {
            wanted.push(("Secret", name.into(), format!("{at}.secret.secretName")));
        }
    }
    for (at, container) in pods.containers() {
        let from = container.get("envFrom").and_then(Value::as_array);
        for (i, source) in from.into_iter().flatten().enumerate() {
            for (key, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                if let Some(reference) = source.get(key).filter(|v| !optional(v))
                    && let Some(name) = reference.get("name").and_then(Value::as_str)
                {
                    wanted.push((kind, name.into(), format!("{at}.envFrom[{i}].{key}.name")));
                }
            }
        }
        let env = container.get("env").and_then(Value::as_array);
        for (i, variable) in env.into_iter().flatten().enumerate() {
            for (key, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                if let Some(reference) = variable
                    .pointer(&format!("/valueFrom/{key}"))
                    .filter(|v| !optional(v))
                    && let Some(name) = reference.get("name").and_then(Value::as_str)
                {
                    wanted.push((
                        kind,
                        name.into(),
                        format!("{at}.env[{i}].valueFrom.{key}.name"),
                    ));
                }
            }
        }
    }
    for (kind, name, path) in wanted {
        if index.find(kind, namespace, &name).is_none()
            && !(kind == "Secret" && makes_secret(objects, namespace, &name))
        {
            let rule = if kind == "PersistentVolumeClaim" {
                "claim-missing"
            } else {
                "config-missing"
            };
            let mut d = owner.diagnostic(
                Severity::Warning,
                rule,
                &path,
                format!("{kind} {name} is not in the release"),
            );
            d.hint = Some(
                "the pods will not start until it exists; mark it `optional: true` if they may"
                    .into(),
            );
            if kind == "PersistentVolumeClaim" {
                d.hint = Some("the pods stay Pending until a claim of that name exists".into());
            }
            out.push(d);
        }
    }
}

/// Objects that make a Secret once applied: a cert-manager Certificate
/// (`spec.secretName`), a SealedSecret (its own name), a hook Job that
/// names it in its arguments (`--secret-name=NAME`, as certificate
/// generators for admission webhooks do).
fn makes_secret(objects: &[Object], namespace: &str, name: &str) -> bool {
    objects.iter().any(|o| {
        o.namespace() == namespace
            && match o.kind() {
                "Certificate" => o.text_at(&["spec", "secretName"]) == Some(name),
                "SealedSecret" => {
                    o.text_at(&["spec", "template", "metadata", "name"])
                        .unwrap_or(o.name())
                        == name
                }
                "Job" if o.is_hook() => pods(o).is_some_and(|p| {
                    p.containers().iter().any(|(_, c)| {
                        ["args", "command"].iter().any(|key| {
                            c.get(*key)
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                                .any(|a| {
                                    a.as_str().is_some_and(|a| {
                                        a == name
                                            || a.rsplit_once('=').is_some_and(|(_, v)| v == name)
                                    })
                                })
                        })
                    })
                }),
                _ => false,
            }
    })
}

fn autoscaler(object: &Object, index: &Index, out: &mut Vec<Diagnostic>) {
    let Some(kind) = object.text_at(&["spec", "scaleTargetRef", "kind"]) else {
        return;
    };
    let name = object
        .text_at(&["spec", "scaleTargetRef", "name"])
        .unwrap_or("");
    match index.find(kind, object.namespace(), name) {
        None => out.push(object.diagnostic(
            Severity::Warning,
            "hpa-target-missing",
            "spec.scaleTargetRef",
            format!("the scale target {kind}/{name} is not in the release"),
        )),
        Some(target) if target.value.pointer("/spec/replicas").is_some() => {
            let mut d = target.diagnostic(
                Severity::Info,
                "hpa-fights-replicas",
                "spec.replicas",
                format!(
                    "{} sets replicas and {} scales it: every upgrade resets the count the autoscaler chose",
                    target.shown(),
                    object.shown()
                ),
            );
            d.hint = Some("leave spec.replicas out while an autoscaler runs".into());
            out.push(d);
        }
        Some(_) => {}
    }
}

/// `--strict`: containers with no resource requests, and containers behind a
/// Service with no readiness probe.
fn habits(pods: &Pods, behind_service: bool, out: &mut Vec<Diagnostic>) {
    let containers = pods.spec.get("containers").and_then(Value::as_array);
    for (i, container) in containers.into_iter().flatten().enumerate() {
        let at = pods.at(&format!("spec.containers[{i}]"));
        let name = container.get("name").and_then(Value::as_str).unwrap_or("?");
        let requests = container
            .pointer("/resources/requests")
            .and_then(Value::as_object)
            .is_some_and(|r| !r.is_empty());
        if !requests {
            out.push(pods.owner.diagnostic(
                Severity::Info,
                "no-resource-requests",
                &format!("{at}.resources"),
                format!(
                    "container {name} requests no CPU or memory: the scheduler cannot place it well"
                ),
            ));
        }
        if behind_service && container.get("readinessProbe").is_none() {
            out.push(pods.owner.diagnostic(
                Severity::Info,
                "no-readiness-probe",
                &at,
                format!("container {name} is behind a Service without a readiness probe: it gets traffic before it is ready"),
            ));
        }
    }
}
