//! The one error type of the crate: one variant per way a template can fail to load.
//!
//! Every variant names where the problem is: a file, a parameter, or a dotted path inside the
//! template such as `Resources.OrdersTable.Properties.ContributorInsightsSpecification`.

use std::path::PathBuf;

/// Why a template could not be loaded, resolved or typed.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template or an included file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid YAML or JSON.
    #[error("{path}: not valid YAML/JSON: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A YAML tag that is not a CloudFormation short-form intrinsic (`!Ref`, `!Sub`...).
    #[error("{path}: unknown YAML tag `{tag}` (not a CloudFormation intrinsic function)")]
    UnknownTag {
        /// The file.
        path: PathBuf,
        /// The tag, with its `!`.
        tag: String,
    },
    /// A section, intrinsic or value does not have the shape CloudFormation requires.
    #[error("{at}: {message}")]
    Malformed {
        /// Dotted path in the template.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// An intrinsic function the local cloud does not implement.
    #[error("{at}: intrinsic function `{name}` is not supported locally")]
    UnsupportedIntrinsic {
        /// Dotted path in the template.
        at: String,
        /// The function name, e.g. `Fn::ImportValue`.
        name: String,
    },
    /// A `Transform` (top level or `Fn::Transform`) other than the SAM transform and `AWS::Include`.
    #[error("{at}: transform `{name}` is not supported locally")]
    UnsupportedTransform {
        /// Dotted path in the template.
        at: String,
        /// The transform name.
        name: String,
    },
    /// `AWS::Include` whose `Location` is not a readable local file.
    #[error("{at}: AWS::Include of `{location}`: {message}")]
    Include {
        /// Dotted path of the `Fn::Transform`.
        at: String,
        /// The `Location` as written.
        location: String,
        /// What went wrong.
        message: String,
    },
    /// A parameter override names a parameter the template does not declare.
    #[error(
        "unknown parameter `{name}` in parameter overrides (the template declares: {declared})"
    )]
    UnknownParameter {
        /// The name given.
        name: String,
        /// The declared names, comma separated.
        declared: String,
    },
    /// A parameter value is not one of its `AllowedValues`.
    #[error("parameter `{name}`: value `{value}` is not one of the AllowedValues [{allowed}]")]
    DisallowedValue {
        /// The parameter.
        name: String,
        /// The value given.
        value: String,
        /// The allowed values, comma separated.
        allowed: String,
    },
    /// A parameter value breaks its type or a constraint (`AllowedPattern`, `MinValue`...).
    #[error("parameter `{name}`: {message}")]
    InvalidParameterValue {
        /// The parameter.
        name: String,
        /// Which constraint failed.
        message: String,
    },
    /// A parameter has neither a `Default` nor an override.
    #[error("parameter `{name}` has no Default and no value in the parameter overrides")]
    MissingParameter {
        /// The parameter.
        name: String,
    },
    /// A parameter `Type` the local cloud cannot supply (SSM parameter types).
    #[error("parameter `{name}`: type `{ty}` is not supported locally")]
    UnsupportedParameterType {
        /// The parameter.
        name: String,
        /// Its declared type.
        ty: String,
    },
    /// The `--parameter-overrides` string could not be parsed.
    #[error("parameter overrides `{input}`: {message}")]
    BadOverrides {
        /// The text given.
        input: String,
        /// What is wrong.
        message: String,
    },
    /// `Ref` or `${Name}` that is neither a parameter, a pseudo parameter nor a resource.
    #[error("{at}: unresolved reference `{name}` (not a parameter, pseudo parameter or resource)")]
    UnresolvedRef {
        /// Dotted path in the template.
        at: String,
        /// The name referenced.
        name: String,
    },
    /// `Fn::GetAtt` of an attribute the resource type does not have (or the local cloud cannot give).
    #[error(
        "{at}: resource `{logical_id}` ({resource_type}) has no attribute `{attribute}` locally"
    )]
    UnknownAttribute {
        /// Dotted path in the template.
        at: String,
        /// The resource.
        logical_id: String,
        /// Its type.
        resource_type: String,
        /// The attribute asked for.
        attribute: String,
    },
    /// A condition name that the `Conditions` section does not declare.
    #[error("{at}: unknown condition `{name}`")]
    UnknownCondition {
        /// Dotted path in the template.
        at: String,
        /// The name referenced.
        name: String,
    },
    /// Conditions or resource names that depend on themselves.
    #[error("{at}: circular dependency: {chain}")]
    Cycle {
        /// Dotted path in the template.
        at: String,
        /// The chain of names, ` -> ` separated.
        chain: String,
    },
    /// A resource type that the local cloud neither emulates nor knows to be irrelevant locally.
    #[error("Resources.{logical_id}.Type: resource type `{resource_type}` is not known to the local cloud")]
    UnknownResourceType {
        /// The resource.
        logical_id: String,
        /// Its type.
        resource_type: String,
    },
    /// A property that would change behaviour and that the local model does not understand.
    #[error(
        "{path}: property not supported locally (it would change behaviour, so it is not ignored)"
    )]
    UnsupportedProperty {
        /// Dotted path of the property.
        path: String,
    },
    /// A property with a value the local model cannot use (wrong type, bad enum value, missing).
    #[error("{path}: {message}")]
    InvalidProperty {
        /// Dotted path of the property.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// The crate's result type.
pub type Result<T, E = TemplateError> = std::result::Result<T, E>;

/// Shorthand for [`TemplateError::Malformed`].
pub(crate) fn malformed(at: &str, message: impl Into<String>) -> TemplateError {
    TemplateError::Malformed {
        at: at.to_string(),
        message: message.into(),
    }
}
