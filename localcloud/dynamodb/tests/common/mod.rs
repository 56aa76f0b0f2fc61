//! Shared test harness: the service on 127.0.0.1:0 and an SDK client pointed at it.

#![allow(dead_code)]

use std::path::Path;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use localcloud_dynamodb::{DynamoService, Settings, TableSpec};
use localcloud_s3::Store;
use localcloud_template::resource::table::{
    AttributeDefinition, Billing, Index, KeyElement, KeyType, Projection, Table,
};

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

/// A typed template table keyed by `hash` (a string), with nothing else declared.
pub fn table(logical_id: &str, name: &str, hash: &str) -> Table {
    Table {
        logical_id: logical_id.into(),
        table_name: name.into(),
        arn: format!("arn:aws:dynamodb:us-east-1:000000000000:table/{name}"),
        key_schema: vec![key(hash, KeyType::Hash)],
        attribute_definitions: vec![attr(hash, "S")],
        global_secondary_indexes: Vec::new(),
        local_secondary_indexes: Vec::new(),
        stream_view_type: None,
        stream_arn: None,
        ttl_attribute: None,
        point_in_time_recovery: false,
        billing: Billing::PayPerRequest,
    }
}

/// With a stream and PITR.
pub fn profiles() -> TableSpec {
    let mut t = table("ProfilesTable", "profiles", "userId");
    t.stream_view_type = Some("NEW_AND_OLD_IMAGES".into());
    t.point_in_time_recovery = true;
    TableSpec::from_table(&t)
}

/// With a GSI, TTL and PITR.
pub fn orders() -> TableSpec {
    let mut t = table("OrdersTable", "orders", "orderId");
    t.attribute_definitions
        .extend([attr("status", "S"), attr("createdAt", "S")]);
    t.global_secondary_indexes = vec![Index {
        name: "status-createdAt".into(),
        key_schema: vec![
            key("status", KeyType::Hash),
            key("createdAt", KeyType::Range),
        ],
        projection: Projection::All,
    }];
    t.ttl_attribute = Some("ttlEpoch".into());
    t.point_in_time_recovery = true;
    TableSpec::from_table(&t)
}

/// Nothing but a key.
pub fn inventory() -> TableSpec {
    TableSpec::from_table(&table("InventoryTable", "inventory", "sku"))
}

pub struct Running {
    pub service: DynamoService,
    pub client: aws_sdk_dynamodb::Client,
    pub s3: Store,
    pub endpoint: String,
}

pub async fn start(state: Option<&Path>, s3_root: &Path, tables: &[TableSpec]) -> Running {
    let s3 = Store::open(s3_root).expect("s3 store");
    let settings = Settings {
        state_dir: state.map(Path::to_path_buf),
        ..Settings::default()
    };
    let service = DynamoService::start(settings, tables, s3.clone())
        .await
        .expect("service starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let router = service.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = client_for(&endpoint);
    Running {
        service,
        client,
        s3,
        endpoint,
    }
}

pub fn client_for(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}
