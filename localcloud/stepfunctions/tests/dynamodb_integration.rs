//! The DynamoDB integrations over HTTP against the local DynamoDB service: the optimized
//! actions and the SDK form (`transactWriteItems`, `batchWriteItem`, `query`), with each form's
//! error name for a failed condition.

use localcloud_dynamodb::{DynamoService, TableSpec};
use localcloud_stepfunctions::integration::{HttpDynamo, Integrations};
use localcloud_stepfunctions::{
    execute, parse_definition, ExecutionOptions, ExecutionStatus, TokioClock,
};
use localcloud_template::{LoadOptions, Model, StackContext};
use serde_json::{json, Value};
use std::sync::Arc;

async fn start() -> (DynamoService, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    // One table with a composite key, declared as a template declares it.
    let template = r#"
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: things
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
"#;
    let options = LoadOptions {
        stack: StackContext::new("test", "us-east-1"),
        parameter_overrides: Vec::new(),
    };
    let model = Model::from_str(template, dir.path(), &options).expect("template");
    let spec = TableSpec::from_table(model.tables().next().expect("the table"));
    let s3 = localcloud_s3::Store::open(dir.path().join("s3")).expect("s3");
    let service = DynamoService::start(
        localcloud_dynamodb::Settings {
            ttl_sweep_interval: None,
            ..Default::default()
        },
        &[spec],
        s3,
    )
    .await
    .expect("dynamodb");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let router = service.router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (service, url, dir)
}

async fn run(url: &str, def: Value) -> localcloud_stepfunctions::ExecutionOutcome {
    let machine = parse_definition(&def.to_string()).expect("valid definition");
    let executor = Arc::new(Integrations::new().with_dynamo(Arc::new(HttpDynamo::new(url))));
    execute(
        &machine,
        json!({}),
        &ExecutionOptions::default(),
        executor,
        Arc::new(TokioClock::new()),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optimized_and_sdk_forms_against_local_dynamodb() {
    let (service, url, _dir) = start().await;
    let item = |sk: &str| json!({"pk": {"S": "p"}, "sk": {"S": sk}, "n": {"N": "1"}});
    let out = run(&url, json!({
        "StartAt": "Put",
        "States": {
            "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "Parameters": {"TableName": "things", "Item": item("a")}, "ResultPath": null, "Next": "Tx"},
            "Tx": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:transactWriteItems", "Parameters": {"TransactItems": [
                {"Put": {"TableName": "things", "Item": item("b")}},
                {"Update": {"TableName": "things", "Key": {"pk": {"S": "p"}, "sk": {"S": "a"}}, "UpdateExpression": "SET n = n + :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}
            ]}, "ResultPath": null, "Next": "Batch"},
            "Batch": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:batchWriteItem", "Parameters": {"RequestItems": {"things": [{"PutRequest": {"Item": item("c")}}]}}, "ResultPath": "$.batch", "Next": "Query"},
            "Query": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:query", "Parameters": {"TableName": "things", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "p"}}}, "ResultSelector": {"count.$": "$.Count", "first.$": "$.Items[0].n.N"}, "ResultPath": "$.query", "Next": "Get"},
            "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Parameters": {"TableName": "things", "Key": {"pk": {"S": "p"}, "sk": {"S": "b"}}}, "ResultSelector": {"sk.$": "$.Item.sk.S"}, "ResultPath": "$.get", "Next": "Delete"},
            "Delete": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:deleteItem", "Parameters": {"TableName": "things", "Key": {"pk": {"S": "p"}, "sk": {"S": "c"}}}, "ResultPath": null, "End": true}
        }
    }))
    .await;
    assert_eq!(
        out.status,
        ExecutionStatus::Succeeded,
        "{:?} {:?}",
        out.error,
        out.cause
    );
    let output = out.output.expect("output");
    assert_eq!(output["query"], json!({"count": 3, "first": "2"}));
    assert_eq!(output["get"]["sk"], "b");
    assert_eq!(output["batch"]["UnprocessedItems"], json!({}));

    for (resource, expected) in [
        (
            "arn:aws:states:::dynamodb:putItem",
            "DynamoDB.ConditionalCheckFailedException",
        ),
        (
            "arn:aws:states:::aws-sdk:dynamodb:putItem",
            "DynamoDb.ConditionalCheckFailedException",
        ),
    ] {
        let out = run(&url, json!({
            "StartAt": "Put",
            "States": {"Put": {"Type": "Task", "Resource": resource, "Parameters": {"TableName": "things", "Item": item("a"), "ConditionExpression": "attribute_not_exists(pk)"}, "End": true}}
        }))
        .await;
        assert_eq!(out.status, ExecutionStatus::Failed);
        assert_eq!(out.error.as_deref(), Some(expected));
        assert!(
            out.cause
                .as_deref()
                .is_some_and(|c| c.contains("conditional request failed")),
            "{:?}",
            out.cause
        );
    }
    let out = run(&url, json!({
        "StartAt": "Get",
        "States": {"Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Parameters": {"TableName": "missing", "Key": {"pk": {"S": "p"}}}, "End": true}}
    }))
    .await;
    assert_eq!(
        out.error.as_deref(),
        Some("DynamoDB.ResourceNotFoundException")
    );
    service.shutdown().await;
}
