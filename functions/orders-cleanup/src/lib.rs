//! orders-cleanup: the hourly schedule's target. Expires orders that stayed PENDING too long
//! (the workflow never picked them up), querying the status GSI instead of scanning.
//!
//! # Layout
//!
//! - [`Settings`] (this file): table, index and age limit from the environment.
//! - [`expire_stale`] (this file): query the GSI page by page, then expire each order with a
//!   conditional update so an order the workflow moved on meanwhile is left alone.
//! - `tests` (`tests.rs`): the `events/orders-cleanup` sample against in-process dynoxide.

#![warn(missing_docs)]

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Duration, Utc};
use order_domain::dynamo::{env_required, get_s, iso_millis, s, MissingEnv};
use order_domain::{DomainError, OrderStatus};
use serde_json::{json, Value};

/// The GSI name when `ORDERS_STATUS_INDEX` is unset (the contract's name).
pub const DEFAULT_INDEX: &str = "status-createdAt-index";
/// The age limit when `PENDING_MAX_AGE_MINUTES` is unset.
pub const DEFAULT_MAX_AGE_MINUTES: i64 = 60;

/// Where and what to clean.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The orders table.
    pub table: String,
    /// The `status` + `createdAt` GSI.
    pub index: String,
    /// Orders PENDING for longer than this expire.
    pub max_age: Duration,
    /// Query page size; `None` lets DynamoDB choose (1 MB pages). Tests set it to force paging.
    pub page_size: Option<i32>,
}

/// A setting is missing or unreadable.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A required variable is unset.
    #[error(transparent)]
    Missing(#[from] MissingEnv),
    /// `PENDING_MAX_AGE_MINUTES` is not a positive whole number.
    #[error("PENDING_MAX_AGE_MINUTES must be a positive whole number of minutes, got {0:?}")]
    BadAge(String),
}

impl Settings {
    /// Reads `ORDERS_TABLE`, `ORDERS_STATUS_INDEX` and `PENDING_MAX_AGE_MINUTES`.
    pub fn from_env() -> Result<Self, SettingsError> {
        let index = std::env::var("ORDERS_STATUS_INDEX")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_INDEX.to_string());
        let minutes = match std::env::var("PENDING_MAX_AGE_MINUTES") {
            Err(_) => DEFAULT_MAX_AGE_MINUTES,
            Ok(raw) => match raw.trim().parse::<i64>() {
                Ok(m) if m > 0 => m,
                _ => return Err(SettingsError::BadAge(raw)),
            },
        };
        Ok(Self {
            table: env_required("ORDERS_TABLE")?,
            index,
            max_age: Duration::minutes(minutes),
            page_size: None,
        })
    }
}

/// The scheduled event's `time`: the run's "now", so a delayed or replayed delivery expires
/// exactly what the scheduled run would have. A hand-made event without one (`localcloud
/// invoke -e '{}'`) falls back to the clock.
pub fn event_time(event: &Value) -> DateTime<Utc> {
    match event.get("time").and_then(Value::as_str) {
        Some(t) => match DateTime::parse_from_rfc3339(t) {
            Ok(parsed) => parsed.with_timezone(&Utc),
            Err(e) => {
                tracing::warn!(time = t, error = %e, "unreadable event time; using the clock");
                Utc::now()
            }
        },
        None => Utc::now(),
    }
}

/// Expires every order PENDING since before `now - max_age`; returns `{"expired": n}`.
pub async fn expire_stale(
    client: &Client,
    settings: &Settings,
    event: &Value,
) -> Result<Value, DomainError> {
    let now = event_time(event);
    let cutoff = iso_millis(now - settings.max_age);
    let now = iso_millis(now);

    let (stale, pages) = stale_orders(client, settings, &cutoff).await?;
    tracing::info!(
        candidates = stale.len(),
        pages,
        "stale PENDING orders found"
    );

    let mut expired = 0u64;
    for order_id in &stale {
        let sent = client
            .update_item()
            .table_name(&settings.table)
            .key("orderId", s(order_id))
            .update_expression("SET #status = :expired, expiredAt = :now")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":expired", s(OrderStatus::Expired.as_str()))
            .expression_attribute_values(":pending", s(OrderStatus::Pending.as_str()))
            .expression_attribute_values(":now", s(&now))
            .send()
            .await;
        match sent {
            Ok(_) => {
                expired += 1;
                tracing::info!(order_id, "order expired");
            }
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                // The workflow moved it on after the query (the index is eventually
                // consistent on AWS): not stale any more, so not an error.
                tracing::info!(order_id, "order left PENDING meanwhile; skipped");
            }
            Err(e) => return Err(DomainError::dependency("UpdateItem orders", e)),
        }
    }
    tracing::info!(expired, cutoff, "cleanup done");
    Ok(json!({ "expired": expired }))
}

/// The ids of orders PENDING since before `cutoff`, and how many query pages that took.
///
/// Collects everything before any update: the updates move items out of the PENDING
/// partition of the index, and a page walk should not race its own writes.
async fn stale_orders(
    client: &Client,
    settings: &Settings,
    cutoff: &str,
) -> Result<(Vec<String>, usize), DomainError> {
    let mut stale = Vec::new();
    let mut pages = 0;
    let mut start: Option<HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> = None;
    loop {
        let page = client
            .query()
            .table_name(&settings.table)
            .index_name(&settings.index)
            .key_condition_expression("#status = :pending AND createdAt < :cutoff")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s(OrderStatus::Pending.as_str()))
            .expression_attribute_values(":cutoff", s(cutoff))
            .set_limit(settings.page_size)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| DomainError::dependency("Query orders status index", e))?;
        pages += 1;
        stale.extend(
            page.items()
                .iter()
                .filter_map(|item| get_s(item, "orderId").map(str::to_string)),
        );
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => break,
        }
    }
    Ok((stale, pages))
}

#[cfg(test)]
mod tests;
