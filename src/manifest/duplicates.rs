//! One resource rendered twice: Kubernetes would apply the second over the
//! first, so one template's object silently loses. Found by identity (API
//! group, kind, namespace, name), naming both templates.

use super::{Document, Manifest};
use std::collections::HashMap;

/// A resource two documents of a render define.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// `apiVersion Kind namespace/name`.
    pub resource: String,
    /// `CHART/templates/FILE (output line N)`, for the first and the second.
    pub first: String,
    pub second: String,
}

impl std::fmt::Display for Duplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is rendered twice, by {} and by {}; Kubernetes would keep only one of them",
            self.resource, self.first, self.second
        )
    }
}

impl Manifest {
    /// Every resource (hooks apart) that two documents define, in output
    /// order; `namespace` stands in where a document names none. Nameless
    /// documents (`generateName`) are never duplicates.
    pub fn duplicates(&self, namespace: &str) -> Vec<Duplicate> {
        let mut seen: HashMap<(&str, &str, &str, &str), &Document> =
            HashMap::with_capacity(self.resources.len());
        let mut found = Vec::new();
        for doc in self.resources.iter().filter(|d| !d.head.name.is_empty()) {
            let head = &doc.head;
            let group = head.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            let ns = match head.namespace.as_deref() {
                _ if is_cluster_scoped(&head.kind) => "",
                Some(written) if !written.is_empty() => written,
                _ => namespace,
            };
            match seen.get(&(group, head.kind.as_str(), ns, head.name.as_str())) {
                Some(first) => found.push(Duplicate {
                    resource: match ns {
                        "" => format!("{} {} {}", head.api_version, head.kind, head.name),
                        ns => format!("{} {} {ns}/{}", head.api_version, head.kind, head.name),
                    },
                    first: place(first),
                    second: place(doc),
                }),
                None => {
                    seen.insert((group, head.kind.as_str(), ns, head.name.as_str()), doc);
                }
            }
        }
        found
    }
}

/// Kinds Kubernetes keeps outside namespaces: a `namespace` written on one
/// is ignored, so it cannot tell two copies apart.
fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "StorageClass"
            | "PriorityClass"
            | "IngressClass"
            | "RuntimeClass"
            | "CSIDriver"
            | "APIService"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
    )
}

fn place(doc: &Document) -> String {
    format!("{} (output line {})", doc.source, doc.line)
}

#[cfg(test)]
mod tests {
    use crate::manifest::{Document, Head, Manifest, Text};

    fn doc(source: &str, line: usize, namespace: Option<&str>, name: &str) -> Document {
        Document {
            source: source.into(),
            template: source.into(),
            line,
            text: Text::from(""),
            head: Head {
                api_version: "v1".into(),
                kind: "ConfigMap".into(),
                name: name.into(),
                namespace: namespace.map(String::from),
                ..Head::default()
            },
        }
    }

    #[test]
    fn the_same_resource_twice_names_both_templates() {
        let manifest = Manifest {
            resources: vec![
                doc("c/templates/a.yaml", 1, None, "x"),
                doc("c/templates/b.yaml", 7, Some("web"), "x"),
                doc("c/templates/b.yaml", 12, Some("other"), "x"),
                doc("c/templates/c.yaml", 1, None, ""),
                doc("c/templates/c.yaml", 5, None, ""),
            ],
            hooks: vec![],
        };
        let found = manifest.duplicates("web");
        assert_eq!(found.len(), 1, "{found:?}");
        let mut role = doc("c/templates/r.yaml", 1, Some("web"), "admin");
        role.head.kind = "ClusterRole".into();
        let mut again = doc("c/templates/r2.yaml", 1, None, "admin");
        again.head.kind = "ClusterRole".into();
        let cluster = Manifest {
            resources: vec![role, again],
            hooks: vec![],
        };
        assert_eq!(
            cluster.duplicates("web")[0].resource,
            "v1 ClusterRole admin"
        );
        assert_eq!(
            found[0].to_string(),
            "v1 ConfigMap web/x is rendered twice, by c/templates/a.yaml (output line 1) and by c/templates/b.yaml (output line 7); Kubernetes would keep only one of them"
        );
    }
}
