//! `AWS::DynamoDB::Table` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html>)
//! and SAM's `AWS::Serverless::SimpleTable`
//! (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-simpletable.html>).

use super::props::Props;
use super::BuildCtx;
use crate::error::{Result, TemplateError};

/// `HASH` or `RANGE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// Partition key.
    Hash,
    /// Sort key.
    Range,
}

/// One element of a key schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyElement {
    /// Attribute name.
    pub attribute_name: String,
    /// Hash or range.
    pub key_type: KeyType,
}

/// An attribute definition: name and scalar type (`S`, `N`, `B`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDefinition {
    /// Attribute name.
    pub name: String,
    /// `S`, `N` or `B`.
    pub attribute_type: String,
}

/// What an index projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projection {
    /// `ALL`.
    All,
    /// `KEYS_ONLY`.
    KeysOnly,
    /// `INCLUDE` with these non-key attributes.
    Include(Vec<String>),
}

/// A global or local secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// `IndexName`.
    pub name: String,
    /// `KeySchema`.
    pub key_schema: Vec<KeyElement>,
    /// `Projection`.
    pub projection: Projection,
}

/// Billing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// On demand.
    PayPerRequest,
    /// Provisioned (capacities are not enforced locally).
    Provisioned {
        /// `ReadCapacityUnits`.
        read: u64,
        /// `WriteCapacityUnits`.
        write: u64,
    },
}

/// A DynamoDB table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Logical id.
    pub logical_id: String,
    /// Physical table name.
    pub table_name: String,
    /// Table ARN.
    pub arn: String,
    /// `KeySchema`.
    pub key_schema: Vec<KeyElement>,
    /// `AttributeDefinitions`.
    pub attribute_definitions: Vec<AttributeDefinition>,
    /// `GlobalSecondaryIndexes`.
    pub global_secondary_indexes: Vec<Index>,
    /// `LocalSecondaryIndexes`.
    pub local_secondary_indexes: Vec<Index>,
    /// `StreamSpecification.StreamViewType`.
    pub stream_view_type: Option<String>,
    /// The stream ARN, when a stream is enabled.
    pub stream_arn: Option<String>,
    /// `TimeToLiveSpecification.AttributeName` when enabled.
    pub ttl_attribute: Option<String>,
    /// `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled`.
    pub point_in_time_recovery: bool,
    /// Billing.
    pub billing: Billing,
}

