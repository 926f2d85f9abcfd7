//! The container, pod and unit fields of a process (`oncall ps --json`): its cgroup's
//! identity with the names the host's runtime files give.

use super::identity::{short_id, Identity, QosClass};
use super::names::Names;
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Placement {
    pub container_runtime: Option<&'static str>,
    /// From the runtime's files; `None` = unknown (the id is in `container_id`).
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub container_name: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub container_image: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub pod_name: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub pod_namespace: Option<String>,
    pub pod_uid: Option<String>,
    pub qos_class: Option<QosClass>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub unit: Option<String>,
    /// The parsed cgroup path: the groups `ps --by` sums over.
    #[serde(skip)]
    pub identity: Identity,
}

impl Placement {
    /// What the cgroup path alone says (no names yet).
    pub fn of(identity: Identity) -> Placement {
        Placement {
            container_runtime: identity.runtime,
            pod_uid: identity.pod_uid.clone(),
            qos_class: identity.qos_class,
            unit: identity.unit.clone(),
            identity,
            ..Placement::default()
        }
    }

    /// Fills the names the host's runtime files hold.
    pub fn name(&mut self, names: &mut Names) {
        if let Some(id) = &self.identity.container_id {
            let found = names.container(self.identity.runtime, id);
            self.container_name = found.name;
            self.container_image = found.image;
            self.pod_name = found.pod_name;
            self.pod_namespace = found.pod_namespace;
        }
        if let Some(uid) = &self.identity.pod_uid {
            if let Some(pod) = names.pod(uid) {
                self.pod_name = Some(pod.name);
                self.pod_namespace = Some(pod.namespace);
            }
        }
    }

    /// The container as a table shows it: its name, else its short id; `None` outside one.
    pub fn container_label(&self) -> Option<String> {
        let id = self.identity.container_id.as_deref()?;
        Some(match &self.container_name {
            Some(n) => n.clone(),
            None => short_id(id).to_string(),
        })
    }

    /// `namespace/name`, else the UID's first 8 characters (the name is unknown).
    pub fn pod_label(&self) -> Option<String> {
        let uid = self.identity.pod_uid.as_deref()?;
        Some(match (&self.pod_namespace, &self.pod_name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (None, Some(n)) => n.clone(),
            _ => format!("pod {}", uid.get(..8).unwrap_or(uid)),
        })
    }

    /// Whether `--container WHAT` selects this process: its name, or a prefix (3+ chars) of its id.
    pub fn matches_container(&self, what: &str) -> bool {
        let Some(id) = self.identity.container_id.as_deref() else {
            return false;
        };
        self.container_name.as_deref() == Some(what) || (what.len() >= 3 && id.starts_with(what))
    }

    /// `--pod WHAT`: the pod's name, `namespace/name`, or a prefix (3+ chars) of its UID.
    pub fn matches_pod(&self, what: &str) -> bool {
        let Some(uid) = self.identity.pod_uid.as_deref() else {
            return false;
        };
        let named = match (&self.pod_namespace, &self.pod_name) {
            (Some(ns), Some(n)) => n == what || format!("{ns}/{n}") == what,
            (None, Some(n)) => n == what,
            _ => false,
        };
        named || (what.len() >= 3 && uid.starts_with(what))
    }

    /// `--unit WHAT`: the unit's name, with or without `.service`.
    pub fn matches_unit(&self, what: &str) -> bool {
        let Some(unit) = self.unit.as_deref() else {
            return false;
        };
        unit == what || unit.strip_suffix(".service") == Some(what)
    }
}
