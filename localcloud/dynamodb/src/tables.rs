//! `AWS::DynamoDB::Table` properties -> dynoxide `CreateTable` requests, and the startup pass
//! that creates missing tables, keeps existing ones (their data survives a restart) and refuses
//! a stored table whose keys no longer match the template.

use dynoxide::Database;
use serde_json::{json, Map, Value};

use crate::error::SetupError;

/// One table of the template, ready to create.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    /// The template's logical id (for error messages).
    pub logical_id: String,
    /// The physical table name.
    pub table_name: String,
    /// The `CreateTable` request body.
    pub create_request: Value,
    /// `TimeToLiveSpecification.AttributeName` when TTL is enabled.
    pub ttl_attribute: Option<String>,
    /// `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled`.
    pub pitr_enabled: bool,
    /// `PointInTimeRecoverySpecification.RecoveryPeriodInDays` (AWS default 35).
    pub pitr_recovery_days: u32,
    /// Properties accepted but without a local effect, for the "not emulated" startup list.
    pub not_emulated: Vec<String>,
}

/// Properties copied into `CreateTable` as they are (CloudFormation and the API share the shape).
const PASS_THROUGH: &[&str] = &[
    "KeySchema",
    "AttributeDefinitions",
    "BillingMode",
    "ProvisionedThroughput",
    "OnDemandThroughput",
    "TableClass",
    "DeletionProtectionEnabled",
    "Tags",
];

/// Properties with no local effect: named at startup, never silently dropped.
const NOT_EMULATED: &[&str] = &[
    "SSESpecification",
    "ContributorInsightsSpecification",
    "KinesisStreamSpecification",
    "ResourcePolicy",
    "WarmThroughput",
];

/// Index members CloudFormation accepts that `CreateTable` does not take.
const INDEX_CFN_ONLY: &[&str] = &["ContributorInsightsSpecification", "WarmThroughput"];

impl TableSpec {
    /// Builds a spec from a resolved `AWS::DynamoDB::Table` `Properties` object (intrinsics
    /// already resolved by the template model). `default_name` is used when `TableName` is
    /// absent (CloudFormation would generate one).
    pub fn from_cfn(
        logical_id: &str,
        properties: &Value,
        default_name: &str,
    ) -> Result<Self, SetupError> {
        let invalid = |path: &str, message: &str| SetupError::InvalidTemplate {
            logical_id: logical_id.to_string(),
            path: format!("Properties.{path}"),
            message: message.to_string(),
        };
        let props = properties
            .as_object()
            .ok_or_else(|| invalid("", "Properties must be an object"))?;
        let table_name = match props.get("TableName") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(invalid("TableName", "must be a string after resolution")),
            None => default_name.to_string(),
        };
        let mut req = Map::new();
        req.insert("TableName".into(), json!(table_name));
        let mut ttl_attribute = None;
        let mut pitr_enabled = false;
        let mut pitr_recovery_days = 35;
        let mut not_emulated = Vec::new();
        for (name, value) in props {
            match name.as_str() {
                "TableName" => {}
                n if PASS_THROUGH.contains(&n) => {
                    req.insert(n.into(), value.clone());
                }
                "GlobalSecondaryIndexes" | "LocalSecondaryIndexes" => {
                    let list = value
                        .as_array()
                        .ok_or_else(|| invalid(name, "must be a list"))?;
                    let cleaned: Vec<Value> = list
                        .iter()
                        .map(|ix| {
                            let mut ix = ix.clone();
                            if let Some(o) = ix.as_object_mut() {
                                for k in INDEX_CFN_ONLY {
                                    if o.remove(*k).is_some() {
                                        not_emulated.push(format!("{name}[].{k}"));
                                    }
                                }
                            }
                            ix
                        })
                        .collect();
                    req.insert(name.clone(), Value::Array(cleaned));
                }
                "StreamSpecification" => {
                    let view = value
                        .get("StreamViewType")
                        .and_then(Value::as_str)
                        .ok_or_else(|| invalid("StreamSpecification.StreamViewType", "is required"))?;
                    req.insert(
                        "StreamSpecification".into(),
                        json!({"StreamEnabled": true, "StreamViewType": view}),
                    );
                    if value.get("ResourcePolicy").is_some() {
                        not_emulated.push("StreamSpecification.ResourcePolicy".into());
                    }
                }
                "TimeToLiveSpecification" => {
                    let enabled = match value.get("Enabled") {
                        Some(Value::Bool(b)) => *b,
                        Some(Value::String(s)) => s == "true",
                        _ => return Err(invalid("TimeToLiveSpecification.Enabled", "is required")),
                    };
                    if enabled {
                        let attr = value
                            .get("AttributeName")
                            .and_then(Value::as_str)
                            .ok_or_else(|| {
                                invalid("TimeToLiveSpecification.AttributeName", "is required when Enabled")
                            })?;
                        ttl_attribute = Some(attr.to_string());
                    }
                }
                "PointInTimeRecoverySpecification" => {
                    pitr_enabled = match value.get("PointInTimeRecoveryEnabled") {
                        Some(Value::Bool(b)) => *b,
                        Some(Value::String(s)) => s == "true",
                        None => false,
                        Some(_) => {
                            return Err(invalid(
                                "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
                                "must be a boolean",
                            ))
                        }
                    };
                    if let Some(days) = value.get("RecoveryPeriodInDays") {
                        pitr_recovery_days = days
                            .as_u64()
                            .or_else(|| days.as_str().and_then(|s| s.parse().ok()))
                            .filter(|d| (1..=35).contains(d))
                            .ok_or_else(|| {
                                invalid(
                                    "PointInTimeRecoverySpecification.RecoveryPeriodInDays",
                                    "must be 1 to 35",
                                )
                            })? as u32;
                    }
                }
                n if NOT_EMULATED.contains(&n) => not_emulated.push(n.to_string()),
                "ImportSourceSpecification" => {
                    return Err(invalid(
                        name,
                        "importing a table from S3 at creation is not emulated locally; load data with a seed file instead",
                    ))
                }
                other => {
                    return Err(invalid(
                        other,
                        "unknown AWS::DynamoDB::Table property",
                    ))
                }
            }
        }
        Ok(Self {
            logical_id: logical_id.to_string(),
            table_name,
            create_request: Value::Object(req),
            ttl_attribute,
            pitr_enabled,
            pitr_recovery_days,
            not_emulated,
        })
    }
}

