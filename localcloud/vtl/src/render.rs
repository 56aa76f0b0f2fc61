//! The renderer: walks the tree against a `Context` and writes the output.

use std::collections::HashMap;
use std::sync::Arc;

use crate::arith;
use crate::ast::{Accessor, BinOp, Expr, MacroDef, Node, Reference};
use crate::error::{Positions, VtlError};
use crate::methods;
use crate::value::{Map, Value};

/// Velocity's default `velocimacro.max.depth`.
const MAX_MACRO_DEPTH: usize = 20;
/// Largest `[a..b]` range materialised, so a template cannot exhaust memory.
const MAX_RANGE: i64 = 1_000_000;
/// Largest output, for the same reason.
const MAX_OUTPUT: usize = 64 * 1024 * 1024;

/// The variables a template sees, and how null references render.
#[derive(Default)]
pub struct Context {
    vars: HashMap<String, Value>,
    /// API Gateway renders a null reference as nothing; plain Velocity renders its source
    /// text (`$foo` stays `$foo`). `false` is plain Velocity.
    pub null_as_empty: bool,
}

impl Context {
    /// An empty context with plain Velocity behaviour.
    pub fn new() -> Context {
        Context::default()
    }

    /// Binds `$name`.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        self.vars.insert(name.into(), value);
    }

    /// Reads `$name` (after rendering, this sees the template's `#set`s).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }
}

/// Control flow out of a block.
#[derive(PartialEq)]
enum Flow {
    Normal,
    Break,
    Stop,
}

pub(crate) struct Renderer<'t, 'c> {
    pub(crate) name: &'t str,
    pub(crate) positions: &'t Positions,
    pub(crate) macros: &'t HashMap<String, Arc<MacroDef>>,
    pub(crate) ctx: &'c mut Context,
    pub(crate) out: String,
    macro_depth: usize,
}

impl<'t, 'c> Renderer<'t, 'c> {
    pub(crate) fn new(
        name: &'t str,
        positions: &'t Positions,
        macros: &'t HashMap<String, Arc<MacroDef>>,
        ctx: &'c mut Context,
    ) -> Self {
        Renderer {
            name,
            positions,
            macros,
            ctx,
            out: String::new(),
            macro_depth: 0,
        }
    }

    fn error(&self, pos: usize, message: impl Into<String>) -> VtlError {
        let (line, column) = self.positions.locate(pos);
        VtlError::Render {
            template: self.name.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub(crate) fn render_top(&mut self, nodes: &[Node]) -> Result<(), VtlError> {
        self.render(nodes).map(|_| ())
    }

    fn render(&mut self, nodes: &[Node]) -> Result<Flow, VtlError> {
        for node in nodes {
            let flow = self.node(node)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
            if self.out.len() > MAX_OUTPUT {
                return Err(self.error(0, "output exceeds 64 MiB"));
            }
        }
        Ok(Flow::Normal)
    }

    fn node(&mut self, node: &Node) -> Result<Flow, VtlError> {
        match node {
            Node::Text(t) => self.out.push_str(t),
            Node::Ref(r) => {
                let v = self.reference(r)?;
                return self.output(&v, r);
            }
            Node::EscapedRef {
                backslashes,
                reference,
            } => {
                let v = self.reference(reference)?;
                if v.is_null() {
                    self.out.push_str(&"\\".repeat(*backslashes));
                    self.out.push_str(&reference.literal);
                } else {
                    self.out.push_str(&"\\".repeat(backslashes / 2));
                    if backslashes % 2 == 1 {
                        self.out.push_str(&reference.literal);
                    } else {
                        return self.output(&v, reference);
                    }
                }
            }
            Node::Set { target, value, pos } => {
                let v = self.eval(value)?;
                // Velocity 1.7: a null right-hand side leaves the target unchanged.
                if !v.is_null() {
                    self.assign(target, v, *pos)?;
                }
            }
            Node::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    if self.eval(cond)?.truthy() {
                        return self.render(body);
                    }
                }
                if let Some(body) = otherwise {
                    return self.render(body);
                }
            }
            Node::Foreach {
                var,
                iterable,
                body,
                pos,
            } => return self.foreach(var, iterable, body, *pos),
            Node::Break => return Ok(Flow::Break),
            Node::Stop => return Ok(Flow::Stop),
            Node::Define { name, body } => {
                self.ctx.insert(name.clone(), Value::Block(body.clone()));
            }
            Node::MacroCall { name, args, pos } => return self.call_macro(name, args, *pos),
        }
        Ok(Flow::Normal)
    }

