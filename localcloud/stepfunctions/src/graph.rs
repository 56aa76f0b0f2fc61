//! The workflow graph of a definition, written as Graphviz DOT, Mermaid or a self-contained SVG,
//! optionally coloured by what an execution did in each state.
//!
//! Nodes are the top-level states plus `Start` and `End`; a Parallel or Map state is one node
//! whose label lists its branch or iterator states. Edges: `Next`, each Choice rule (labelled
//! with its comparison), `Default`, and each `Catch` (dashed, labelled with its errors).

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What an execution did in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Entered and left normally.
    Succeeded,
    /// Failed and the error was caught by a `Catch` of the state.
    Caught,
    /// Failed the execution (or, for a Fail state, was reached).
    Failed,
    /// Entered, not left yet.
    Running,
}

impl Outcome {
    fn colour(self) -> &'static str {
        match self {
            Outcome::Succeeded => "#2e7d32",
            Outcome::Caught => "#ef6c00",
            Outcome::Failed => "#c62828",
            Outcome::Running => "#1565c0",
        }
    }
}

/// Outcomes by state name.
pub type Outcomes = BTreeMap<String, Outcome>;

/// How one state leads to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeKind {
    /// `Next` (or `End`, to the End node).
    Next,
    /// A Choice rule, with a short text of its condition.
    Choice(String),
    /// A Choice state's `Default`.
    Default,
    /// A `Catch`, with its `ErrorEquals`.
    Catch(String),
}

/// One edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// From this state (or `Start`).
    pub from: String,
    /// To this state (or `End`).
    pub to: String,
    /// Why.
    pub kind: EdgeKind,
}

/// One node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The state name (`Start`/`End` for the two terminals).
    pub name: String,
    /// The state `Type` (`Start`/`End` for the terminals).
    pub kind: String,
    /// For Parallel and Map: the inner states, in order.
    pub inner: Vec<String>,
}

/// The graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// Nodes: `Start`, the states in definition order, `End`.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
}

const START: &str = "Start";
const END: &str = "End";

fn condition_text(rule: &Value) -> String {
    let Some(obj) = rule.as_object() else {
        return String::new();
    };
    if let Some(c) = obj.get("Condition").and_then(Value::as_str) {
        return c.to_owned();
    }
    for (k, v) in obj {
        match k.as_str() {
            "Next" | "Comment" | "Assign" | "Output" => {}
            "And" | "Or" => {
                let parts: Vec<String> = v
                    .as_array()
                    .map(|a| a.iter().map(condition_text).collect())
                    .unwrap_or_default();
                return format!("({})", parts.join(&format!(" {} ", k.to_lowercase())));
            }
            "Not" => return format!("not {}", condition_text(v)),
            "Variable" => {}
            op => {
                let var = obj.get("Variable").and_then(Value::as_str).unwrap_or("");
                return format!("{var} {op} {v}");
            }
        }
    }
    String::new()
}

/// Builds the graph of a definition (the JSON text's value).
pub fn from_definition(def: &Value) -> Result<Graph, String> {
    let states = def
        .get("States")
        .and_then(Value::as_object)
        .ok_or("the definition has no States object")?;
    let start_at = def
        .get("StartAt")
        .and_then(Value::as_str)
        .ok_or("the definition has no StartAt")?;
    let mut nodes = vec![Node {
        name: START.into(),
        kind: START.into(),
        inner: Vec::new(),
    }];
    let mut edges = vec![Edge {
        from: START.into(),
        to: start_at.into(),
        kind: EdgeKind::Next,
    }];
    // Sorted by name, so the drawing does not depend on whether serde_json keeps key order
    // (jsonata-core turns on its `preserve_order` feature).
    let mut sorted: Vec<(&String, &Value)> = states.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (name, s) in sorted {
        let kind = s
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned();
        let mut inner = Vec::new();
        let mut collect = |g: &Value| {
            if let Some(st) = g.get("States").and_then(Value::as_object) {
                let mut names: Vec<String> = st.keys().cloned().collect();
                names.sort();
                inner.extend(names);
            }
        };
        for b in s
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect(b);
        }
        if let Some(p) = s.get("ItemProcessor").or_else(|| s.get("Iterator")) {
            collect(p);
        }
        nodes.push(Node {
            name: name.clone(),
            kind: kind.clone(),
            inner,
        });
        let mut edge = |to: &str, kind: EdgeKind| {
            edges.push(Edge {
                from: name.clone(),
                to: to.to_owned(),
                kind,
            });
        };
        for rule in s
            .get("Choices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(next) = rule.get("Next").and_then(Value::as_str) {
                edge(next, EdgeKind::Choice(condition_text(rule)));
            }
        }
        if let Some(d) = s.get("Default").and_then(Value::as_str) {
            edge(d, EdgeKind::Default);
        }
        if let Some(next) = s.get("Next").and_then(Value::as_str) {
            edge(next, EdgeKind::Next);
        }
        if s.get("End").and_then(Value::as_bool) == Some(true) || kind == "Succeed" {
            edge(END, EdgeKind::Next);
        }
        for c in s
            .get("Catch")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(next) = c.get("Next").and_then(Value::as_str) {
                let errors: Vec<&str> = c
                    .get("ErrorEquals")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                edge(next, EdgeKind::Catch(errors.join(", ")));
            }
        }
    }
    nodes.push(Node {
        name: END.into(),
        kind: END.into(),
        inner: Vec::new(),
    });
    for e in &edges {
        if !nodes.iter().any(|n| n.name == e.to) {
            return Err(format!("state {} names a missing state {}", e.from, e.to));
        }
    }
    Ok(Graph { nodes, edges })
}

