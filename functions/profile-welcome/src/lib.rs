//! profile-welcome: greets each new profile from the profiles table's DynamoDB stream.
//!
//! # Layout
//!
//! - [`welcome`] (this file): walks a stream batch, logs one greeting per INSERT and reports
//!   the records it cannot read as batch item failures (partial batch response), so Lambda
//!   retries only those instead of the whole batch.
//! - `tests` (`tests.rs`): the `events/profile-welcome` samples.

#![warn(missing_docs)]

use aws_lambda_events::dynamodb::{Event, EventRecord};
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde_dynamo::AttributeValue;

/// What one batch produced: the greeting lines (also logged) and the partial batch response.
#[derive(Debug, Default)]
pub struct Outcome {
    /// `WELCOME: userId=<id> name=<name>`, one per INSERT, in record order.
    pub greetings: Vec<String>,
    /// Records to retry, by stream sequence number.
    pub response: DynamoDbEventResponse,
}

/// Processes a stream batch. MODIFY and REMOVE records are not for this function and are
/// skipped (not failures); an INSERT without a `NewImage` or `userId` is a failure.
pub fn welcome(event: &Event) -> Outcome {
    let mut outcome = Outcome::default();
    for record in &event.records {
        if record.event_name != "INSERT" {
            continue;
        }
        match greeting(record) {
            Some(line) => {
                tracing::info!("{line}");
                outcome.greetings.push(line);
            }
            None => {
                let id = record
                    .change
                    .sequence_number
                    .clone()
                    .unwrap_or_else(|| record.event_id.clone());
                tracing::warn!(sequence_number = %id, "INSERT without NewImage.userId; reported as a batch item failure");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = Some(id);
                outcome.response.batch_item_failures.push(failure);
            }
        }
    }
    outcome
}

fn greeting(record: &EventRecord) -> Option<String> {
    let image = record.change.new_image.inner();
    let text = |name: &str| match image.get(name) {
        Some(AttributeValue::S(v)) => Some(v.as_str()),
        _ => None,
    };
    let user_id = text("userId").filter(|id| !id.is_empty())?;
    // The name is optional for a greeting: a profile without one is still welcomed.
    let name = text("name").unwrap_or_default();
    Some(format!("WELCOME: userId={user_id} name={name}"))
}

#[cfg(test)]
mod tests;
