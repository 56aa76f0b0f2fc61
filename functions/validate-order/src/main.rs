//! Lambda entry point for validate-order. No AWS clients: the step is pure.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    order_domain::init_logging();
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        validate_order::validate(&event.payload)
    }))
    .await
}
