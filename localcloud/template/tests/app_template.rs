//! Loads the repository's real `template.yaml` (with `apigw/openapi.yaml` included and
//! `workflows/place-order.asl.json` substituted) and checks what the local cloud relies on.

use std::path::PathBuf;

use localcloud_template::resource::event::Event;
use localcloud_template::resource::function::Architecture;
use localcloud_template::resource::state_machine::StateMachineType;
use localcloud_template::resource::table::{Billing, Projection};
use localcloud_template::{parse_overrides, LoadOptions, Model, Resource, StackContext};
use serde_json::Value;

fn template() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml")
}

fn load(overrides: &str) -> Model {
    let options = LoadOptions {
        stack: StackContext::new("orders", "us-east-1"),
        parameter_overrides: parse_overrides(overrides).expect("overrides parse"),
    };
    Model::load(&template(), &options).unwrap_or_else(|e| panic!("template.yaml loads: {e}"))
}

/// Every string in `v` (keys too) with a leftover intrinsic or `${...}` placeholder.
fn leftovers(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "Ref" || k.starts_with("Fn::") {
                    out.push(format!("{at}.{k}"));
                }
                leftovers(v, &format!("{at}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leftovers(v, &format!("{at}[{i}]"), out);
            }
        }
        Value::String(s) if s.contains("${") => out.push(format!("{at} = {s}")),
        _ => {}
    }
}

#[test]
fn tables_match_the_contract() {
    let model = load("");
    // Resources keep the template's order; compare as a set.
    let mut names: Vec<&str> = model.tables().map(|t| t.table_name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "orders-inventory",
            "orders-orders",
            "orders-payments",
            "orders-profiles"
        ]
    );
    let orders = model
        .tables()
        .find(|t| t.logical_id == "OrdersTable")
        .expect("OrdersTable");
    assert_eq!(orders.ttl_attribute.as_deref(), Some("ttlEpoch"));
    assert!(orders.point_in_time_recovery);
    assert_eq!(orders.billing, Billing::PayPerRequest);
    let gsi = &orders.global_secondary_indexes[0];
    assert_eq!(gsi.name, "status-createdAt-index");
    assert_eq!(gsi.projection, Projection::KeysOnly);
    let profiles = model
        .tables()
        .find(|t| t.logical_id == "ProfilesTable")
        .expect("ProfilesTable");
    assert_eq!(
        profiles.stream_view_type.as_deref(),
        Some("NEW_AND_OLD_IMAGES")
    );
    assert!(model.tables().all(|t| t.point_in_time_recovery));
}

