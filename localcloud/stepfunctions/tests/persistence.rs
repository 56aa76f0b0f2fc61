//! Persistence across restarts: Standard executions and machines survive (running ones are
//! failed with `RESTART_CAUSE`), Express executions are never written, and the files of earlier
//! versions are repaired on load (Express files deleted, old file names migrated to the
//! injective encoding of the ARN).

use localcloud_stepfunctions::api::store::{file_name, Store};
use localcloud_stepfunctions::api::RESTART_CAUSE;
use serde_json::{json, Value};
use std::path::Path;

#[path = "support/api.rs"]
mod api_support;
use api_support::{create, service, wait_done, PASS, WAIT};

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn executions_survive_a_restart_and_running_ones_are_failed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (done_arn, running_arn, machine) = {
        let s = service(Some(dir.path()));
        let arn = create(&s, "w", WAIT, "STANDARD").await;
        let pass = create(&s, "p", PASS, "STANDARD").await;
        let done = s
            .call(
                "StartExecution",
                json!({"stateMachineArn": pass, "name": "ok"}),
            )
            .await
            .expect("start");
        wait_done(&s, done["executionArn"].as_str().expect("arn")).await;
        let running = s
            .call(
                "StartExecution",
                json!({"stateMachineArn": arn, "name": "r"}),
            )
            .await
            .expect("start");
        (
            done["executionArn"].clone(),
            running["executionArn"].clone(),
            arn,
        )
    };
    let s = service(Some(dir.path()));
    let d = s
        .call("DescribeExecution", json!({"executionArn": done_arn}))
        .await
        .expect("describe");
    assert_eq!(d["status"], "SUCCEEDED");
    let h = s
        .call("GetExecutionHistory", json!({"executionArn": done_arn}))
        .await
        .expect("history");
    assert_eq!(h["events"].as_array().map(Vec::len), Some(4));
    let r = s
        .call("DescribeExecution", json!({"executionArn": running_arn}))
        .await
        .expect("describe");
    assert_eq!(
        (r["status"].as_str(), r["cause"].as_str()),
        (Some("FAILED"), Some(RESTART_CAUSE))
    );
    let h = s
        .call(
            "GetExecutionHistory",
            json!({"executionArn": running_arn, "reverseOrder": true}),
        )
        .await
        .expect("history");
    assert_eq!(h["events"][0]["type"], "ExecutionFailed");
    s.call("DescribeStateMachine", json!({"stateMachineArn": machine}))
        .await
        .expect("machine persisted");
}

#[tokio::test]
async fn express_executions_are_kept_in_memory_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::new(dir.path());
    let (standard_arn, express_arn) = {
        let s = service(Some(dir.path()));
        let standard = create(&s, "s", PASS, "STANDARD").await;
        let express = create(&s, "x", PASS, "EXPRESS").await;
        let a = s
            .call(
                "StartExecution",
                json!({"stateMachineArn": standard, "name": "a"}),
            )
            .await
            .expect("start");
        let a = a["executionArn"].as_str().expect("arn").to_owned();
        wait_done(&s, &a).await;
        let x = s
            .call("StartSyncExecution", json!({"stateMachineArn": express}))
            .await
            .expect("sync");
        let x = x["executionArn"].as_str().expect("arn").to_owned();
        // In memory while the service runs.
        assert_eq!(wait_done(&s, &x).await["status"], "SUCCEEDED");
        (a, x)
    };
    assert_eq!(names(&store.executions()), [file_name(&standard_arn)]);
    let s = service(Some(dir.path()));
    assert!(s
        .call("DescribeExecution", json!({"executionArn": standard_arn}))
        .await
        .is_ok());
    assert!(s
        .call("DescribeExecution", json!({"executionArn": express_arn}))
        .await
        .is_err());
}

/// A record as earlier versions wrote it.
fn old_record(arn: &str, machine: &str, kind: &str) -> Value {
    json!({
        "arn": arn, "state_machine_arn": machine, "name": "e", "machine_type": kind,
        "status": "SUCCEEDED", "start_date": 1.0, "stop_date": 2.0, "input": "{}",
        "output": "{}", "error": null, "cause": null, "history": [], "duration_ms": 1000,
    })
}

#[tokio::test]
async fn files_of_earlier_versions_are_repaired_on_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::new(dir.path());
    let folder = store.executions();
    std::fs::create_dir_all(&folder).expect("mkdir");
    let machine = "arn:aws:states:us-east-1:000000000000:stateMachine:m";
    let standard = "arn:aws:states:us-east-1:000000000000:execution:m:e";
    let express = "arn:aws:states:us-east-1:000000000000:express:m:e:1";
    // Earlier versions: every unsafe character as `_`, and Express executions written too.
    let old = |arn: &str| arn.replace(':', "_") + ".json";
    for (arn, kind) in [(standard, "STANDARD"), (express, "EXPRESS")] {
        let bytes = old_record(arn, machine, kind).to_string();
        std::fs::write(folder.join(old(arn)), bytes).expect("write");
    }
    // A temporary file of an interrupted durable write is not a record.
    std::fs::write(folder.join(".x.json.tmp-1"), "{").expect("write");
    let s = service(Some(dir.path()));
    let d = s
        .call("DescribeExecution", json!({"executionArn": standard}))
        .await
        .expect("the standard execution loads");
    assert_eq!(d["status"], "SUCCEEDED");
    assert!(s
        .call("DescribeExecution", json!({"executionArn": express}))
        .await
        .is_err());
    assert_eq!(
        names(&folder),
        [".x.json.tmp-1".to_owned(), file_name(standard)],
        "the Express file is deleted, the Standard one renamed"
    );
}
