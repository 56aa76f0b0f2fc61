//! Paths (<https://states-language.net/spec.html#path>): reference paths, which we read and
//! write with our own code, and full JSONPath queries, read through `jsonpath-rust`.
//!
//! A reference path (`$.a.b[0]['c d']`) names at most one node; a missing node is an error the
//! caller turns into the right `States.*` name. Any other JSONPath (`$..x`, `$.a[*]`, filters)
//! is a query and yields an array of its matches, as AWS does for indefinite paths.
//! `$$` selects the context object instead of the effective input.

use crate::context::Ctx;
use jsonpath_rust::JsonPath;
use serde_json::{Map, Value};

/// One step of a reference path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// `.name` or `['name']`.
    Field(String),
    /// `[3]`.
    Index(usize),
}

/// Which document a path reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// `$`: the effective input.
    Input,
    /// `$$`: the context object.
    Context,
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The text as written.
    pub text: String,
    /// `$` or `$$`.
    pub root: Root,
    /// `$name...`: the path reads the workflow variable `name` instead of the input.
    pub variable: Option<String>,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Reference(Vec<Segment>),
    Query(String),
}

impl Path {
    /// Parses any path (reference path or JSONPath query); `$$` paths read the context object.
    pub fn parse(text: &str) -> Result<Path, String> {
        let (root, rest) = if let Some(r) = text.strip_prefix("$$") {
            (Root::Context, r)
        } else if let Some(r) = text.strip_prefix('$') {
            if r.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                let mut p = Path::parse(&format!("${}", &r[end..]))?;
                p.text = text.to_string();
                p.variable = Some(r[..end].to_string());
                return Ok(p);
            }
            (Root::Input, r)
        } else {
            return Err(format!("The value '{text}' is not a valid JSONPath"));
        };
        if let Ok(segs) = parse_segments(rest) {
            return Ok(Path {
                text: text.to_string(),
                root,
                variable: None,
                kind: Kind::Reference(segs),
            });
        }
        let query = format!("${rest}");
        match jsonpath_rust::parser::parse_json_path(&query) {
            Ok(_) => Ok(Path {
                text: text.to_string(),
                root,
                variable: None,
                kind: Kind::Query(query),
            }),
            Err(_) => Err(format!("The value '{text}' is not a valid JSONPath")),
        }
    }

    /// Parses a reference path (`ResultPath`, `ErrorPath`, Choice `Variable` writes): no
    /// wildcards, filters or slices.
    pub fn parse_reference(text: &str) -> Result<Path, String> {
        let path = Path::parse(text)?;
        match path.kind {
            Kind::Reference(_) => Ok(path),
            Kind::Query(_) => Err(format!("The value '{text}' is not a valid reference path")),
        }
    }

    /// The segments of a reference path; `None` for a query.
    pub fn segments(&self) -> Option<&[Segment]> {
        match &self.kind {
            Kind::Reference(s) => Some(s),
            Kind::Query(_) => None,
        }
    }

    /// Reads the path: `None` when a reference path names no node (or a query fails).
    pub fn read(&self, input: &Value, context: &Ctx) -> Option<Value> {
        let doc = match (&self.variable, self.root) {
            (Some(name), _) => context.vars.get(name)?,
            (None, Root::Input) => input,
            (None, Root::Context) => context.doc(),
        };
        match &self.kind {
            Kind::Reference(segs) => get(doc, segs).cloned(),
            Kind::Query(q) => doc
                .query(q)
                .ok()
                .map(|v| Value::Array(v.into_iter().cloned().collect())),
        }
    }
}

fn parse_segments(mut s: &str) -> Result<Vec<Segment>, ()> {
    let mut out = Vec::new();
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            if name.is_empty() || name.contains(['*', '@', '?', ',', ':', '(', ')', ' ', ']', '\''])
            {
                return Err(());
            }
            out.push(Segment::Field(name.to_string()));
            s = &r[end..];
        } else if let Some(r) = s.strip_prefix("['") {
            let end = r.find("']").ok_or(())?;
            out.push(Segment::Field(r[..end].to_string()));
            s = &r[end + 2..];
        } else if let Some(r) = s.strip_prefix('[') {
            let end = r.find(']').ok_or(())?;
            let idx: usize = r[..end].parse().map_err(|_| ())?;
            out.push(Segment::Index(idx));
            s = &r[end + 1..];
        } else {
            return Err(());
        }
    }
    Ok(out)
}

