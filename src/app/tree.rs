//! The explorer tree: region → clusters → services, the rows it shows
//! under the current filter, and the selection.

use crate::model::{Cluster, Service};

/// Something that loads in the background.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(t) => Some(t),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }
}

#[derive(Debug, Clone)]
pub struct ClusterNode {
    pub cluster: Cluster,
    pub expanded: bool,
    pub services: Load<Vec<Service>>,
}

/// A line under a node that is not itself a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    Loading,
    Empty,
    Failed(String),
    NoMatches,
}

/// One visible line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Region,
    Cluster(usize),
    Service(usize, usize),
    /// A note under the region (`None`) or under a cluster.
    Note(Option<usize>, Note),
}

impl Row {
    pub fn depth(&self) -> u16 {
        match self {
            Row::Region => 0,
            Row::Cluster(_) | Row::Note(None, _) => 1,
            Row::Service(..) | Row::Note(Some(_), _) => 2,
        }
    }
}

/// What stays selected when the rows are rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Anchor {
    Region,
    Cluster(String),
    Service(String, String),
}

#[derive(Debug, Clone)]
pub struct Tree {
    pub region: String,
    pub expanded: bool,
    pub clusters: Load<Vec<ClusterNode>>,
    filter: String,
    rows: Vec<Row>,
    selected: usize,
    /// First row shown; kept so the selection stays in view.
    pub offset: usize,
}

