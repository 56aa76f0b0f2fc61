//! `kill -9` right after acknowledged writes loses nothing (file-backed, SQLite WAL).
//!
//! The test runs twice: as the parent it re-executes this test binary as a child (selected by
//! an environment variable) that starts the service on a state folder, writes items through
//! the SDK and reports each acknowledgement on stdout; the parent SIGKILLs it after the last
//! one and reopens the folder.

mod common;

use std::io::Write;
use std::process::Stdio;

use aws_sdk_dynamodb::types::AttributeValue;
use tokio::io::{AsyncBufReadExt, BufReader};

const CHILD_ENV: &str = "LOCALCLOUD_DDB_DURABILITY_CHILD_STATE";
const ITEMS: usize = 20;
/// How long the parent waits for the child at each step before failing.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

async fn child(state: std::path::PathBuf) {
    let r = common::start(Some(&state), &state.join("s3"), &[common::inventory()]).await;
    for i in 0..ITEMS {
        r.client
            .put_item()
            .table_name("inventory")
            .item("sku", AttributeValue::S(format!("SKU-{i}")))
            .send()
            .await
            .expect("put");
        let mut out = std::io::stdout();
        writeln!(out, "ACK {i}").expect("stdout");
        out.flush().expect("flush");
    }
    // Wait to be killed; never shut down cleanly. The bound only ends an orphaned child whose
    // parent died before killing it.
    tokio::time::sleep(DEADLINE).await;
}

#[tokio::test]
async fn acknowledged_put_survives_kill_9() {
    if let Some(state) = std::env::var_os(CHILD_ENV) {
        return child(state.into()).await;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("state");
    let mut proc = tokio::process::Command::new(std::env::current_exe().expect("exe"))
        .args([
            "acknowledged_put_survives_kill_9",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn child");
    let mut lines = BufReader::new(proc.stdout.take().expect("stdout")).lines();
    // The child's start and 20 puts take well under a second; the deadline only turns a hung
    // child into a failure instead of a hung test run.
    let read_acks = async {
        let mut acked = 0;
        while let Some(line) = lines.next_line().await.expect("read") {
            // libtest prints "test <name> ... " without a newline first, so an ACK may share a
            // line.
            if line.contains("ACK ") {
                acked += 1;
                if acked == ITEMS {
                    break;
                }
            }
        }
        acked
    };
    let acked = tokio::time::timeout(DEADLINE, read_acks)
        .await
        .unwrap_or_else(|_| {
            panic!("the child did not acknowledge {ITEMS} puts within {DEADLINE:?}")
        });
    assert_eq!(acked, ITEMS, "child acknowledged every put");
    proc.start_kill().expect("SIGKILL");
    let status = tokio::time::timeout(DEADLINE, proc.wait())
        .await
        .unwrap_or_else(|_| panic!("the killed child did not exit within {DEADLINE:?}"))
        .expect("wait");
    assert!(!status.success(), "the child was killed, not shut down");
    let wal = state.join("dynamodb.sqlite-wal");
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false),
        "the writes are still in the WAL (no clean checkpoint happened)"
    );

    let db =
        localcloud_dynamodb::Database::new(state.join("dynamodb.sqlite").to_str().expect("utf8"))
            .expect("reopen");
    let scan = db
        .scan(serde_json::from_value(serde_json::json!({"TableName": "inventory"})).expect("req"))
        .expect("scan");
    let scan = serde_json::to_value(scan).expect("json");
    assert_eq!(scan["Count"], ITEMS);
}
