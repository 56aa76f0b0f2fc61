//! The typed template model -> [`TableSpec`]: `localcloud_template`'s [`Table`] (already
//! validated and resolved, `AWS::DynamoDB::Table` and `AWS::Serverless::SimpleTable` alike)
//! straight into a `CreateTable` request, with no CloudFormation JSON in between.

use localcloud_template::resource::table::{
    Billing, Index, KeyElement, KeyType, Projection, Table,
};
use serde_json::{json, Value};

use super::TableSpec;

/// The PITR window when the template does not set one: AWS's default. The typed model does not
/// carry `RecoveryPeriodInDays`, so a typed table always starts with it.
const DEFAULT_RECOVERY_DAYS: u32 = 35;

fn keys(schema: &[KeyElement]) -> Value {
    schema
        .iter()
        .map(|k| {
            let kind = match k.key_type {
                KeyType::Hash => "HASH",
                KeyType::Range => "RANGE",
            };
            json!({"AttributeName": k.attribute_name, "KeyType": kind})
        })
        .collect()
}

fn projection(p: &Projection) -> Value {
    match p {
        Projection::All => json!({"ProjectionType": "ALL"}),
        Projection::KeysOnly => json!({"ProjectionType": "KEYS_ONLY"}),
        Projection::Include(attrs) => {
            json!({"ProjectionType": "INCLUDE", "NonKeyAttributes": attrs})
        }
    }
}

/// An index as `CreateTable` takes it. Index throughput is left out, as the typed model does:
/// capacities are not enforced locally and dynoxide does not require them.
fn index(i: &Index) -> Value {
    json!({
        "IndexName": i.name,
        "KeySchema": keys(&i.key_schema),
        "Projection": projection(&i.projection),
    })
}

impl TableSpec {
    /// The spec of a table of the typed template model. Nothing can fail here: the model has
    /// already refused what `CreateTable` could not take (unknown properties, keys that do not
    /// start with a `HASH` key, unknown projection or stream types).
    pub fn from_table(table: &Table) -> Self {
        let mut req = json!({
            "TableName": table.table_name,
            "AttributeDefinitions": table
                .attribute_definitions
                .iter()
                .map(|a| json!({"AttributeName": a.name, "AttributeType": a.attribute_type}))
                .collect::<Vec<_>>(),
            "KeySchema": keys(&table.key_schema),
        });
        match table.billing {
            Billing::PayPerRequest => req["BillingMode"] = json!("PAY_PER_REQUEST"),
            Billing::Provisioned { read, write } => {
                req["BillingMode"] = json!("PROVISIONED");
                req["ProvisionedThroughput"] =
                    json!({"ReadCapacityUnits": read, "WriteCapacityUnits": write});
            }
        }
        // Absent rather than empty: DynamoDB refuses an empty index list.
        if !table.global_secondary_indexes.is_empty() {
            req["GlobalSecondaryIndexes"] =
                table.global_secondary_indexes.iter().map(index).collect();
        }
        if !table.local_secondary_indexes.is_empty() {
            req["LocalSecondaryIndexes"] =
                table.local_secondary_indexes.iter().map(index).collect();
        }
        // CloudFormation enables the stream by declaring its view type; the API wants both.
        if let Some(view) = &table.stream_view_type {
            req["StreamSpecification"] = json!({"StreamEnabled": true, "StreamViewType": view});
        }
        Self {
            logical_id: table.logical_id.clone(),
            table_name: table.table_name.clone(),
            create_request: req,
            ttl_attribute: table.ttl_attribute.clone(),
            pitr_enabled: table.point_in_time_recovery,
            pitr_recovery_days: DEFAULT_RECOVERY_DAYS,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use localcloud_template::resource::table::AttributeDefinition;

    fn key(name: &str, key_type: KeyType) -> KeyElement {
        KeyElement {
            attribute_name: name.into(),
            key_type,
        }
    }

    fn attr(name: &str, ty: &str) -> AttributeDefinition {
        AttributeDefinition {
            name: name.into(),
            attribute_type: ty.into(),
        }
    }

    /// A plain on-demand table with a partition and a sort key, nothing else.
    fn events() -> Table {
        Table {
            logical_id: "EventsTable".into(),
            table_name: "events".into(),
            arn: "arn:aws:dynamodb:us-east-1:000000000000:table/events".into(),
            key_schema: vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)],
            attribute_definitions: vec![attr("pk", "S"), attr("sk", "N")],
            global_secondary_indexes: Vec::new(),
            local_secondary_indexes: Vec::new(),
            stream_view_type: None,
            stream_arn: None,
            ttl_attribute: None,
            point_in_time_recovery: false,
            billing: Billing::PayPerRequest,
        }
    }

    /// Every feature at once: both index kinds with each projection, a stream, TTL, PITR.
    pub(crate) fn orders() -> Table {
        Table {
            logical_id: "OrdersTable".into(),
            table_name: "orders".into(),
            arn: "arn:aws:dynamodb:us-east-1:000000000000:table/orders".into(),
            key_schema: vec![key("orderId", KeyType::Hash), key("sk", KeyType::Range)],
            attribute_definitions: vec![
                attr("orderId", "S"),
                attr("sk", "S"),
                attr("status", "S"),
                attr("createdAt", "S"),
                attr("total", "N"),
            ],
            global_secondary_indexes: vec![
                Index {
                    name: "status-createdAt".into(),
                    key_schema: vec![
                        key("status", KeyType::Hash),
                        key("createdAt", KeyType::Range),
                    ],
                    projection: Projection::All,
                },
                Index {
                    name: "by-status".into(),
                    key_schema: vec![key("status", KeyType::Hash)],
                    projection: Projection::KeysOnly,
                },
            ],
            local_secondary_indexes: vec![Index {
                name: "by-total".into(),
                key_schema: vec![key("orderId", KeyType::Hash), key("total", KeyType::Range)],
                projection: Projection::Include(vec!["status".into(), "note".into()]),
            }],
            stream_view_type: Some("NEW_AND_OLD_IMAGES".into()),
            stream_arn: Some(
                "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x".into(),
            ),
            ttl_attribute: Some("ttlEpoch".into()),
            point_in_time_recovery: true,
            billing: Billing::PayPerRequest,
        }
    }

