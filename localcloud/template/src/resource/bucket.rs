//! `AWS::S3::Bucket` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html>):
//! locally a folder; only the name matters. Encryption, public-access blocks, ownership and
//! versioning flags have no local effect and are accepted; lifecycle rules, notifications,
//! replication and website hosting would change behaviour and are errors.

use super::props::Props;
use super::BuildCtx;
use crate::error::Result;

/// An S3 bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Logical id.
    pub logical_id: String,
    /// Physical bucket name.
    pub bucket_name: String,
    /// Bucket ARN.
    pub arn: String,
}

pub(super) fn build(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<Bucket> {
    p.ignore(&[
        "BucketName",
        "Tags",
        "BucketEncryption",
        "PublicAccessBlockConfiguration",
        "OwnershipControls",
        "VersioningConfiguration",
        "LoggingConfiguration",
        "AccessControl",
        "ObjectLockEnabled",
        "MetricsConfigurations",
        "AnalyticsConfigurations",
        "IntelligentTieringConfigurations",
        "InventoryConfigurations",
    ]);
    Ok(Bucket {
        logical_id: ctx.logical_id.to_string(),
        bucket_name: ctx.reference()?,
        arn: ctx.attribute("Arn")?,
    })
}
