//! The dependency graph: unknown dependencies and cycles, over the ids' numbers.

use std::collections::HashMap;
use std::ops::Range;

use crate::finding::{Finding, MAX_PER_RULE, Rule, suggestion};

use super::file::{Built, FileRef, Outlined};
use super::ids::Ids;

/// Unknown dependencies and dependency cycles, against every initiative that parsed.
pub(super) fn dependencies<I: Outlined>(
    built: &Built<I>,
    numbers: &[Option<(usize, bool)>],
    ids: &Ids<'_>,
    findings: &mut Vec<Finding>,
) {
    // The ids in order, for suggestions, sorted only when a dependency is unknown.
    let sorted = std::cell::OnceCell::new();
    // Each edge of the graph on the ids' numbers, and beside it the file and place that wrote it.
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut written: Vec<(&str, Range<usize>)> = Vec::new();
    for (file, &from) in built.files().zip(numbers) {
        let (
            Some(FileRef {
                id,
                file,
                depends_on,
                dependency_spans,
            }),
            Some((from, _)),
        ) = (file, from)
        else {
            continue;
        };
        let mut unknown = 0;
        for (target, span) in depends_on.iter().zip(dependency_spans) {
            let target = target.as_str();
            if let Some(to) = ids.get(target) {
                edges.push((from, to));
                written.push((file, span.clone()));
            } else if super::ids::cross_team(target).is_some() {
                // Another team's initiative: `okr org check` looks it up, with the other teams.
            } else {
                let sorted = sorted.get_or_init(|| {
                    let mut sorted: Vec<&str> = ids.first.iter().map(|(id, _)| *id).collect();
                    sorted.sort_unstable();
                    sorted
                });
                unknown += 1;
                // Only the findings reported get a suggestion: the others are summed up.
                let help = (unknown <= MAX_PER_RULE)
                    .then(|| suggestion(target, sorted.iter().copied()))
                    .flatten()
                    .unwrap_or_else(|| {
                        "`depends_on` lists ids, the file names of initiatives, or \
                         `team:id` for another team's"
                            .to_owned()
                    });
                findings.push(
                    Finding::new(
                        Rule::UnknownDependency,
                        file,
                        Some(span.clone()),
                        format!("`{id}` depends on `{target}`, which does not exist"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    let graph = Graph::new(ids.first.len(), &edges);
    let name = |node: usize| ids.first[node].0;
    for cycle in cycles(&graph, name) {
        // The cycle's first step, as the last file to write it says (one id may be in more
        // than one file).
        let Some(edge) = graph.last_edge(cycle[0], cycle[1]) else {
            continue;
        };
        let (file, span) = written[edge].clone();
        let path = cycle
            .iter()
            .map(|&node| format!("`{}`", name(node)))
            .collect::<Vec<_>>()
            .join(" → ");
        findings.push(
            Finding::new(
                Rule::DependencyCycle,
                file,
                Some(span),
                format!("dependency cycle: {path}"),
            )
            .with_help("remove one of these dependencies; a cycle can never start".to_owned()),
        );
    }
}

/// A directed graph on numbered nodes, its edges grouped by where they start: one list for
/// all of them, not one per node, since most initiatives depend on nothing.
pub(crate) struct Graph {
    /// Node `n`'s edges are `targets[start[n]..start[n + 1]]`.
    start: Vec<usize>,
    targets: Vec<usize>,
    /// Beside each target, the edge's position in the list the graph was built from.
    edge: Vec<usize>,
}

impl Graph {
    /// The graph of `edges` (from, to) on `nodes` nodes; each node's edges keep their order.
    pub(crate) fn new(nodes: usize, edges: &[(usize, usize)]) -> Graph {
        let mut start = vec![0; nodes + 1];
        for &(from, _) in edges {
            start[from + 1] += 1;
        }
        for node in 0..nodes {
            start[node + 1] += start[node];
        }
        let mut next = start.clone();
        let mut targets = vec![0; edges.len()];
        let mut edge = vec![0; edges.len()];
        for (position, &(from, to)) in edges.iter().enumerate() {
            targets[next[from]] = to;
            edge[next[from]] = position;
            next[from] += 1;
        }
        Graph {
            start,
            targets,
            edge,
        }
    }

    pub(super) fn nodes(&self) -> usize {
        self.start.len() - 1
    }

    pub(super) fn targets(&self, node: usize) -> &[usize] {
        &self.targets[self.start[node]..self.start[node + 1]]
    }

    /// The position of the last edge from `from` to `to`.
    pub(crate) fn last_edge(&self, from: usize, to: usize) -> Option<usize> {
        let at = self
            .targets(from)
            .iter()
            .rposition(|&target| target == to)?;
        Some(self.edge[self.start[from] + at])
    }
}

/// Each elementary cycle once, as found from its smallest name, closed (`a → b → a`), in the
/// order of their names.
pub(crate) fn cycles<'a>(graph: &Graph, name: impl Fn(usize) -> &'a str) -> Vec<Vec<usize>> {
    // Strongly connected components (Tarjan, iterative), then one cycle through each.
    const UNSEEN: usize = usize::MAX;
    let nodes = graph.nodes();
    let mut index = vec![UNSEEN; nodes];
    let mut low = vec![0; nodes];
    let mut on_stack = vec![false; nodes];
    let mut stack: Vec<usize> = Vec::new();
    let mut work: Vec<(usize, usize)> = Vec::new();
    // Only the components that hold a cycle: most nodes are alone, with no edge to themselves.
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut counter = 0;
    for start in 0..nodes {
        // A node that depends on nothing is in no cycle, and is visited if another reaches it.
        if index[start] != UNSEEN || graph.targets(start).is_empty() {
            continue;
        }
        work.push((start, 0));
        while let Some((node, next)) = work.pop() {
            if next == 0 {
                index[node] = counter;
                low[node] = counter;
                counter += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = graph.targets(node).get(next) {
                work.push((node, next + 1));
                if index[target] == UNSEEN {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            if low[node] == index[node] {
                let top = stack
                    .iter()
                    .rposition(|&member| member == node)
                    .expect("a node is on the stack until its component is taken off");
                for &member in &stack[top..] {
                    on_stack[member] = false;
                }
                if stack.len() - top > 1 || graph.targets(node).contains(&node) {
                    components.push(stack[top..].to_vec());
                }
                stack.truncate(top);
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    let mut found = Vec::new();
    let mut member = vec![false; nodes];
    for component in components {
        let start = *component
            .iter()
            .min_by_key(|&&node| name(node))
            .expect("components are not empty");
        for &node in &component {
            member[node] = true;
        }
        // Breadth-first from the smallest id back to itself, inside the component.
        let mut previous: HashMap<usize, usize> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        'search: while let Some(node) = queue.pop_front() {
            for &target in graph.targets(node) {
                if !member[target] {
                    continue;
                }
                if target == start {
                    let mut path = vec![start];
                    let mut at = node;
                    while at != start {
                        path.push(at);
                        at = previous[&at];
                    }
                    path[1..].reverse();
                    path.push(start);
                    found.push(path);
                    break 'search;
                }
                if let std::collections::hash_map::Entry::Vacant(entry) = previous.entry(target) {
                    entry.insert(node);
                    queue.push_back(target);
                }
            }
        }
        for &node in &component {
            member[node] = false;
        }
    }
    found.sort_by(|a: &Vec<usize>, b: &Vec<usize>| {
        a.iter()
            .map(|&node| name(node))
            .cmp(b.iter().map(|&node| name(node)))
    });
    found
}
