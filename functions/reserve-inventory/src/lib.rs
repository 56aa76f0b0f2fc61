//! reserve-inventory: takes stock for every order line in one DynamoDB transaction, and
//! marks the order as reserved in that same transaction so a retry reserves nothing twice.
//!
//! # Layout
//!
//! - [`reserve`] (this file): builds and sends the transaction, reads `CancellationReasons`.
//! - `tests` (`tests.rs`): every `events/reserve-inventory` sample against in-process dynoxide.

#![warn(missing_docs)]

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    CancellationReason, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use order_domain::dynamo::{from_item, get_n, iso_millis, n, s, to_attribute, Item};
use order_domain::order::{require_str, validate_items};
use order_domain::{DomainError, OrderLine};
use serde_json::{json, Value};

/// The tables this step writes (from `ORDERS_TABLE` and `INVENTORY_TABLE`).
#[derive(Debug, Clone)]
pub struct Tables {
    /// The orders table.
    pub orders: String,
    /// The inventory table.
    pub inventory: String,
}

/// DynamoDB's reason code for a failed condition inside a transaction.
const CONDITION_FAILED: &str = "ConditionalCheckFailed";

/// Reserves `items` for `orderId` from the payload `{orderId, items}`.
///
/// Returns `{orderId, reserved: [{sku, qty}], alreadyReserved}`. When the order already holds
/// a reservation (Express workflows run a step at least once), nothing is taken again and the
/// stored reservation is returned with `alreadyReserved: true`.
pub async fn reserve(
    client: &Client,
    tables: &Tables,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<Value, DomainError> {
    let order_id = require_str(payload, "orderId")?;
    let lines = validate_items(payload)?;

    let order_update = Update::builder()
        .table_name(&tables.orders)
        .key("orderId", s(order_id))
        .update_expression("SET reservedItems = :lines, reservedAt = :now")
        .condition_expression("attribute_exists(orderId) AND attribute_not_exists(reservedItems)")
        .expression_attribute_values(":lines", to_attribute(&lines)?)
        .expression_attribute_values(":now", s(iso_millis(now)))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(|e| DomainError::dependency("build order update", e))?;
    let mut request = client
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().update(order_update).build());
    for line in &lines {
        let update = Update::builder()
            .table_name(&tables.inventory)
            .key("sku", s(&line.sku))
            .update_expression(
                "SET available = available - :q, reserved = if_not_exists(reserved, :zero) + :q",
            )
            .condition_expression("attribute_exists(sku) AND available >= :q")
            .expression_attribute_values(":q", n(line.qty))
            .expression_attribute_values(":zero", n(0))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| DomainError::dependency("build inventory update", e))?;
        request = request.transact_items(TransactWriteItem::builder().update(update).build());
    }

    match request.send().await {
        Ok(_) => {
            tracing::info!(order_id, lines = lines.len(), "inventory reserved");
            Ok(result(order_id, &lines, false))
        }
        Err(SdkError::ServiceError(e)) => match e.into_err() {
            TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                explain_cancellation(order_id, &lines, cancelled.cancellation_reasons())
            }
            other => Err(DomainError::dependency("TransactWriteItems", other)),
        },
        Err(other) => Err(DomainError::dependency("TransactWriteItems", other)),
    }
}

fn result(order_id: &str, lines: &[OrderLine], already: bool) -> Value {
    json!({"orderId": order_id, "reserved": lines, "alreadyReserved": already})
}

/// Maps the transaction's per-action reasons (index 0 = the order, then one per line) to the
/// step's outcome. The order's reason is read first: a retry of a reserved order must succeed
/// even if the stock has since run out.
fn explain_cancellation(
    order_id: &str,
    lines: &[OrderLine],
    reasons: &[CancellationReason],
) -> Result<Value, DomainError> {
    let failed = |r: &CancellationReason| r.code() == Some(CONDITION_FAILED);
    if let Some(order_reason) = reasons.first().filter(|r| failed(r)) {
        let old: Option<&Item> = order_reason.item();
        return match old.and_then(|item| item.get("reservedItems")) {
            Some(stored) => {
                let mut wrapper = Item::new();
                wrapper.insert("lines".into(), stored.clone());
                #[derive(serde::Deserialize)]
                struct Stored {
                    lines: Vec<OrderLine>,
                }
                let stored: Stored = from_item(wrapper)?;
                tracing::info!(order_id, "order already reserved; nothing taken");
                Ok(result(order_id, &stored.lines, true))
            }
            None => Err(DomainError::OrderStateConflict(format!(
                "order {order_id} does not exist"
            ))),
        };
    }
    for (reason, line) in reasons.iter().skip(1).zip(lines) {
        if !failed(reason) {
            continue;
        }
        let why = match reason.item() {
            None => format!("sku {}: unknown sku", line.sku),
            Some(item) if item.is_empty() => format!("sku {}: unknown sku", line.sku),
            Some(item) => format!(
                "sku {}: requested {}, only {} available",
                line.sku,
                line.qty,
                get_n(item, "available").unwrap_or("0")
            ),
        };
        tracing::info!(order_id, reason = %why, "out of stock");
        return Err(DomainError::OutOfStock(why));
    }
    // Throttling, TransactionConflict and the like: transient, so not a business error.
    let codes: Vec<&str> = reasons.iter().map(|r| r.code().unwrap_or("None")).collect();
    Err(DomainError::DependencyFailure(format!(
        "TransactWriteItems cancelled for order {order_id}: {codes:?}"
    )))
}

#[cfg(test)]
mod tests;