fn esc_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn esc_dq(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn label(n: &Node) -> String {
    if n.kind == START || n.kind == END {
        return n.name.clone();
    }
    format!("{} ({})", n.name, n.kind)
}

fn edge_label(k: &EdgeKind) -> String {
    match k {
        EdgeKind::Next => String::new(),
        EdgeKind::Choice(c) => short(c, 40),
        EdgeKind::Default => "Default".into(),
        EdgeKind::Catch(e) => format!("Catch {}", short(e, 40)),
    }
}

impl Graph {
    /// Graphviz DOT.
    pub fn to_dot(&self, outcomes: &Outcomes) -> String {
        let mut out = String::from("digraph workflow {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n");
        for (i, n) in self.nodes.iter().enumerate() {
            let mut attrs = format!("label=\"{}", esc_dq(&label(n)));
            if !n.inner.is_empty() {
                let _ = write!(attrs, "\\n[{}]", esc_dq(&n.inner.join(" → ")));
            }
            attrs.push('"');
            if n.kind == START || n.kind == END {
                attrs.push_str(", shape=circle, fillcolor=\"#eeeeee\"");
            }
            if let Some(o) = outcomes.get(&n.name) {
                let _ = write!(
                    attrs,
                    ", color=\"{0}\", penwidth=2.5, fontcolor=\"{0}\"",
                    o.colour()
                );
            }
            let _ = writeln!(out, "  n{i} [{attrs}];");
        }
        for e in &self.edges {
            let (a, b) = (self.index(&e.from), self.index(&e.to));
            let mut attrs = Vec::new();
            let l = edge_label(&e.kind);
            if !l.is_empty() {
                attrs.push(format!("label=\"{}\"", esc_dq(&l)));
            }
            if matches!(e.kind, EdgeKind::Catch(_)) {
                attrs.push("style=dashed".into());
            }
            let _ = writeln!(out, "  n{a} -> n{b} [{}];", attrs.join(", "));
        }
        out.push_str("}\n");
        out
    }

    /// Mermaid flowchart.
    pub fn to_mermaid(&self, outcomes: &Outcomes) -> String {
        let mut out = String::from("flowchart TD\n");
        for (i, n) in self.nodes.iter().enumerate() {
            let mut text = label(n);
            if !n.inner.is_empty() {
                let _ = write!(text, "<br/>[{}]", n.inner.join(" → "));
            }
            let text = text.replace('"', "#quot;");
            if n.kind == START || n.kind == END {
                let _ = writeln!(out, "  n{i}((\"{text}\"))");
            } else {
                let _ = writeln!(out, "  n{i}(\"{text}\")");
            }
        }
        for e in &self.edges {
            let (a, b) = (self.index(&e.from), self.index(&e.to));
            let arrow = if matches!(e.kind, EdgeKind::Catch(_)) {
                "-.->"
            } else {
                "-->"
            };
            let l = edge_label(&e.kind).replace('"', "#quot;").replace('|', "/");
            if l.is_empty() {
                let _ = writeln!(out, "  n{a} {arrow} n{b}");
            } else {
                let _ = writeln!(out, "  n{a} {arrow}|\"{l}\"| n{b}");
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if let Some(o) = outcomes.get(&n.name) {
                let _ = writeln!(out, "  style n{i} stroke:{},stroke-width:3px", o.colour());
            }
        }
        out
    }

    fn index(&self, name: &str) -> usize {
        self.nodes.iter().position(|n| n.name == name).unwrap_or(0)
    }

    /// Layers: each node's depth along the longest path from Start, back edges ignored.
    fn layers(&self) -> Vec<usize> {
        let n = self.nodes.len();
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
        for e in &self.edges {
            adj[self.index(&e.from)].push(self.index(&e.to));
        }
        // Depth-first from Start: an edge to a node on the stack is a back edge.
        let mut forward: Vec<(usize, usize)> = Vec::new();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        state[0] = 1;
        while let Some((v, i)) = stack.last().copied() {
            if let Some(&w) = adj[v].get(i) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                if state[w] != 1 {
                    forward.push((v, w));
                }
                if state[w] == 0 {
                    state[w] = 1;
                    stack.push((w, 0));
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
        let mut layer = vec![0usize; n];
        for _ in 0..n {
            let mut changed = false;
            for &(a, b) in &forward {
                if layer[b] < layer[a] + 1 {
                    layer[b] = layer[a] + 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // End sits alone below everything.
        let last = n - 1;
        layer[last] = layer[..last].iter().copied().max().unwrap_or(0) + 1;
        layer
    }

    /// A self-contained SVG: layered top to bottom, Catch edges dashed, visited states outlined
    /// in their outcome's colour.
    pub fn to_svg(&self, outcomes: &Outcomes) -> String {
        const W: f64 = 230.0;
        const H: f64 = 44.0;
        const GAP_X: f64 = 40.0;
        const GAP_Y: f64 = 56.0;
        let layers = self.layers();
        let depth = layers.iter().copied().max().unwrap_or(0) + 1;
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
        for (i, &l) in layers.iter().enumerate() {
            rows[l].push(i);
        }
        let widest = rows.iter().map(Vec::len).max().unwrap_or(1) as f64;
        // Edges that skip a layer or go back run in lanes on the right, one lane each.
        let long: Vec<bool> = self
            .edges
            .iter()
            .map(|e| {
                let (a, b) = (self.index(&e.from), self.index(&e.to));
                layers[b] != layers[a] + 1
            })
            .collect();
        let lanes = long.iter().filter(|l| **l).count() as f64;
        const LANE: f64 = 9.0;
        let content = widest * (W + GAP_X) + GAP_X;
        let width = content + lanes * LANE + GAP_X;
        let height = depth as f64 * (H + GAP_Y) + GAP_Y;
        let mut pos = vec![(0.0, 0.0); self.nodes.len()];
        for (r, row) in rows.iter().enumerate() {
            let row_w = row.len() as f64 * (W + GAP_X) - GAP_X;
            let x0 = (content - row_w) / 2.0;
            for (k, &i) in row.iter().enumerate() {
                pos[i] = (
                    x0 + k as f64 * (W + GAP_X),
                    GAP_Y / 2.0 + r as f64 * (H + GAP_Y),
                );
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        );
        out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n");
        let _ = writeln!(
            out,
            "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        );
        let mut lane = 0.0;
        for (e, is_long) in self.edges.iter().zip(&long) {
            let (a, b) = (self.index(&e.from), self.index(&e.to));
            let dash = if matches!(e.kind, EdgeKind::Catch(_)) {
                " stroke-dasharray=\"5,4\""
            } else {
                ""
            };
            let (d, label_at) = if *is_long {
                lane += 1.0;
                let x = content + lane * LANE;
                let (sx, sy) = (pos[a].0 + W, pos[a].1 + H / 2.0 + 6.0);
                let (tx, ty) = (pos[b].0 + W, pos[b].1 + H / 2.0 - 6.0);
                (
                    format!(
                        "M {sx:.1} {sy:.1} L {x:.1} {sy:.1} L {x:.1} {ty:.1} L {tx:.1} {ty:.1}"
                    ),
                    None,
                )
            } else {
                let (ax, ay) = (pos[a].0 + W / 2.0, pos[a].1 + H);
                let (bx, by) = (pos[b].0 + W / 2.0, pos[b].1);
                let my = (ay + by) / 2.0;
                (
                    format!(
                        "M {ax:.1} {ay:.1} C {ax:.1} {my:.1}, {bx:.1} {my:.1}, {bx:.1} {by:.1}"
                    ),
                    Some((ax + (bx - ax) * 0.5 + 6.0, ay + (by - ay) * 0.5)),
                )
            };
            let _ = writeln!(
                out,
                "<path d=\"{d}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"{dash} marker-end=\"url(#arrow)\"/>"
            );
            // Parallel edges (two Catches to one state) share one label.
            let l = self
                .edges
                .iter()
                .filter(|o| o.from == e.from && o.to == e.to)
                .map(|o| edge_label(&o.kind))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" / ");
            let first = self
                .edges
                .iter()
                .position(|o| o.from == e.from && o.to == e.to)
                .is_some_and(|i| std::ptr::eq(&self.edges[i], e));
            if let (true, false, Some((lx, ly))) = (first, l.is_empty(), label_at) {
                let _ = writeln!(
                    out,
                    "<text x=\"{lx:.1}\" y=\"{ly:.1}\" fill=\"#444\" font-size=\"10\">{}</text>",
                    esc_xml(&short(&l, 28))
                );
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let (x, y) = pos[i];
            let (stroke, sw) = outcomes
                .get(&n.name)
                .map_or(("#888", 1.2), |o| (o.colour(), 3.0));
            let fill = match n.kind.as_str() {
                START | END => "#eeeeee",
                "Fail" => "#fdecea",
                "Succeed" => "#e8f5e9",
                "Choice" => "#fff8e1",
                _ => "#ffffff",
            };
            let _ = writeln!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{W}\" height=\"{H}\" rx=\"10\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>"
            );
            let main = short(&label(n), 36);
            let (ty, sub) = if n.inner.is_empty() {
                (y + H / 2.0 + 4.0, None)
            } else {
                (y + H / 2.0 - 3.0, Some(short(&n.inner.join(" → "), 40)))
            };
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{}</text>",
                x + W / 2.0,
                esc_xml(&main)
            );
            if let Some(s) = sub {
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">[{}]</text>",
                    x + W / 2.0,
                    ty + 14.0,
                    esc_xml(&s)
                );
            }
        }
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def() -> Value {
        json!({
            "StartAt": "A",
            "States": {
                "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "C",
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericGreaterThan": 1, "Next": "A"}], "Default": "M"},
                "M": {"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "Next": "S"},
                "S": {"Type": "Succeed"},
                "F": {"Type": "Fail", "Error": "E"}
            }
        })
    }

    #[test]
    fn edges_cover_next_choices_default_catch_and_end() {
        let g = from_definition(&def()).expect("graph");
        let names: Vec<&str> = g.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["Start", "A", "C", "F", "M", "S", "End"]);
        let has = |f: &str, t: &str| g.edges.iter().any(|e| e.from == f && e.to == t);
        assert!(has("Start", "A") && has("A", "C") && has("A", "F") && has("C", "A"));
        assert!(has("C", "M") && has("M", "S") && has("S", "End"));
        assert_eq!(g.nodes[4].inner, ["I"]);
        let choice = g
            .edges
            .iter()
            .find(|e| e.from == "C" && e.to == "A")
            .expect("rule");
        assert_eq!(
            choice.kind,
            EdgeKind::Choice("$.x NumericGreaterThan 1".into())
        );
    }

    #[test]
    fn a_missing_target_is_named() {
        let bad = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}});
        assert_eq!(
            from_definition(&bad).expect_err("missing"),
            "state A names a missing state Nope"
        );
    }

    #[test]
    fn the_three_formats_carry_states_and_outcomes() {
        let g = from_definition(&def()).expect("graph");
        let mut o = Outcomes::new();
        o.insert("A".into(), Outcome::Caught);
        o.insert("F".into(), Outcome::Failed);
        let dot = g.to_dot(&o);
        assert!(
            dot.starts_with("digraph") && dot.contains("A (Task)") && dot.contains("style=dashed")
        );
        assert!(dot.contains("#ef6c00") && dot.contains("#c62828"));
        let mermaid = g.to_mermaid(&o);
        assert!(mermaid.starts_with("flowchart TD") && mermaid.contains("-.->"));
        assert!(mermaid.contains("stroke:#c62828"));
        let svg = g.to_svg(&o);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<rect x=").count(), g.nodes.len());
        assert!(svg.contains("stroke=\"#ef6c00\""));
        // The Choice loops back to A: drawn, and layering still puts End last.
        let layers = g.layers();
        assert_eq!(layers[0], 0);
        assert_eq!(
            *layers.last().expect("End"),
            *layers.iter().max().expect("max")
        );
    }
}