    #[test]
    fn keys_and_attributes_become_create_table() {
        let spec = TableSpec::from_table(&events());
        assert_eq!(spec.logical_id, "EventsTable");
        assert_eq!(spec.table_name, "events");
        assert_eq!(
            spec.create_request,
            json!({
                "TableName": "events",
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "N"}
                ],
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"}
                ]
            })
        );
        assert_eq!(spec.ttl_attribute, None);
        assert!(!spec.pitr_enabled);
        assert_eq!(spec.pitr_recovery_days, 35);
    }

    #[test]
    fn indexes_keep_their_keys_and_projections() {
        let req = TableSpec::from_table(&orders()).create_request;
        assert_eq!(
            req["GlobalSecondaryIndexes"],
            json!([
                {
                    "IndexName": "status-createdAt",
                    "KeySchema": [
                        {"AttributeName": "status", "KeyType": "HASH"},
                        {"AttributeName": "createdAt", "KeyType": "RANGE"}
                    ],
                    "Projection": {"ProjectionType": "ALL"}
                },
                {
                    "IndexName": "by-status",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"}
                }
            ])
        );
        assert_eq!(
            req["LocalSecondaryIndexes"],
            json!([{
                "IndexName": "by-total",
                "KeySchema": [
                    {"AttributeName": "orderId", "KeyType": "HASH"},
                    {"AttributeName": "total", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["status", "note"]}
            }])
        );
        let plain = TableSpec::from_table(&events()).create_request;
        assert!(plain.get("GlobalSecondaryIndexes").is_none());
        assert!(plain.get("LocalSecondaryIndexes").is_none());
    }

    #[test]
    fn billing_modes() {
        let on_demand = TableSpec::from_table(&events()).create_request;
        assert_eq!(on_demand["BillingMode"], "PAY_PER_REQUEST");
        assert!(on_demand.get("ProvisionedThroughput").is_none());
        let mut t = events();
        t.billing = Billing::Provisioned { read: 5, write: 2 };
        let provisioned = TableSpec::from_table(&t).create_request;
        assert_eq!(provisioned["BillingMode"], "PROVISIONED");
        assert_eq!(
            provisioned["ProvisionedThroughput"],
            json!({"ReadCapacityUnits": 5, "WriteCapacityUnits": 2})
        );
    }

    #[test]
    fn stream_ttl_and_pitr() {
        let spec = TableSpec::from_table(&orders());
        assert_eq!(
            spec.create_request["StreamSpecification"],
            json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        );
        assert_eq!(spec.ttl_attribute.as_deref(), Some("ttlEpoch"));
        assert!(spec.pitr_enabled);
        assert_eq!(spec.pitr_recovery_days, 35);
        // TTL and PITR are separate calls, never CreateTable members.
        assert!(spec.create_request.get("TimeToLiveSpecification").is_none());
        assert!(spec
            .create_request
            .get("PointInTimeRecoverySpecification")
            .is_none());
        assert!(TableSpec::from_table(&events())
            .create_request
            .get("StreamSpecification")
            .is_none());
    }

    /// Through the template crate's own parser: what the stack hands over is what is mapped.
    #[test]
    fn template_tables_map_as_declared() {
        let yaml = r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PROVISIONED
      ProvisionedThroughput: {ReadCapacityUnits: 3, WriteCapacityUnits: 4}
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
        - {AttributeName: state, AttributeType: S}
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      GlobalSecondaryIndexes:
        - IndexName: by-state
          KeySchema: [{AttributeName: state, KeyType: HASH}]
          Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [total]}
      StreamSpecification: {StreamViewType: KEYS_ONLY}
      TimeToLiveSpecification: {AttributeName: expires, Enabled: true}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
  Simple:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: simple
      PrimaryKey: {Name: n, Type: Number}
"#;
        let dir = std::env::temp_dir();
        let model = localcloud_template::Model::from_str(yaml, &dir, &Default::default())
            .expect("template");
        let spec = |id: &str| {
            let t = model.tables().find(|t| t.logical_id == id).expect("table");
            TableSpec::from_table(t)
        };
        let orders = spec("Orders");
        assert_eq!(orders.create_request["BillingMode"], "PROVISIONED");
        assert_eq!(
            orders.create_request["ProvisionedThroughput"],
            json!({"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
        );
        assert_eq!(
            orders.create_request["GlobalSecondaryIndexes"][0]["Projection"],
            json!({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]})
        );
        assert_eq!(
            orders.create_request["StreamSpecification"]["StreamViewType"],
            "KEYS_ONLY"
        );
        assert_eq!(orders.ttl_attribute.as_deref(), Some("expires"));
        assert!(orders.pitr_enabled);
        let simple = spec("Simple");
        assert_eq!(
            simple.create_request,
            json!({
                "TableName": "simple",
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}],
                "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}]
            })
        );
    }
}
