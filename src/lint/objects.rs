//! Each object on its own: what identifies it, its names and labels, the
//! fields that take one of a few values, node ports and quantities.
//! (Types, required and unknown fields of every kind: `schema/`.)

use super::{Diagnostic, LintOptions, Object, Severity};
use serde_json::Value;
use std::sync::LazyLock;

/// Whether the object has an identity (apiVersion, kind and name): only
/// then can its kind's schema be looked up.
pub fn check(object: &Object, _options: &LintOptions, out: &mut Vec<Diagnostic>) -> bool {
    if !identity(object, out) {
        return false;
    }
    name(object, out);
    for (path, labels) in label_maps(object) {
        labels_are_valid(object, &path, labels, out);
    }
    enums(object, out);
    node_ports(object, out);
    quantities(object, out);
    true
}

/// apiVersion, kind and a name: without them nothing can be applied.
fn identity(object: &Object, out: &mut Vec<Diagnostic>) -> bool {
    let mut missing = Vec::new();
    if object.text_at(&["apiVersion"]).is_none_or(str::is_empty) {
        missing.push("apiVersion");
    }
    if object.kind().is_empty() {
        missing.push("kind");
    }
    let generated = object.text_at(&["metadata", "generateName"]).is_some();
    if object.name().is_empty() && !generated {
        missing.push("metadata.name");
    }
    if missing.is_empty() {
        return true;
    }
    out.push(object.diagnostic(
        Severity::Error,
        "missing-identity",
        "",
        format!("the document has no {}", missing.join(", ")),
    ));
    false
}

/// DNS-1123 subdomains for most kinds; DNS-1035 labels for Services, DNS-1123 labels for Namespaces.
fn name(object: &Object, out: &mut Vec<Diagnostic>) {
    let name = object.name();
    if name.is_empty() {
        return;
    }
    let (valid, rule) = match object.kind() {
        // RBAC names are path segments: `system:aggregate-to-view` is fine.
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => (
            name != "." && name != ".." && !name.contains(['/', '%']),
            "anything but '.', '..', or a name holding '/' or '%'",
        ),
        "Service" => (
            is_dns1035_label(name),
            "at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit",
        ),
        "Namespace" => (
            crate::names::is_dns1123_label(name),
            "at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
        ),
        _ => (
            is_dns1123_subdomain(name),
            "at most 253 lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit",
        ),
    };
    if !valid {
        let mut d = object.diagnostic(
            Severity::Error,
            "invalid-name",
            "metadata.name",
            format!("{name:?} is not a valid {} name", object.kind()),
        );
        d.hint = Some(format!("a {} name is {rule}", object.kind()));
        out.push(d);
    }
}

fn is_dns1035_label(name: &str) -> bool {
    crate::names::is_dns1123_label(name) && name.starts_with(|c: char| c.is_ascii_lowercase())
}

fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(crate::names::is_dns1123_label)
}

/// The label maps of an object: its own, its pod template's, its selector's.
fn label_maps<'o>(object: &'o Object) -> Vec<(String, &'o serde_json::Map<String, Value>)> {
    let mut maps = Vec::new();
    for (pointer, path) in [
        ("/metadata/labels", "metadata.labels"),
        (
            "/spec/template/metadata/labels",
            "spec.template.metadata.labels",
        ),
        ("/spec/selector/matchLabels", "spec.selector.matchLabels"),
        (
            "/spec/jobTemplate/spec/template/metadata/labels",
            "spec.jobTemplate.spec.template.metadata.labels",
        ),
    ] {
        if let Some(map) = object.value.pointer(pointer).and_then(Value::as_object) {
            maps.push((path.to_string(), map));
        }
    }
    if object.kind() == "Service"
        && let Some(map) = object
            .value
            .pointer("/spec/selector")
            .and_then(Value::as_object)
    {
        maps.push(("spec.selector".to_string(), map));
    }
    maps
}

static LABEL_NAME: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$").expect("a valid pattern")
});

