//! The built-in kinds of each Kubernetes minor kinja knows, from its OpenAPI
//! definitions, embedded compressed (`scripts/kube-schemas` makes the
//! files): no network, ever. A minor is read the first time a lint needs it.

use super::model::{Arena, NodeId};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::OnceLock;

/// The minors embedded, oldest first, with their compressed definitions.
const MINORS: [(u64, &[u8]); 8] = [
    (30, include_bytes!("../kubernetes/1.30.json.gz")),
    (31, include_bytes!("../kubernetes/1.31.json.gz")),
    (32, include_bytes!("../kubernetes/1.32.json.gz")),
    (33, include_bytes!("../kubernetes/1.33.json.gz")),
    (34, include_bytes!("../kubernetes/1.34.json.gz")),
    (35, include_bytes!("../kubernetes/1.35.json.gz")),
    (36, include_bytes!("../kubernetes/1.36.json.gz")),
    (37, include_bytes!("../kubernetes/1.37.json.gz")),
];

static LOADED: [OnceLock<Api>; 8] = [const { OnceLock::new() }; 8];

/// The kinds one Kubernetes minor serves, and their schemas.
pub struct Api {
    pub minor: u64,
    pub arena: Arena,
    /// (apiVersion, kind) → the kind's definition.
    kinds: HashMap<(String, String), NodeId>,
    /// Every apiVersion each kind is served in, for hints.
    versions_of: HashMap<String, Vec<String>>,
    /// The API groups this minor serves (`""` is the core group).
    groups: HashSet<String>,
    object_meta: NodeId,
}

#[derive(Deserialize)]
struct File {
    kinds: Vec<(String, String, String)>,
    defs: IndexMap<String, Value>,
}

/// The API of Kubernetes 1.`minor`, or of the nearest minor kinja has (and
/// which one that is, when it is not the one asked for).
pub fn api(minor: u64) -> &'static Api {
    let index = MINORS.iter().rposition(|(m, _)| *m <= minor).unwrap_or(0);
    LOADED[index].get_or_init(|| load(MINORS[index].0, MINORS[index].1))
}

/// The range of minors embedded: `(30, 37)`.
pub fn embedded() -> (u64, u64) {
    (MINORS[0].0, MINORS[MINORS.len() - 1].0)
}

fn load(minor: u64, compressed: &[u8]) -> Api {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(compressed)
        .read_to_end(&mut text)
        .expect("the embedded schemas decompress");
    let file: File = serde_json::from_slice(&text).expect("the embedded schemas parse");
    let ids: HashMap<&str, NodeId> = file
        .defs
        .keys()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    let mut kinds = HashMap::new();
    let mut versions_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut groups = HashSet::new();
    for (api_version, kind, definition) in &file.kinds {
        let Some(&id) = ids.get(definition.as_str()) else {
            continue;
        };
        groups.insert(group_of(api_version).to_string());
        // Options kinds (DeleteOptions...) are served in every group; they are no resource.
        if !kind.ends_with("Options") {
            versions_of
                .entry(kind.clone())
                .or_default()
                .push(api_version.clone());
        }
        kinds.insert((api_version.clone(), kind.clone()), id);
    }
    let object_meta = ids["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
    Api {
        minor,
        arena: Arena::of_definitions(&file.defs, &ids),
        kinds,
        versions_of,
        groups,
        object_meta,
    }
}

/// `apps` of `apps/v1`; `""` (the core group) of `v1`.
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

impl Api {
    /// The definition of a built-in kind.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<NodeId> {
        self.kinds
            .get(&(api_version.to_string(), kind.to_string()))
            .copied()
    }

    /// A built-in API group (`apps`, `networking.k8s.io`), where every kind
    /// is known; any other group belongs to a custom resource.
    pub fn serves_group(&self, group: &str) -> bool {
        self.groups.contains(group)
    }

    /// The apiVersions `kind` is served in.
    pub fn versions_of(&self, kind: &str) -> &[String] {
        self.versions_of.get(kind).map_or(&[], Vec::as_slice)
    }

    pub fn object_meta(&self) -> NodeId {
        self.object_meta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_minor_loads_with_the_common_kinds() {
        for (minor, _) in MINORS {
            let api = api(minor);
            assert_eq!(api.minor, minor);
            for (api_version, kind) in [
                ("apps/v1", "Deployment"),
                ("v1", "Service"),
                ("networking.k8s.io/v1", "Ingress"),
                ("v1", "PersistentVolumeClaim"),
                ("autoscaling/v2", "HorizontalPodAutoscaler"),
                ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
            ] {
                assert!(api.kind(api_version, kind).is_some(), "1.{minor} {kind}");
            }
            assert!(api.kind("extensions/v1beta1", "Ingress").is_none());
        }
    }

    #[test]
    fn a_minor_outside_the_embedded_ones_reads_the_nearest() {
        assert_eq!(api(99).minor, 37);
        assert_eq!(api(20).minor, 30);
        assert_eq!(api(35).minor, 35);
    }
}
