//! `arn:aws:states:::lambda:invoke` (the optimized integration) and a bare function ARN
//! (`arn:aws:lambda:<region>:<account>:function:<name>`), through the narrow [`LambdaInvoker`]
//! trait ([`lambda_adapter`](super::lambda_adapter) implements it for
//! `localcloud_lambda::LambdaService`; tests put fakes behind it).
//!
//! Result of `lambda:invoke`, as AWS returns it
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html>):
//! `{ExecutedVersion, Payload, SdkHttpMetadata{AllHttpHeaders, HttpHeaders, HttpStatusCode},
//! SdkResponseMetadata{RequestId}, StatusCode}`. A bare ARN returns the payload itself.
//! A function error becomes the function's `errorType` with the error document as cause;
//! Lambda API errors become `Lambda.<Code>` (`Lambda.TooManyRequestsException`,
//! `Lambda.ResourceNotFoundException`, `Lambda.ServiceException`).

use crate::task::TaskError;
use futures::future::BoxFuture;
use serde_json::{json, Map, Value};

/// One synchronous (or `Event`) invocation's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaInvocation {
    /// 200, 202 (Event) or 204 (DryRun).
    pub status: u16,
    /// The function's response or error document.
    pub payload: Vec<u8>,
    /// `Some` when the function failed (`X-Amz-Function-Error`).
    pub function_error: Option<String>,
    /// The error document's `errorType` when the function failed.
    pub error_type: Option<String>,
    /// `X-Amz-Executed-Version`.
    pub executed_version: String,
    /// `x-amzn-RequestId`.
    pub request_id: String,
}

/// A Lambda API error (the call did not run the function).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaApiError {
    /// The AWS error code, e.g. `TooManyRequestsException`.
    pub code: String,
    /// Message.
    pub message: String,
    /// HTTP status of the API error.
    pub status: u16,
}

/// Invokes Lambda functions (the local Lambda service in the CLI, a fake in tests).
pub trait LambdaInvoker: Send + Sync {
    /// Invokes `function` (a name or ARN, possibly qualified) with `payload`.
    /// `invocation_type` is `RequestResponse`, `Event` or `DryRun`.
    fn invoke<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        payload: Vec<u8>,
        invocation_type: &'a str,
    ) -> BoxFuture<'a, Result<LambdaInvocation, LambdaApiError>>;
}

fn api_error(e: LambdaApiError) -> TaskError {
    TaskError {
        error: format!("Lambda.{}", e.code),
        cause: format!(
            "{} (Service: AWSLambda; Status Code: {}; Error Code: {}; Request ID: {}; Proxy: null)",
            e.message,
            e.status,
            e.code,
            uuid::Uuid::new_v4()
        ),
    }
}

fn function_failed(inv: &LambdaInvocation) -> Option<TaskError> {
    inv.function_error.as_ref()?;
    let doc: Option<Value> = serde_json::from_slice(&inv.payload).ok();
    // The error document's errorType is what Step Functions reports (the runtime's
    // Lambda-Runtime-Function-Error-Type header may say only `unhandled`).
    let error = doc
        .as_ref()
        .and_then(|d| d.get("errorType"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| inv.error_type.clone())
        .unwrap_or_else(|| "Lambda.Unknown".to_string());
    Some(TaskError {
        error,
        cause: String::from_utf8_lossy(&inv.payload).into_owned(),
    })
}

fn payload_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The `SdkHttpMetadata`/`SdkResponseMetadata`-wrapped result of `lambda:invoke`.
pub fn invoke_result(inv: &LambdaInvocation, now_http_date: &str) -> Value {
    let length = inv.payload.len().to_string();
    let headers = [
        ("Connection", "keep-alive".to_string()),
        ("Content-Length", length),
        ("Content-Type", "application/json".to_string()),
        ("Date", now_http_date.to_string()),
        ("X-Amz-Executed-Version", inv.executed_version.clone()),
        ("x-amzn-Remapped-Content-Length", "0".to_string()),
        ("x-amzn-RequestId", inv.request_id.clone()),
    ];
    let mut all = Map::new();
    let mut single = Map::new();
    for (k, v) in headers {
        all.insert(k.to_string(), json!([v]));
        single.insert(k.to_string(), json!(v));
    }
    json!({
        "ExecutedVersion": inv.executed_version,
        "Payload": payload_value(&inv.payload),
        "SdkHttpMetadata": {
            "AllHttpHeaders": all,
            "HttpHeaders": single,
            "HttpStatusCode": inv.status,
        },
        "SdkResponseMetadata": {"RequestId": inv.request_id},
        "StatusCode": inv.status,
    })
}

fn bad_parameters(message: impl Into<String>) -> TaskError {
    TaskError {
        error: crate::error::names::RUNTIME.to_string(),
        cause: message.into(),
    }
}

/// Runs `lambda:invoke` with its Parameters (`FunctionName`, `Payload`, `Qualifier`,
/// `InvocationType`).
pub async fn invoke(invoker: &dyn LambdaInvoker, params: &Value) -> Result<Value, TaskError> {
    let function = params
        .get("FunctionName")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            bad_parameters("The field 'FunctionName' is required by lambda:invoke but was missing")
        })?;
    let qualifier = params.get("Qualifier").and_then(Value::as_str);
    let kind = params
        .get("InvocationType")
        .and_then(Value::as_str)
        .unwrap_or("RequestResponse");
    let payload = match params.get("Payload") {
        None => b"{}".to_vec(),
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(v) => v.to_string().into_bytes(),
    };
    let inv = invoker
        .invoke(function, qualifier, payload, kind)
        .await
        .map_err(api_error)?;
    if let Some(e) = function_failed(&inv) {
        return Err(e);
    }
    let date = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    Ok(invoke_result(&inv, &date))
}

/// Runs a bare function ARN: the effective input is the payload, the result is the response.
pub async fn invoke_arn(
    invoker: &dyn LambdaInvoker,
    arn: &str,
    input: &Value,
) -> Result<Value, TaskError> {
    let inv = invoker
        .invoke(arn, None, input.to_string().into_bytes(), "RequestResponse")
        .await
        .map_err(api_error)?;
    if let Some(e) = function_failed(&inv) {
        return Err(e);
    }
    Ok(payload_value(&inv.payload))
}