    /// Writes a reference's value, its source text when null, or nothing when quiet.
    fn output(&mut self, v: &Value, r: &Reference) -> Result<Flow, VtlError> {
        match v {
            Value::Null => {
                if !r.quiet && !self.ctx.null_as_empty {
                    self.out.push_str(&r.literal);
                }
            }
            Value::Block(body) => {
                self.enter_macro(r.pos)?;
                let flow = self.render(body);
                self.macro_depth -= 1;
                if flow? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
            }
            other => self.out.push_str(&other.to_java_string()),
        }
        Ok(Flow::Normal)
    }

    fn enter_macro(&mut self, pos: usize) -> Result<(), VtlError> {
        self.macro_depth += 1;
        if self.macro_depth > MAX_MACRO_DEPTH {
            self.macro_depth -= 1;
            return Err(self.error(pos, "macro or #define nesting exceeds 20 levels"));
        }
        Ok(())
    }

    fn foreach(
        &mut self,
        var: &str,
        iterable: &Expr,
        body: &[Node],
        _pos: usize,
    ) -> Result<Flow, VtlError> {
        let items: Vec<Value> = match self.eval(iterable)? {
            Value::List(l) | Value::JsonArray(l) => l.borrow().clone(),
            Value::Map(m) => m.borrow().values().cloned().collect(),
            _ => Vec::new(),
        };
        let saved: Vec<(String, Option<Value>)> = [var, "foreach", "velocityCount"]
            .iter()
            .map(|k| (k.to_string(), self.ctx.vars.get(*k).cloned()))
            .collect();
        let parent = saved.get(1).and_then(|(_, v)| v.clone());
        let n = items.len();
        let mut flow = Flow::Normal;
        for (i, item) in items.into_iter().enumerate() {
            let mut state = Map::new();
            state.insert("index".into(), Value::Int(i as i64));
            state.insert("count".into(), Value::Int(i as i64 + 1));
            state.insert("hasNext".into(), Value::Bool(i + 1 < n));
            state.insert("first".into(), Value::Bool(i == 0));
            state.insert("last".into(), Value::Bool(i + 1 == n));
            if let Some(p) = &parent {
                state.insert("parent".into(), p.clone());
            }
            self.ctx.insert(var, item);
            self.ctx.insert("foreach", Value::map(state));
            self.ctx.insert("velocityCount", Value::Int(i as i64 + 1));
            match self.render(body)? {
                Flow::Normal => {}
                Flow::Break => break,
                Flow::Stop => {
                    flow = Flow::Stop;
                    break;
                }
            }
        }
        for (k, v) in saved {
            match v {
                Some(v) => self.ctx.insert(k, v),
                None => {
                    self.ctx.vars.remove(&k);
                }
            }
        }
        Ok(flow)
    }

    fn call_macro(&mut self, name: &str, args: &[Expr], pos: usize) -> Result<Flow, VtlError> {
        let Some(def) = self.macros.get(name).cloned() else {
            return Err(self.error(pos, format!("macro #{name} is not defined")));
        };
        let values = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<Vec<_>, _>>()?;
        let saved: Vec<(String, Option<Value>)> = def
            .params
            .iter()
            .map(|p| (p.clone(), self.ctx.vars.get(p).cloned()))
            .collect();
        for (i, p) in def.params.iter().enumerate() {
            match values.get(i) {
                Some(v) if !v.is_null() => self.ctx.insert(p.clone(), v.clone()),
                _ => {
                    self.ctx.vars.remove(p);
                }
            }
        }
        self.enter_macro(pos)?;
        let flow = self.render(&def.body);
        self.macro_depth -= 1;
        for (k, v) in saved {
            match v {
                Some(v) => self.ctx.insert(k, v),
                None => {
                    self.ctx.vars.remove(&k);
                }
            }
        }
        Ok(match flow? {
            Flow::Stop => Flow::Stop,
            _ => Flow::Normal,
        })
    }

    /// `#set`: a plain variable, or a map entry / list element through the reference.
    fn assign(&mut self, target: &Reference, v: Value, pos: usize) -> Result<(), VtlError> {
        let Some((last, init)) = target.parts.split_last() else {
            self.ctx.insert(target.name.clone(), v);
            return Ok(());
        };
        let base = self.walk(target, init)?;
        match (last, &base) {
            (Accessor::Property(p), Value::Map(m)) => {
                m.borrow_mut().insert(p.clone(), v);
            }
            (Accessor::Index(e), Value::Map(m)) => {
                let key = self.eval(e)?.to_java_string();
                m.borrow_mut().insert(key, v);
            }
            (Accessor::Index(e), Value::List(l) | Value::JsonArray(l)) => {
                let i = self.eval(e)?.as_i64();
                let mut l = l.borrow_mut();
                match i
                    .and_then(|i| usize::try_from(i).ok())
                    .filter(|i| *i < l.len())
                {
                    Some(i) => l[i] = v,
                    None => return Err(self.error(pos, "list index out of range in #set")),
                }
            }
            // Velocity logs and skips a #set through a null or read-only reference.
            _ => {}
        }
        Ok(())
    }

