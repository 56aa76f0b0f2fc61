//! The template's tables as dynoxide `CreateTable` requests, and the startup pass that creates
//! missing tables, keeps existing ones (their data survives a restart) and refuses a stored
//! table whose keys no longer match the template.
//!
//! A [`TableSpec`] comes from the typed template model ([`TableSpec::from_table`], `typed.rs`):
//! the template crate has already resolved every intrinsic and refused unknown properties.

mod typed;

use dynoxide::Database;
use serde_json::{json, Map, Value};

use crate::error::{engine_error, SetupError};

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
}

/// `DescribeTable` as JSON, or `None` when the table does not exist.
pub fn describe(db: &Database, table: &str) -> Result<Option<Value>, SetupError> {
    let req = serde_json::from_value(json!({ "TableName": table }))
        .map_err(engine_error(format!("describe {table}")))?;
    match db.describe_table(req) {
        Ok(resp) => Ok(Some(
            serde_json::to_value(resp).map_err(engine_error(format!("describe {table}")))?,
        )),
        Err(dynoxide::DynoxideError::ResourceNotFoundException(_)) => Ok(None),
        Err(e) => Err(engine_error(format!("describe {table}"))(e)),
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
                .map_err(engine_error(ctx.clone()))?;
            db.create_table(req).map_err(engine_error(ctx))?;
            true
        }
    };
    if let Some(attr) = &spec.ttl_attribute {
        let ctx = format!("{}: TimeToLive {}", spec.logical_id, spec.table_name);
        let req = serde_json::from_value(json!({"TableName": spec.table_name}))
            .map_err(engine_error(ctx.clone()))?;
        let current = serde_json::to_value(
            db.describe_time_to_live(req)
                .map_err(engine_error(ctx.clone()))?,
        )
        .map_err(engine_error(ctx.clone()))?;
        let desc = &current["TimeToLiveDescription"];
        let already =
            desc["TimeToLiveStatus"] == "ENABLED" && desc["AttributeName"] == attr.as_str();
        if !already {
            let req = serde_json::from_value(json!({
                "TableName": spec.table_name,
                "TimeToLiveSpecification": {"AttributeName": attr, "Enabled": true}
            }))
            .map_err(engine_error(ctx.clone()))?;
            db.update_time_to_live(req).map_err(engine_error(ctx))?;
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use localcloud_template::resource::table::{KeyElement, KeyType};

    #[test]
    fn dynoxide_takes_every_feature_of_a_typed_table() {
        let db = Database::memory().expect("db");
        let spec = TableSpec::from_table(&typed::tests::orders());
        assert!(ensure_table(&db, &spec, "mem").expect("create"));
        let table = &describe(&db, "orders").expect("describe").expect("exists")["Table"];
        assert_eq!(
            table["BillingModeSummary"]["BillingMode"],
            "PAY_PER_REQUEST"
        );
        assert_eq!(table["StreamSpecification"]["StreamEnabled"], true);
        let projections: Vec<&Value> = table["GlobalSecondaryIndexes"]
            .as_array()
            .expect("GSIs")
            .iter()
            .map(|ix| &ix["Projection"]["ProjectionType"])
            .collect();
        assert_eq!(projections.len(), 2);
        assert!(projections.contains(&&json!("ALL")) && projections.contains(&&json!("KEYS_ONLY")));
        assert_eq!(
            table["LocalSecondaryIndexes"][0]["Projection"]["NonKeyAttributes"],
            json!(["status", "note"])
        );
        let ttl = db
            .describe_time_to_live(
                serde_json::from_value(json!({"TableName": "orders"})).expect("request"),
            )
            .expect("ttl");
        let ttl = serde_json::to_value(ttl).expect("json");
        assert_eq!(ttl["TimeToLiveDescription"]["AttributeName"], "ttlEpoch");
    }

    #[test]
    fn existing_table_with_other_keys_is_refused() {
        let db = Database::memory().expect("db");
        let mut table = typed::tests::orders();
        let spec = TableSpec::from_table(&table);
        assert!(ensure_table(&db, &spec, "mem").expect("create"));
        assert!(!ensure_table(&db, &spec, "mem").expect("again is a no-op"));
        table.key_schema = vec![KeyElement {
            attribute_name: "status".into(),
            key_type: KeyType::Hash,
        }];
        table.local_secondary_indexes.clear();
        let err = ensure_table(&db, &TableSpec::from_table(&table), "mem").expect_err("mismatch");
        assert!(matches!(err, SetupError::SchemaMismatch { .. }), "{err}");
    }
}
