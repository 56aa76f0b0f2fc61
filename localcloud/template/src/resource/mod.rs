//! Typed resources: the types the local cloud emulates, the types with no local meaning, and
//! the rule that anything else is an error.
//!
//! Each emulated type has its own file; its `build` reads the resolved `Properties` through a
//! `props::Props` so that an unknown property fails with its path.

pub mod api;
pub mod bucket;
pub mod cloudfront_function;
pub mod cognito;
pub mod event;
pub mod function;
pub(crate) mod props;
pub mod queue;
pub mod state_machine;
pub mod table;

use std::path::Path;

use serde_json::Value;

use crate::error::Result;
use crate::intrinsic::Resolver;
use props::Props;

/// An emulated resource, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// `AWS::Serverless::Function`.
    Function(function::Function),
    /// `AWS::Serverless::Api`.
    Api(api::Api),
    /// `AWS::Serverless::StateMachine`.
    StateMachine(state_machine::StateMachine),
    /// `AWS::DynamoDB::Table` and `AWS::Serverless::SimpleTable`.
    Table(table::Table),
    /// `AWS::S3::Bucket`.
    Bucket(bucket::Bucket),
    /// `AWS::Cognito::UserPool`.
    UserPool(cognito::UserPool),
    /// `AWS::Cognito::UserPoolClient`.
    UserPoolClient(cognito::UserPoolClient),
    /// `AWS::Cognito::UserPoolDomain`.
    UserPoolDomain(cognito::UserPoolDomain),
    /// `AWS::SQS::Queue`.
    Queue(queue::Queue),
    /// `AWS::CloudFront::Function`.
    CloudFrontFunction(cloudfront_function::CloudFrontFunction),
}

impl Resource {
    /// The logical id in the template.
    pub fn logical_id(&self) -> &str {
        match self {
            Self::Function(r) => &r.logical_id,
            Self::Api(r) => &r.logical_id,
            Self::StateMachine(r) => &r.logical_id,
            Self::Table(r) => &r.logical_id,
            Self::Bucket(r) => &r.logical_id,
            Self::UserPool(r) => &r.logical_id,
            Self::UserPoolClient(r) => &r.logical_id,
            Self::UserPoolDomain(r) => &r.logical_id,
            Self::Queue(r) => &r.logical_id,
            Self::CloudFrontFunction(r) => &r.logical_id,
        }
    }
}

/// A resource the template declares that has no local counterpart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotEmulated {
    /// Logical id.
    pub logical_id: String,
    /// `Type`.
    pub resource_type: String,
    /// What is not done locally, for the startup listing.
    pub reason: &'static str,
}

/// How the local cloud treats a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Function,
    Api,
    StateMachine,
    Table,
    SimpleTable,
    Bucket,
    UserPool,
    UserPoolClient,
    UserPoolDomain,
    Queue,
    CloudFrontFunction,
    NotEmulated(&'static str),
}

