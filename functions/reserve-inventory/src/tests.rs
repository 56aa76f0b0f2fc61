use super::*;
use order_domain::test_support::{self as ts, event, event_files, INVENTORY, ORDERS};

const FN: &str = "reserve-inventory";

fn tables() -> Tables {
    Tables {
        orders: ORDERS.into(),
        inventory: INVENTORY.into(),
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:05Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Catalogue used by every case: A-1 has 10, B-2 has 5, C-3 has 1.
async fn seeded() -> Client {
    let client = ts::dynamo().await;
    for (sku, available) in [("A-1", 10), ("B-2", 5), ("C-3", 1)] {
        ts::put_inventory(&client, sku, available).await;
    }
    client
}

async fn run(client: &Client, payload: &Value) -> Result<Value, DomainError> {
    let order_id = payload["orderId"].as_str().unwrap();
    if ts::get(client, ORDERS, "orderId", order_id).await.is_none() {
        ts::put_order(client, order_id, "VALIDATED", "2026-11-28T12:00:00.000Z").await;
    }
    reserve(client, &tables(), payload, now()).await
}

#[test]
fn every_sample_is_covered() {
    assert_eq!(
        event_files(FN),
        ["ok.json", "out-of-stock.json", "unknown-sku.json"]
    );
}

#[tokio::test]
async fn ok_reserves_once_even_when_retried() {
    let client = seeded().await;
    let payload = event(FN, "ok.json");
    let first = run(&client, &payload).await.unwrap();
    assert_eq!(first["alreadyReserved"], false);
    assert_eq!(first["reserved"], payload["items"]);
    assert_eq!(ts::stock(&client, "A-1").await, (8, 2));
    assert_eq!(ts::stock(&client, "B-2").await, (4, 1));
    let order = ts::get(&client, ORDERS, "orderId", "ord-0001")
        .await
        .unwrap();
    assert_eq!(
        order_domain::dynamo::get_s(&order, "reservedAt"),
        Some("2026-11-28T12:00:05.000Z")
    );

    // At-least-once delivery: the same task again takes nothing more.
    let second = run(&client, &payload).await.unwrap();
    assert_eq!(second["alreadyReserved"], true);
    assert_eq!(second["reserved"], payload["items"]);
    assert_eq!(ts::stock(&client, "A-1").await, (8, 2));
    assert_eq!(ts::stock(&client, "B-2").await, (4, 1));
}

#[tokio::test]
async fn out_of_stock_names_the_sku_and_takes_nothing() {
    let client = seeded().await;
    let err = run(&client, &event(FN, "out-of-stock.json"))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "OutOfStock");
    assert_eq!(err.to_string(), "sku C-3: requested 2, only 1 available");
    // The transaction is all or nothing: A-1 (the line before) is untouched.
    assert_eq!(ts::stock(&client, "A-1").await, (10, 0));
    assert_eq!(ts::stock(&client, "C-3").await, (1, 0));
    let order = ts::get(&client, ORDERS, "orderId", "ord-0011")
        .await
        .unwrap();
    assert!(!order.contains_key("reservedItems"));
}

#[tokio::test]
async fn unknown_sku_is_told_apart_from_short_stock() {
    let client = seeded().await;
    let err = run(&client, &event(FN, "unknown-sku.json"))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "OutOfStock");
    assert_eq!(err.to_string(), "sku ZZ-404: unknown sku");
    assert_eq!(ts::stock(&client, "A-1").await, (10, 0));
    assert!(ts::get(&client, INVENTORY, "sku", "ZZ-404").await.is_none());
}

#[tokio::test]
async fn duplicate_skus_are_merged_into_one_update() {
    let client = seeded().await;
    let payload = serde_json::json!({"orderId": "ord-dup",
        "items": [{"sku": "B-2", "qty": 2}, {"sku": "B-2", "qty": 3}]});
    let out = run(&client, &payload).await.unwrap();
    assert_eq!(
        out["reserved"],
        serde_json::json!([{"sku": "B-2", "qty": 5}])
    );
    assert_eq!(ts::stock(&client, "B-2").await, (0, 5));
}

#[tokio::test]
async fn missing_order_is_a_state_conflict() {
    let client = seeded().await;
    let payload = event(FN, "ok.json");
    let err = reserve(&client, &tables(), &payload, now())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "OrderStateConflict");
    assert_eq!(ts::stock(&client, "A-1").await, (10, 0));
}

#[tokio::test]
async fn bad_payload_is_order_invalid() {
    let client = seeded().await;
    let err = reserve(
        &client,
        &tables(),
        &serde_json::json!({"orderId": "x"}),
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.error_type(), "OrderInvalid");
}

#[tokio::test]
async fn a_missing_table_is_a_dependency_failure_not_a_business_error() {
    let client = seeded().await;
    let broken = Tables {
        orders: "no-such-table".into(),
        inventory: INVENTORY.into(),
    };
    let err = reserve(&client, &broken, &event(FN, "ok.json"), now())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "DependencyFailure", "{err}");
    assert!(!err.is_business());
}
