//! confirm-order: the last workflow step, moving a CHARGED order to CONFIRMED exactly once.
//!
//! # Layout
//!
//! - [`confirm`] (this file): the conditional update and what a failed condition means.
//! - `tests` (`tests.rs`): the `events/confirm-order` samples against in-process dynoxide.

#![warn(missing_docs)]

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use order_domain::dynamo::{get_s, iso_millis, s};
use order_domain::order::require_str;
use order_domain::{DomainError, OrderStatus};
use serde_json::{json, Value};

/// Confirms `{orderId}`; returns `{orderId, status: "CONFIRMED", confirmedAt}`.
///
/// Only a CHARGED order may be confirmed. An order that is already CONFIRMED is a retry of
/// this step and succeeds with the stored `confirmedAt`; any other status is an
/// `OrderStateConflict` naming it.
pub async fn confirm(
    client: &Client,
    table: &str,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<Value, DomainError> {
    let order_id = require_str(payload, "orderId")?;
    let confirmed_at = iso_millis(now);
    let sent = client
        .update_item()
        .table_name(table)
        .key("orderId", s(order_id))
        .update_expression("SET #status = :confirmed, confirmedAt = :now")
        .condition_expression("#status = :charged")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":confirmed", s(OrderStatus::Confirmed.as_str()))
        .expression_attribute_values(":charged", s(OrderStatus::Charged.as_str()))
        .expression_attribute_values(":now", s(&confirmed_at))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match sent {
        Ok(_) => {
            tracing::info!(order_id, "order confirmed");
            Ok(confirmed(order_id, &confirmed_at))
        }
        Err(SdkError::ServiceError(e)) => match e.into_err() {
            UpdateItemError::ConditionalCheckFailedException(failed) => {
                let old = failed.item();
                let status = old.and_then(|item| get_s(item, "status"));
                match (status.and_then(OrderStatus::parse), old) {
                    (Some(OrderStatus::Confirmed), Some(item)) => {
                        tracing::info!(order_id, "order already confirmed");
                        let at = get_s(item, "confirmedAt").unwrap_or_default();
                        Ok(confirmed(order_id, at))
                    }
                    (_, None) => Err(DomainError::OrderStateConflict(format!(
                        "order {order_id} does not exist"
                    ))),
                    _ => Err(DomainError::OrderStateConflict(format!(
                        "order {order_id} is {}, only a CHARGED order can be confirmed",
                        status.unwrap_or("without a status")
                    ))),
                }
            }
            other => Err(DomainError::dependency("UpdateItem orders", other)),
        },
        Err(other) => Err(DomainError::dependency("UpdateItem orders", other)),
    }
}

fn confirmed(order_id: &str, at: &str) -> Value {
    json!({"orderId": order_id, "status": "CONFIRMED", "confirmedAt": at})
}

#[cfg(test)]
mod tests;
