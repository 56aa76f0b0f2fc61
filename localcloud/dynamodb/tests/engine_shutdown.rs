//! Dropping the service ends its engine thread: no thread is left behind per service started.
//! Alone in its test binary, because it counts the process's threads by name (Linux's
//! `/proc/self/task/*/comm`), and another test's service would be counted too.

#![cfg(target_os = "linux")]

mod common;

use std::time::{Duration, Instant};

use localcloud_dynamodb::{DynamoService, Settings};

fn engine_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim_end() == "dynamodb-engine")
        .count()
}

#[tokio::test]
async fn dropping_the_service_ends_its_engine_thread() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_eq!(engine_threads(), 0);
    let settings = Settings {
        state_dir: Some(dir.path().join("state")),
        ttl_sweep_interval: None,
        ..Settings::default()
    };
    let s3 = localcloud_s3::Store::open(dir.path().join("s3")).expect("s3");
    let service = DynamoService::start(settings, &[common::inventory()], s3)
        .await
        .expect("start");
    let clone = service.clone();
    // A new thread names itself once it runs, so its name may take a moment to show.
    wait_for(1, "the engine thread never showed up under its name");
    drop(service);
    assert_eq!(engine_threads(), 1, "a clone still serves");
    drop(clone);
    // The drop joins the thread; the kernel may list an exited thread a moment longer.
    wait_for(0, "the engine thread outlived its service");
}

/// Polls until `n` engine threads are listed, failing after a deadline.
fn wait_for(n: usize, failure: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while engine_threads() != n {
        assert!(Instant::now() < deadline, "{failure} (after 30 s)");
        std::thread::sleep(Duration::from_millis(1));
    }
}
