//! Amazon API Gateway's REST API data plane for the local cloud: the application's own
//! OpenAPI document (with its `x-amazon-apigateway-*` extensions and VTL mapping templates)
//! served on `http://127.0.0.1:<port>/<stage>/...`, calling the local DynamoDB and Step
//! Functions over their AWS protocols.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use localcloud_apigateway::{ApiDefinition, HttpServiceCaller, StageConfig, router};
//! # fn f(doc: serde_json::Value) -> Result<(), localcloud_apigateway::ApiGatewayError> {
//! let api = ApiDefinition::load(&doc)?; // the template model's resolved DefinitionBody
//! let caller = Arc::new(HttpServiceCaller::new("http://127.0.0.1:4566"));
//! let app: axum::Router = router(StageConfig::new(api, "dev", caller));
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! - [`model`]: the typed API loaded from OpenAPI 3 / Swagger 2; unsupported elements fail with
//!   their JSON path (`model/integration.rs`, `model/method.rs`, `model/security.rs`).
//! - [`route`]: resource path templates, greedy `{proxy+}`, `ANY`, and matching.
//! - [`throttle`]: account and per-method token buckets over an injectable [`Clock`].
//! - [`authorizer`]: the [`Authorizer`] trait the Cognito crate implements.
//! - [`validate`]: request validators: required parameters and JSON Schema draft 4 models.
//! - [`integration`]: MOCK, AWS (`aws.rs`, [`ServiceCaller`]; Lambda through `localcloud_wire::invoke::Invoke`), AWS_PROXY (`proxy.rs`,
//!   the proxy event 1.0) and HTTP/HTTP_PROXY (`http.rs`, 127.0.0.1 only).
//! - [`response`]: integration response selection and mapping, `responseParameters`,
//!   `$context.responseOverride`.
//! - [`gateway_responses`]: every gateway response type with AWS's defaults and the API's
//!   customizations.
//! - [`pipeline`]: one request through the stage, in API Gateway's order.
//! - [`server`]: the axum router for a stage and its [`StageConfig`].
//! - [`error`]: [`ApiGatewayError`] (load) and [`CallError`] (backends).
//!
//! # Not emulated
//!
//! Lambda (`token`/`request`) authorizers, IAM auth, API keys and usage plans, `contentHandling`
//! and binary conversions, VPC links, caching, AWS integrations other than DynamoDB and Step
//! Functions action calls and Lambda invocations. Each fails at load with its path.

#![warn(missing_docs)]

pub mod authorizer;
pub mod error;
pub mod gateway_responses;
pub mod integration;
pub mod model;
pub mod pipeline;
pub mod response;
pub mod route;
pub mod server;
pub mod throttle;
pub mod validate;

pub use authorizer::{AuthFailure, Authorizer, ClaimsMap};
pub use error::{ApiGatewayError, CallError};
pub use integration::{BackendResponse, HttpServiceCaller, ServiceCaller};
pub use model::ApiDefinition;
pub use server::{gateway, method_throttles, router, StageConfig};
pub use throttle::{Limit, MethodThrottle, ThrottleSettings};