const VIEW_TYPES: &[&str] = &["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];

pub(super) fn build(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<Table> {
    p.ignore(&[
        "TableName",
        "Tags",
        "SSESpecification",
        "DeletionProtectionEnabled",
        "TableClass",
        "ResourcePolicy",
        "WarmThroughput",
    ]);
    let key_schema = keys(p, "KeySchema")?;
    let attribute_definitions = p
        .list("AttributeDefinitions")?
        .into_iter()
        .map(|a| {
            let d = AttributeDefinition {
                name: a.req_string("AttributeName")?,
                attribute_type: a
                    .one_of("AttributeType", &["S", "N", "B"])?
                    .ok_or_else(|| TemplateError::InvalidProperty {
                        path: a.path("AttributeType"),
                        message: "is required".into(),
                    })?,
            };
            a.finish()?;
            Ok(d)
        })
        .collect::<Result<Vec<_>>>()?;
    let billing_mode = p.one_of("BillingMode", &["PAY_PER_REQUEST", "PROVISIONED"])?;
    let billing = match billing_mode.as_deref() {
        Some("PAY_PER_REQUEST") => Billing::PayPerRequest,
        _ => provisioned(p)?.unwrap_or(Billing::PayPerRequest),
    };
    let gsis = indexes(p, "GlobalSecondaryIndexes", true)?;
    let lsis = indexes(p, "LocalSecondaryIndexes", false)?;
    let stream_view_type = match p.child("StreamSpecification")? {
        None => None,
        Some(s) => {
            let v = s.one_of("StreamViewType", VIEW_TYPES)?;
            s.finish()?;
            v
        }
    };
    let ttl_attribute = match p.child("TimeToLiveSpecification")? {
        None => None,
        Some(t) => {
            let name = t.string("AttributeName")?;
            let enabled = t.bool("Enabled")?.unwrap_or(false);
            t.finish()?;
            name.filter(|_| enabled)
        }
    };
    let point_in_time_recovery = match p.child("PointInTimeRecoverySpecification")? {
        None => false,
        Some(s) => {
            s.ignore(&["RecoveryPeriodInDays"]);
            let on = s.bool("PointInTimeRecoveryEnabled")?.unwrap_or(false);
            s.finish()?;
            on
        }
    };
    let stream_arn = match stream_view_type {
        Some(_) => Some(ctx.attribute("StreamArn")?),
        None => None,
    };
    Ok(Table {
        logical_id: ctx.logical_id.to_string(),
        table_name: ctx.reference()?,
        arn: ctx.attribute("Arn")?,
        key_schema,
        attribute_definitions,
        global_secondary_indexes: gsis,
        local_secondary_indexes: lsis,
        stream_view_type,
        stream_arn,
        ttl_attribute,
        point_in_time_recovery,
        billing,
    })
}

fn provisioned(p: &Props<'_>) -> Result<Option<Billing>> {
    let Some(t) = p.child("ProvisionedThroughput")? else {
        return Ok(None);
    };
    let read = t.u64("ReadCapacityUnits")?.unwrap_or(0);
    let write = t.u64("WriteCapacityUnits")?.unwrap_or(0);
    t.finish()?;
    Ok(Some(Billing::Provisioned { read, write }))
}

fn keys(p: &Props<'_>, key: &str) -> Result<Vec<KeyElement>> {
    let elements = p
        .list(key)?
        .into_iter()
        .map(|k| {
            let e = KeyElement {
                attribute_name: k.req_string("AttributeName")?,
                key_type: match k.one_of("KeyType", &["HASH", "RANGE"])?.as_deref() {
                    Some("RANGE") => KeyType::Range,
                    Some(_) => KeyType::Hash,
                    None => {
                        return Err(TemplateError::InvalidProperty {
                            path: k.path("KeyType"),
                            message: "is required".into(),
                        })
                    }
                },
            };
            k.finish()?;
            Ok(e)
        })
        .collect::<Result<Vec<_>>>()?;
    if elements.first().map(|e| e.key_type) != Some(KeyType::Hash) {
        return Err(TemplateError::InvalidProperty {
            path: p.path(key),
            message: "must start with a HASH key".into(),
        });
    }
    Ok(elements)
}

fn indexes(p: &Props<'_>, key: &str, global: bool) -> Result<Vec<Index>> {
    p.list(key)?
        .into_iter()
        .map(|i| {
            if global {
                i.ignore(&[
                    "ProvisionedThroughput",
                    "ContributorInsightsSpecification",
                    "WarmThroughput",
                ]);
            }
            let name = i.req_string("IndexName")?;
            let key_schema = keys(&i, "KeySchema")?;
            let projection = match i.child("Projection")? {
                None => Projection::All,
                Some(pr) => {
                    let ty = pr.one_of("ProjectionType", &["ALL", "KEYS_ONLY", "INCLUDE"])?;
                    let attrs = pr.strings("NonKeyAttributes")?;
                    pr.finish()?;
                    match ty.as_deref() {
                        Some("KEYS_ONLY") => Projection::KeysOnly,
                        Some("INCLUDE") => Projection::Include(attrs),
                        _ => Projection::All,
                    }
                }
            };
            i.finish()?;
            Ok(Index {
                name,
                key_schema,
                projection,
            })
        })
        .collect()
}

pub(super) fn build_simple(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<Table> {
    p.ignore(&["TableName", "Tags", "SSESpecification"]);
    let (name, ty) = match p.child("PrimaryKey")? {
        None => ("id".to_string(), "S".to_string()),
        Some(k) => {
            let name = k.req_string("Name")?;
            let ty = match k
                .one_of("Type", &["String", "Number", "Binary"])?
                .as_deref()
            {
                Some("Number") => "N",
                Some("Binary") => "B",
                _ => "S",
            };
            k.finish()?;
            (name, ty.to_string())
        }
    };
    Ok(Table {
        logical_id: ctx.logical_id.to_string(),
        table_name: ctx.reference()?,
        arn: ctx.attribute("Arn")?,
        key_schema: vec![KeyElement {
            attribute_name: name.clone(),
            key_type: KeyType::Hash,
        }],
        attribute_definitions: vec![AttributeDefinition {
            name,
            attribute_type: ty,
        }],
        global_secondary_indexes: Vec::new(),
        local_secondary_indexes: Vec::new(),
        stream_view_type: None,
        stream_arn: None,
        ttl_attribute: None,
        point_in_time_recovery: false,
        billing: provisioned(p)?.unwrap_or(Billing::PayPerRequest),
    })
}
