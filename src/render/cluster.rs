//! The objects `lookup` finds. A render never talks to a cluster: by
//! default `lookup` finds nothing (an empty mapping, as `helm template`
//! gives); a test suite's `kubernetesProvider` hands it objects instead.

use serde_json::Value;
use std::collections::HashMap;

/// Objects to find, and which kinds are cluster-wide.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cluster {
    pub objects: Vec<Value>,
    /// `apiVersion/Kind` (`v1/Namespace`) to whether it lives in a
    /// namespace; a kind not listed does when its objects name one.
    pub namespaced: HashMap<String, bool>,
}

impl Cluster {
    /// Helm's `lookup`: with a name, the object (or an empty mapping); with
    /// an empty name, a `KindList` of every match, in every namespace when
    /// the namespace is empty too.
    pub fn lookup(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Value {
        let text = |object: &Value, path: &[&str]| {
            path.iter()
                .try_fold(object, |v, k| v.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let namespaced = self
            .namespaced
            .get(&format!("{api_version}/{kind}"))
            .copied();
        let matches = self.objects.iter().filter(|object| {
            let own = text(object, &["metadata", "namespace"]);
            let in_namespace = match namespaced {
                Some(false) => true,
                // Listing with no namespace lists them all.
                _ if name.is_empty() && namespace.is_empty() => true,
                Some(true) => own == namespace,
                // Not in the scheme: an object naming no namespace is cluster-wide.
                None => own == namespace || own.is_empty(),
            };
            text(object, &["apiVersion"]) == api_version
                && text(object, &["kind"]) == kind
                && in_namespace
                && (name.is_empty() || text(object, &["metadata", "name"]) == name)
        });
        if !name.is_empty() {
            let mut matches = matches;
            return matches
                .next()
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default()));
        }
        serde_json::json!({
            "apiVersion": api_version,
            "kind": format!("{kind}List"),
            "metadata": {"continue": "", "resourceVersion": ""},
            "items": matches.cloned().collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster() -> Cluster {
        Cluster {
            objects: vec![
                json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}}),
                json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "other"}}),
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            ],
            namespaced: [("v1/Namespace".to_string(), false)].into(),
        }
    }

    #[test]
    fn finds_by_kind_namespace_and_name() {
        let found = cluster().lookup("v1", "Secret", "shop", "db");
        assert_eq!(found["metadata"]["namespace"], "shop");
        assert_eq!(cluster().lookup("v1", "Secret", "web", "db"), json!({}));
        assert_eq!(
            cluster().lookup("apps/v1", "Secret", "shop", "db"),
            json!({})
        );
        // A cluster-wide kind ignores the namespace it is asked in.
        assert_eq!(
            cluster().lookup("v1", "Namespace", "x", "shop")["kind"],
            "Namespace"
        );
    }

    #[test]
    fn an_empty_name_lists() {
        let all = cluster().lookup("v1", "Secret", "", "");
        assert_eq!(all["kind"], "SecretList");
        assert_eq!(all["items"].as_array().unwrap().len(), 2);
        let one = cluster().lookup("v1", "Secret", "other", "");
        assert_eq!(one["items"].as_array().unwrap().len(), 1);
        assert_eq!(
            Cluster::default().lookup("v1", "Secret", "", "")["items"],
            json!([])
        );
    }
}
