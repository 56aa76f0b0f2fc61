//! The syntax tree: closed enums for template nodes and expressions.
//!
//! Every node that can fail at render time carries `pos`, a char offset into the template
//! source, which the renderer turns into a line and column for the error.

use std::sync::Arc;

/// A template node.
#[derive(Debug, Clone)]
pub enum Node {
    /// Literal text, output as is.
    Text(String),
    /// `$a.b`, `$!{a}`: output the value, or the reference's own text when it is null.
    Ref(Reference),
    /// `\$a`: the reference's text when it is defined, the backslash kept when it is not.
    EscapedRef {
        /// How many backslashes precede the `$`.
        backslashes: usize,
        /// The escaped reference.
        reference: Reference,
    },
    /// `#set($target = value)`.
    Set {
        /// The left side: a variable, property or index.
        target: Reference,
        /// The right side.
        value: Expr,
        /// Source offset.
        pos: usize,
    },
    /// `#if` / `#elseif` / `#else`.
    If {
        /// Each condition with its block, in order.
        branches: Vec<(Expr, Vec<Node>)>,
        /// The `#else` block.
        otherwise: Option<Vec<Node>>,
    },
    /// `#foreach($var in iterable)`.
    Foreach {
        /// The loop variable's name (without `$`).
        var: String,
        /// What is iterated.
        iterable: Expr,
        /// The loop body.
        body: Vec<Node>,
        /// Source offset.
        pos: usize,
    },
    /// `#break`: leaves the innermost `#foreach`.
    Break,
    /// `#stop`: ends rendering, keeping the output so far.
    Stop,
    /// `#define($name) ... #end`.
    Define {
        /// The variable the block is bound to.
        name: String,
        /// The block, rendered each time `$name` is output.
        body: Arc<Vec<Node>>,
    },
    /// `#name(args)`: a call of a macro defined in the template.
    MacroCall {
        /// The macro's name.
        name: String,
        /// The arguments.
        args: Vec<Expr>,
        /// Source offset.
        pos: usize,
    },
}

/// A `#macro` definition.
#[derive(Debug, Clone)]
pub struct MacroDef {
    /// Parameter names, without `$`.
    pub params: Vec<String>,
    /// The body.
    pub body: Arc<Vec<Node>>,
}

/// A reference: `$name` followed by properties, method calls and indexes.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The root variable's name.
    pub name: String,
    /// `$!`: render nothing when null.
    pub quiet: bool,
    /// The accessors after the root, in order.
    pub parts: Vec<Accessor>,
    /// The reference exactly as written, output when the value is null.
    pub literal: String,
    /// Source offset.
    pub pos: usize,
}

/// One step after a reference's root.
#[derive(Debug, Clone)]
pub enum Accessor {
    /// `.name`.
    Property(String),
    /// `.name(args)`.
    Method(String, Vec<Expr>),
    /// `[expr]`.
    Index(Expr),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `||`, `or`.
    Or,
    /// `&&`, `and`.
    And,
    /// `==`, `eq`.
    Eq,
    /// `!=`, `ne`.
    Ne,
    /// `<`, `lt`.
    Lt,
    /// `<=`, `le`.
    Le,
    /// `>`, `gt`.
    Gt,
    /// `>=`, `ge`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
}

/// An expression, inside directive parentheses, method arguments or literals.
#[derive(Debug, Clone)]
pub enum Expr {
    /// `null` (not in Velocity 1.7's grammar, accepted for convenience).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A decimal literal.
    Double(f64),
    /// A single-quoted (or interpolation-free) string.
    Str(String),
    /// A double-quoted string with references or directives inside.
    Interp(Vec<Node>),
    /// A reference.
    Ref(Reference),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{k: v}`.
    Map(Vec<(Expr, Expr)>),
    /// `[a..b]`.
    Range(Box<Expr>, Box<Expr>, usize),
    /// `!e`, `not e`.
    Not(Box<Expr>),
    /// `-e`.
    Neg(Box<Expr>, usize),
    /// A binary operation, with the operator's source offset.
    Binary(BinOp, Box<Expr>, Box<Expr>, usize),
}