    /// Evaluates a reference; unresolved parts yield `Null`.
    pub(crate) fn reference(&mut self, r: &Reference) -> Result<Value, VtlError> {
        self.walk(r, &r.parts)
    }

    fn walk(&mut self, r: &Reference, parts: &[Accessor]) -> Result<Value, VtlError> {
        let mut v = self.ctx.vars.get(&r.name).cloned().unwrap_or(Value::Null);
        for part in parts {
            if v.is_null() {
                return Ok(Value::Null);
            }
            v = self.materialize(v, r.pos)?;
            v = match part {
                Accessor::Property(p) => methods::property(&v, p),
                Accessor::Method(m, args) => {
                    let args = args
                        .iter()
                        .map(|a| self.eval(a).and_then(|v| self.materialize(v, r.pos)))
                        .collect::<Result<Vec<_>, _>>()?;
                    match methods::call(&v, m, &args) {
                        Ok(Some(v)) => v,
                        Ok(None) => Value::Null,
                        Err(message) => {
                            return Err(
                                self.error(r.pos, format!("{}: {m} threw: {message}", r.literal))
                            )
                        }
                    }
                }
                Accessor::Index(e) => {
                    let key = self.eval(e)?;
                    methods::index(&v, &key)
                        .map_err(|message| self.error(r.pos, format!("{}: {message}", r.literal)))?
                }
            };
        }
        Ok(v)
    }

    /// A `#define` block used as a value becomes its rendered text.
    fn materialize(&mut self, v: Value, pos: usize) -> Result<Value, VtlError> {
        match v {
            Value::Block(body) => Ok(Value::String(self.render_to_string(&body, pos)?)),
            other => Ok(other),
        }
    }

    fn render_to_string(&mut self, nodes: &[Node], pos: usize) -> Result<String, VtlError> {
        self.enter_macro(pos)?;
        let saved = std::mem::take(&mut self.out);
        let flow = self.render(nodes);
        let text = std::mem::replace(&mut self.out, saved);
        self.macro_depth -= 1;
        flow.map(|_| text)
    }

    pub(crate) fn eval(&mut self, e: &Expr) -> Result<Value, VtlError> {
        Ok(match e {
            Expr::Null => Value::Null,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Double(d) => Value::Double(*d),
            Expr::Str(s) => Value::String(s.clone()),
            Expr::Interp(nodes) => Value::String(self.render_to_string(nodes, 0)?),
            Expr::Ref(r) => self.reference(r)?,
            Expr::List(items) => Value::list(
                items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Expr::Map(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    let k = self.eval(k)?.to_java_string();
                    let v = self.eval(v)?;
                    m.insert(k, v);
                }
                Value::map(m)
            }
            Expr::Range(a, b, pos) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                let (Some(a), Some(b)) = (range_bound(&a), range_bound(&b)) else {
                    return Ok(Value::Null);
                };
                if (a - b).abs() >= MAX_RANGE {
                    return Err(self.error(*pos, "range larger than 1,000,000 items"));
                }
                let items: Vec<Value> = if a <= b {
                    (a..=b).map(Value::Int).collect()
                } else {
                    (b..=a).rev().map(Value::Int).collect()
                };
                Value::list(items)
            }
            Expr::Not(e) => Value::Bool(!self.eval(e)?.truthy()),
            Expr::Neg(e, _) => match self.eval(e)? {
                Value::Int(i) => i
                    .checked_neg()
                    .map_or(Value::Double(-(i as f64)), Value::Int),
                Value::Double(d) => Value::Double(-d),
                _ => Value::Null,
            },
            Expr::Binary(op, l, r, _) => self.binary(*op, l, r)?,
        })
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr) -> Result<Value, VtlError> {
        Ok(match op {
            BinOp::And => Value::Bool(self.eval(l)?.truthy() && self.eval(r)?.truthy()),
            BinOp::Or => Value::Bool(self.eval(l)?.truthy() || self.eval(r)?.truthy()),
            _ => {
                let lv = self.eval(l)?;
                let lv = self.materialize(lv, 0)?;
                let rv = self.eval(r)?;
                let rv = self.materialize(rv, 0)?;
                match op {
                    BinOp::Eq => Value::Bool(arith::equals(&lv, &rv)),
                    BinOp::Ne => Value::Bool(!arith::equals(&lv, &rv)),
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        Value::Bool(arith::compare(op, &lv, &rv))
                    }
                    _ => arith::arithmetic(op, &lv, &rv),
                }
            }
        })
    }
}

fn range_bound(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
