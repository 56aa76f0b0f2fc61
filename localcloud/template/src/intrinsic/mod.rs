//! Intrinsic-function resolution: walks a template value and replaces every `Ref`/`Fn::*` with
//! its value. `None` from `Resolver::resolve` means `AWS::NoValue`: the enclosing key or list
//! element is removed, as CloudFormation does.
//!
//! Reference: <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>.
//! One file per function; this file holds the walker and the dispatch enum.

mod base64;
mod find_in_map;
mod fn_if;
mod get_att;
mod get_azs;
mod join;
mod reference;
mod select;
mod split;
pub mod sub;

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{malformed, Result, TemplateError};
use crate::parameters::ParameterValue;
use crate::physical::PhysicalIds;
use crate::stack::StackContext;

/// A resource as the resolver needs it: its type and raw (unresolved) properties.
#[derive(Debug, Clone)]
pub(crate) struct ResourceDecl {
    pub resource_type: String,
    pub properties: Value,
    /// SAM's `<Function>.Alias` / `<Function>Alias<Name>`: the function's logical id and alias.
    pub alias_of: Option<(String, String)>,
}

/// The intrinsic functions, by their long-form key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intrinsic {
    Ref,
    GetAtt,
    Sub,
    Join,
    If,
    Select,
    Split,
    FindInMap,
    GetAzs,
    Base64,
    /// `Fn::Equals`/`And`/`Or`/`Not`: valid only in `Conditions` (and `Fn::If`'s condition name).
    ConditionOnly,
    /// Real CloudFormation functions with no local meaning (`Fn::ImportValue`, `Fn::Cidr`...).
    Unsupported,
}

impl Intrinsic {
    fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "Ref" => Self::Ref,
            "Fn::GetAtt" => Self::GetAtt,
            "Fn::Sub" => Self::Sub,
            "Fn::Join" => Self::Join,
            "Fn::If" => Self::If,
            "Fn::Select" => Self::Select,
            "Fn::Split" => Self::Split,
            "Fn::FindInMap" => Self::FindInMap,
            "Fn::GetAZs" => Self::GetAzs,
            "Fn::Base64" => Self::Base64,
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => Self::ConditionOnly,
            k if k.starts_with("Fn::") => Self::Unsupported,
            _ => return None,
        })
    }
}

/// The single key of a one-key object that names an intrinsic function.
pub(crate) fn as_intrinsic(v: &Value) -> Option<(&str, &Value)> {
    let map = v.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (k, arg) = map.iter().next()?;
    Intrinsic::from_key(k).map(|_| (k.as_str(), arg))
}

/// Resolves values against one stack, its parameters, conditions, mappings and resources.
pub(crate) struct Resolver<'a> {
    pub stack: &'a StackContext,
    pub params: &'a BTreeMap<String, ParameterValue>,
    pub conditions: &'a BTreeMap<String, bool>,
    pub mappings: Option<&'a Value>,
    pub resources: &'a BTreeMap<String, ResourceDecl>,
    pub physical: &'a dyn PhysicalIds,
    names: RefCell<BTreeMap<String, Option<String>>>,
    in_progress: RefCell<Vec<String>>,
}

impl<'a> Resolver<'a> {
    pub fn new(
        stack: &'a StackContext,
        params: &'a BTreeMap<String, ParameterValue>,
        conditions: &'a BTreeMap<String, bool>,
        mappings: Option<&'a Value>,
        resources: &'a BTreeMap<String, ResourceDecl>,
        physical: &'a dyn PhysicalIds,
    ) -> Self {
        Self {
            stack,
            params,
            conditions,
            mappings,
            resources,
            physical,
            names: RefCell::new(BTreeMap::new()),
            in_progress: RefCell::new(Vec::new()),
        }
    }