/// The [`Kind`] of `resource_type`, or `None` for a type the local cloud does not know.
pub(crate) fn classify(resource_type: &str) -> Option<Kind> {
    Some(match resource_type {
        "AWS::Serverless::Function" => Kind::Function,
        "AWS::Serverless::Api" => Kind::Api,
        "AWS::Serverless::StateMachine" => Kind::StateMachine,
        "AWS::DynamoDB::Table" => Kind::Table,
        "AWS::Serverless::SimpleTable" => Kind::SimpleTable,
        "AWS::S3::Bucket" => Kind::Bucket,
        "AWS::Cognito::UserPool" => Kind::UserPool,
        "AWS::Cognito::UserPoolClient" => Kind::UserPoolClient,
        "AWS::Cognito::UserPoolDomain" => Kind::UserPoolDomain,
        "AWS::SQS::Queue" => Kind::Queue,
        "AWS::CloudFront::Function" => Kind::CloudFrontFunction,
        "AWS::IAM::Role" | "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            Kind::NotEmulated("IAM is not enforced locally: every call is allowed")
        }
        "AWS::Logs::LogGroup" => Kind::NotEmulated(
            "logs go to the terminal and .localcloud/logs, not CloudWatch Logs; retention is not applied",
        ),
        "AWS::CloudWatch::Alarm" | "AWS::CloudWatch::Dashboard" => {
            Kind::NotEmulated("no CloudWatch metrics or alarms locally")
        }
        "AWS::CloudFront::Distribution"
        | "AWS::CloudFront::OriginAccessControl"
        | "AWS::CloudFront::CachePolicy"
        | "AWS::CloudFront::OriginRequestPolicy"
        | "AWS::CloudFront::ResponseHeadersPolicy" => Kind::NotEmulated(
            "the local edge serves the docs site and runs the CloudFront Function; no CDN, caching or origin access control",
        ),
        "AWS::S3::BucketPolicy" => {
            Kind::NotEmulated("bucket policies are not enforced locally")
        }
        "AWS::Lambda::Permission" => {
            Kind::NotEmulated("resource policies are not enforced locally")
        }
        "AWS::ApiGateway::Account" => {
            Kind::NotEmulated("API Gateway's CloudWatch role has no local meaning")
        }
        "AWS::SQS::QueuePolicy" => Kind::NotEmulated("queue policies are not enforced locally"),
        _ => return None,
    })
}

/// What a type's `build` needs besides its properties.
pub(crate) struct BuildCtx<'a, 'r> {
    /// The resource's logical id.
    pub logical_id: &'a str,
    /// The resolver (for physical ids and for files loaded by the type, like `DefinitionUri`).
    pub resolver: &'a Resolver<'r>,
    /// The template's directory: relative paths (`CodeUri`, `DefinitionUri`) start here.
    pub dir: &'a Path,
    /// The resource's resolved `Metadata`, if any.
    pub metadata: Option<&'a Value>,
}

impl BuildCtx<'_, '_> {
    /// What `Ref` gives for this resource.
    pub fn reference(&self) -> Result<String> {
        crate::intrinsic::reference_of(self.resolver, self.logical_id)
    }

    /// What `Fn::GetAtt` gives for `attribute` of this resource, as a string.
    pub fn attribute(&self, attribute: &str) -> Result<String> {
        let v = crate::intrinsic::attribute_of(self.resolver, self.logical_id, attribute)?;
        Ok(crate::parameters::scalar_string(&v).unwrap_or_default())
    }

    /// `Resources.<id>.Properties`.
    pub fn path(&self) -> String {
        format!("Resources.{}.Properties", self.logical_id)
    }
}

/// Builds the typed resource of kind `kind` from its resolved properties.
pub(crate) fn build(
    kind: Kind,
    ctx: &BuildCtx<'_, '_>,
    properties: Option<&Value>,
) -> Result<Option<Resource>> {
    let p = Props::new(properties, ctx.path())?;
    let resource = match kind {
        Kind::Function => Resource::Function(function::build(ctx, &p)?),
        Kind::Api => Resource::Api(api::build(ctx, &p)?),
        Kind::StateMachine => Resource::StateMachine(state_machine::build(ctx, &p)?),
        Kind::Table => Resource::Table(table::build(ctx, &p)?),
        Kind::SimpleTable => Resource::Table(table::build_simple(ctx, &p)?),
        Kind::Bucket => Resource::Bucket(bucket::build(ctx, &p)?),
        Kind::UserPool => Resource::UserPool(cognito::build_pool(ctx, &p)?),
        Kind::UserPoolClient => Resource::UserPoolClient(cognito::build_client(ctx, &p)?),
        Kind::UserPoolDomain => Resource::UserPoolDomain(cognito::build_domain(ctx, &p)?),
        Kind::Queue => Resource::Queue(queue::build(ctx, &p)?),
        Kind::CloudFrontFunction => {
            Resource::CloudFrontFunction(cloudfront_function::build(ctx, &p)?)
        }
        Kind::NotEmulated(_) => return Ok(None),
    };
    p.finish()?;
    Ok(Some(resource))
}
