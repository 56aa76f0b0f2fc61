//! Lambda entry point for reserve-inventory: clients and table names are built once per
//! execution environment, then every invocation reuses them.

use aws_config::BehaviorVersion;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use order_domain::dynamo::env_required;
use reserve_inventory::{reserve, Tables};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    order_domain::init_logging();
    let tables = Tables {
        orders: env_required("ORDERS_TABLE")?,
        inventory: env_required("INVENTORY_TABLE")?,
    };
    // load_defaults honours AWS_ENDPOINT_URL, which is how the local cloud is reached.
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let (client, tables) = (&client, &tables);
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        reserve(client, tables, &event.payload, chrono::Utc::now()).await
    }))
    .await
}
