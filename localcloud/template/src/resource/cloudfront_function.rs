//! `AWS::CloudFront::Function` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudfront-function.html>):
//! the JavaScript the local edge runs.

use super::props::Props;
use super::BuildCtx;
use crate::error::{Result, TemplateError};

/// A CloudFront Function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudFrontFunction {
    /// Logical id.
    pub logical_id: String,
    /// `Name`.
    pub name: String,
    /// Function ARN.
    pub arn: String,
    /// `FunctionCode`: the JavaScript source.
    pub code: String,
    /// `FunctionConfig.Runtime` (`cloudfront-js-1.0` or `cloudfront-js-2.0`).
    pub runtime: String,
    /// `FunctionConfig.Comment`.
    pub comment: Option<String>,
    /// `AutoPublish`.
    pub auto_publish: bool,
}

pub(super) fn build(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<CloudFrontFunction> {
    let config = p
        .child("FunctionConfig")?
        .ok_or_else(|| TemplateError::InvalidProperty {
            path: p.path("FunctionConfig"),
            message: "is required".into(),
        })?;
    let runtime = config
        .one_of("Runtime", &["cloudfront-js-1.0", "cloudfront-js-2.0"])?
        .ok_or_else(|| TemplateError::InvalidProperty {
            path: config.path("Runtime"),
            message: "is required".into(),
        })?;
    let comment = config.string("Comment")?;
    config.finish()?;
    Ok(CloudFrontFunction {
        logical_id: ctx.logical_id.to_string(),
        name: p.req_string("Name")?,
        arn: ctx.attribute("FunctionARN")?,
        code: p.req_string("FunctionCode")?,
        runtime,
        comment,
        auto_publish: p.bool("AutoPublish")?.unwrap_or(false),
    })
}
