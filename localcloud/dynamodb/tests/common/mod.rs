//! Shared test harness: the service on 127.0.0.1:0 and an SDK client pointed at it.

#![allow(dead_code)]

use std::path::Path;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use localcloud_dynamodb::{DynamoService, Settings, TableSpec};
use localcloud_s3::Store;
use serde_json::json;

pub fn profiles() -> TableSpec {
    TableSpec::from_cfn(
        "ProfilesTable",
        &json!({
            "TableName": "profiles",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "userId", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
            "SSESpecification": {"SSEEnabled": true}
        }),
        "profiles",
    )
    .expect("profiles spec")
}

pub fn orders() -> TableSpec {
    TableSpec::from_cfn(
        "OrdersTable",
        &json!({
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
                "Projection": {"ProjectionType": "ALL"}
            }],
            "TimeToLiveSpecification": {"AttributeName": "ttlEpoch", "Enabled": true},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}
        }),
        "orders",
    )
    .expect("orders spec")
}

pub fn inventory() -> TableSpec {
    TableSpec::from_cfn(
        "InventoryTable",
        &json!({
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "sku", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}]
        }),
        "inventory",
    )
    .expect("inventory spec")
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
