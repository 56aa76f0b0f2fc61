//! The JSONPath subset API Gateway's `$input.path`/`$input.json` accept (Jayway's syntax):
//! `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[0,2]`, `[1:3]`, `[*]`, `.*`, `..name`.
//!
//! A definite path (no wildcard, deep scan, slice or union) yields one value or nothing; an
//! indefinite path yields a list of every match, as Jayway does.

use std::cell::RefCell;
use std::rc::Rc;

use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Child(String),
    Children(Vec<String>),
    Index(i64),
    Indexes(Vec<i64>),
    Slice(Option<i64>, Option<i64>),
    Wildcard,
    Deep(String),
    DeepWildcard,
}

/// The value at `path` in `root`: `Ok(Some(v))` for a match (a list for indefinite paths),
/// `Ok(None)` when a definite path matches nothing.
pub fn select(root: &Value, path: &str) -> Result<Option<Value>, String> {
    let steps = parse(path)?;
    let definite = steps
        .iter()
        .all(|s| matches!(s, Step::Child(_) | Step::Index(_)));
    let mut current = vec![root.clone()];
    for step in &steps {
        let mut next = Vec::new();
        for v in &current {
            apply(step, v, &mut next, 0);
        }
        current = next;
    }
    if definite {
        Ok(current.into_iter().next())
    } else {
        Ok(Some(Value::JsonArray(Rc::new(RefCell::new(current)))))
    }
}

fn apply(step: &Step, v: &Value, out: &mut Vec<Value>, depth: usize) {
    match step {
        Step::Child(name) => {
            if let Value::Map(m) = v {
                if let Some(x) = m.borrow().get(name) {
                    out.push(x.clone());
                }
            }
        }
        Step::Children(names) => {
            for n in names {
                apply(&Step::Child(n.clone()), v, out, depth);
            }
        }
        Step::Index(i) => {
            if let Some(l) = v.as_list() {
                let l = l.borrow();
                let i = if *i < 0 { l.len() as i64 + i } else { *i };
                if let Some(x) = usize::try_from(i).ok().and_then(|i| l.get(i)) {
                    out.push(x.clone());
                }
            }
        }
        Step::Indexes(is) => {
            for i in is {
                apply(&Step::Index(*i), v, out, depth);
            }
        }
        Step::Slice(from, to) => {
            if let Some(l) = v.as_list() {
                let l = l.borrow();
                let len = l.len() as i64;
                let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                let a = norm(from.unwrap_or(0));
                let b = norm(to.unwrap_or(len));
                for i in a..b {
                    if let Some(x) = l.get(i as usize) {
                        out.push(x.clone());
                    }
                }
            }
        }
        Step::Wildcard => match v {
            Value::Map(m) => out.extend(m.borrow().values().cloned()),
            Value::List(l) | Value::JsonArray(l) => out.extend(l.borrow().iter().cloned()),
            _ => {}
        },
        Step::Deep(name) => {
            if depth > 64 {
                return;
            }
            apply(&Step::Child(name.clone()), v, out, depth);
            for child in children(v) {
                apply(step, &child, out, depth + 1);
            }
        }
        Step::DeepWildcard => {
            if depth > 64 {
                return;
            }
            for child in children(v) {
                out.push(child.clone());
                apply(step, &child, out, depth + 1);
            }
        }
    }
}

fn children(v: &Value) -> Vec<Value> {
    match v {
        Value::Map(m) => m.borrow().values().cloned().collect(),
        Value::List(l) | Value::JsonArray(l) => l.borrow().clone(),
        _ => Vec::new(),
    }
}

fn parse(path: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = path.trim().chars().collect();
    let mut i = 0;
    if chars.first() == Some(&'$') {
        i = 1;
    } else if !chars.is_empty() && chars[0] != '.' && chars[0] != '[' {
        // Jayway reads `a.b` as `$.a.b`.
        return parse(&format!("$.{}", path.trim()));
    }
    let mut steps = Vec::new();
    let name = |i: &mut usize| -> String {
        let start = *i;
        while *i < chars.len() && chars[*i] != '.' && chars[*i] != '[' {
            *i += 1;
        }
        chars[start..*i].iter().collect()
    };
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                i += 2;
                if chars.get(i) == Some(&'*') {
                    i += 1;
                    steps.push(Step::DeepWildcard);
                } else if chars.get(i) == Some(&'[') {
                    steps.push(Step::DeepWildcard);
                } else {
                    let n = name(&mut i);
                    if n.is_empty() {
                        return Err(format!("Path must not end with a '.' or '..': {path}"));
                    }
                    steps.push(Step::Deep(n));
                }
            }
            '.' => {
                i += 1;
                if chars.get(i) == Some(&'*') {
                    i += 1;
                    steps.push(Step::Wildcard);
                } else {
                    let n = name(&mut i);
                    if n.is_empty() {
                        return Err(format!("Path must not end with a '.': {path}"));
                    }
                    steps.push(Step::Child(n));
                }
            }
            '[' => {
                let close = chars[i..]
                    .iter()
                    .position(|c| *c == ']')
                    .ok_or_else(|| format!("Could not parse path: missing ']' in {path}"))?;
                let inner: String = chars[i + 1..i + close].iter().collect();
                i += close + 1;
                steps.push(bracket(inner.trim(), path)?);
            }
            _ => return Err(format!("Could not parse path {path} at {i}")),
        }
    }
    Ok(steps)
}

fn bracket(inner: &str, path: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if inner.starts_with('?') {
        return Err(format!(
            "filter expressions are not supported by localcloud: {path}"
        ));
    }
    if inner.starts_with('\'') || inner.starts_with('"') {
        let names: Vec<String> = inner
            .split(',')
            .map(|p| p.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
            .collect();
        return Ok(if names.len() == 1 {
            Step::Child(names.into_iter().next().unwrap_or_default())
        } else {
            Step::Children(names)
        });
    }
    let num = |s: &str| -> Result<i64, String> {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("Could not parse index '{s}' in {path}"))
    };
    if let Some((a, b)) = inner.split_once(':') {
        let a = if a.trim().is_empty() {
            None
        } else {
            Some(num(a)?)
        };
        let b = if b.trim().is_empty() {
            None
        } else {
            Some(num(b)?)
        };
        return Ok(Step::Slice(a, b));
    }
    if inner.contains(',') {
        return Ok(Step::Indexes(
            inner.split(',').map(num).collect::<Result<_, _>>()?,
        ));
    }
    Ok(Step::Index(num(inner)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn sel(body: &str, path: &str) -> String {
        let v = json::parse(body).expect("json");
        match select(&v, path).expect("path") {
            Some(v) => json::to_json(&v),
            None => "<none>".into(),
        }
    }

    #[test]
    fn definite_and_indefinite_paths() {
        let body = r#"{"a":{"b":[{"c":1},{"c":2}]},"x y":"q"}"#;
        assert_eq!(sel(body, "$.a.b[1].c"), "2");
        assert_eq!(sel(body, "$.a.b[*].c"), "[1,2]");
        assert_eq!(sel(body, "$..c"), "[1,2]");
        assert_eq!(sel(body, "$['x y']"), "\"q\"");
        assert_eq!(sel(body, "$.a.b[-1].c"), "2");
        assert_eq!(sel(body, "$.missing.b"), "<none>");
    }
}
