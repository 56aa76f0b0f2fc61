//! Faults, end to end: the real `localcloud up` on a small fixture template
//! (`tests/fixtures/faults.yaml`) whose functions run the payload-driven test function of
//! `localcloud/test-functions`, driven with curl and the AWS CLI as a user would. Covered:
//! throttling at a reserved concurrency, timeouts and crashes, a DynamoDB export to S3, a
//! `kill -9` right after a write, and bad input answered with AWS's error names and 4xx.
//!
//! The test function is built here (`cargo build -p localcloud-test-functions`) into
//! the target folder this test runs from, and `up` runs with `--no-build`.

mod common;

use common::{aws_command, localcloud, repo, target_dir, Running};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/faults.yaml")
}

/// Builds the payload-driven test function once per test run, where `up` looks for it
/// (`<target>/debug/payload-driven`, the fixture's `BuildProperties.Binary`).
fn build_test_function() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", "localcloud-test-functions"])
            .env("CARGO_TARGET_DIR", target_dir())
            .current_dir(repo())
            .status()
            .expect("cargo build");
        assert!(status.success(), "building localcloud-test-functions");
        assert!(target_dir().join("debug/payload-driven").is_file());
    });
}

struct Up {
    run: Running,
    /// Standard error, collected to check that nothing panicked.
    stderr: Arc<Mutex<Vec<String>>>,
}

impl std::ops::Deref for Up {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.run
    }
}

impl std::ops::DerefMut for Up {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.run
    }
}

/// Starts `localcloud up --no-build` on the fixture, from `root` (the project root: where a
/// `localcloud.toml` is read), and waits for its Ready line.
fn start_up(root: &Path, ephemeral: bool) -> Up {
    build_test_function();
    let mut cmd = localcloud();
    cmd.arg("up")
        .args(ephemeral.then_some("--ephemeral"))
        .args(["--port", "0", "--api-port", "0", "--auth-port", "0"])
        .args(["--no-build", "--template"])
        .arg(fixture())
        .current_dir(root)
        .stderr(Stdio::piped());
    let mut run = Running::start(cmd, Duration::from_secs(60));
    let stderr_lines = Arc::new(Mutex::new(Vec::new()));
    let collected = stderr_lines.clone();
    let stderr = run.child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("[up stderr] {line}");
            if let Ok(mut v) = collected.lock() {
                v.push(line);
            }
        }
    });
    assert!(
        !run.banner.iter().any(|l| l.contains("NOT STARTED")),
        "{:#?}",
        run.banner
    );
    Up {
        run,
        stderr: stderr_lines,
    }
}

/// In `Up::curl`'s headers: sign the request with SigV4 for DynamoDB instead of adding a header.
const SIGN_DYNAMODB: &str = "<sigv4 dynamodb>";

/// An HTTP answer as curl saw it.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The AWS error name: `x-amzn-ErrorType`, else the JSON `__type` after its `#`.
    fn error_name(&self) -> String {
        let raw = self
            .header("x-amzn-errortype")
            .map(str::to_owned)
            .or_else(|| {
                serde_json::from_str::<Value>(&self.body)
                    .ok()
                    .and_then(|v| v["__type"].as_str().map(str::to_owned))
            })
            .unwrap_or_default();
        let name = raw.split(':').next().unwrap_or_default();
        name.rsplit('#').next().unwrap_or_default().to_owned()
    }
}

