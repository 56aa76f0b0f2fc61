use super::*;
use order_domain::test_support::{self as ts, event, event_files, ORDERS};

const FN: &str = "confirm-order";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn every_sample_is_covered() {
    assert_eq!(event_files(FN), ["ok.json"]);
}

#[tokio::test]
async fn charged_order_is_confirmed_once() {
    let client = ts::dynamo().await;
    ts::put_order(&client, "ord-0001", "CHARGED", "2026-11-28T12:00:00.000Z").await;
    let payload = event(FN, "ok.json");
    let first = confirm(&client, ORDERS, &payload, at("2026-11-28T12:00:09Z"))
        .await
        .unwrap();
    assert_eq!(
        first,
        json!({"orderId": "ord-0001", "status": "CONFIRMED", "confirmedAt": "2026-11-28T12:00:09.000Z"})
    );
    // The retry succeeds and keeps the first confirmation time.
    let second = confirm(&client, ORDERS, &payload, at("2026-11-28T12:05:00Z"))
        .await
        .unwrap();
    assert_eq!(second, first);
    let item = ts::get(&client, ORDERS, "orderId", "ord-0001")
        .await
        .unwrap();
    assert_eq!(get_s(&item, "status"), Some("CONFIRMED"));
    assert_eq!(
        get_s(&item, "confirmedAt"),
        Some("2026-11-28T12:00:09.000Z")
    );
}

#[tokio::test]
async fn other_statuses_are_conflicts_naming_the_status() {
    let client = ts::dynamo().await;
    for status in ["PENDING", "RESERVED", "FAILED", "EXPIRED"] {
        ts::put_order(&client, "ord-0001", status, "2026-11-28T12:00:00.000Z").await;
        let err = confirm(&client, ORDERS, &event(FN, "ok.json"), Utc::now())
            .await
            .unwrap_err();
        assert_eq!(err.error_type(), "OrderStateConflict");
        assert_eq!(
            err.to_string(),
            format!("order ord-0001 is {status}, only a CHARGED order can be confirmed")
        );
        let item = ts::get(&client, ORDERS, "orderId", "ord-0001")
            .await
            .unwrap();
        assert_eq!(get_s(&item, "status"), Some(status));
    }
}

#[tokio::test]
async fn missing_order_and_bad_payload() {
    let client = ts::dynamo().await;
    let err = confirm(&client, ORDERS, &event(FN, "ok.json"), Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "order ord-0001 does not exist");
    let err = confirm(&client, ORDERS, &json!({}), Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "OrderInvalid");
    let err = confirm(&client, "no-such-table", &event(FN, "ok.json"), Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "DependencyFailure");
}
