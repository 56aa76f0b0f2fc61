//! Definition validation at create time: JSON, schema (in the state parsers), then the graph:
//! every `StartAt`/`Next`/`Default`/`Catch[].Next` names a state of its own scope, every state is
//! reachable, a terminal state exists, and names are unique across nested scopes. Codes and
//! wording follow AWS's CreateStateMachine errors, e.g.
//! `MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next` and
//! `MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2`
//! (recorded in localstack/localstack#12487 and serverless-step-functions#250).

use crate::error::{code, InvalidDefinition};
use crate::fields::Cx;
use crate::state::{parse_machine, Kind, StateMachine, Transition};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};

/// Parses and validates a definition; the typed model on success, every finding otherwise.
pub fn parse_definition(text: &str) -> Result<StateMachine, InvalidDefinition> {
    let mut cx = Cx::default();
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            cx.report(
                code::INVALID_JSON_DESCRIPTION,
                format!("The definition is not valid JSON: {e}"),
                "",
            );
            return Err(InvalidDefinition {
                diagnostics: cx.diags,
            });
        }
    };
    let machine = parse_machine(&v, &mut cx, "", true);
    if let Some(m) = &machine {
        check_graph(m, &mut cx);
        let mut seen = HashMap::new();
        check_unique(m, &mut seen, &mut cx);
    }
    match machine {
        Some(m) if cx.diags.is_empty() => Ok(m),
        _ => Err(InvalidDefinition {
            diagnostics: cx.diags,
        }),
    }
}

fn targets(kind: &Kind, transition: &Transition, loc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Transition::Next(n) = transition {
        out.push((n.clone(), format!("{loc}/Next")));
    }
    let catchers = match kind {
        Kind::Choice(c) => {
            for (i, (_, n)) in c.choices.iter().enumerate() {
                out.push((n.clone(), format!("{loc}/Choices[{i}]/Next")));
            }
            if let Some(d) = &c.default {
                out.push((d.clone(), format!("{loc}/Default")));
            }
            &[][..]
        }
        Kind::Task(t) => &t.catchers[..],
        Kind::Parallel(p) => &p.catchers[..],
        Kind::Map(m) => &m.catchers[..],
        _ => &[][..],
    };
    for (i, c) in catchers.iter().enumerate() {
        out.push((c.next.clone(), format!("{loc}/Catch[{i}]/Next")));
    }
    out
}

fn check_graph(m: &StateMachine, cx: &mut Cx) {
    let sloc = |name: &str| format!("{}/States/{name}", m.loc);
    if !m.states.contains_key(&m.start_at) && !m.start_at.is_empty() {
        cx.report(
            code::MISSING_TRANSITION_TARGET,
            format!("Missing 'Next' target: {}", m.start_at),
            &format!("{}/StartAt", m.loc),
        );
    }
    let mut edges: HashMap<&str, Vec<String>> = HashMap::new();
    let mut terminal = false;
    for name in &m.order {
        let Some(s) = m.states.get(name) else {
            continue;
        };
        for (t, loc) in targets(&s.kind, &s.transition, &sloc(name)) {
            if !m.states.contains_key(&t) {
                cx.report(
                    code::MISSING_TRANSITION_TARGET,
                    format!("Missing 'Next' target: {t}"),
                    &loc,
                );
            }
            edges.entry(name.as_str()).or_default().push(t);
        }
        terminal |= match &s.kind {
            Kind::Succeed | Kind::Fail(_) => true,
            Kind::Choice(_) => false,
            _ => s.transition == Transition::End,
        };
        match &s.kind {
            Kind::Parallel(p) => p.branches.iter().for_each(|b| check_graph(b, cx)),
            Kind::Map(mp) => {
                if let Some(b) = &mp.processor {
                    check_graph(b, cx);
                }
            }
            _ => {}
        }
    }
    if m.start_at.is_empty() {
        return;
    }
    if !terminal && !m.order.is_empty() {
        cx.report(
            code::MISSING_END_STATE,
            "Workflow has no terminal state",
            "",
        );
        return;
    }
    let mut reached: HashSet<&str> = HashSet::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    if m.states.contains_key(&m.start_at) {
        queue.push_back(m.start_at.as_str());
    }
    while let Some(n) = queue.pop_front() {
        if !reached.insert(n) {
            continue;
        }
        for t in edges.get(n).into_iter().flatten() {
            if m.states.contains_key(t) {
                queue.push_back(t.as_str());
            }
        }
    }
    for name in &m.order {
        if !reached.contains(name.as_str()) {
            cx.report(
                code::MISSING_TRANSITION_TARGET,
                format!("State \"{name}\" is not reachable."),
                &sloc(name),
            );
        }
    }
}

fn check_unique(m: &StateMachine, seen: &mut HashMap<String, String>, cx: &mut Cx) {
    for name in &m.order {
        let loc = format!("{}/States/{name}", m.loc);
        if let Some(first) = seen.get(name) {
            cx.report(
                code::DUPLICATE_STATE_NAME,
                format!("Duplicate State name: {name} (first defined at {first})"),
                &loc,
            );
        } else {
            seen.insert(name.clone(), loc);
        }
        match m.states.get(name).map(|s| &s.kind) {
            Some(Kind::Parallel(p)) => p.branches.iter().for_each(|b| check_unique(b, seen, cx)),
            Some(Kind::Map(mp)) => {
                if let Some(b) = &mp.processor {
                    check_unique(b, seen, cx);
                }
            }
            _ => {}
        }
    }
}