    /// Resolves every intrinsic in `v`; `at` is its dotted path, for errors.
    pub fn resolve(&self, v: &Value, at: &str) -> Result<Option<Value>> {
        if let Some((key, arg)) = as_intrinsic(v) {
            return self.call(key, arg, &format!("{at}.{key}"));
        }
        Ok(Some(match v {
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    if let Some(r) = self.resolve(v, &format!("{at}.{k}"))? {
                        out.insert(k.clone(), r);
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if let Some(r) = self.resolve(item, &format!("{at}[{i}]"))? {
                        out.push(r);
                    }
                }
                Value::Array(out)
            }
            other => other.clone(),
        }))
    }

    /// Resolves `v` and requires a value (not `AWS::NoValue`).
    pub fn resolve_value(&self, v: &Value, at: &str) -> Result<Value> {
        self.resolve(v, at)?
            .ok_or_else(|| malformed(at, "AWS::NoValue is not allowed here"))
    }

    /// Resolves `v` to a string; numbers and booleans are converted as CloudFormation does.
    pub fn resolve_string(&self, v: &Value, at: &str) -> Result<String> {
        match self.resolve_value(v, at)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(malformed(at, format!("expected a string, found {other}"))),
        }
    }

    /// Resolves `v` to a list (a literal list, or an intrinsic returning one).
    pub fn resolve_list(&self, v: &Value, at: &str) -> Result<Vec<Value>> {
        match self.resolve_value(v, at)? {
            Value::Array(items) => Ok(items),
            other => Err(malformed(at, format!("expected a list, found {other}"))),
        }
    }

    fn call(&self, key: &str, arg: &Value, at: &str) -> Result<Option<Value>> {
        let Some(f) = Intrinsic::from_key(key) else {
            return Err(malformed(at, "not an intrinsic function"));
        };
        match f {
            Intrinsic::Ref => reference::resolve(self, arg, at),
            Intrinsic::GetAtt => get_att::resolve(self, arg, at).map(Some),
            Intrinsic::Sub => sub::resolve(self, arg, at).map(|s| Some(Value::String(s))),
            Intrinsic::Join => join::resolve(self, arg, at).map(|s| Some(Value::String(s))),
            Intrinsic::If => fn_if::resolve(self, arg, at),
            Intrinsic::Select => select::resolve(self, arg, at).map(Some),
            Intrinsic::Split => split::resolve(self, arg, at).map(Some),
            Intrinsic::FindInMap => find_in_map::resolve(self, arg, at).map(Some),
            Intrinsic::GetAzs => get_azs::resolve(self, arg, at).map(Some),
            Intrinsic::Base64 => base64::resolve(self, arg, at).map(|s| Some(Value::String(s))),
            Intrinsic::ConditionOnly => Err(malformed(
                at,
                format!("`{key}` is only allowed in the Conditions section"),
            )),
            Intrinsic::Unsupported if key == "Fn::Transform" => {
                Err(TemplateError::UnsupportedTransform {
                    at: at.to_string(),
                    name: arg
                        .get("Name")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_string(),
                })
            }
            Intrinsic::Unsupported => Err(TemplateError::UnsupportedIntrinsic {
                at: at.to_string(),
                name: key.to_string(),
            }),
        }
    }

    /// The resolved explicit-name property of resource `id` (memoised, cycle-checked).
    pub(crate) fn resource_name(&self, id: &str, at: &str) -> Result<Option<String>> {
        if let Some(n) = self.names.borrow().get(id) {
            return Ok(n.clone());
        }
        let decl = self.decl(id, at)?;
        let Some(prop) = crate::physical::name_property(&decl.resource_type) else {
            return Ok(None);
        };
        let Some(raw) = decl.properties.get(prop) else {
            self.names.borrow_mut().insert(id.to_string(), None);
            return Ok(None);
        };
        if self.in_progress.borrow().iter().any(|x| x == id) {
            let mut chain = self.in_progress.borrow().clone();
            chain.push(id.to_string());
            return Err(TemplateError::Cycle {
                at: at.to_string(),
                chain: chain.join(" -> "),
            });
        }
        self.in_progress.borrow_mut().push(id.to_string());
        let name = self.resolve_string(raw, &format!("Resources.{id}.Properties.{prop}"));
        self.in_progress.borrow_mut().pop();
        let name = name?;
        self.names
            .borrow_mut()
            .insert(id.to_string(), Some(name.clone()));
        Ok(Some(name))
    }

    pub(crate) fn decl(&self, id: &str, at: &str) -> Result<&'a ResourceDecl> {
        self.resources
            .get(id)
            .ok_or_else(|| TemplateError::UnresolvedRef {
                at: at.to_string(),
                name: id.to_string(),
            })
    }
}

/// What `Ref` gives for resource `id` (used when typing resources).
pub(crate) fn reference_of(r: &Resolver<'_>, id: &str) -> Result<String> {
    reference::resource_ref(r, id, &format!("Resources.{id}"))
}

/// What `Fn::GetAtt` gives for `attribute` of resource `id`.
pub(crate) fn attribute_of(r: &Resolver<'_>, id: &str, attribute: &str) -> Result<Value> {
    get_att::attribute(r, id, attribute, &format!("Resources.{id}"))
}

/// A resolver over a small YAML snippet, for the intrinsic unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::physical::CloudFormationNames;

    pub struct Fixture {
        pub stack: StackContext,
        pub params: BTreeMap<String, ParameterValue>,
        pub conditions: BTreeMap<String, bool>,
        pub mappings: Value,
        pub resources: BTreeMap<String, ResourceDecl>,
    }

    impl Fixture {
        pub fn new() -> Self {
            let mut params = BTreeMap::new();
            params.insert("Stage".to_string(), ParameterValue::String("dev".into()));
            params.insert(
                "Zones".to_string(),
                ParameterValue::List(vec!["a".into(), "b".into()]),
            );
            let mut conditions = BTreeMap::new();
            conditions.insert("IsDev".to_string(), true);
            conditions.insert("IsProd".to_string(), false);
            let mut resources = BTreeMap::new();
            let decl = |ty: &str, props: Value| ResourceDecl {
                resource_type: ty.to_string(),
                properties: props,
                alias_of: None,
            };
            resources.insert(
                "OrdersTable".to_string(),
                decl(
                    "AWS::DynamoDB::Table",
                    serde_json::json!({"TableName": {"Fn::Sub": "${AWS::StackName}-orders"}}),
                ),
            );
            resources.insert(
                "Fn".to_string(),
                decl("AWS::Serverless::Function", serde_json::json!({})),
            );
            resources.insert(
                "FnAliaslive".to_string(),
                ResourceDecl {
                    resource_type: "AWS::Lambda::Alias".into(),
                    properties: Value::Null,
                    alias_of: Some(("Fn".into(), "live".into())),
                },
            );
            Self {
                stack: StackContext::new("app", "us-east-1"),
                params,
                conditions,
                mappings: serde_json::json!({"Sizes": {"dev": {"Memory": 128}}}),
                resources,
            }
        }

        pub fn eval(&self, yaml: &str) -> Result<Option<Value>> {
            let v = crate::yaml::parse_str(yaml, std::path::Path::new("t.yaml"))?;
            let r = Resolver::new(
                &self.stack,
                &self.params,
                &self.conditions,
                Some(&self.mappings),
                &self.resources,
                &CloudFormationNames,
            );
            r.resolve(&v, "X")
        }

        pub fn ok(&self, yaml: &str) -> Value {
            self.eval(yaml).expect("resolves").expect("has a value")
        }
    }
}