impl Up {
    /// The name of a function of the fixture, from the banner's `  <LogicalId> -> <name> (...)`.
    fn function(&self, logical_id: &str) -> String {
        self.banner
            .iter()
            .find_map(|l| l.trim().strip_prefix(&format!("{logical_id} -> ")))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{logical_id} not running: {:#?}", self.banner))
            .to_owned()
    }

    /// `curl -i` with a body read from a file (payloads of several MB do not fit in argv).
    fn curl(&self, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Answer {
        let mut file = tempfile::NamedTempFile::new().expect("body file");
        file.write_all(body).expect("write body");
        let mut cmd = Command::new("curl");
        cmd.args([
            "-s",
            "--max-time",
            CURL_MAX_TIME,
            "-i",
            "-X",
            method,
            "-H",
            "Expect:",
        ]);
        for h in headers {
            if *h == SIGN_DYNAMODB {
                cmd.args([
                    "--aws-sigv4",
                    "aws:amz:us-east-1:dynamodb",
                    "--user",
                    "test:test",
                ]);
            } else {
                cmd.args(["-H", h]);
            }
        }
        cmd.arg("--data-binary")
            .arg(format!("@{}", file.path().display()))
            .arg(format!("{}{path}", self.endpoint));
        let o = cmd.output().expect("curl");
        assert!(
            o.status.success(),
            "curl {method} {path}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        parse_http(&o.stdout)
    }

    /// Lambda Invoke through the REST API.
    fn invoke(&self, function: &str, payload: &[u8]) -> Answer {
        self.curl(
            "POST",
            &format!("/2015-03-31/functions/{function}/invocations"),
            &[],
            payload,
        )
    }

    /// A DynamoDB JSON 1.0 call, signed by curl (`--aws-sigv4`) as DynamoDB requires.
    fn dynamodb(&self, operation: &str, body: &[u8]) -> Answer {
        self.curl(
            "POST",
            "/",
            &[
                &format!("X-Amz-Target: DynamoDB_20120810.{operation}"),
                "Content-Type: application/x-amz-json-1.0",
                SIGN_DYNAMODB,
            ],
            body,
        )
    }

    fn aws(&self, args: &[&str]) -> Output {
        aws_command(&self.endpoint, args)
            // The CLI retries throttles and 5xx on its own; a test wants to see the first answer.
            .env("AWS_MAX_ATTEMPTS", "1")
            .output()
            .expect("run aws")
    }

    /// `aws ...` that must succeed; its JSON answer (`null` when it prints nothing).
    fn aws_ok(&self, args: &[&str]) -> Value {
        let o = self.aws(args);
        assert!(
            o.status.success(),
            "aws {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr)
        );
        if o.stdout.iter().all(u8::is_ascii_whitespace) {
            return Value::Null;
        }
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "aws {}: {e}: {}",
                args.join(" "),
                String::from_utf8_lossy(&o.stdout)
            )
        })
    }

    /// Waits (up to `LINE_DEADLINE`) for a line of up's standard output after the banner that
    /// matches `pred`, and returns it; the lines before it are dropped.
    fn wait_line(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + LINE_DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if pred(&line) => return line,
                Ok(line) => seen.push(line),
                Err(e) => panic!(
                    "no {what} on up's output within {LINE_DEADLINE:?} ({e}); saw:\n{}",
                    seen.join("\n")
                ),
            }
        }
    }

    /// The process still runs and wrote no panic.
    fn assert_healthy(&mut self) {
        assert!(
            matches!(self.child.try_wait(), Ok(None)),
            "localcloud up exited"
        );
        let stderr = self.stderr.lock().map(|v| v.join("\n")).unwrap_or_default();
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// curl's bound on one request, in seconds: a request up never answers fails the test.
const CURL_MAX_TIME: &str = "120";

/// How long `Up::wait_line` waits for a line of up's output.
const LINE_DEADLINE: Duration = Duration::from_secs(60);

/// Whether process `pid` still runs (a zombie, exited but not yet reaped, does not).
fn process_runs(pid: u64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map(|s| !s.contains("State:\tZ"))
        .unwrap_or(false)
}

/// Splits curl's `-i` output: skips interim `100 Continue` blocks, keeps the last headers.
fn parse_http(raw: &[u8]) -> Answer {
    let mut rest = raw;
    loop {
        let split = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end: {}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&rest[..split]).into_owned();
        let body = &rest[split + 4..];
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {head}"));
        if status == 100 {
            rest = body;
            continue;
        }
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        return Answer {
            status,
            headers,
            body: String::from_utf8_lossy(body).into_owned(),
        };
    }
}

