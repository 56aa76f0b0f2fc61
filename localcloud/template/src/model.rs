//! The load pipeline and its result, [`Model`]:
//!
//! 1. read the file (tags to long forms), expand `AWS::Include`;
//! 2. check the top-level sections and the `Transform`;
//! 3. resolve parameters (defaults, overrides, constraints), evaluate conditions;
//! 4. merge SAM `Globals`, drop resources whose `Condition` is false;
//! 5. resolve each resource's properties and type it (or list it as not emulated);
//! 6. resolve `Outputs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{malformed, Result, TemplateError};
use crate::intrinsic::{Resolver, ResourceDecl};
use crate::parameters::ParameterValue;
use crate::physical::{CloudFormationNames, PhysicalIds};
use crate::resource::api::Api;
use crate::resource::function::Function;
use crate::resource::state_machine::StateMachine;
use crate::resource::table::Table;
use crate::resource::{self, BuildCtx, NotEmulated, Resource};
use crate::stack::StackContext;

/// The SAM transform, the only top-level transform supported.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

const TOP_LEVEL: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Mappings",
    "Conditions",
    "Transform",
    "Globals",
    "Resources",
    "Outputs",
];

const RESOURCE_ATTRIBUTES: &[&str] = &[
    "Type",
    "Properties",
    "Condition",
    "DependsOn",
    "Metadata",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "UpdatePolicy",
    "CreationPolicy",
    "Connectors",
    "IgnoreGlobals",
];

/// How to load a template.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The stack (name, region, account) the pseudo parameters come from.
    pub stack: StackContext,
    /// Parameter overrides, e.g. from [`crate::parse_overrides`].
    pub parameter_overrides: Vec<(String, String)>,
}

/// A loaded, resolved and typed template.
#[derive(Debug, Clone)]
pub struct Model {
    /// The template file.
    pub path: PathBuf,
    /// `Description`.
    pub description: Option<String>,
    /// The stack it was resolved for.
    pub stack: StackContext,
    /// Every parameter's value.
    pub parameters: BTreeMap<String, ParameterValue>,
    /// Every condition's value.
    pub conditions: BTreeMap<String, bool>,
    /// Emulated resources, by logical id order.
    pub resources: Vec<Resource>,
    /// Resources with no local meaning.
    pub not_emulated: Vec<NotEmulated>,
    /// `Outputs`' values, resolved (outputs whose condition is false are absent).
    pub outputs: BTreeMap<String, Value>,
}

impl Model {
    /// Loads `path` with CloudFormation-style names ([`CloudFormationNames`]).
    pub fn load(path: &Path, options: &LoadOptions) -> Result<Self> {
        Self::load_with(path, options, &CloudFormationNames)
    }

    /// Loads `path`, asking `physical` for what `Ref`/`Fn::GetAtt` give for resources.
    pub fn load_with(
        path: &Path,
        options: &LoadOptions,
        physical: &dyn PhysicalIds,
    ) -> Result<Self> {
        let doc = crate::yaml::read_file(path)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::from_value(doc, path, &dir, options, physical)
    }

    /// Loads template text; relative paths are resolved from `dir`.
    pub fn from_str(text: &str, dir: &Path, options: &LoadOptions) -> Result<Self> {
        let path = dir.join("template.yaml");
        let doc = crate::yaml::parse_str(text, &path)?;
        Self::from_value(doc, &path, dir, options, &CloudFormationNames)
    }

