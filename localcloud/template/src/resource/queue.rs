//! `AWS::SQS::Queue` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html>).

use serde_json::Value;

use super::props::Props;
use super::BuildCtx;
use crate::error::Result;

/// An SQS queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    /// Logical id.
    pub logical_id: String,
    /// Queue name.
    pub queue_name: String,
    /// Queue URL (what `Ref` gives).
    pub url: String,
    /// Queue ARN.
    pub arn: String,
    /// `FifoQueue`.
    pub fifo: bool,
    /// `ContentBasedDeduplication`.
    pub content_based_deduplication: bool,
    /// `VisibilityTimeout` (default 30).
    pub visibility_timeout: u32,
    /// `MessageRetentionPeriod` (default 345600).
    pub message_retention_period: u32,
    /// `DelaySeconds` (default 0).
    pub delay_seconds: u32,
    /// `ReceiveMessageWaitTimeSeconds` (default 0).
    pub receive_wait_seconds: u32,
    /// `MaximumMessageSize` (default 262144).
    pub maximum_message_size: u32,
    /// `RedrivePolicy` (`deadLetterTargetArn`, `maxReceiveCount`), resolved.
    pub redrive_policy: Option<Value>,
}

pub(super) fn build(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<Queue> {
    p.ignore(&[
        "QueueName",
        "Tags",
        "SqsManagedSseEnabled",
        "KmsMasterKeyId",
        "KmsDataKeyReusePeriodSeconds",
        "RedriveAllowPolicy",
    ]);
    Ok(Queue {
        logical_id: ctx.logical_id.to_string(),
        queue_name: ctx.attribute("QueueName")?,
        url: ctx.reference()?,
        arn: ctx.attribute("Arn")?,
        fifo: p.bool("FifoQueue")?.unwrap_or(false),
        content_based_deduplication: p.bool("ContentBasedDeduplication")?.unwrap_or(false),
        visibility_timeout: p.u32("VisibilityTimeout")?.unwrap_or(30),
        message_retention_period: p.u32("MessageRetentionPeriod")?.unwrap_or(345_600),
        delay_seconds: p.u32("DelaySeconds")?.unwrap_or(0),
        receive_wait_seconds: p.u32("ReceiveMessageWaitTimeSeconds")?.unwrap_or(0),
        maximum_message_size: p.u32("MaximumMessageSize")?.unwrap_or(262_144),
        redrive_policy: p.get("RedrivePolicy").cloned(),
    })
}