/// Item 1: N+1 overlapping invocations of a function with `ReservedConcurrentExecutions: N` (2):
/// once N are running (their START lines are on up's output), the next one is throttled with
/// 429 `TooManyRequestsException` and the reserved reason, the N run to their answer, and
/// nothing answers 5xx. Afterwards the function runs again.
///
/// AWS: "TooManyRequestsException ... Reason: ReservedFunctionConcurrentInvocationLimitExceeded"
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors>).
#[test]
fn reserved_concurrency_throttles_the_call_over_the_limit() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut up = start_up(root.path(), true);
    let reserved = up.function("ReservedFunction");
    assert!(
        up.banner
            .iter()
            .any(|l| l.contains(&reserved) && l.contains("reserved 2")),
        "{:#?}",
        up.banner
    );
    const N: usize = 2;
    let endpoint = up.endpoint.clone();
    let url = format!("{endpoint}/2015-03-31/functions/{reserved}/invocations");
    let calls: Vec<_> = (0..N)
        .map(|i| {
            let url = url.clone();
            std::thread::spawn(move || {
                let body = json!({"sleep_ms": 5000, "call": i}).to_string();
                let o = Command::new("curl")
                    .args([
                        "-s",
                        "--max-time",
                        CURL_MAX_TIME,
                        "-i",
                        "-X",
                        "POST",
                        "-d",
                        &body,
                    ])
                    .arg(url)
                    .output()
                    .expect("curl");
                parse_http(&o.stdout)
            })
        })
        .collect();
    // A call holds one of the N units from its START line on: wait until all N are running.
    for _ in 0..N {
        up.wait_line("START line of ReservedFunction", |l| {
            l.starts_with("[ReservedFunction] START RequestId: ")
        });
    }
    let over = up.invoke(&reserved, br#"{"call": "over"}"#);
    assert_eq!(over.status, 429, "call N+1 while N run: {over:?}");
    assert_eq!(over.error_name(), "TooManyRequestsException", "{over:?}");
    assert_eq!(
        over.json()["Reason"],
        "ReservedFunctionConcurrentInvocationLimitExceeded",
        "{over:?}"
    );
    for call in calls {
        let ok = call.join().expect("call thread");
        assert_eq!(ok.status, 200, "{ok:?}");
        assert!(ok.header("x-amz-function-error").is_none(), "{ok:?}");
        assert_eq!(ok.json()["echo"]["sleep_ms"], 5000, "{ok:?}");
    }
    // The slots are free again.
    let again = up.invoke(&reserved, br#"{"after": true}"#);
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.json()["echo"]["after"], true);
    up.assert_healthy();
}