/// The node a reference path names, if any.
pub fn get<'a>(mut doc: &'a Value, segs: &[Segment]) -> Option<&'a Value> {
    for seg in segs {
        doc = match (seg, doc) {
            (Segment::Field(f), Value::Object(m)) => m.get(f)?,
            (Segment::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(doc)
}

/// Writes `value` at the reference path inside `target`, creating missing objects on the way
/// (ResultPath semantics, <https://states-language.net/spec.html#filters>). Fails when the path
/// crosses a non-object, or indexes past an array's end.
pub fn set(target: Value, segs: &[Segment], value: Value) -> Result<Value, PathMismatch> {
    let Some((first, rest)) = segs.split_first() else {
        return Ok(value);
    };
    match (first, target) {
        (Segment::Field(f), Value::Object(mut m)) => {
            let child = m.remove(f).unwrap_or(Value::Object(Map::new()));
            let child = if rest.is_empty() {
                value
            } else {
                set(child, rest, value)?
            };
            m.insert(f.clone(), child);
            Ok(Value::Object(m))
        }
        (Segment::Index(i), Value::Array(mut a)) => {
            let slot = a.get_mut(*i).ok_or(PathMismatch)?;
            let old = std::mem::take(slot);
            *slot = if rest.is_empty() {
                value
            } else {
                set(old, rest, value)?
            };
            Ok(Value::Array(a))
        }
        _ => Err(PathMismatch),
    }
}

/// A reference path crossed a non-object or indexed past an array's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathMismatch;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Ctx {
        Ctx::new(
            std::sync::Arc::new(json!({})),
            "S",
            String::new(),
            std::sync::Arc::default(),
        )
    }

    #[test]
    fn reference_paths_read_and_write() {
        let p = Path::parse("$.a['b c'][1].d").unwrap();
        let doc = json!({"a": {"b c": [0, {"d": 7}]}});
        assert_eq!(p.read(&doc, &ctx()), Some(json!(7)));
        let segs = p.segments().unwrap();
        let out = set(doc, segs, json!(8)).unwrap();
        assert_eq!(out, json!({"a": {"b c": [0, {"d": 8}]}}));
        assert!(set(
            json!({"a": 1}),
            &[Segment::Field("a".into()), Segment::Field("b".into())],
            json!(1)
        )
        .is_err());
        assert_eq!(
            set(
                json!({}),
                &[Segment::Field("x".into()), Segment::Field("y".into())],
                json!(1)
            )
            .unwrap(),
            json!({"x": {"y": 1}})
        );
    }

    #[test]
    fn queries_return_arrays() {
        let p = Path::parse("$.items[*].sku").unwrap();
        assert!(p.segments().is_none());
        let doc = json!({"items": [{"sku": "a"}, {"sku": "b"}]});
        assert_eq!(p.read(&doc, &ctx()), Some(json!(["a", "b"])));
        assert!(Path::parse("foo").is_err());
        assert!(Path::parse("$.a[").is_err());
        assert!(Path::parse_reference("$..a").is_err());
    }

    #[test]
    fn variable_paths_read_variables() {
        let mut vars = serde_json::Map::new();
        vars.insert("order".into(), json!({"items": [{"sku": "a"}]}));
        let c = Ctx::new(
            std::sync::Arc::new(json!({})),
            "S",
            String::new(),
            std::sync::Arc::new(vars),
        );
        let p = Path::parse("$order.items[0].sku").unwrap();
        assert_eq!(p.variable.as_deref(), Some("order"));
        assert_eq!(p.read(&json!({}), &c), Some(json!("a")));
        assert_eq!(Path::parse("$missing").unwrap().read(&json!({}), &c), None);
    }
}
