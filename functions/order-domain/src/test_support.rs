//! Test helpers shared by the function crates (feature `test-support`): an in-process
//! DynamoDB (dynoxide over HTTP on 127.0.0.1, port 0) reached through the real SDK client,
//! and the contract's tables.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
};
use aws_sdk_dynamodb::Client;

use crate::dynamo::{n, s, Item};

/// Table names used by the tests (the contract's suffixes, prefixed like a stack name would).
pub const PROFILES: &str = "test-profiles";
/// Orders table.
pub const ORDERS: &str = "test-orders";
/// Inventory table.
pub const INVENTORY: &str = "test-inventory";
/// Payments table.
pub const PAYMENTS: &str = "test-payments";
/// The orders GSI from the contract.
pub const STATUS_INDEX: &str = "status-createdAt-index";

/// Starts an empty in-memory dynoxide server on 127.0.0.1:0 inside the current tokio runtime
/// (it stops with the runtime) and returns an SDK client pointed at it, with every table of
/// the contract created.
pub async fn dynamo() -> Client {
    dynamo_with_db().await.0
}

/// [`dynamo`], also returning the database handle so a test can read what the HTTP API does
/// not cover with the SDK client at hand (the profiles table's stream).
pub async fn dynamo_with_db() -> (Client, dynoxide::Database) {
    let db = dynoxide::Database::memory().expect("in-memory dynoxide");
    let handle = db.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(dynoxide::server::serve_on(listener, db));
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(format!("http://{addr}"))
        .build();
    let client = Client::from_conf(config);
    create_tables(&client).await;
    (client, handle)
}

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .expect("key schema")
}

fn attr(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("attribute definition")
}

async fn create_tables(client: &Client) {
    client
        .create_table()
        .table_name(PROFILES)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("userId"))
        .key_schema(key("userId", KeyType::Hash))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream specification"),
        )
        .send()
        .await
        .expect("create profiles table");
    for (table, pk) in [(INVENTORY, "sku"), (PAYMENTS, "orderId")] {
        client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr(pk))
            .key_schema(key(pk, KeyType::Hash))
            .send()
            .await
            .expect("create table");
    }
    let gsi = GlobalSecondaryIndex::builder()
        .index_name(STATUS_INDEX)
        .key_schema(key("status", KeyType::Hash))
        .key_schema(key("createdAt", KeyType::Range))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::KeysOnly)
                .build(),
        )
        .build()
        .expect("gsi");
    client
        .create_table()
        .table_name(ORDERS)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("orderId"))
        .attribute_definitions(attr("status"))
        .attribute_definitions(attr("createdAt"))
        .key_schema(key("orderId", KeyType::Hash))
        .global_secondary_indexes(gsi)
        .send()
        .await
        .expect("create orders table");
}

/// Puts an inventory item with `available` units and nothing reserved.
pub async fn put_inventory(client: &Client, sku: &str, available: u32) {
    client
        .put_item()
        .table_name(INVENTORY)
        .item("sku", s(sku))
        .item("name", s(format!("Item {sku}")))
        .item("price", n("9.99"))
        .item("available", n(available))
        .item("reserved", n(0))
        .send()
        .await
        .expect("put inventory");
}

/// Puts an order item in `status`, created at `created_at` (contract timestamp text).
pub async fn put_order(client: &Client, order_id: &str, status: &str, created_at: &str) {
    client
        .put_item()
        .table_name(ORDERS)
        .item("orderId", s(order_id))
        .item("userId", s("user-1"))
        .item("status", s(status))
        .item("amount", n("42.50"))
        .item("items", s(r#"[{"sku":"A-1","qty":2}]"#))
        .item("createdAt", s(created_at))
        .item("ttlEpoch", n(1_764_331_200))
        .send()
        .await
        .expect("put order");
}

/// Reads an item by its single string key; `None` when absent.
pub async fn get(client: &Client, table: &str, key_name: &str, key: &str) -> Option<Item> {
    client
        .get_item()
        .table_name(table)
        .key(key_name, s(key))
        .consistent_read(true)
        .send()
        .await
        .expect("get item")
        .item
}

/// Reads an inventory item's `(available, reserved)`.
pub async fn stock(client: &Client, sku: &str) -> (i64, i64) {
    let item = get(client, INVENTORY, "sku", sku)
        .await
        .expect("inventory item");
    let num = |name: &str| -> i64 {
        crate::dynamo::get_n(&item, name)
            .unwrap_or("0")
            .parse()
            .expect("integer")
    };
    (num("available"), num("reserved"))
}

/// Reads and parses a sample event from the repository's `events/` folder.
pub fn event(function: &str, file: &str) -> serde_json::Value {
    let path = format!(
        "{}/../../events/{function}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every sample file name in `events/<function>/`, sorted, so tests can prove they cover all.
pub fn event_files(function: &str) -> Vec<String> {
    let dir = format!("{}/../../events/{function}", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

/// Everything `table`'s stream holds, wrapped as the event Lambda's DynamoDB event source
/// mapping delivers (`{"Records": [...]}`, each record with its `eventSourceARN`).
pub fn stream_event(db: &dynoxide::Database, table: &str) -> serde_json::Value {
    use serde_json::{from_value, json, to_value, Value};
    let streams = to_value(
        db.list_streams(from_value(json!({"TableName": table})).expect("request"))
            .expect("ListStreams"),
    )
    .expect("json");
    let arn = streams["Streams"][0]["StreamArn"]
        .as_str()
        .expect("table has a stream")
        .to_string();
    let described = to_value(
        db.describe_stream(from_value(json!({"StreamArn": arn})).expect("request"))
            .expect("DescribeStream"),
    )
    .expect("json");
    let mut records = Vec::new();
    for shard in described["StreamDescription"]["Shards"]
        .as_array()
        .expect("shards")
    {
        let iterator = to_value(
            db.get_shard_iterator(
                from_value(json!({"StreamArn": arn, "ShardId": shard["ShardId"],
                    "ShardIteratorType": "TRIM_HORIZON"}))
                .expect("request"),
            )
            .expect("GetShardIterator"),
        )
        .expect("json");
        let page = to_value(
            db.get_records(
                from_value(json!({"ShardIterator": iterator["ShardIterator"]})).expect("request"),
            )
            .expect("GetRecords"),
        )
        .expect("json");
        for mut record in page["Records"].as_array().cloned().unwrap_or_default() {
            record["eventSourceARN"] = Value::String(arn.clone());
            records.push(record);
        }
    }
    json!({ "Records": records })
}
