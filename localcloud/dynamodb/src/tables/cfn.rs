//! CloudFormation `Properties` JSON -> [`TableSpec`], for callers that hold a table as JSON
//! rather than as the template's typed model (the API Gateway and Step Functions test
//! harnesses, and this crate's tests of properties the typed model drops, such as
//! `RecoveryPeriodInDays` and the not-emulated list). The stack uses [`TableSpec::from_table`].

use serde_json::{json, Map, Value};

use super::TableSpec;
use crate::error::SetupError;

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
            "PointInTimeRecoverySpecification": {
                "PointInTimeRecoveryEnabled": true,
                "RecoveryPeriodInDays": 7
            },
            "SSESpecification": {"SSEEnabled": true}
        })
    }

    #[test]
    fn cfn_properties_become_create_table() {
        let spec = TableSpec::from_cfn("OrdersTable", &orders(), "x").expect("spec");
        assert_eq!(spec.table_name, "orders");
        assert_eq!(spec.ttl_attribute.as_deref(), Some("ttlEpoch"));
        assert!(spec.pitr_enabled);
        assert_eq!(spec.pitr_recovery_days, 7);
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
    fn a_missing_table_name_takes_the_default() {
        let mut p = orders();
        p.as_object_mut().expect("object").remove("TableName");
        let spec = TableSpec::from_cfn("OrdersTable", &p, "stack-orders").expect("spec");
        assert_eq!(spec.table_name, "stack-orders");
        assert_eq!(spec.create_request["TableName"], "stack-orders");
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
}
