//! The TTL sweep with an injected clock (no sleeps).

mod common;

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use dynoxide::storage_backend::ManualClock;
use localcloud_dynamodb::{DynamoService, Settings};

#[tokio::test]
async fn sweep_deletes_items_past_their_ttl_by_the_injected_clock() {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::new(2_000_000_000));
    let settings = Settings {
        state_dir: None,
        clock: Some(clock.arc()),
        ttl_sweep_interval: None,
    };
    let s3 = localcloud_s3::Store::open(dir.path()).expect("s3");
    let service = DynamoService::start(settings, &[common::orders()], s3)
        .await
        .expect("start");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let router = service.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = common::client_for(&endpoint);
    for (id, ttl) in [("old", 1_999_999_000u64), ("new", 2_000_100_000)] {
        client
            .put_item()
            .table_name("orders")
            .item("orderId", AttributeValue::S(id.into()))
            .item("ttlEpoch", AttributeValue::N(ttl.to_string()))
            .send()
            .await
            .expect("put");
    }
    assert_eq!(service.sweep_ttl().await.expect("sweep"), 1);
    let left = client
        .scan()
        .table_name("orders")
        .send()
        .await
        .expect("scan");
    assert_eq!(left.count, 1);
    clock.set(2_000_200_000);
    assert_eq!(service.sweep_ttl().await.expect("sweep"), 1);
}
