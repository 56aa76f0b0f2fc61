//! Function event sources (`Events`): `Schedule`, `ScheduleV2`, `DynamoDB`, `SQS` and `Api`
//! (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html>).
//! Any other event type is an error naming it.

use serde_json::Value;

use super::props::Props;
use crate::error::{Result, TemplateError};

/// One event source of a function.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `Schedule` (EventBridge rule) or `ScheduleV2` (EventBridge Scheduler).
    Schedule(Schedule),
    /// `DynamoDB` stream event source mapping.
    DynamoDb(StreamSource),
    /// `SQS` event source mapping.
    Sqs(SqsSource),
    /// `Api`: a route of a REST API that invokes the function.
    Api(ApiRoute),
}

/// A scheduled invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// `rate(...)` or `cron(...)`.
    pub expression: String,
    /// `ScheduleExpressionTimezone` (ScheduleV2 only).
    pub timezone: Option<String>,
    /// `Enabled`/`State` (default enabled).
    pub enabled: bool,
    /// `Input`: the event payload, a JSON string.
    pub input: Option<String>,
    /// `true` for `ScheduleV2` (EventBridge Scheduler's event shape), `false` for `Schedule`.
    pub scheduler_v2: bool,
}

/// A DynamoDB stream event source mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSource {
    /// `Stream`: the stream ARN.
    pub stream_arn: String,
    /// `StartingPosition` (`TRIM_HORIZON` or `LATEST`).
    pub starting_position: String,
    /// `BatchSize` (default 100).
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`.
    pub maximum_batching_window_seconds: Option<u32>,
    /// `MaximumRetryAttempts` (`None` = retry until the record expires).
    pub maximum_retry_attempts: Option<u32>,
    /// `MaximumRecordAgeInSeconds`.
    pub maximum_record_age_seconds: Option<u32>,
    /// `BisectBatchOnFunctionError`.
    pub bisect_batch_on_function_error: bool,
    /// `ParallelizationFactor` (default 1).
    pub parallelization_factor: u32,
    /// `FunctionResponseTypes` contains `ReportBatchItemFailures`.
    pub report_batch_item_failures: bool,
    /// `FilterCriteria.Filters[].Pattern`, as written (JSON strings).
    pub filter_patterns: Vec<String>,
    /// `Enabled` (default true).
    pub enabled: bool,
    /// `DestinationConfig.OnFailure.Destination`: where discarded batches are described.
    pub on_failure: Option<FailureDestination>,
}

/// Where a stream event source mapping sends a record of a batch it gave up on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureDestination {
    /// `Type` (SAM: `SQS` or `SNS`; it only decides which permission SAM adds).
    pub destination_type: Option<String>,
    /// `Destination`: the queue or topic ARN.
    pub arn: String,
}

/// An SQS event source mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct SqsSource {
    /// `Queue`: the queue ARN.
    pub queue_arn: String,
    /// `BatchSize` (default 10).
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`.
    pub maximum_batching_window_seconds: Option<u32>,
    /// `FunctionResponseTypes` contains `ReportBatchItemFailures`.
    pub report_batch_item_failures: bool,
    /// `Enabled` (default true).
    pub enabled: bool,
}

/// An `Api` event: `Method` on `Path`, optionally of an explicit `RestApiId`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRoute {
    /// `Path`.
    pub path: String,
    /// `Method`, upper-cased (`ANY` for any).
    pub method: String,
    /// `RestApiId` (resolved), or `None` for SAM's implicit API.
    pub rest_api_id: Option<String>,
    /// `Auth`, as written.
    pub auth: Option<Value>,
}

