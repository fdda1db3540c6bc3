//! Changes the Kubernetes API refuses to make in place: immutable fields
//! whose change is rejected (the object must be deleted and created again)
//! and renames, which are a deletion and a creation. A diff flags them
//! under the resource, so a reviewer sees what a plain `apply` would not
//! do, or what it would destroy.

use serde_json::Value;

/// What is wrong with changing `old` into `new`, an object of `kind` in API
/// `group`, as warnings for the reader; empty when the API takes it.
pub fn immutable_changes(group: &str, kind: &str, old: &Value, new: &Value) -> Vec<String> {
    let changed = |path: &[&str]| at(old, path) != at(new, path);
    let rejected = |field: &str| {
        format!(
            "{field} cannot change: Kubernetes rejects the update; the {kind} must be deleted and created again"
        )
    };
    let mut warnings = Vec::new();
    match (group, kind) {
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet") | ("batch", "Job")
            if changed(&["spec", "selector"]) =>
        {
            warnings.push(rejected("spec.selector"));
        }
        _ => {}
    }
    match (group, kind) {
        ("apps", "StatefulSet") => {
            for field in ["volumeClaimTemplates", "serviceName", "podManagementPolicy"] {
                if changed(&["spec", field]) {
                    warnings.push(rejected(&format!("spec.{field}")));
                }
            }
        }
        ("batch", "Job") if changed(&["spec", "template"]) => {
            warnings.push(rejected("spec.template (a Job's pod template)"));
        }
        ("", "Service") => {
            // An address left out is assigned by the API, so only a change
            // between two written ones is refused, and leaving headless
            // (`None`) is one: the API would have to assign an address.
            let headless =
                |value: &Value| at(value, &["spec", "clusterIP"]) == Some(&Value::from("None"));
            for field in ["clusterIP", "clusterIPs"] {
                let between_written = is_set(old, field) && is_set(new, field);
                if changed(&["spec", field])
                    && (between_written || (field == "clusterIP" && headless(old)))
                {
                    warnings.push(rejected(&format!("spec.{field}")));
                }
            }
        }
        ("", "ConfigMap" | "Secret")
            if at(old, &["immutable"]) == Some(&Value::Bool(true))
                && ["data", "binaryData", "stringData"]
                    .iter()
                    .any(|field| changed(&[field])) =>
        {
            // Keys only: a Secret's values are never named.
            warnings.push(format!(
                "the data of an immutable {kind} cannot change: Kubernetes rejects the update; the {kind} must be deleted and created again"
            ));
        }
        ("", "PersistentVolumeClaim") => {
            // Left out, the class and the volume are filled in by the API:
            // only a change between two written values is refused.
            for field in ["storageClassName", "volumeName"] {
                if is_set(old, field) && is_set(new, field) && changed(&["spec", field]) {
                    warnings.push(rejected(&format!("spec.{field}")));
                }
            }
            if changed(&["spec", "accessModes"]) {
                warnings.push(rejected("spec.accessModes"));
            }
            let storage = |value: &Value| {
                at(value, &["spec", "resources", "requests", "storage"]).and_then(quantity)
            };
            if let (Some(before), Some(after)) = (storage(old), storage(new))
                && after < before
            {
                warnings.push(format!(
                    "spec.resources.requests.storage shrinks: Kubernetes never shrinks a volume and rejects the update; the {kind} must be deleted and created again, and its data is lost"
                ));
            }
        }
        _ => {}
    }
    warnings
}

/// What a rename does to the object: Kubernetes has no rename.
pub fn rename_warning(kind: &str, old: &str, new: &str) -> String {
    let mut warning =
        format!("a rename is not an update: Kubernetes deletes {old} and creates {new}");
    if kind == "PersistentVolumeClaim" {
        warning.push_str("; the new claim gets a new, empty volume and the data is lost");
    }
    warning
}