fn labels_are_valid(
    object: &Object,
    path: &str,
    labels: &serde_json::Map<String, Value>,
    out: &mut Vec<Diagnostic>,
) {
    for (key, value) in labels {
        let at = format!("{path}[\"{key}\"]");
        let (prefix, name) = match key.rsplit_once('/') {
            Some((prefix, name)) => (Some(prefix), name),
            None => (None, key.as_str()),
        };
        let key_ok = !name.is_empty()
            && name.len() <= 63
            && LABEL_NAME.is_match(name)
            && prefix.is_none_or(is_dns1123_subdomain);
        if !key_ok {
            let mut d = object.diagnostic(
                Severity::Error,
                "invalid-label",
                &at,
                format!("{key:?} is not a valid label key"),
            );
            d.hint = Some("a key is an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit".into());
            out.push(d);
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            // A number or a boolean: the schema's wrong-type says so.
            _ => continue,
        };
        if text.len() > 63 || !LABEL_NAME.is_match(&text) {
            let mut d = object.diagnostic(
                Severity::Error,
                "invalid-label",
                &at,
                format!("{text:?} is not a valid label value"),
            );
            d.hint = Some("a value is empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit".into());
            out.push(d);
        }
    }
}

/// Fields that take one of a few values.
fn enums(object: &Object, out: &mut Vec<Diagnostic>) {
    const ACCESS_MODES: &[&str] = &[
        "ReadWriteOnce",
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOncePod",
    ];
    const SERVICE_TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    const PATH_TYPES: &[&str] = &["Exact", "Prefix", "ImplementationSpecific"];
    const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
    const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];
    const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];
    let mut fields: Vec<(String, &Value, &[&str])> = Vec::new();
    let v = &object.value;
    let items =
        |value: Option<&Value>| value.and_then(Value::as_array).cloned().unwrap_or_default();
    match object.kind() {
        "PersistentVolumeClaim" => {
            for (i, _) in items(v.pointer("/spec/accessModes")).iter().enumerate() {
                if let Some(mode) = v.pointer(&format!("/spec/accessModes/{i}")) {
                    fields.push((format!("spec.accessModes[{i}]"), mode, ACCESS_MODES));
                }
            }
        }
        "Service" => {
            if let Some(kind) = v.pointer("/spec/type") {
                fields.push(("spec.type".into(), kind, SERVICE_TYPES));
            }
            for (i, _) in items(v.pointer("/spec/ports")).iter().enumerate() {
                if let Some(protocol) = v.pointer(&format!("/spec/ports/{i}/protocol")) {
                    fields.push((format!("spec.ports[{i}].protocol"), protocol, PROTOCOLS));
                }
            }
        }
        "Ingress" => {
            for (r, rule) in items(v.pointer("/spec/rules")).iter().enumerate() {
                for (p, _) in items(rule.pointer("/http/paths")).iter().enumerate() {
                    if let Some(kind) =
                        v.pointer(&format!("/spec/rules/{r}/http/paths/{p}/pathType"))
                    {
                        fields.push((
                            format!("spec.rules[{r}].http.paths[{p}].pathType"),
                            kind,
                            PATH_TYPES,
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    for (prefix, pointer) in [
        ("spec.template.spec", "/spec/template/spec"),
        (
            "spec.jobTemplate.spec.template.spec",
            "/spec/jobTemplate/spec/template/spec",
        ),
        ("spec", "/spec"),
    ] {
        let Some(spec) = v.pointer(pointer) else {
            continue;
        };
        if spec.get("containers").is_none() {
            continue;
        }
        if let Some(policy) = spec.get("restartPolicy") {
            fields.push((format!("{prefix}.restartPolicy"), policy, RESTART_POLICIES));
        }
        for list in ["initContainers", "containers"] {
            for (i, container) in items(spec.get(list)).iter().enumerate() {
                let at = format!("{prefix}.{list}[{i}]");
                if container.get("imagePullPolicy").is_some() {
                    let policy = &spec[list][i]["imagePullPolicy"];
                    fields.push((format!("{at}.imagePullPolicy"), policy, PULL_POLICIES));
                }
                for (p, _) in items(container.get("ports")).iter().enumerate() {
                    let protocol = &spec[list][i]["ports"][p]["protocol"];
                    if !protocol.is_null() {
                        fields.push((format!("{at}.ports[{p}].protocol"), protocol, PROTOCOLS));
                    }
                }
            }
        }
        break;
    }
    for (path, value, allowed) in fields {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        if allowed.contains(&text.as_str()) {
            continue;
        }
        let mut d = object.diagnostic(
            Severity::Error,
            "invalid-value",
            &path,
            format!("{text:?} is not one of {}", allowed.join(", ")),
        );
        d.hint = crate::names::nearest(&text, allowed.iter().copied())
            .map(|c| format!("did you mean {c}?"));
        out.push(d);
    }
}

fn node_ports(object: &Object, out: &mut Vec<Diagnostic>) {
    if object.kind() != "Service" {
        return;
    }
    let ports = object
        .value
        .pointer("/spec/ports")
        .and_then(Value::as_array);
    for (i, port) in ports.into_iter().flatten().enumerate() {
        let Some(node_port) = port.get("nodePort").and_then(Value::as_i64) else {
            continue;
        };
        if !(30000..=32767).contains(&node_port) {
            let mut d = object.diagnostic(
                Severity::Error,
                "nodeport-range",
                &format!("spec.ports[{i}].nodePort"),
                format!("nodePort {node_port} is outside 30000-32767, the range a cluster gives by default"),
            );
            d.hint = Some("leave nodePort out to get a free one".into());
            out.push(d);
        }
    }
}

static QUANTITY: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")
        .expect("a valid pattern")
});

/// Resource requests and limits, and a claim's storage, must be quantities.
fn quantities(object: &Object, out: &mut Vec<Diagnostic>) {
    let mut found: Vec<(String, &Value)> = Vec::new();
    let v = &object.value;
    if object.kind() == "PersistentVolumeClaim"
        && let Some(requests) = v
            .pointer("/spec/resources/requests")
            .and_then(Value::as_object)
    {
        for (key, value) in requests {
            found.push((format!("spec.resources.requests.{key}"), value));
        }
    }
    for (prefix, pointer) in [
        ("spec.template.spec", "/spec/template/spec"),
        (
            "spec.jobTemplate.spec.template.spec",
            "/spec/jobTemplate/spec/template/spec",
        ),
        ("spec", "/spec"),
    ] {
        let Some(containers) = v
            .pointer(&format!("{pointer}/containers"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        for (i, container) in containers.iter().enumerate() {
            for part in ["requests", "limits"] {
                if let Some(map) = container
                    .pointer(&format!("/resources/{part}"))
                    .and_then(Value::as_object)
                {
                    for (key, value) in map {
                        found.push((
                            format!("{prefix}.containers[{i}].resources.{part}.{key}"),
                            value,
                        ));
                    }
                }
            }
        }
        break;
    }
    for (path, value) in found {
        let ok = match value {
            Value::Number(_) => true,
            Value::String(s) => QUANTITY.is_match(s),
            // Neither a number nor text: the schema's wrong-type says so.
            _ => true,
        };
        if !ok {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            let mut d = object.diagnostic(
                Severity::Error,
                "invalid-quantity",
                &path,
                format!("{text:?} is not a Kubernetes quantity"),
            );
            d.hint = Some(
                "write a number with a suffix: 500m or 2 (CPU), 128Mi or 1Gi (memory and storage)"
                    .into(),
            );
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_values_are_suggested() {
        let modes = &["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"];
        let nearest =
            |text, allowed: &[&'static str]| crate::names::nearest(text, allowed.iter().copied());
        assert_eq!(nearest("ReadWriteOne", modes), Some("ReadWriteOnce"));
        assert_eq!(nearest("readwriteonce", modes), Some("ReadWriteOnce"));
        assert_eq!(nearest("Sometimes", &["Always", "Never"]), None);
    }

    #[test]
    fn quantities_parse_as_kubernetes_reads_them() {
        for good in ["500m", "2", "1.5", "128Mi", "1Gi", "1e3", "0.5", "+1k"] {
            assert!(QUANTITY.is_match(good), "{good}");
        }
        for bad in ["1 core", "1gb", "1GB", "Mi", "1.2.3", ""] {
            assert!(!QUANTITY.is_match(bad), "{bad}");
        }
    }
}
