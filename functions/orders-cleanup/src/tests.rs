use super::*;
use order_domain::test_support::{self as ts, event, event_files, ORDERS, STATUS_INDEX};

const FN: &str = "orders-cleanup";

fn settings(page_size: Option<i32>) -> Settings {
    Settings {
        table: ORDERS.into(),
        index: STATUS_INDEX.into(),
        max_age: Duration::minutes(DEFAULT_MAX_AGE_MINUTES),
        page_size,
    }
}

async fn status(client: &Client, order_id: &str) -> String {
    let item = ts::get(client, ORDERS, "orderId", order_id).await.unwrap();
    get_s(&item, "status").unwrap().to_string()
}

#[test]
fn every_sample_is_covered() {
    assert_eq!(event_files(FN), ["scheduled-event.json"]);
}

#[test]
fn now_is_the_event_time() {
    let e = event(FN, "scheduled-event.json");
    assert_eq!(iso_millis(event_time(&e)), "2026-11-28T13:00:00.000Z");
}

#[tokio::test]
async fn expires_only_old_pending_orders_once() {
    let client = ts::dynamo().await;
    // The sample's time is 13:00, so the cutoff is 12:00.
    ts::put_order(
        &client,
        "old-pending",
        "PENDING",
        "2026-11-28T11:59:59.999Z",
    )
    .await;
    ts::put_order(
        &client,
        "edge-pending",
        "PENDING",
        "2026-11-28T12:00:00.000Z",
    )
    .await;
    ts::put_order(
        &client,
        "new-pending",
        "PENDING",
        "2026-11-28T12:30:00.000Z",
    )
    .await;
    ts::put_order(
        &client,
        "old-confirmed",
        "CONFIRMED",
        "2026-11-28T09:00:00.000Z",
    )
    .await;
    ts::put_order(
        &client,
        "old-validated",
        "VALIDATED",
        "2026-11-28T09:00:00.000Z",
    )
    .await;
    let e = event(FN, "scheduled-event.json");

    let out = expire_stale(&client, &settings(None), &e).await.unwrap();
    assert_eq!(out, json!({"expired": 1}));
    assert_eq!(status(&client, "old-pending").await, "EXPIRED");
    let item = ts::get(&client, ORDERS, "orderId", "old-pending")
        .await
        .unwrap();
    assert_eq!(get_s(&item, "expiredAt"), Some("2026-11-28T13:00:00.000Z"));
    for (id, st) in [
        ("edge-pending", "PENDING"),
        ("new-pending", "PENDING"),
        ("old-confirmed", "CONFIRMED"),
        ("old-validated", "VALIDATED"),
    ] {
        assert_eq!(status(&client, id).await, st, "{id}");
    }

    // The schedule fires again (or EventBridge redelivers): nothing more to do.
    let again = expire_stale(&client, &settings(None), &e).await.unwrap();
    assert_eq!(again, json!({"expired": 0}));
}

#[tokio::test]
async fn follows_last_evaluated_key_across_pages() {
    let client = ts::dynamo().await;
    for i in 0..7 {
        let created = format!("2026-11-28T10:0{i}:00.000Z");
        ts::put_order(&client, &format!("stale-{i}"), "PENDING", &created).await;
    }
    let (ids, pages) = stale_orders(&client, &settings(Some(2)), "2026-11-28T12:00:00.000Z")
        .await
        .unwrap();
    assert_eq!((ids.len(), pages), (7, 4), "7 orders in pages of 2");
    let out = expire_stale(
        &client,
        &settings(Some(2)),
        &event(FN, "scheduled-event.json"),
    )
    .await
    .unwrap();
    assert_eq!(out, json!({"expired": 7}));
    for i in 0..7 {
        assert_eq!(status(&client, &format!("stale-{i}")).await, "EXPIRED");
    }
}

#[tokio::test]
async fn a_missing_index_is_a_dependency_failure() {
    let client = ts::dynamo().await;
    let mut bad = settings(None);
    bad.index = "no-such-index".into();
    let err = expire_stale(&client, &bad, &event(FN, "scheduled-event.json"))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "DependencyFailure");
}
