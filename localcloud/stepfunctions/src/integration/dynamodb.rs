//! DynamoDB integrations: the optimized `arn:aws:states:::dynamodb:getItem|putItem|updateItem|
//! deleteItem` and the SDK form `arn:aws:states:::aws-sdk:dynamodb:<action>`, both sent as
//! DynamoDB JSON 1.0 requests (`X-Amz-Target: DynamoDB_20120810.<Op>`) through a
//! [`DynamoCaller`]; [`HttpDynamo`] posts them to the local service endpoint.
//!
//! Error names (<https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html>,
//! <https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html>): the
//! optimized integration reports `DynamoDB.<Exception>` (`DynamoDB.ConditionalCheckFailedException`),
//! the SDK integration `DynamoDb.<Exception>` (the SDK's service name).

use crate::task::TaskError;
use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// A DynamoDB API error: the exception name (without the `com.amazonaws...#` prefix) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamoApiError {
    /// e.g. `ConditionalCheckFailedException`.
    pub code: String,
    /// The error message.
    pub message: String,
    /// HTTP status.
    pub status: u16,
}

/// Calls DynamoDB operations.
pub trait DynamoCaller: Send + Sync {
    /// Sends `operation` (`PutItem`, `TransactWriteItems`, ...) with the JSON request body.
    fn call<'a>(
        &'a self,
        operation: &'a str,
        request: Value,
    ) -> BoxFuture<'a, Result<Value, DynamoApiError>>;
}

/// [`DynamoCaller`] over HTTP to a DynamoDB JSON 1.0 endpoint (the local service endpoint,
/// e.g. `http://127.0.0.1:4566`). Requests carry a fixed, unverified signature: the local
/// service does not check signatures (production Step Functions signs with the execution role).
#[derive(Clone)]
pub struct HttpDynamo {
    endpoint: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl HttpDynamo {
    /// A caller posting to `endpoint` (scheme, host and port; no path).
    pub fn new(endpoint: impl Into<String>) -> HttpDynamo {
        HttpDynamo {
            endpoint: endpoint.into().trim_end_matches('/').to_string(),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }
}

/// A failure to reach DynamoDB or read its answer (500 `InternalServerError`).
pub fn transport(message: String) -> DynamoApiError {
    DynamoApiError {
        code: "InternalServerError".into(),
        message,
        status: 500,
    }
}

/// A DynamoDB JSON 1.0 request for `operation` to `uri` (`http://127.0.0.1:4566/`, or `/` for
/// an in-process endpoint), with a SigV4-shaped authorization the local service does not verify.
pub fn request(
    uri: &str,
    operation: &str,
    request: &Value,
) -> Result<hyper::Request<Bytes>, DynamoApiError> {
    let now = chrono::Utc::now();
    hyper::Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("DynamoDB_20120810.{operation}"))
        // The local service wants a SigV4-shaped request but verifies no signature.
        .header("x-amz-date", now.format("%Y%m%dT%H%M%SZ").to_string())
        .header(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=localcloud/{}/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={}",
                now.format("%Y%m%d"),
                "0".repeat(64)
            ),
        )
        .body(Bytes::from(request.to_string()))
        .map_err(|e| transport(e.to_string()))
}

/// The result of a DynamoDB answer: the JSON of a 200, the parsed error otherwise.
pub fn answer(status: u16, body: &[u8]) -> Result<Value, DynamoApiError> {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if status == 200 {
        return Ok(json);
    }
    Err(parse_error(&json, status))
}

impl DynamoCaller for HttpDynamo {
    fn call<'a>(
        &'a self,
        operation: &'a str,
        body: Value,
    ) -> BoxFuture<'a, Result<Value, DynamoApiError>> {
        Box::pin(async move {
            let req = request(&format!("{}/", self.endpoint), operation, &body)?.map(Full::new);
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| transport(format!("DynamoDB endpoint unreachable: {e}")))?;
            let status = resp.status().as_u16();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| transport(e.to_string()))?
                .to_bytes();
            answer(status, &body)
        })
    }
}

/// Reads a JSON 1.0 error body (`{"__type": "com.amazonaws.dynamodb.v20120810#X", "message": ...}`).
pub fn parse_error(body: &Value, status: u16) -> DynamoApiError {
    let kind = body.get("__type").and_then(Value::as_str).unwrap_or("");
    let code = kind.rsplit('#').next().unwrap_or(kind);
    let message = body
        .get("message")
        .or_else(|| body.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or("");
    DynamoApiError {
        code: if code.is_empty() {
            "InternalServerError".into()
        } else {
            code.into()
        },
        message: message.into(),
        status,
    }
}

/// Which integration form a resource used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `arn:aws:states:::dynamodb:<action>`.
    Optimized,
    /// `arn:aws:states:::aws-sdk:dynamodb:<action>`.
    Sdk,
}

/// The optimized integration's actions.
pub const OPTIMIZED_ACTIONS: &[&str] = &["getItem", "putItem", "updateItem", "deleteItem"];

/// `transactWriteItems` -> `TransactWriteItems`.
pub fn operation_name(action: &str) -> String {
    let mut chars = action.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Runs one DynamoDB action and maps errors to the form's error names.
pub async fn call(
    caller: &dyn DynamoCaller,
    form: Form,
    action: &str,
    params: Value,
) -> Result<Value, TaskError> {
    let op = operation_name(action);
    caller.call(&op, params).await.map_err(|e| {
        let request_id = uuid::Uuid::new_v4();
        match form {
            Form::Optimized => TaskError {
                error: format!("DynamoDB.{}", e.code),
                cause: format!(
                    "{} (Service: AmazonDynamoDBv2; Status Code: {}; Error Code: {}; Request ID: {request_id}; Proxy: null)",
                    e.message, e.status, e.code
                ),
            },
            Form::Sdk => TaskError {
                error: format!("DynamoDb.{}", e.code),
                cause: format!(
                    "{} (Service: DynamoDb, Status Code: {}, Request ID: {request_id})",
                    e.message, e.status
                ),
            },
        }
    })
}