pub(super) fn build(p: &Props<'_>) -> Result<Event> {
    let ty = p.req_string("Type")?;
    let props = p
        .child("Properties")?
        .ok_or_else(|| TemplateError::InvalidProperty {
            path: p.path("Properties"),
            message: "is required".into(),
        })?;
    let event = match ty.as_str() {
        "Schedule" | "ScheduleV2" => {
            let v2 = ty == "ScheduleV2";
            props.ignore(&["Name", "Description", "RoleArn", "FlexibleTimeWindow", "GroupName", "OmitName", "PermissionsBoundary"]);
            let enabled = match (props.bool("Enabled")?, props.one_of("State", &["ENABLED", "DISABLED"])?) {
                (Some(e), _) => e,
                (None, Some(s)) => s == "ENABLED",
                (None, None) => true,
            };
            Event::Schedule(Schedule {
                expression: props.req_string(if v2 { "ScheduleExpression" } else { "Schedule" })?,
                timezone: if v2 { props.string("ScheduleExpressionTimezone")? } else { None },
                enabled,
                input: props.string("Input")?,
                scheduler_v2: v2,
            })
        }
        "DynamoDB" => Event::DynamoDb(StreamSource {
            stream_arn: props.req_string("Stream")?,
            starting_position: props
                .one_of("StartingPosition", &["TRIM_HORIZON", "LATEST"])?
                .ok_or_else(|| TemplateError::InvalidProperty {
                    path: props.path("StartingPosition"),
                    message: "is required".into(),
                })?,
            batch_size: props.u32("BatchSize")?.unwrap_or(100),
            maximum_batching_window_seconds: props.u32("MaximumBatchingWindowInSeconds")?,
            maximum_retry_attempts: props.u32("MaximumRetryAttempts")?,
            maximum_record_age_seconds: props.u32("MaximumRecordAgeInSeconds")?,
            bisect_batch_on_function_error: props.bool("BisectBatchOnFunctionError")?.unwrap_or(false),
            parallelization_factor: props.u32("ParallelizationFactor")?.unwrap_or(1),
            report_batch_item_failures: report_failures(&props)?,
            filter_patterns: filters(&props)?,
            enabled: props.bool("Enabled")?.unwrap_or(true),
            on_failure: on_failure(&props)?,
        }),
        "SQS" => Event::Sqs(SqsSource {
            queue_arn: props.req_string("Queue")?,
            batch_size: props.u32("BatchSize")?.unwrap_or(10),
            maximum_batching_window_seconds: props.u32("MaximumBatchingWindowInSeconds")?,
            report_batch_item_failures: report_failures(&props)?,
            enabled: props.bool("Enabled")?.unwrap_or(true),
        }),
        "Api" => Event::Api(ApiRoute {
            path: props.req_string("Path")?,
            method: props.req_string("Method")?.to_ascii_uppercase(),
            rest_api_id: props.string("RestApiId")?,
            auth: props.get("Auth").cloned(),
        }),
        other => {
            return Err(TemplateError::InvalidProperty {
                path: p.path("Type"),
                message: format!("event type `{other}` is not emulated (Schedule, ScheduleV2, DynamoDB, SQS and Api are)"),
            })
        }
    };
    props.finish()?;
    Ok(event)
}

fn report_failures(p: &Props<'_>) -> Result<bool> {
    let types = p.strings("FunctionResponseTypes")?;
    if let Some(t) = types.iter().find(|t| *t != "ReportBatchItemFailures") {
        return Err(TemplateError::InvalidProperty {
            path: p.path("FunctionResponseTypes"),
            message: format!("`{t}` is not a function response type"),
        });
    }
    Ok(!types.is_empty())
}

fn on_failure(p: &Props<'_>) -> Result<Option<FailureDestination>> {
    let Some(dc) = p.child("DestinationConfig")? else {
        return Ok(None);
    };
    let dest = match dc.child("OnFailure")? {
        None => None,
        Some(f) => {
            let d = FailureDestination {
                destination_type: f.one_of("Type", &["SQS", "SNS"])?,
                arn: f.req_string("Destination")?,
            };
            f.finish()?;
            Some(d)
        }
    };
    dc.finish()?;
    Ok(dest)
}

fn filters(p: &Props<'_>) -> Result<Vec<String>> {
    let Some(fc) = p.child("FilterCriteria")? else {
        return Ok(Vec::new());
    };
    let patterns = fc
        .list("Filters")?
        .into_iter()
        .map(|f| {
            let pattern = f.req_string("Pattern")?;
            f.finish()?;
            Ok(pattern)
        })
        .collect::<Result<Vec<_>>>()?;
    fc.finish()?;
    Ok(patterns)
}