    fn from_value(
        doc: Value,
        path: &Path,
        dir: &Path,
        options: &LoadOptions,
        physical: &dyn PhysicalIds,
    ) -> Result<Self> {
        let doc = crate::include::expand(doc, dir, "Template", 0)?;
        let Value::Object(mut doc) = doc else {
            return Err(malformed("Template", "must be a mapping"));
        };
        if let Some(key) = doc.keys().find(|k| !TOP_LEVEL.contains(&k.as_str())) {
            return Err(TemplateError::UnsupportedProperty { path: key.clone() });
        }
        let sam = check_transform(doc.get("Transform"))?;
        let stack = &options.stack;
        let parameters =
            crate::parameters::resolve(doc.get("Parameters"), &options.parameter_overrides)?;
        let no_conditions = BTreeMap::new();
        let no_resources = BTreeMap::new();
        let mappings = doc.get("Mappings").cloned();
        let conditions = {
            let r = Resolver::new(
                stack,
                &parameters,
                &no_conditions,
                mappings.as_ref(),
                &no_resources,
                physical,
            );
            crate::conditions::evaluate(doc.get("Conditions"), &r)?
        };
        let mut raw = match doc.remove("Resources") {
            Some(Value::Object(m)) if !m.is_empty() => m,
            _ => return Err(malformed("Resources", "must be a non-empty mapping")),
        };
        match (doc.get("Globals"), sam) {
            (Some(g), true) => crate::globals::apply(g, &mut raw)?,
            (Some(_), false) => {
                return Err(malformed(
                    "Globals",
                    format!("needs `Transform: {SAM_TRANSFORM}`"),
                ))
            }
            (None, _) => {}
        }
        let raw = keep_by_condition(raw, &conditions)?;
        let decls = declarations(
            &raw,
            stack,
            &parameters,
            &conditions,
            mappings.as_ref(),
            physical,
        )?;
        let r = Resolver::new(
            stack,
            &parameters,
            &conditions,
            mappings.as_ref(),
            &decls,
            physical,
        );
        let mut resources = Vec::new();
        let mut not_emulated = Vec::new();
        for (id, body) in &raw {
            let ty = decls
                .get(id)
                .map(|d| d.resource_type.clone())
                .unwrap_or_default();
            let kind =
                resource::classify(&ty).ok_or_else(|| TemplateError::UnknownResourceType {
                    logical_id: id.clone(),
                    resource_type: ty.clone(),
                })?;
            check_depends_on(id, body, &raw)?;
            let props = match body.get("Properties") {
                Some(p) => r.resolve(p, &format!("Resources.{id}.Properties"))?,
                None => None,
            };
            let metadata = match body.get("Metadata") {
                Some(m) => r.resolve(m, &format!("Resources.{id}.Metadata"))?,
                None => None,
            };
            let ctx = BuildCtx {
                logical_id: id,
                resolver: &r,
                dir,
                metadata: metadata.as_ref(),
            };
            match resource::build(kind, &ctx, props.as_ref())? {
                Some(res) => resources.push(res),
                None => {
                    if let resource::Kind::NotEmulated(reason) = kind {
                        not_emulated.push(NotEmulated {
                            logical_id: id.clone(),
                            resource_type: ty,
                            reason,
                        });
                    }
                }
            }
        }
        let outputs = outputs(doc.get("Outputs"), &r, &conditions)?;
        Ok(Model {
            path: path.to_path_buf(),
            description: doc
                .get("Description")
                .and_then(Value::as_str)
                .map(str::to_string),
            stack: stack.clone(),
            parameters,
            conditions,
            resources,
            not_emulated,
            outputs,
        })
    }

    /// The resource with logical id `id`.
    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.logical_id() == id)
    }

    /// Every function.
    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        self.resources.iter().filter_map(|r| match r {
            Resource::Function(f) => Some(f),
            _ => None,
        })
    }

    /// Every state machine.
    pub fn state_machines(&self) -> impl Iterator<Item = &StateMachine> {
        self.resources.iter().filter_map(|r| match r {
            Resource::StateMachine(s) => Some(s),
            _ => None,
        })
    }

    /// Every REST API.
    pub fn apis(&self) -> impl Iterator<Item = &Api> {
        self.resources.iter().filter_map(|r| match r {
            Resource::Api(a) => Some(a),
            _ => None,
        })
    }

    /// Every table.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.resources.iter().filter_map(|r| match r {
            Resource::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// `true` when the SAM transform is declared; any other transform is an error.
fn check_transform(t: Option<&Value>) -> Result<bool> {
    let names: Vec<&Value> = match t {
        None => return Ok(false),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
    };
    let mut sam = false;
    for n in names {
        match n.as_str() {
            Some(SAM_TRANSFORM) => sam = true,
            Some(other) => {
                return Err(TemplateError::UnsupportedTransform {
                    at: "Transform".into(),
                    name: other.to_string(),
                })
            }
            None => return Err(malformed("Transform", "must be a name or a list of names")),
        }
    }
    Ok(sam)
}