/// Whether `spec.FIELD` is written, and not empty.
fn is_set(value: &Value, field: &str) -> bool {
    at(value, &["spec", field]).is_some_and(|v| v != "" && !v.is_null())
}

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// A Kubernetes quantity (`10Gi`, `500M`, `1.5e3`, `100m`, `2Ei`) as a number.
fn quantity(value: &Value) -> Option<f64> {
    if let Some(number) = value.as_f64() {
        return Some(number);
    }
    let text = value.as_str()?.trim();
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(digits) = text.strip_suffix(suffix)
            && let Ok(number) = digits.parse::<f64>()
        {
            return Some(number * factor);
        }
    }
    // No suffix: a plain or exponent number (`1e3`).
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn immutable_fields_are_flagged_by_kind() {
        let deploy =
            |app: &str| json!({"spec": {"selector": {"matchLabels": {"app": app}}, "replicas": 1}});
        assert_eq!(
            immutable_changes("apps", "Deployment", &deploy("a"), &deploy("b")).len(),
            1
        );
        assert!(immutable_changes("apps", "Deployment", &deploy("a"), &deploy("a")).is_empty());
        let service = |ip: &str| json!({"spec": {"clusterIP": ip}});
        assert_eq!(
            immutable_changes("", "Service", &service("10.0.0.1"), &service("10.0.0.2")).len(),
            1
        );
        assert!(
            immutable_changes("", "Service", &service(""), &service("10.0.0.2")).is_empty(),
            "an address the API assigned is not a change"
        );
        let claim = |class: &str, size: &str| json!({"spec": {"storageClassName": class, "resources": {"requests": {"storage": size}}}});
        assert!(
            immutable_changes(
                "",
                "PersistentVolumeClaim",
                &claim("a", "1Gi"),
                &claim("a", "2Gi")
            )
            .is_empty()
        );
        let shrink = immutable_changes(
            "",
            "PersistentVolumeClaim",
            &claim("a", "1Gi"),
            &claim("b", "500Mi"),
        );
        assert_eq!(shrink.len(), 2, "{shrink:?}");
        assert!(shrink[1].contains("shrinks"), "{shrink:?}");
        let unset_class = json!({"spec": {"resources": {"requests": {"storage": "1Gi"}}}});
        assert!(
            immutable_changes(
                "",
                "PersistentVolumeClaim",
                &unset_class,
                &claim("fast", "1Gi")
            )
            .is_empty(),
            "a class the API filled in may be written down"
        );
        let headless = json!({"spec": {"clusterIP": "None"}});
        assert_eq!(
            immutable_changes("", "Service", &headless, &json!({"spec": {}})).len(),
            1
        );
        let config = |v: &str| json!({"immutable": true, "data": {"k": v}});
        let refused = immutable_changes("", "Secret", &config("YQ=="), &config("Yg=="));
        assert_eq!(refused.len(), 1);
        assert!(!refused[0].contains("YQ==") && !refused[0].contains("Yg=="));
        let job = |image: &str| json!({"spec": {"template": {"spec": {"containers": [{"image": image}]}}}});
        assert_eq!(
            immutable_changes("batch", "Job", &job("a"), &job("b")).len(),
            1
        );
        let set =
            |name: &str| json!({"spec": {"serviceName": name, "podManagementPolicy": "Parallel"}});
        assert_eq!(
            immutable_changes("apps", "StatefulSet", &set("a"), &set("b")).len(),
            1
        );
    }

    #[test]
    fn quantities_compare_across_units() {
        let q = |s: &str| quantity(&json!(s)).unwrap();
        assert!(q("1Gi") > q("1G"));
        assert_eq!(q("1.5Ki"), 1536.0);
        assert_eq!(q("1e3"), 1000.0);
        assert_eq!(q("100m"), 0.1);
        assert_eq!(q("2Ei"), 2.0 * 1024f64.powi(6));
        assert_eq!(q("1E"), 1e18);
        assert_eq!(quantity(&json!("lots")), None);
    }
}
