//! Lambda entry point for orders-cleanup (an EventBridge schedule target): settings and the
//! client are built once per execution environment.

use aws_config::BehaviorVersion;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use orders_cleanup::{expire_stale, Settings};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    order_domain::init_logging();
    let settings = Settings::from_env()?;
    // load_defaults honours AWS_ENDPOINT_URL, which is how the local cloud is reached.
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let (client, settings) = (&client, &settings);
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        expire_stale(client, settings, &event.payload).await
    }))
    .await
}