fn engine(context: String) -> impl FnOnce(dynoxide::DynoxideError) -> SetupError {
    move |e| SetupError::Engine {
        context,
        message: e.to_string(),
    }
}

fn serde_err(context: String) -> impl FnOnce(serde_json::Error) -> SetupError {
    move |e| SetupError::Engine {
        context,
        message: e.to_string(),
    }
}

/// `DescribeTable` as JSON, or `None` when the table does not exist.
pub fn describe(db: &Database, table: &str) -> Result<Option<Value>, SetupError> {
    let req = serde_json::from_value(json!({ "TableName": table }))
        .map_err(serde_err(format!("describe {table}")))?;
    match db.describe_table(req) {
        Ok(resp) => Ok(Some(
            serde_json::to_value(resp).map_err(serde_err(format!("describe {table}")))?,
        )),
        Err(dynoxide::DynoxideError::ResourceNotFoundException(_)) => Ok(None),
        Err(e) => Err(engine(format!("describe {table}"))(e)),
    }
}

/// The comparable shape of a table: its key schema with attribute types, and each index's.
fn key_shape(desc: &Value) -> Value {
    let types: Map<String, Value> = desc["AttributeDefinitions"]
        .as_array()
        .map(|defs| {
            defs.iter()
                .filter_map(|d| {
                    Some((
                        d["AttributeName"].as_str()?.to_string(),
                        d["AttributeType"].clone(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let keys = |ks: &Value| -> Value {
        Value::Array(
            ks.as_array()
                .map(|ks| {
                    ks.iter()
                        .map(|k| {
                            let name = k["AttributeName"].as_str().unwrap_or_default();
                            json!([
                                name,
                                k["KeyType"],
                                types.get(name).cloned().unwrap_or(Value::Null)
                            ])
                        })
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    let indexes = |list: &Value| -> Value {
        let mut v: Vec<Value> = list
            .as_array()
            .map(|l| {
                l.iter()
                    .map(|ix| json!([ix["IndexName"], keys(&ix["KeySchema"])]))
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by_key(|x| x.to_string());
        Value::Array(v)
    };
    json!({
        "KeySchema": keys(&desc["KeySchema"]),
        "GlobalSecondaryIndexes": indexes(&desc["GlobalSecondaryIndexes"]),
        "LocalSecondaryIndexes": indexes(&desc["LocalSecondaryIndexes"]),
    })
}

/// Creates the table when missing, otherwise checks the stored keys and indexes match; then
/// enables TTL as declared. Returns whether the table was created.
pub fn ensure_table(db: &Database, spec: &TableSpec, state: &str) -> Result<bool, SetupError> {
    let created = match describe(db, &spec.table_name)? {
        Some(existing) => {
            let found = key_shape(&existing["Table"]);
            let expected = key_shape(&spec.create_request);
            if found != expected {
                return Err(SetupError::SchemaMismatch {
                    table: spec.table_name.clone(),
                    state: state.to_string(),
                    expected: expected.to_string(),
                    found: found.to_string(),
                });
            }
            false
        }
        None => {
            let ctx = format!("{}: CreateTable {}", spec.logical_id, spec.table_name);
            let req = serde_json::from_value(spec.create_request.clone())
                .map_err(serde_err(ctx.clone()))?;
            db.create_table(req).map_err(engine(ctx))?;
            true
        }
    };
    if let Some(attr) = &spec.ttl_attribute {
        let ctx = format!("{}: TimeToLive {}", spec.logical_id, spec.table_name);
        let req = serde_json::from_value(json!({"TableName": spec.table_name}))
            .map_err(serde_err(ctx.clone()))?;
        let current =
            serde_json::to_value(db.describe_time_to_live(req).map_err(engine(ctx.clone()))?)
                .map_err(serde_err(ctx.clone()))?;
        let desc = &current["TimeToLiveDescription"];
        let already =
            desc["TimeToLiveStatus"] == "ENABLED" && desc["AttributeName"] == attr.as_str();
        if !already {
            let req = serde_json::from_value(json!({
                "TableName": spec.table_name,
                "TimeToLiveSpecification": {"AttributeName": attr, "Enabled": true}
            }))
            .map_err(serde_err(ctx.clone()))?;
            db.update_time_to_live(req).map_err(engine(ctx))?;
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders() -> Value {
        json!({
            "TableName": "orders",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "orderId", "AttributeType": "S"},
                {"AttributeName": "status", "AttributeType": "S"},
                {"AttributeName": "createdAt", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "status-createdAt",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "createdAt", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "ALL"},
                "ContributorInsightsSpecification": {"Enabled": false}
            }],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "TimeToLiveSpecification": {"AttributeName": "ttlEpoch", "Enabled": true},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
            "SSESpecification": {"SSEEnabled": true}
        })
    }

    #[test]
    fn cfn_properties_become_create_table() {
        let spec = TableSpec::from_cfn("OrdersTable", &orders(), "x").expect("spec");
        assert_eq!(spec.table_name, "orders");
        assert_eq!(spec.ttl_attribute.as_deref(), Some("ttlEpoch"));
        assert!(spec.pitr_enabled);
        assert_eq!(
            spec.create_request["StreamSpecification"],
            json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        );
        assert!(spec.create_request["GlobalSecondaryIndexes"][0]
            .get("ContributorInsightsSpecification")
            .is_none());
        assert!(spec.create_request.get("SSESpecification").is_none());
        assert!(spec.not_emulated.contains(&"SSESpecification".to_string()));
    }

    #[test]
    fn unknown_property_names_the_path() {
        let mut p = orders();
        p["Bogus"] = json!(1);
        let err = TableSpec::from_cfn("OrdersTable", &p, "x").expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "OrdersTable: property Properties.Bogus: unknown AWS::DynamoDB::Table property"
        );
    }

    #[test]
    fn existing_table_with_other_keys_is_refused() {
        let db = Database::memory().expect("db");
        let spec = TableSpec::from_cfn("OrdersTable", &orders(), "x").expect("spec");
        assert!(ensure_table(&db, &spec, "mem").expect("create"));
        assert!(!ensure_table(&db, &spec, "mem").expect("again is a no-op"));
        let mut changed = orders();
        changed["KeySchema"] = json!([{"AttributeName": "status", "KeyType": "HASH"}]);
        let spec2 = TableSpec::from_cfn("OrdersTable", &changed, "x").expect("spec");
        let err = ensure_table(&db, &spec2, "mem").expect_err("mismatch");
        assert!(matches!(err, SetupError::SchemaMismatch { .. }), "{err}");
    }
}
