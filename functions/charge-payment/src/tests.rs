use super::*;
use order_domain::dynamo::get_s;
use order_domain::test_support::{self as ts, event, event_files, PAYMENTS};

const FN: &str = "charge-payment";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:07.250Z")
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn every_sample_is_covered() {
    assert_eq!(
        event_files(FN),
        ["declined.json", "ok.json", "unavailable.json"]
    );
}

#[tokio::test]
async fn ok_charges_once_and_replays_the_first_payment() {
    let client = ts::dynamo().await;
    let payload = event(FN, "ok.json");
    let first = charge(&client, PAYMENTS, &payload, now()).await.unwrap();
    assert_eq!(first["status"], "CHARGED");
    assert_eq!(first["amount"], "42.50");
    assert_eq!(first["replayed"], false);
    let payment_id = first["paymentId"].as_str().unwrap().to_string();
    assert_eq!(
        uuid::Uuid::parse_str(&payment_id)
            .unwrap()
            .get_version_num(),
        4
    );
    let stored = ts::get(&client, PAYMENTS, "orderId", "ord-0001")
        .await
        .unwrap();
    assert_eq!(
        get_s(&stored, "chargedAt"),
        Some("2026-11-28T12:00:07.250Z")
    );
    assert_eq!(
        stored.get("amount"),
        Some(&aws_sdk_dynamodb::types::AttributeValue::N("42.5".into()))
    );

    let second = charge(&client, PAYMENTS, &payload, now()).await.unwrap();
    assert_eq!(second["replayed"], true);
    assert_eq!(second["paymentId"], payment_id.as_str());
    assert_eq!(second["amount"], "42.50");
}

#[tokio::test]
async fn declined_is_recorded_and_declined_again_on_retry() {
    let client = ts::dynamo().await;
    let payload = event(FN, "declined.json");
    for _ in 0..2 {
        let err = charge(&client, PAYMENTS, &payload, now())
            .await
            .unwrap_err();
        assert_eq!(err.error_type(), "PaymentDeclined");
    }
    let stored = ts::get(&client, PAYMENTS, "orderId", "ord-0013")
        .await
        .unwrap();
    assert_eq!(get_s(&stored, "status"), Some("DECLINED"));
    // A retry with a chargeable amount must not turn a declined payment into a charge.
    let mut retry = payload.clone();
    retry["amount"] = serde_json::json!(10.0);
    let err = charge(&client, PAYMENTS, &retry, now()).await.unwrap_err();
    assert_eq!(err.error_type(), "PaymentDeclined");
}

#[tokio::test]
async fn unavailable_writes_nothing() {
    let client = ts::dynamo().await;
    let payload = event(FN, "unavailable.json");
    let err = charge(&client, PAYMENTS, &payload, now())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "PaymentProviderUnavailable");
    assert!(ts::get(&client, PAYMENTS, "orderId", "ord-0066")
        .await
        .is_none());
}

#[tokio::test]
async fn concurrent_runs_agree_on_one_payment() {
    let client = ts::dynamo().await;
    let payload = event(FN, "ok.json");
    let (a, b) = tokio::join!(
        charge(&client, PAYMENTS, &payload, now()),
        charge(&client, PAYMENTS, &payload, now())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a["paymentId"], b["paymentId"]);
    assert_ne!(a["replayed"], b["replayed"]);
}

#[tokio::test]
async fn a_refunded_payment_is_a_state_conflict() {
    let client = ts::dynamo().await;
    client
        .put_item()
        .table_name(PAYMENTS)
        .item("orderId", s("ord-0001"))
        .item("paymentId", s("p-1"))
        .item("amount", n("42.50"))
        .item("status", s("REFUNDED"))
        .send()
        .await
        .unwrap();
    let err = charge(&client, PAYMENTS, &event(FN, "ok.json"), now())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "OrderStateConflict");
    assert!(err.to_string().contains("REFUNDED"));
}

#[tokio::test]
async fn bad_amount_is_order_invalid_and_missing_table_is_not_business() {
    let client = ts::dynamo().await;
    let bad = serde_json::json!({"orderId": "o", "userId": "u", "amount": "x"});
    let err = charge(&client, PAYMENTS, &bad, now()).await.unwrap_err();
    assert_eq!(err.error_type(), "OrderInvalid");
    let err = charge(&client, "no-such-table", &event(FN, "ok.json"), now())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "DependencyFailure");
}
