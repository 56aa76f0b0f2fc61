//! The Lambda REST-JSON API routes the local cloud serves on its service endpoint: Invoke,
//! GetFunction, GetFunctionConfiguration, ListFunctions and the function concurrency APIs
//! (Put and Delete are dated 2017-10-31, Get 2019-09-30, as in the AWS API model).

use crate::config::FunctionConfig;
use crate::error::LambdaError;
use crate::invoke::{InvocationType, SYNC_PAYLOAD_LIMIT};
use crate::service::LambdaService;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The Lambda API router, with the service as state.
pub fn router(service: LambdaService) -> Router {
    Router::new()
        .route("/2015-03-31/functions/{name}/invocations", post(invoke))
        .route("/2015-03-31/functions/{name}", get(get_function))
        .route(
            "/2015-03-31/functions/{name}/configuration",
            get(get_function_configuration),
        )
        .route("/2015-03-31/functions/", get(list_functions))
        .route("/2015-03-31/functions", get(list_functions))
        .route(
            "/2017-10-31/functions/{name}/concurrency",
            put(put_concurrency).delete(delete_concurrency),
        )
        .route(
            "/2019-09-30/functions/{name}/concurrency",
            get(get_concurrency),
        )
        .with_state(service)
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn invoke(
    State(service): State<LambdaService>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, LambdaError> {
    // Read at most one byte past the sync limit: enough to know the payload is too large
    // without buffering whatever a client sends. A failed read here is a body over the limit
    // (or a client that went away, which gets no answer anyway).
    let payload: Bytes = axum::body::to_bytes(body, SYNC_PAYLOAD_LIMIT + 1)
        .await
        .map_err(|_| LambdaError::RequestTooLarge {
            limit: SYNC_PAYLOAD_LIMIT,
            operation: "InvokeFunction",
        })?;
    let kind_header = header(&headers, "X-Amz-Invocation-Type");
    let kind = InvocationType::parse(kind_header).ok_or_else(|| {
        LambdaError::InvalidParameterValue(format!(
            "1 validation error detected: Value '{}' at 'invocationType' failed to satisfy \
             constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
            kind_header.unwrap_or_default()
        ))
    })?;
    let tail = match header(&headers, "X-Amz-Log-Type") {
        None | Some("None") => false,
        Some("Tail") => true,
        Some(other) => {
            return Err(LambdaError::InvalidParameterValue(format!(
                "1 validation error detected: Value '{other}' at 'logType' failed to satisfy \
                 constraint: Member must satisfy enum value set: [Tail, None]"
            )))
        }
    };
    let outcome = service
        .invoke(
            &name,
            query.get("Qualifier").map(String::as_str),
            payload,
            kind,
        )
        .await?;
    let status = StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::OK);
    let mut response = (status, outcome.payload).into_response();
    let out = response.headers_mut();
    out.insert("content-type", HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(&outcome.request_id) {
        out.insert("x-amzn-RequestId", id);
    }
    if kind == InvocationType::RequestResponse {
        if let Ok(version) = HeaderValue::from_str(&outcome.executed_version) {
            out.insert("X-Amz-Executed-Version", version);
        }
        if let Some(error) = outcome
            .function_error
            .as_deref()
            .and_then(|e| HeaderValue::from_str(e).ok())
        {
            out.insert("X-Amz-Function-Error", error);
        }
        if tail {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&outcome.log_tail);
            if let Ok(value) = HeaderValue::from_str(&encoded) {
                out.insert("X-Amz-Log-Result", value);
            }
        }
    }
    Ok(response)
}

/// The `FunctionConfiguration` document of GetFunction and ListFunctions.
fn configuration(service: &LambdaService, function: &FunctionConfig, version: &str) -> Value {
    let settings = service.settings();
    json!({
        "FunctionName": function.name,
        "FunctionArn": settings.function_arn(&function.name, None),
        "Runtime": function.runtime,
        "Role": format!("arn:aws:iam::{}:role/{}-role", settings.account_id, function.name),
        "Handler": function.handler,
        "CodeSize": 0,
        "Description": "",
        "Timeout": function.timeout.as_secs(),
        "MemorySize": function.memory_mb,
        "Version": version,
        "Environment": {"Variables": function.environment},
        "TracingConfig": {"Mode": "PassThrough"},
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "LoggingConfig": {
            "LogFormat": "Text",
            "LogGroup": format!("/aws/lambda/{}", function.name),
        },
    })
}

fn resolved(
    service: &LambdaService,
    name: &str,
    qualifier: Option<&String>,
) -> Result<(std::sync::Arc<FunctionConfig>, String), LambdaError> {
    let (function, qualifier) = service.function(name, qualifier.map(String::as_str))?;
    let version = function
        .resolve_qualifier(qualifier.as_deref())
        .ok_or_else(|| LambdaError::ResourceNotFound {
            arn: service
                .settings()
                .function_arn(&function.name, qualifier.as_deref()),
        })?;
    Ok((function, version))
}

async fn get_function(
    State(service): State<LambdaService>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, LambdaError> {
    let (function, version) = resolved(&service, &name, query.get("Qualifier"))?;
    let mut body = json!({
        "Configuration": configuration(&service, &function, &version),
        "Code": {"RepositoryType": "Local", "Location": function.command.first()},
    });
    if let Some(reserved) = service.function_concurrency(&function.name)? {
        body["Concurrency"] = json!({"ReservedConcurrentExecutions": reserved});
    }
    Ok(json_response(StatusCode::OK, &body))
}

async fn get_function_configuration(
    State(service): State<LambdaService>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, LambdaError> {
    let (function, version) = resolved(&service, &name, query.get("Qualifier"))?;
    Ok(json_response(
        StatusCode::OK,
        &configuration(&service, &function, &version),
    ))
}

/// Every function in one page (`Marker`/`MaxItems` are not needed for a template's worth).
async fn list_functions(State(service): State<LambdaService>) -> Response {
    let functions: Vec<Value> = service
        .functions()
        .iter()
        .map(|f| configuration(&service, f, crate::config::LATEST))
        .collect();
    json_response(StatusCode::OK, &json!({"Functions": functions}))
}

async fn put_concurrency(
    State(service): State<LambdaService>,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, LambdaError> {
    let document: Value = serde_json::from_slice(&body)
        .map_err(|e| LambdaError::InvalidRequestContent(e.to_string()))?;
    let reserved = document
        .get("ReservedConcurrentExecutions")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            LambdaError::InvalidParameterValue(
                "ReservedConcurrentExecutions must be a non-negative integer".to_owned(),
            )
        })?;
    service.set_function_concurrency(&name, Some(reserved))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({"ReservedConcurrentExecutions": reserved}),
    ))
}

async fn get_concurrency(
    State(service): State<LambdaService>,
    Path(name): Path<String>,
) -> Result<Response, LambdaError> {
    let body = match service.function_concurrency(&name)? {
        Some(reserved) => json!({"ReservedConcurrentExecutions": reserved}),
        None => json!({}),
    };
    Ok(json_response(StatusCode::OK, &body))
}

async fn delete_concurrency(
    State(service): State<LambdaService>,
    Path(name): Path<String>,
) -> Result<Response, LambdaError> {
    service.set_function_concurrency(&name, None)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