/// Item 2: A function over its `Timeout` and a process that exits mid-invocation answer as AWS
/// does: 200 with `X-Amz-Function-Error: Unhandled` and the error document, `Sandbox.Timedout`
/// with "Task timed out after N.NN seconds", `Runtime.ExitError` with "Runtime exited with
/// error"; the next invocation gets a fresh environment and works.
///
/// AWS: <https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html> (task
/// timed out), <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html> (FunctionError).
#[test]
fn timeouts_and_crashes_are_reported_and_the_next_call_works() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut up = start_up(root.path(), true);
    let short = up.function("ShortFunction");
    assert_eq!(short, "faults-short", "the template's FunctionName");

    let first = up.invoke(&short, br#"{"n": 1}"#);
    assert_eq!(first.status, 200, "{first:?}");
    let pid = first.json()["pid"].as_u64().expect("pid");

    // Timeout: 1 (second), the function would sleep 30 s.
    let timed_out = up.invoke(&short, br#"{"sleep_ms": 30000}"#);
    assert_eq!(timed_out.status, 200, "{timed_out:?}");
    assert_eq!(
        timed_out.header("x-amz-function-error"),
        Some("Unhandled"),
        "{timed_out:?}"
    );
    let doc = timed_out.json();
    assert_eq!(doc["errorType"], "Sandbox.Timedout", "{doc}");
    let message = doc["errorMessage"].as_str().expect("errorMessage");
    let seconds: f64 = message
        .strip_suffix(" seconds")
        .and_then(|m| m.rsplit_once("Task timed out after "))
        .and_then(|(_, n)| {
            // Two decimals, as AWS prints them.
            (n.split_once('.').map(|(_, d)| d.len()) == Some(2)).then(|| n.parse().ok())?
        })
        .unwrap_or_else(|| panic!("not AWS's timeout message: {message}"));
    // Stopped at the timeout: not before it, and not when the 30 s sleep would have ended.
    assert!((1.0..30.0).contains(&seconds), "{message}");
    // The environment that ran it was killed before the answer, and REPORT says why.
    assert!(!process_runs(pid), "timed-out process {pid} still runs");
    let request_id = message.split_whitespace().nth(1).expect("request id");
    let report = up.wait_line("REPORT line of the timed-out call", |l| {
        l.starts_with(&format!("[ShortFunction] REPORT RequestId: {request_id}"))
    });
    assert!(
        report.contains("Status: timeout") && report.contains("Sandbox.Timedout"),
        "{report}"
    );

    // The timed-out process was stopped: the next call works, in a new process.
    let after_timeout = up.invoke(&short, br#"{"n": 2}"#);
    assert_eq!(after_timeout.status, 200, "{after_timeout:?}");
    assert!(after_timeout.header("x-amz-function-error").is_none());
    let pid2 = after_timeout.json()["pid"].as_u64().expect("pid");
    assert_ne!(pid, pid2, "the timed-out environment was reused");

    // Crash: the process exits with status 3 during the invocation.
    let crashed = up.invoke(&short, br#"{"exit": 3}"#);
    assert_eq!(crashed.status, 200, "{crashed:?}");
    assert_eq!(crashed.header("x-amz-function-error"), Some("Unhandled"));
    let doc = crashed.json();
    assert_eq!(doc["errorType"], "Runtime.ExitError", "{doc}");
    let message = doc["errorMessage"].as_str().expect("errorMessage");
    assert!(
        message.starts_with("RequestId: ")
            && message.contains("Error: Runtime exited with error: exit status 3"),
        "{message}"
    );
    let after_crash = up.invoke(&short, br#"{"n": 3}"#);
    assert_eq!(after_crash.status, 200, "{after_crash:?}");
    let pid3 = after_crash.json()["pid"].as_u64().expect("pid");
    assert_ne!(pid2, pid3);

    // The AWS CLI sees the same through the alias: FunctionError and the document.
    let scratch = tempfile::tempdir().expect("tempdir");
    let out = scratch.path().join("out.json");
    let event = scratch.path().join("event.json");
    std::fs::write(&event, r#"{"sleep_ms": 30000}"#).expect("event.json");
    let answer = up.aws_ok(&[
        "lambda",
        "invoke",
        "--function-name",
        &format!("{short}:live"),
        "--payload",
        &format!("fileb://{}", event.display()),
        &out.display().to_string(),
    ]);
    assert_eq!(answer["FunctionError"], "Unhandled", "{answer}");
    assert_eq!(answer["ExecutedVersion"], "1", "{answer}");
    let written: Value =
        serde_json::from_slice(&std::fs::read(&out).expect("out.json")).expect("JSON");
    assert_eq!(written["errorType"], "Sandbox.Timedout", "{written}");
    up.assert_healthy();
}

/// Polls `aws dynamodb describe-export` until the export leaves IN_PROGRESS.
fn finished_export(up: &Up, arn: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let d = up.aws_ok(&["dynamodb", "describe-export", "--export-arn", arn]);
        let status = d["ExportDescription"]["ExportStatus"]
            .as_str()
            .unwrap_or("");
        if status != "IN_PROGRESS" {
            return d["ExportDescription"].clone();
        }
        assert!(Instant::now() < deadline, "export still running: {d}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Item 3: `aws dynamodb export-table-to-point-in-time` of a table with PITR writes AWS's layout
/// into the local S3 store: `manifest-summary.json`, `manifest-files.json` and
/// `data/*.json.gz` under `<prefix>/AWSDynamoDB/<ExportId>/`, and the export is COMPLETED.
/// A table without PITR is refused with `PointInTimeRecoveryUnavailableException`.
///
/// AWS: <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html>,
/// <https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExportTableToPointInTime.html>.
#[test]
fn export_to_point_in_time_writes_aws_layout_to_s3() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut up = start_up(root.path(), true);
    for i in 0..3 {
        up.aws_ok(&[
            "dynamodb",
            "put-item",
            "--table-name",
            "faults-items",
            "--item",
            &json!({"id": {"S": format!("item-{i}")}, "n": {"N": i.to_string()}}).to_string(),
        ]);
    }
    let table = up.aws_ok(&["dynamodb", "describe-table", "--table-name", "faults-items"]);
    let table_arn = table["Table"]["TableArn"].as_str().expect("TableArn");
    let pitr = up.aws_ok(&[
        "dynamodb",
        "describe-continuous-backups",
        "--table-name",
        "faults-items",
    ]);
    assert_eq!(
        pitr["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            ["PointInTimeRecoveryStatus"],
        "ENABLED",
        "{pitr}"
    );
    let started = up.aws_ok(&[
        "dynamodb",
        "export-table-to-point-in-time",
        "--table-arn",
        table_arn,
        "--s3-bucket",
        "faults-exports",
        "--s3-prefix",
        "exports",
        "--export-format",
        "DYNAMODB_JSON",
    ]);
    let export_arn = started["ExportDescription"]["ExportArn"]
        .as_str()
        .expect("ExportArn")
        .to_owned();
    let done = finished_export(&up, &export_arn);
    assert_eq!(done["ExportStatus"], "COMPLETED", "{done}");
    assert_eq!(done["ItemCount"], 3, "{done}");
    let export_id = export_arn.rsplit('/').next().expect("export id");
    let base = format!("exports/AWSDynamoDB/{export_id}/");

    // `aws s3 ls --recursive` prints `<date> <time> <size> <key>`.
    let o = up.aws(&["s3", "ls", "--recursive", "s3://faults-exports/"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let listing = String::from_utf8_lossy(&o.stdout).into_owned();
    let keys: Vec<String> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().nth(3).map(str::to_owned))
        .collect();
    for name in ["manifest-summary.json", "manifest-files.json", "_started"] {
        assert!(
            keys.contains(&format!("{base}{name}")),
            "{name} missing:\n{listing}"
        );
    }
    let data: Vec<&String> = keys
        .iter()
        .filter(|k| k.starts_with(&format!("{base}data/")) && k.ends_with(".json.gz"))
        .collect();
    assert!(!data.is_empty(), "no data/*.json.gz:\n{listing}");
    assert_eq!(
        done["ExportManifest"],
        format!("{base}manifest-summary.json")
    );

    // The manifests and the data, as a user would fetch them.
    let scratch = tempfile::tempdir().expect("tempdir");
    let fetch = |key: &str| -> Vec<u8> {
        let file = scratch.path().join(key.replace('/', "_"));
        let o = up.aws(&[
            "s3",
            "cp",
            "--quiet",
            &format!("s3://faults-exports/{key}"),
            &file.display().to_string(),
        ]);
        assert!(
            o.status.success(),
            "s3 cp {key}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::read(&file).expect("fetched file")
    };
    let summary: Value = serde_json::from_slice(&fetch(&format!("{base}manifest-summary.json")))
        .expect("manifest-summary.json is JSON");
    assert_eq!(summary["version"], "2020-06-30", "{summary}");
    assert_eq!(summary["exportArn"], export_arn.as_str(), "{summary}");
    assert_eq!(summary["itemCount"], 3, "{summary}");
    assert_eq!(summary["outputFormat"], "DYNAMODB_JSON", "{summary}");
    let files = String::from_utf8(fetch(&format!("{base}manifest-files.json"))).expect("UTF-8");
    let listed: Vec<Value> = files
        .lines()
        .map(|l| serde_json::from_str(l).expect("manifest-files line"))
        .collect();
    let listed_keys: Vec<&str> = listed
        .iter()
        .filter_map(|f| f["dataFileS3Key"].as_str())
        .collect();
    let mut data_keys: Vec<&str> = data.iter().map(|k| k.as_str()).collect();
    data_keys.sort_unstable();
    let mut sorted_listed = listed_keys.clone();
    sorted_listed.sort_unstable();
    assert_eq!(sorted_listed, data_keys, "{files}");
    let mut ids = Vec::new();
    for key in data_keys {
        let gz = scratch.path().join("data.json.gz");
        std::fs::write(&gz, fetch(key)).expect("write");
        let o = Command::new("gzip")
            .arg("-dc")
            .arg(&gz)
            .output()
            .expect("gzip");
        assert!(o.status.success(), "{key} is not gzip");
        for line in String::from_utf8_lossy(&o.stdout).lines() {
            let item: Value = serde_json::from_str(line).expect("export line");
            ids.push(item["Item"]["id"]["S"].as_str().expect("id").to_owned());
        }
    }
    ids.sort();
    assert_eq!(ids, ["item-0", "item-1", "item-2"]);

    // Without PITR, AWS refuses the export.
    let no_pitr = up.aws_ok(&[
        "dynamodb",
        "describe-table",
        "--table-name",
        "faults-no-pitr",
    ]);
    let arn = no_pitr["Table"]["TableArn"].as_str().expect("TableArn");
    let o = up.aws(&[
        "dynamodb",
        "export-table-to-point-in-time",
        "--table-arn",
        arn,
        "--s3-bucket",
        "faults-exports",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("PointInTimeRecoveryUnavailableException"),
        "{err}"
    );
    up.assert_healthy();
}

/// Item 4: `kill -9` right after PutItem answered: with a state folder (localcloud.toml's
/// `state_dir`), the next `up` on the same state finds every item.
#[test]
fn items_survive_kill_9_right_after_put_item() {
    let project = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("state tempdir");
    std::fs::write(
        project.path().join("localcloud.toml"),
        format!("state_dir = \"{}\"\n", state.path().join("s").display()),
    )
    .expect("localcloud.toml");

    let mut up = start_up(project.path(), false);
    assert!(
        up.banner
            .iter()
            .any(|l| l.starts_with("Tables (state: ")
                && l.contains(&state.path().display().to_string())),
        "{:#?}",
        up.banner
    );
    let ids: Vec<String> = (0..20).map(|i| format!("durable-{i}")).collect();
    for id in &ids {
        let a = up.dynamodb(
            "PutItem",
            json!({"TableName": "faults-items", "Item": {"id": {"S": id}, "v": {"S": "kept"}}})
                .to_string()
                .as_bytes(),
        );
        assert_eq!(a.status, 200, "{a:?}");
    }
    // Straight after the last answer: no Ctrl-C, no chance to flush anything.
    let killed = Command::new("kill")
        .args(["-9", &up.child.id().to_string()])
        .status()
        .expect("kill -9");
    assert!(killed.success());
    let status = up.child.wait().expect("wait");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9)
    );
    drop(up);

    let up = start_up(project.path(), false);
    for id in &ids {
        let got = up.aws_ok(&[
            "dynamodb",
            "get-item",
            "--table-name",
            "faults-items",
            "--consistent-read",
            "--key",
            &json!({"id": {"S": id}}).to_string(),
        ]);
        assert_eq!(
            got["Item"]["v"]["S"], "kept",
            "{id} lost after kill -9: {got}"
        );
    }
}

/// Item 5: Bad input answers AWS's error name with a 4xx, never a 5xx, and `up` keeps running.
///
/// AWS: DynamoDB's common errors
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html>,
/// SerializationException for a body that is not JSON) and GetItem's errors
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#API_GetItem_Errors>,
/// ResourceNotFoundException 400); Lambda Invoke's errors
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors>:
/// InvalidRequestContentException 400, ResourceNotFoundException 404). Over the 6 MB
/// (6,291,456 bytes) synchronous limit, the API reference names `RequestTooLargeException`,
/// but Lambda answers `RequestEntityTooLargeException` with 413 and "Request must be smaller
/// than 6291456 bytes for the InvokeFunction operation", as recorded in
/// <https://zaccharles.medium.com/deep-dive-lambdas-request-payload-size-limit-2-2-6350c1ae5577>.
#[test]
fn bad_input_gets_aws_errors_and_4xx() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut up = start_up(root.path(), true);
    let reserved = up.function("ReservedFunction");
    let short = up.function("ShortFunction");
    let check = |what: &str, a: &Answer, status: u16, name: &str| {
        assert!((400..500).contains(&a.status), "{what}: not a 4xx: {a:?}");
        assert_eq!(a.status, status, "{what}: {a:?}");
        assert_eq!(a.error_name(), name, "{what}: {a:?}");
    };

    // DynamoDB.
    check(
        "DynamoDB body that is not JSON",
        &up.dynamodb("PutItem", br#"{"TableName": "faults-items", "Item": "#),
        400,
        "SerializationException",
    );
    check(
        "DynamoDB body that is not an object",
        &up.dynamodb("GetItem", b"[1, 2"),
        400,
        "SerializationException",
    );
    check(
        "DynamoDB unknown table",
        &up.dynamodb(
            "GetItem",
            br#"{"TableName": "no-such-table", "Key": {"id": {"S": "x"}}}"#,
        ),
        400,
        "ResourceNotFoundException",
    );
    let o = up.aws(&[
        "dynamodb",
        "get-item",
        "--table-name",
        "no-such-table",
        "--key",
        r#"{"id": {"S": "x"}}"#,
    ]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("ResourceNotFoundException"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // Lambda.
    check(
        "Invoke payload that is not JSON",
        &up.invoke(&reserved, b"{not json"),
        400,
        "InvalidRequestContentException",
    );
    check(
        "Invoke of an unknown function",
        &up.invoke("no-such-function", b"{}"),
        404,
        "ResourceNotFoundException",
    );
    check(
        "Invoke with an unknown alias",
        &up.curl(
            "POST",
            &format!("/2015-03-31/functions/{short}/invocations?Qualifier=nope"),
            &[],
            b"{}",
        ),
        404,
        "ResourceNotFoundException",
    );
    check(
        "Invoke with an unknown version",
        &up.curl(
            "POST",
            &format!("/2015-03-31/functions/{short}/invocations?Qualifier=7"),
            &[],
            b"{}",
        ),
        404,
        "ResourceNotFoundException",
    );
    check(
        "Invoke of name:qualifier with an unknown qualifier",
        &up.invoke(&format!("{short}:nope"), b"{}"),
        404,
        "ResourceNotFoundException",
    );
    let o = up.aws(&[
        "lambda",
        "invoke",
        "--function-name",
        &short,
        "--qualifier",
        "nope",
        &root.path().join("out.json").display().to_string(),
    ]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("ResourceNotFoundException"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // Over 6 MB: one byte over, valid JSON (a string), RequestResponse.
    const LIMIT: usize = 6_291_456;
    let over = format!("\"{}\"", "x".repeat(LIMIT - 1));
    assert_eq!(over.len(), LIMIT + 1);
    let a = up.invoke(&reserved, over.as_bytes());
    check(
        "Invoke payload of 6,291,457 bytes",
        &a,
        413,
        "RequestEntityTooLargeException",
    );
    assert!(
        a.body.contains(
            "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
        ),
        "{a:?}"
    );
    // Well under the limit, the same function runs (`repeat` answers a short string).
    let under = json!({"repeat": 1, "pad": "x".repeat(5_000_000)}).to_string();
    let a = up.invoke(&reserved, under.as_bytes());
    assert_eq!((a.status, a.body.as_str()), (200, "\"x\""), "{a:?}");

    up.assert_healthy();
}
