//! The Rust SDK (`aws-sdk-sfn`) against the service on 127.0.0.1:0: StartSyncExecution through
//! the `sync-` prefix interceptor, timestamps and error shapes as the SDK parses them.

use aws_sdk_sfn::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sfn::types::{
    ExecutionStatus, HistoryEventType, StateMachineType, SyncExecutionStatus,
};
use localcloud_stepfunctions::api::{Settings, StepFunctionsService};
use localcloud_stepfunctions::integration::Integrations;
#[path = "support/sdk.rs"]
mod sdk;
use sdk::StripSyncPrefix;

async fn endpoint() -> String {
    let sfn = StepFunctionsService::new(Settings::default(), Integrations::new()).expect("service");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, sfn.router()).await;
    });
    format!("http://{addr}")
}

pub fn client(endpoint: &str) -> aws_sdk_sfn::Client {
    let config = aws_sdk_sfn::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "test"))
        .endpoint_url(endpoint)
        .interceptor(StripSyncPrefix)
        .build();
    aws_sdk_sfn::Client::from_conf(config)
}

#[tokio::test]
async fn sdk_runs_a_sync_execution_and_parses_errors() {
    let url = endpoint().await;
    let sfn = client(&url);
    let created = sfn
        .create_state_machine()
        .name("sdk")
        .r#type(StateMachineType::Express)
        .role_arn("arn:aws:iam::000000000000:role/r")
        .definition(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('hi {}', $.who)"},"End":true}}}"#)
        .send()
        .await
        .expect("create");
    let out = sfn
        .start_sync_execution()
        .state_machine_arn(created.state_machine_arn())
        .input(r#"{"who":"sdk"}"#)
        .send()
        .await
        .expect("StartSyncExecution through the sync- prefix");
    assert_eq!(out.status(), &SyncExecutionStatus::Succeeded);
    assert_eq!(out.output(), Some(r#"{"greeting":"hi sdk"}"#));
    let billing = out.billing_details().expect("billing details");
    assert_eq!(billing.billed_memory_used_in_mb(), 64);
    assert!(billing.billed_duration_in_milliseconds() >= 100);
    assert!(out.stop_date().secs() >= out.start_date().secs());

    let listed = sfn
        .list_executions()
        .state_machine_arn(created.state_machine_arn())
        .send()
        .await
        .expect("list");
    assert_eq!(listed.executions()[0].status(), &ExecutionStatus::Succeeded);

    let err = sfn
        .describe_execution()
        .execution_arn("arn:aws:states:us-east-1:000000000000:execution:sdk:nope")
        .send()
        .await
        .expect_err("unknown execution");
    let service = err.into_service_error();
    assert!(service.is_execution_does_not_exist(), "{service:?}");

    let err = sfn
        .create_state_machine()
        .name("bad")
        .role_arn("arn:aws:iam::000000000000:role/r")
        .definition(r#"{"StartAt":"Nope","States":{"P":{"Type":"Pass","End":true}}}"#)
        .send()
        .await
        .expect_err("invalid definition");
    let service = err.into_service_error();
    assert!(service.is_invalid_definition(), "{service:?}");
    assert!(service.to_string().contains("/StartAt"), "{service}");
}

/// A failed JSONata expression is recorded as an `EvaluationFailed` event whose
/// `evaluationFailedEventDetails` the SDK parses
/// (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_EvaluationFailedEventDetails.html>).
#[tokio::test]
async fn sdk_reads_the_evaluation_failed_event() {
    let url = endpoint().await;
    let sfn = client(&url);
    let created = sfn
        .create_state_machine()
        .name("jsonata-fails")
        .role_arn("arn:aws:iam::000000000000:role/r")
        .definition(r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input.missing %}","End":true}}}"#)
        .send()
        .await
        .expect("create");
    let started = sfn
        .start_execution()
        .state_machine_arn(created.state_machine_arn())
        .input(r#"{"a":1}"#)
        .send()
        .await
        .expect("start");
    let arn = started.execution_arn();
    // Bounded in real time, generously: a loaded CI machine is slow, a hang must still fail.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        let d = sfn
            .describe_execution()
            .execution_arn(arn)
            .send()
            .await
            .expect("describe");
        if *d.status() != ExecutionStatus::Running {
            break d.status().clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "execution {arn} still RUNNING after 60 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    assert_eq!(status, ExecutionStatus::Failed);
    let history = sfn
        .get_execution_history()
        .execution_arn(arn)
        .send()
        .await
        .expect("history");
    let types: Vec<&HistoryEventType> = history.events().iter().map(|e| e.r#type()).collect();
    assert_eq!(
        types,
        [
            &HistoryEventType::ExecutionStarted,
            &HistoryEventType::PassStateEntered,
            &HistoryEventType::EvaluationFailed,
            &HistoryEventType::ExecutionFailed,
        ]
    );
    let failed = &history.events()[2];
    assert_eq!(failed.previous_event_id(), 2);
    let details = failed
        .evaluation_failed_event_details()
        .expect("evaluationFailedEventDetails");
    assert_eq!(details.state(), "A");
    assert_eq!(details.error(), Some("States.QueryEvaluationError"));
    assert_eq!(details.location(), Some("Output"));
    assert!(
        details
            .cause()
            .is_some_and(|c| c.contains("returned nothing (undefined)")),
        "{details:?}"
    );
}