impl Tree {
    pub fn new(region: &str) -> Self {
        let mut tree = Self {
            region: region.to_string(),
            expanded: true,
            clusters: Load::Idle,
            filter: String::new(),
            rows: Vec::new(),
            selected: 0,
            offset: 0,
        };
        tree.rebuild();
        tree
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn cluster_nodes(&self) -> &[ClusterNode] {
        self.clusters.ready().map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn node(&self, index: usize) -> Option<&ClusterNode> {
        self.cluster_nodes().get(index)
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    pub fn selected_cluster(&self) -> Option<&ClusterNode> {
        match self.selected_row()? {
            Row::Cluster(c) | Row::Service(c, _) | Row::Note(Some(c), _) => self.node(*c),
            _ => None,
        }
    }

    pub fn selected_service(&self) -> Option<&Service> {
        match self.selected_row()? {
            Row::Service(c, s) => self.node(*c)?.services.ready()?.get(*s),
            _ => None,
        }
    }

    pub fn service_at(&self, c: usize, s: usize) -> Option<&Service> {
        self.node(c)?.services.ready()?.get(s)
    }

    fn anchor(&self) -> Option<Anchor> {
        Some(match self.selected_row()? {
            Row::Region | Row::Note(None, _) => Anchor::Region,
            Row::Cluster(c) | Row::Note(Some(c), _) => {
                Anchor::Cluster(self.node(*c)?.cluster.arn.clone())
            }
            Row::Service(c, s) => {
                let node = self.node(*c)?;
                let svc = node.services.ready()?.get(*s)?;
                Anchor::Service(node.cluster.arn.clone(), svc.arn.clone())
            }
        })
    }

    fn find(&self, anchor: &Anchor) -> Option<usize> {
        self.rows.iter().position(|row| match (row, anchor) {
            (Row::Region, Anchor::Region) => true,
            (Row::Cluster(c), Anchor::Cluster(arn)) => {
                self.node(*c).is_some_and(|n| &n.cluster.arn == arn)
            }
            (Row::Service(c, s), Anchor::Service(_, arn)) => {
                self.service_at(*c, *s).is_some_and(|svc| &svc.arn == arn)
            }
            _ => false,
        })
    }

    /// Recomputes the visible rows, keeping the selection on the same node
    /// (or its cluster, or the nearest row) when it can.
    fn rebuild_keeping(&mut self, anchor: Option<Anchor>) {
        self.rows = self.compute_rows();
        let found = anchor.as_ref().and_then(|a| {
            self.find(a).or_else(|| match a {
                Anchor::Service(cluster, _) => self.find(&Anchor::Cluster(cluster.clone())),
                _ => None,
            })
        });
        self.selected = found
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
    }

    fn rebuild(&mut self) {
        let anchor = self.anchor();
        self.rebuild_keeping(anchor);
    }

    fn compute_rows(&self) -> Vec<Row> {
        let mut rows = vec![Row::Region];
        if !self.expanded {
            return rows;
        }
        let nodes = match &self.clusters {
            Load::Idle => return rows,
            Load::Loading => {
                rows.push(Row::Note(None, Note::Loading));
                return rows;
            }
            Load::Failed(e) => {
                rows.push(Row::Note(None, Note::Failed(e.clone())));
                return rows;
            }
            Load::Ready(nodes) if nodes.is_empty() => {
                rows.push(Row::Note(None, Note::Empty));
                return rows;
            }
            Load::Ready(nodes) => nodes,
        };
        let filtering = !self.filter.is_empty();
        for (ci, node) in nodes.iter().enumerate() {
            let cluster_matches = !filtering || self.matches(&node.cluster.name);
            let service_matches: Vec<usize> = match (&node.services, filtering) {
                (Load::Ready(list), true) => list
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| self.matches(&s.name))
                    .map(|(i, _)| i)
                    .collect(),
                _ => Vec::new(),
            };
            if !cluster_matches && service_matches.is_empty() {
                continue;
            }
            rows.push(Row::Cluster(ci));
            if !cluster_matches {
                rows.extend(service_matches.into_iter().map(|si| Row::Service(ci, si)));
                continue;
            }
            if !node.expanded {
                continue;
            }
            match &node.services {
                Load::Idle => {}
                Load::Loading => rows.push(Row::Note(Some(ci), Note::Loading)),
                Load::Failed(e) => rows.push(Row::Note(Some(ci), Note::Failed(e.clone()))),
                Load::Ready(list) if list.is_empty() => {
                    rows.push(Row::Note(Some(ci), Note::Empty));
                }
                Load::Ready(list) => {
                    rows.extend((0..list.len()).map(|si| Row::Service(ci, si)));
                }
            }
        }
        if rows.len() == 1 {
            rows.push(Row::Note(None, Note::NoMatches));
        }
        rows
    }

    fn matches(&self, name: &str) -> bool {
        name.to_lowercase().contains(&self.filter)
    }

    /// Sets the filter (case-insensitive substring of cluster and service
    /// names) and rebuilds the rows.
    pub fn set_filter(&mut self, text: &str) {
        self.filter = text.to_lowercase();
        self.rebuild();
    }

    /// Starts a clusters load: the region shows a loading note.
    pub fn begin_clusters_load(&mut self) {
        if !matches!(self.clusters, Load::Ready(_)) {
            self.clusters = Load::Loading;
            self.rebuild();
        }
    }

    /// Replaces the clusters, keeping expansion and loaded services of
    /// clusters that are still there. Returns the clusters whose services
    /// should be reloaded (those that were expanded).
    pub fn set_clusters(&mut self, result: Result<Vec<Cluster>, String>) -> Vec<String> {
        let anchor = self.anchor();
        let mut reload = Vec::new();
        self.clusters = match result {
            Err(e) => Load::Failed(e),
            Ok(list) => {
                let mut old: std::collections::HashMap<String, ClusterNode> = self
                    .cluster_nodes()
                    .iter()
                    .map(|n| (n.cluster.arn.clone(), n.clone()))
                    .collect();
                let nodes = list
                    .into_iter()
                    .map(|cluster| match old.remove(&cluster.arn) {
                        Some(prev) => {
                            if prev.expanded {
                                reload.push(cluster.arn.clone());
                            }
                            ClusterNode { cluster, ..prev }
                        }
                        None => ClusterNode {
                            cluster,
                            expanded: false,
                            services: Load::Idle,
                        },
                    })
                    .collect();
                Load::Ready(nodes)
            }
        };
        self.rebuild_keeping(anchor);
        reload
    }

    fn node_mut(&mut self, arn: &str) -> Option<&mut ClusterNode> {
        match &mut self.clusters {
            Load::Ready(nodes) => nodes.iter_mut().find(|n| n.cluster.arn == arn),
            _ => None,
        }
    }

    /// Marks a cluster's services as loading. Returns false if the cluster
    /// is unknown.
    pub fn begin_services_load(&mut self, cluster_arn: &str) -> bool {
        let Some(node) = self.node_mut(cluster_arn) else {
            return false;
        };
        if !matches!(node.services, Load::Ready(_)) {
            node.services = Load::Loading;
        }
        self.rebuild();
        true
    }

    pub fn set_services(&mut self, cluster_arn: &str, result: Result<Vec<Service>, String>) {
        let anchor = self.anchor();
        if let Some(node) = self.node_mut(cluster_arn) {
            node.services = match result {
                Ok(list) => Load::Ready(list),
                Err(e) => Load::Failed(e),
            };
        }
        self.rebuild_keeping(anchor);
    }

    /// Expands a cluster (selecting it) and says whether its services
    /// still need loading.
    pub fn expand_cluster(&mut self, cluster_arn: &str) -> bool {
        // A service of this cluster stays selected; anything else moves
        // the selection to the cluster.
        let anchor = match self.anchor() {
            Some(a @ Anchor::Service(..)) if matches!(&a, Anchor::Service(c, _) if c == cluster_arn) => {
                a
            }
            _ => Anchor::Cluster(cluster_arn.to_string()),
        };
        let Some(node) = self.node_mut(cluster_arn) else {
            return false;
        };
        node.expanded = true;
        let needs = matches!(node.services, Load::Idle | Load::Failed(_));
        self.rebuild_keeping(Some(anchor));
        needs
    }

    /// Selects the service named `name` in the cluster, if it is shown.
    pub fn select_service(&mut self, cluster_arn: &str, name: &str) -> bool {
        let Some(arn) = self
            .node_mut(cluster_arn)
            .and_then(|n| n.services.ready())
            .and_then(|l| l.iter().find(|s| s.name == name))
            .map(|s| s.arn.clone())
        else {
            return false;
        };
        match self.find(&Anchor::Service(cluster_arn.to_string(), arn)) {
            Some(i) => {
                self.selected = i;
                true
            }
            None => false,
        }
    }

    /// Expands or collapses the selected node. Returns the ARN of a cluster
    /// whose services must be loaded.
    pub fn toggle(&mut self) -> Option<String> {
        match self.selected_row()?.clone() {
            Row::Region => {
                self.expanded = !self.expanded;
                self.rebuild_keeping(Some(Anchor::Region));
                None
            }
            Row::Cluster(c) => {
                let arn = self.node(c)?.cluster.arn.clone();
                let node = self.node_mut(&arn)?;
                if node.expanded {
                    node.expanded = false;
                    self.rebuild_keeping(Some(Anchor::Cluster(arn)));
                    None
                } else {
                    self.expand_cluster(&arn).then_some(arn)
                }
            }
            _ => None,
        }
    }

    /// Left: collapse an open node, or move to the parent.
    pub fn left(&mut self) {
        match self.selected_row().cloned() {
            Some(Row::Cluster(c)) if self.node(c).is_some_and(|n| n.expanded) => {
                self.toggle();
            }
            Some(Row::Region) if self.expanded => {
                self.toggle();
            }
            Some(Row::Service(c, _)) | Some(Row::Note(Some(c), _)) => {
                if let Some(i) = self.rows.iter().position(|r| *r == Row::Cluster(c)) {
                    self.selected = i;
                }
            }
            Some(Row::Cluster(_)) | Some(Row::Note(None, _)) => self.selected = 0,
            _ => {}
        }
    }

    /// Right: expand a closed node, or move to its first child.
    pub fn right(&mut self) -> Option<String> {
        let row = self.selected_row()?.clone();
        let open = match row {
            Row::Region => self.expanded,
            Row::Cluster(c) => self.node(c)?.expanded || !self.filter.is_empty(),
            _ => return None,
        };
        if open {
            if self
                .rows
                .get(self.selected + 1)
                .is_some_and(|r| r.depth() > row.depth())
            {
                self.selected += 1;
            }
            None
        } else {
            self.toggle()
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    pub fn select_index(&mut self, index: usize) {
        if index < self.rows.len() {
            self.selected = index;
        }
    }

    /// Adjusts `offset` so the selection is inside a window of `height`.
    pub fn scroll_into_view(&mut self, height: usize) {
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// ARNs of clusters whose services have never been loaded.
    pub fn unloaded_clusters(&self) -> Vec<String> {
        self.cluster_nodes()
            .iter()
            .filter(|n| matches!(n.services, Load::Idle))
            .map(|n| n.cluster.arn.clone())
            .collect()
    }

    /// How many clusters' services are loading right now.
    pub fn loading_count(&self) -> usize {
        let root = usize::from(self.clusters.is_loading());
        root + self
            .cluster_nodes()
            .iter()
            .filter(|n| n.services.is_loading())
            .count()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{pair_and_sort, service_named};

    pub fn cluster(name: &str) -> Cluster {
        Cluster {
            name: name.to_string(),
            arn: format!("arn:aws:ecs:us-east-1:123456789012:cluster/{name}"),
            status: "ACTIVE".to_string(),
            active_services: 0,
            running_tasks: 0,
            pending_tasks: 0,
            container_instances: 0,
        }
    }

    fn services(cluster_name: &str, names: &[&str]) -> Vec<Service> {
        let mut list: Vec<Service> = names
            .iter()
            .map(|n| {
                let mut s = service_named(n);
                s.arn = format!("arn:aws:ecs:us-east-1:1:service/{cluster_name}/{n}");
                s
            })
            .collect();
        pair_and_sort(&mut list);
        list
    }

    fn labels(tree: &Tree) -> Vec<String> {
        tree.rows()
            .iter()
            .map(|r| match r {
                Row::Region => "region".to_string(),
                Row::Cluster(c) => format!("c:{}", tree.node(*c).unwrap().cluster.name),
                Row::Service(c, s) => format!("s:{}", tree.service_at(*c, *s).unwrap().name),
                Row::Note(_, n) => format!("note:{n:?}"),
            })
            .collect()
    }

    fn loaded_tree() -> Tree {
        let mut t = Tree::new("us-east-1");
        t.begin_clusters_load();
        t.set_clusters(Ok(vec![cluster("apps"), cluster("empty"), cluster("jobs")]));
        t
    }

    #[test]
    fn given_clusters_loading_then_a_loading_note_shows() {
        let mut t = Tree::new("us-east-1");
        t.begin_clusters_load();
        assert_eq!(labels(&t), vec!["region", "note:Loading"]);
    }

    #[test]
    fn expanding_a_cluster_asks_for_its_services_once() {
        let mut t = loaded_tree();
        t.move_by(1);
        let arn = t.toggle().expect("first expand needs a load");
        assert!(t.begin_services_load(&arn));
        assert_eq!(
            labels(&t),
            vec!["region", "c:apps", "note:Loading", "c:empty", "c:jobs"]
        );
        t.set_services(
            &arn,
            Ok(services("apps", &["web", "cloud-debug-web", "api"])),
        );
        assert_eq!(
            labels(&t),
            vec![
                "region",
                "c:apps",
                "s:api",
                "s:cloud-debug-web",
                "s:web",
                "c:empty",
                "c:jobs"
            ]
        );
        assert_eq!(t.toggle(), None, "collapse");
        assert_eq!(t.toggle(), None, "re-expand uses the loaded services");
    }

    #[test]
    fn an_empty_cluster_says_so() {
        let mut t = loaded_tree();
        let arn = cluster("empty").arn;
        t.expand_cluster(&arn);
        t.set_services(&arn, Ok(vec![]));
        assert_eq!(
            labels(&t),
            vec!["region", "c:apps", "c:empty", "note:Empty", "c:jobs"]
        );
    }

    #[test]
    fn filter_shows_matching_services_under_their_cluster() {
        let mut t = loaded_tree();
        let apps = cluster("apps").arn;
        t.set_services(&apps, Ok(services("apps", &["web", "api", "webhooks"])));
        t.set_filter("WEB");
        assert_eq!(labels(&t), vec!["region", "c:apps", "s:web", "s:webhooks"]);
        t.set_filter("jo");
        assert_eq!(labels(&t), vec!["region", "c:jobs"]);
        t.set_filter("zzz");
        assert_eq!(labels(&t), vec!["region", "note:NoMatches"]);
        t.set_filter("");
        assert_eq!(labels(&t), vec!["region", "c:apps", "c:empty", "c:jobs"]);
    }

    #[test]
    fn selection_follows_the_node_across_refreshes() {
        let mut t = loaded_tree();
        t.move_by(3);
        assert_eq!(t.selected_cluster().unwrap().cluster.name, "jobs");
        t.set_clusters(Ok(vec![cluster("aaa"), cluster("apps"), cluster("jobs")]));
        assert_eq!(t.selected_cluster().unwrap().cluster.name, "jobs");
    }

    #[test]
    fn refresh_keeps_expanded_clusters_and_asks_to_reload_them() {
        let mut t = loaded_tree();
        let apps = cluster("apps").arn;
        t.expand_cluster(&apps);
        t.set_services(&apps, Ok(services("apps", &["web"])));
        let reload = t.set_clusters(Ok(vec![cluster("apps"), cluster("jobs")]));
        assert_eq!(reload, vec![apps]);
        assert_eq!(labels(&t), vec!["region", "c:apps", "s:web", "c:jobs"]);
    }

    #[test]
    fn refreshing_from_a_service_keeps_it_selected() {
        let mut t = loaded_tree();
        let apps = cluster("apps").arn;
        t.expand_cluster(&apps);
        t.set_services(&apps, Ok(services("apps", &["api", "web"])));
        t.move_by(2);
        assert_eq!(t.selected_service().unwrap().name, "web");
        t.expand_cluster(&apps);
        t.begin_services_load(&apps);
        t.set_services(&apps, Ok(services("apps", &["api", "web"])));
        assert_eq!(t.selected_service().unwrap().name, "web");
    }

    #[test]
    fn left_goes_to_parent_and_right_into_children() {
        let mut t = loaded_tree();
        let apps = cluster("apps").arn;
        t.expand_cluster(&apps);
        t.set_services(&apps, Ok(services("apps", &["web"])));
        t.right();
        assert_eq!(t.selected_service().unwrap().name, "web");
        t.left();
        assert_eq!(t.selected_row(), Some(&Row::Cluster(0)));
        t.left();
        assert_eq!(labels(&t), vec!["region", "c:apps", "c:empty", "c:jobs"]);
        t.left();
        assert_eq!(t.selected_row(), Some(&Row::Region));
    }

    #[test]
    fn scrolling_keeps_the_selection_visible() {
        let mut t = loaded_tree();
        t.move_by(3);
        t.scroll_into_view(2);
        assert_eq!(t.offset, 2);
        t.move_by(-3);
        t.scroll_into_view(2);
        assert_eq!(t.offset, 0);
    }

    #[test]
    fn failed_loads_show_the_reason() {
        let mut t = Tree::new("us-east-1");
        t.set_clusters(Err("Access denied".into()));
        assert_eq!(labels(&t), vec!["region", "note:Failed(\"Access denied\")"]);
    }
}
