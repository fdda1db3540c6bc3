//! Helm's install order: the kinds a cluster needs first come first
//! (Namespace before the Deployment that lives in it); unknown kinds last,
//! alphabetically by kind.

/// Helm's `InstallOrder`, as in Helm 4.1.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// A sort key: known kinds by their rank, then unknown kinds by name.
pub fn install_rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(rank) => (rank, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_precede_services_precede_deployments_precede_ingresses() {
        let mut kinds = vec![
            "Ingress",
            "Deployment",
            "Zebra",
            "Service",
            "",
            "Namespace",
            "Alpha",
        ];
        kinds.sort_by_key(|k| install_rank(k));
        assert_eq!(
            kinds,
            [
                "Namespace",
                "Service",
                "Deployment",
                "Ingress",
                "",
                "Alpha",
                "Zebra"
            ]
        );
    }
}
