//! `arn:aws:states:::lambda:invoke` (the optimized integration) and a bare function ARN
//! (`arn:aws:lambda:<region>:<account>:function:<name>`), through the shared
//! [`Invoke`] trait of `localcloud-wire` (the Lambda service implements it; tests put fakes
//! behind it).
//!
//! Result of `lambda:invoke`, as AWS returns it
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html>):
//! `{ExecutedVersion, Payload, SdkHttpMetadata{AllHttpHeaders, HttpHeaders, HttpStatusCode},
//! SdkResponseMetadata{RequestId}, StatusCode}`. A bare ARN returns the payload itself.
//! A function error becomes the function's `errorType` with the error document as cause;
//! Lambda API errors become `Lambda.<Code>` (`Lambda.TooManyRequestsException`,
//! `Lambda.ResourceNotFoundException`, `Lambda.ServiceException`).

use crate::task::TaskError;
use serde_json::{json, Map, Value};

pub use localcloud_wire::invoke::{Invocation, InvocationType, Invoke, InvokeError};

fn api_error(e: InvokeError) -> TaskError {
    TaskError {
        error: format!("Lambda.{}", e.kind.code()),
        cause: format!(
            "{} (Service: AWSLambda; Status Code: {}; Error Code: {}; Request ID: {}; Proxy: null)",
            e.message,
            e.kind.status().as_u16(),
            e.kind.code(),
            uuid::Uuid::new_v4()
        ),
    }
}

fn function_failed(inv: &Invocation) -> Option<TaskError> {
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
pub fn invoke_result(inv: &Invocation, now_http_date: &str) -> Value {
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
pub async fn invoke(invoker: &dyn Invoke, params: &Value) -> Result<Value, TaskError> {
    let function = params
        .get("FunctionName")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            bad_parameters("The field 'FunctionName' is required by lambda:invoke but was missing")
        })?;
    let qualifier = params.get("Qualifier").and_then(Value::as_str);
    let kind = match params.get("InvocationType") {
        None => InvocationType::RequestResponse,
        Some(v) => v
            .as_str()
            .and_then(|t| InvocationType::parse(Some(t)))
            .ok_or_else(|| {
                // What Lambda answers for a value outside its enum, as the task sees it.
                api_error(InvokeError {
                    kind: localcloud_wire::invoke::InvokeErrorKind::InvalidParameterValue,
                    message: format!(
                        "1 validation error detected: Value '{}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                    ),
                })
            })?,
    };
    let payload = match params.get("Payload") {
        None => bytes::Bytes::from_static(b"{}"),
        Some(Value::String(s)) => bytes::Bytes::from(s.clone()),
        Some(v) => bytes::Bytes::from(v.to_string()),
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
    invoker: &dyn Invoke,
    arn: &str,
    input: &Value,
) -> Result<Value, TaskError> {
    let inv = invoker
        .invoke(
            arn,
            None,
            input.to_string().into(),
            InvocationType::RequestResponse,
        )
        .await
        .map_err(api_error)?;
    if let Some(e) = function_failed(&inv) {
        return Err(e);
    }
    Ok(payload_value(&inv.payload))
}
