//! Lambda entry point for profile-welcome: a DynamoDB stream consumer with partial batch
//! responses (`FunctionResponseTypes: [ReportBatchItemFailures]` in the template). It makes
//! no AWS calls, so no client is built.

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use order_domain::DomainError;

#[tokio::main]
async fn main() -> Result<(), Error> {
    order_domain::init_logging();
    lambda_runtime::run(service_fn(|event: LambdaEvent<Event>| async move {
        Ok::<DynamoDbEventResponse, DomainError>(profile_welcome::welcome(&event.payload).response)
    }))
    .await
}
