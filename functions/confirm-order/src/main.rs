//! Lambda entry point for confirm-order: the client and table name are built once per
//! execution environment.

use aws_config::BehaviorVersion;
use confirm_order::confirm;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use order_domain::dynamo::env_required;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    order_domain::init_logging();
    let table = env_required("ORDERS_TABLE")?;
    // load_defaults honours AWS_ENDPOINT_URL, which is how the local cloud is reached.
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let (client, table) = (&client, table.as_str());
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        confirm(client, table, &event.payload, chrono::Utc::now()).await
    }))
    .await
}
