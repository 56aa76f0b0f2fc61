//! charge-payment: takes the money for an order through the payment simulator, at most once
//! per `orderId` (the idempotency key).
//!
//! # Layout
//!
//! - [`charge`] (this file): replay check, simulator decision, conditional write.
//! - `tests` (`tests.rs`): every `events/charge-payment` sample against in-process dynoxide.

#![warn(missing_docs)]

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use order_domain::dynamo::{get_n, get_s, iso_millis, n, s, Item};
use order_domain::order::{require_str, validate_amount};
use order_domain::{decide, DomainError, Money, PaymentDecision};
use serde_json::{json, Value};

/// Charges `{orderId, userId, amount}`; returns
/// `{orderId, paymentId, amount: "42.50", status: "CHARGED", replayed}`.
///
/// A payment already recorded for the order wins: CHARGED is returned with `replayed: true`
/// and DECLINED is declined again, whatever the amount of this call.
pub async fn charge(
    client: &Client,
    table: &str,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<Value, DomainError> {
    let order_id = require_str(payload, "orderId")?;
    let amount = validate_amount(payload)?;

    if let Some(existing) = read(client, table, order_id).await? {
        return replay(order_id, &existing);
    }
    let status = match decide(amount) {
        PaymentDecision::Unavailable => {
            // Transient: nothing is written, so the workflow's retry decides afresh.
            tracing::warn!(order_id, %amount, "payment provider unavailable");
            return Err(DomainError::PaymentProviderUnavailable(format!(
                "payment provider unavailable for order {order_id}, retry later"
            )));
        }
        PaymentDecision::Decline => "DECLINED",
        PaymentDecision::Charge => "CHARGED",
    };
    let payment_id = uuid::Uuid::new_v4().to_string();
    let mut put = client
        .put_item()
        .table_name(table)
        .item("orderId", s(order_id))
        .item("paymentId", s(&payment_id))
        .item("amount", n(amount.to_wire()))
        .item("status", s(status))
        .condition_expression("attribute_not_exists(orderId)");
    if status == "CHARGED" {
        put = put.item("chargedAt", s(iso_millis(now)));
    }
    match put.send().await {
        Ok(_) if status == "CHARGED" => {
            tracing::info!(order_id, payment_id, %amount, "payment charged");
            Ok(charged(order_id, &payment_id, amount, false))
        }
        Ok(_) => {
            tracing::info!(order_id, %amount, "payment declined");
            Err(declined(order_id))
        }
        Err(SdkError::ServiceError(e))
            if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) =>
        {
            // A concurrent run of this step wrote first: its payment is the payment.
            match read(client, table, order_id).await? {
                Some(winner) => replay(order_id, &winner),
                None => Err(DomainError::DependencyFailure(format!(
                    "payment for {order_id} vanished after a conditional-write conflict"
                ))),
            }
        }
        Err(e) => Err(DomainError::dependency("PutItem payments", e)),
    }
}

async fn read(client: &Client, table: &str, order_id: &str) -> Result<Option<Item>, DomainError> {
    client
        .get_item()
        .table_name(table)
        .key("orderId", s(order_id))
        .consistent_read(true)
        .send()
        .await
        .map(|out| out.item)
        .map_err(|e| DomainError::dependency("GetItem payments", e))
}

fn replay(order_id: &str, item: &Item) -> Result<Value, DomainError> {
    match get_s(item, "status") {
        Some("CHARGED") => {
            let payment_id = get_s(item, "paymentId").unwrap_or_default();
            let amount: Money = get_n(item, "amount")
                .unwrap_or_default()
                .parse()
                .map_err(|e| DomainError::dependency("stored payment amount", e))?;
            tracing::info!(order_id, payment_id, "payment replayed");
            Ok(charged(order_id, payment_id, amount, true))
        }
        Some("DECLINED") => Err(declined(order_id)),
        other => Err(DomainError::OrderStateConflict(format!(
            "payment for order {order_id} is {}, cannot charge",
            other.unwrap_or("unreadable")
        ))),
    }
}

fn charged(order_id: &str, payment_id: &str, amount: Money, replayed: bool) -> Value {
    json!({
        "orderId": order_id,
        "paymentId": payment_id,
        "amount": amount,
        "status": "CHARGED",
        "replayed": replayed,
    })
}

fn declined(order_id: &str) -> DomainError {
    DomainError::PaymentDeclined(format!("payment for order {order_id} was declined"))
}

#[cfg(test)]
mod tests;
