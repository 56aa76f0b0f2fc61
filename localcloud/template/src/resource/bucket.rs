//! `AWS::S3::Bucket` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html>):
//! locally a folder; only the name matters. Encryption, public-access blocks, ownership and
//! versioning flags have no local effect and are accepted; lifecycle expiration rules are read
//! (the local store may apply them, or list them as a difference); other lifecycle actions,
//! notifications, replication and website hosting would change behaviour and are errors.

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
    /// `LifecycleConfiguration.Rules` that expire objects.
    pub expiration_rules: Vec<ExpirationRule>,
}

/// A lifecycle rule that deletes objects some days after creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpirationRule {
    /// `Id`.
    pub id: Option<String>,
    /// `Prefix` (or `Filter.Prefix`); empty for every object.
    pub prefix: String,
    /// `ExpirationInDays`.
    pub days: u32,
    /// `Status` is `Enabled`.
    pub enabled: bool,
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
    let expiration_rules = match p.child("LifecycleConfiguration")? {
        None => Vec::new(),
        Some(lc) => {
            let rules = lc
                .list("Rules")?
                .into_iter()
                .map(|r| {
                    let prefix = match r.child("Filter")? {
                        None => r.string("Prefix")?.unwrap_or_default(),
                        Some(f) => {
                            let prefix = f.string("Prefix")?.unwrap_or_default();
                            f.finish()?;
                            prefix
                        }
                    };
                    let rule = ExpirationRule {
                        id: r.string("Id")?,
                        prefix,
                        days: r.u32("ExpirationInDays")?.ok_or_else(|| {
                            crate::error::TemplateError::InvalidProperty {
                                path: r.path("ExpirationInDays"),
                                message: "only expiration rules are understood locally".into(),
                            }
                        })?,
                        enabled: r.one_of("Status", &["Enabled", "Disabled"])?.as_deref()
                            == Some("Enabled"),
                    };
                    r.finish()?;
                    Ok(rule)
                })
                .collect::<Result<Vec<_>>>()?;
            lc.finish()?;
            rules
        }
    };
    Ok(Bucket {
        logical_id: ctx.logical_id.to_string(),
        bucket_name: ctx.reference()?,
        arn: ctx.attribute("Arn")?,
        expiration_rules,
    })
}
