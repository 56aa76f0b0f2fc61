//! The template's typed tables back to CloudFormation `Properties`, for
//! `localcloud_dynamodb::TableSpec::from_cfn` (which owns the `CreateTable` mapping).

use localcloud_template::resource::table::{Billing, KeyElement, KeyType, Projection, Table};
use serde_json::{json, Value};

fn keys(k: &[KeyElement]) -> Value {
    k.iter()
        .map(|e| {
            let kind = match e.key_type {
                KeyType::Hash => "HASH",
                KeyType::Range => "RANGE",
            };
            json!({"AttributeName": e.attribute_name, "KeyType": kind})
        })
        .collect()
}

fn projection(p: &Projection) -> Value {
    match p {
        Projection::All => json!({"ProjectionType": "ALL"}),
        Projection::KeysOnly => json!({"ProjectionType": "KEYS_ONLY"}),
        Projection::Include(a) => json!({"ProjectionType": "INCLUDE", "NonKeyAttributes": a}),
    }
}

/// The table's `Properties`, resolved.
pub fn properties(t: &Table) -> Value {
    let mut p = json!({
        "TableName": t.table_name,
        "AttributeDefinitions": t.attribute_definitions.iter()
            .map(|a| json!({"AttributeName": a.name, "AttributeType": a.attribute_type}))
            .collect::<Vec<_>>(),
        "KeySchema": keys(&t.key_schema),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": t.point_in_time_recovery},
    });
    match t.billing {
        Billing::PayPerRequest => p["BillingMode"] = json!("PAY_PER_REQUEST"),
        Billing::Provisioned { read, write } => {
            p["BillingMode"] = json!("PROVISIONED");
            p["ProvisionedThroughput"] =
                json!({"ReadCapacityUnits": read, "WriteCapacityUnits": write});
        }
    }
    let index = |i: &localcloud_template::resource::table::Index| json!({"IndexName": i.name, "KeySchema": keys(&i.key_schema), "Projection": projection(&i.projection)});
    if !t.global_secondary_indexes.is_empty() {
        p["GlobalSecondaryIndexes"] = t.global_secondary_indexes.iter().map(index).collect();
    }
    if !t.local_secondary_indexes.is_empty() {
        p["LocalSecondaryIndexes"] = t.local_secondary_indexes.iter().map(index).collect();
    }
    if let Some(view) = &t.stream_view_type {
        p["StreamSpecification"] = json!({"StreamViewType": view});
    }
    if let Some(a) = &t.ttl_attribute {
        p["TimeToLiveSpecification"] = json!({"AttributeName": a, "Enabled": true});
    }
    p
}