#[test]
fn functions_get_globals_env_and_events() {
    let model = load("");
    let f = |id: &str| {
        model
            .functions()
            .find(|f| f.logical_id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let reserve = f("ReserveInventoryFunction");
    assert_eq!(reserve.runtime, "provided.al2023");
    assert_eq!(reserve.architecture, Architecture::Arm64);
    assert_eq!(reserve.timeout, 10);
    assert_eq!(reserve.log_format.as_deref(), Some("JSON"));
    assert_eq!(reserve.reserved_concurrency, Some(5));
    assert_eq!(reserve.environment["INVENTORY_TABLE"], "orders-inventory");
    assert_eq!(reserve.environment["ORDERS_TABLE"], "orders-orders");
    assert_eq!(
        reserve.build.as_ref().map(|b| b.method.as_str()),
        Some("rust-cargolambda")
    );
    // CodeUri is the workspace root; BuildProperties.Binary picks the member's binary.
    let root = template().parent().expect("dir").to_path_buf();
    assert_eq!(
        reserve.code_uri.canonicalize().ok(),
        root.canonicalize().ok()
    );
    assert_eq!(
        reserve.build.as_ref().and_then(|b| b.binary()),
        Some("reserve-inventory")
    );

    let java = f("ChargePaymentJavaFunction");
    assert_eq!(java.runtime, "java21");
    assert!(java.snap_start);
    assert_eq!(java.memory_size, 1024);

    let charge = f("ChargePaymentFunction");
    assert_eq!(charge.auto_publish_alias.as_deref(), Some("live"));
    // The template's default ChargeProvisionedConcurrency is 1 (0 would drop the config).
    assert_eq!(charge.provisioned_concurrency, Some(1));

    let cleanup = f("OrdersCleanupFunction");
    assert_eq!(cleanup.environment["PENDING_MAX_AGE_MINUTES"], "15");
    assert!(
        matches!(cleanup.events.get("Hourly"), Some(Event::Schedule(s)) if s.expression == "rate(1 hour)")
    );

    let welcome = f("ProfileWelcomeFunction");
    let Some(Event::DynamoDb(stream)) = welcome.events.get("ProfilesStream") else {
        panic!("ProfilesStream is a DynamoDB event");
    };
    let profiles = model
        .tables()
        .find(|t| t.logical_id == "ProfilesTable")
        .expect("table");
    assert_eq!(Some(&stream.stream_arn), profiles.stream_arn.as_ref());
    assert!(stream.report_batch_item_failures);
    assert_eq!(stream.filter_patterns, [r#"{"eventName": ["INSERT"]}"#]);
    let queue_arn = stream.on_failure.as_ref().map(|d| d.arn.as_str());
    assert_eq!(
        queue_arn
            .map(|a| a
                .starts_with("arn:aws:sqs:us-east-1:000000000000:orders-ProfileWelcomeFailures-")),
        Some(true)
    );
}

#[test]
fn state_machine_substitutions_resolve() {
    let model = load("");
    let Some(Resource::StateMachine(sm)) = model.get("PlaceOrderStateMachine") else {
        panic!("PlaceOrderStateMachine");
    };
    assert_eq!(sm.machine_type, StateMachineType::Express);
    assert_eq!(sm.name, "orders-place-order");
    assert_eq!(
        sm.arn,
        "arn:aws:states:us-east-1:000000000000:stateMachine:orders-place-order"
    );
    assert_eq!(
        sm.substitutions["ChargePaymentFunctionArn"],
        "arn:aws:lambda:us-east-1:000000000000:function:orders-ChargePaymentFunction:live"
    );
    assert_eq!(sm.substitutions["OrderTtlSeconds"], "2592000");
    let mut left = Vec::new();
    leftovers(&sm.definition, "Definition", &mut left);
    assert!(left.is_empty(), "unresolved: {left:?}");
    let text = sm.definition.to_string();
    assert!(
        text.contains("orders-orders") && text.contains("function:orders-ValidateOrderFunction")
    );

    // The condition switches the charge step to the Java alias.
    let java = load("ChargeImplementation=java");
    let Some(Resource::StateMachine(sm)) = java.get("PlaceOrderStateMachine") else {
        panic!("PlaceOrderStateMachine");
    };
    assert!(sm.substitutions["ChargePaymentFunctionArn"]
        .ends_with("function:orders-ChargePaymentJavaFunction:live"));
}

#[test]
fn api_definition_is_included_and_resolved() {
    let model = load("");
    let Some(Resource::Api(api)) = model.get("Api") else {
        panic!("Api");
    };
    assert_eq!(api.stage_name, "dev");
    assert_eq!(api.variables["ordersTable"], "orders-orders");
    assert_eq!(
        api.variables["placeOrderStateMachineArn"],
        "arn:aws:states:us-east-1:000000000000:stateMachine:orders-place-order"
    );
    assert_eq!(api.method_settings[0].throttling_rate_limit, Some(50.0));
    assert_eq!(api.method_settings[0].throttling_burst_limit, Some(100));
    assert!(api.definition.get("paths").is_some_and(Value::is_object));
    let mut left = Vec::new();
    leftovers(&api.definition, "DefinitionBody", &mut left);
    assert!(left.is_empty(), "unresolved: {left:?}");
}

#[test]
fn everything_else_is_typed_or_listed_and_outputs_resolve() {
    let model = load("ChargeProvisionedConcurrency=2");
    let charge = model
        .functions()
        .find(|f| f.logical_id == "ChargePaymentFunction")
        .expect("fn");
    assert_eq!(charge.provisioned_concurrency, Some(2));
    let listed: Vec<&str> = model
        .not_emulated
        .iter()
        .map(|n| n.resource_type.as_str())
        .collect();
    for ty in [
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudFront::Distribution",
        "AWS::S3::BucketPolicy",
    ] {
        assert!(
            listed.contains(&ty),
            "{ty} listed as not emulated: {listed:?}"
        );
    }
    assert!(matches!(model.get("UserPool"), Some(Resource::UserPool(_))));
    assert!(
        matches!(model.get("DocsViewerRequestFunction"), Some(Resource::CloudFrontFunction(f)) if f.code.contains("function handler"))
    );
    let mut left = Vec::new();
    for (k, v) in &model.outputs {
        leftovers(v, k, &mut left);
    }
    assert!(left.is_empty(), "unresolved outputs: {left:?}");
    assert!(model.outputs["HostedUiUrl"]
        .as_str()
        .is_some_and(|u| u.contains("redirect_uri=http://localhost:8080/docs/")));
}

#[test]
fn bad_overrides_are_named() {
    let options = LoadOptions {
        stack: StackContext::new("orders", "us-east-1"),
        parameter_overrides: parse_overrides("Architecture=sparc").expect("parses"),
    };
    let err = Model::load(&template(), &options).expect_err("disallowed");
    assert!(err.to_string().contains("Architecture"), "{err}");
}