fn keep_by_condition(
    raw: Map<String, Value>,
    conditions: &BTreeMap<String, bool>,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for (id, body) in raw {
        let at = format!("Resources.{id}");
        let obj = body
            .as_object()
            .ok_or_else(|| malformed(&at, "must be a mapping"))?;
        if let Some(key) = obj
            .keys()
            .find(|k| !RESOURCE_ATTRIBUTES.contains(&k.as_str()))
        {
            return Err(TemplateError::UnsupportedProperty {
                path: format!("{at}.{key}"),
            });
        }
        if let Some(c) = obj.get("Condition") {
            let name = c
                .as_str()
                .ok_or_else(|| malformed(&format!("{at}.Condition"), "must be a condition name"))?;
            let keep = conditions
                .get(name)
                .ok_or_else(|| TemplateError::UnknownCondition {
                    at: format!("{at}.Condition"),
                    name: name.to_string(),
                })?;
            if !keep {
                continue;
            }
        }
        out.insert(id, body);
    }
    Ok(out)
}

fn check_depends_on(id: &str, body: &Value, raw: &Map<String, Value>) -> Result<()> {
    let deps: Vec<&Value> = match body.get("DependsOn") {
        None => return Ok(()),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
    };
    for d in deps {
        let name = d.as_str().unwrap_or_default();
        if !raw.contains_key(name) {
            return Err(TemplateError::UnresolvedRef {
                at: format!("Resources.{id}.DependsOn"),
                name: name.to_string(),
            });
        }
    }
    Ok(())
}

/// Declared resources plus the ones SAM generates that templates may reference
/// (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html>):
/// `<Function>Role`, `<Function>Alias<Alias>`, `<StateMachine>Role`, `<Api><Stage>Stage`.
fn declarations(
    raw: &Map<String, Value>,
    stack: &StackContext,
    params: &BTreeMap<String, ParameterValue>,
    conditions: &BTreeMap<String, bool>,
    mappings: Option<&Value>,
    physical: &dyn PhysicalIds,
) -> Result<BTreeMap<String, ResourceDecl>> {
    let mut decls = BTreeMap::new();
    let decl = |ty: &str| ResourceDecl {
        resource_type: ty.to_string(),
        properties: Value::Null,
        alias_of: None,
    };
    let empty = BTreeMap::new();
    let r = Resolver::new(stack, params, conditions, mappings, &empty, physical);
    for (id, body) in raw {
        let ty = body
            .get("Type")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(&format!("Resources.{id}.Type"), "is required"))?;
        let props = body.get("Properties").cloned().unwrap_or(Value::Null);
        let has = |k: &str| props.get(k).is_some();
        match ty {
            "AWS::Serverless::Function" => {
                if !has("Role") {
                    decls.insert(format!("{id}Role"), decl("AWS::IAM::Role"));
                }
                if let Some(a) = props.get("AutoPublishAlias") {
                    let alias = r.resolve_string(
                        a,
                        &format!("Resources.{id}.Properties.AutoPublishAlias"),
                    )?;
                    decls.insert(
                        format!("{id}Alias{alias}"),
                        ResourceDecl {
                            resource_type: "AWS::Lambda::Alias".into(),
                            properties: Value::Null,
                            alias_of: Some((id.clone(), alias)),
                        },
                    );
                }
            }
            "AWS::Serverless::StateMachine" if !has("Role") => {
                decls.insert(format!("{id}Role"), decl("AWS::IAM::Role"));
            }
            "AWS::Serverless::Api" => {
                if let Some(Value::String(stage)) = props.get("StageName") {
                    decls.insert(format!("{id}{stage}Stage"), decl("AWS::ApiGateway::Stage"));
                }
            }
            _ => {}
        }
        decls.insert(
            id.clone(),
            ResourceDecl {
                resource_type: ty.to_string(),
                properties: props,
                alias_of: None,
            },
        );
    }
    Ok(decls)
}

fn outputs(
    section: Option<&Value>,
    r: &Resolver<'_>,
    conditions: &BTreeMap<String, bool>,
) -> Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    let Some(Value::Object(section)) = section else {
        return Ok(out);
    };
    for (name, body) in section {
        let at = format!("Outputs.{name}");
        if let Some(c) = body.get("Condition").and_then(Value::as_str) {
            let keep = conditions
                .get(c)
                .ok_or_else(|| TemplateError::UnknownCondition {
                    at: format!("{at}.Condition"),
                    name: c.to_string(),
                })?;
            if !keep {
                continue;
            }
        }
        let value = body
            .get("Value")
            .ok_or_else(|| malformed(&at, "Value is required"))?;
        out.insert(
            name.clone(),
            r.resolve_value(value, &format!("{at}.Value"))?,
        );
    }
    Ok(out)
}
