//! End to end: the real `localcloud` binary on the repository's template, driven like a user
//! would (the Rust SDK, the AWS CLI, `localcloud invoke`, Ctrl-C).
//!
//! The functions are built by `localcloud up` itself (cargo, the workspace's one profile) into the target folder
//! this test runs from, so `cargo test --workspace` shares one build.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
mod common;

use common::{aws_command, localcloud, repo, target_dir, wait_exit, Running as Up, STOP_DEADLINE};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Starts `localcloud up --ephemeral` on free ports and waits for its Ready line.
fn start_up() -> Up {
    // One start at a time: the first builds the functions (cargo, Maven), the next finds them
    // built instead of racing it in the same target folders.
    static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = STARTING.lock().unwrap_or_else(|p| p.into_inner());
    let mut cmd = localcloud();
    cmd.args(["up", "--ephemeral", "--port", "0"])
        .args(["--api-port", "0", "--auth-port", "0"])
        .current_dir(repo());
    // The first run compiles every function: allow for a slow machine.
    Up::start(cmd, Duration::from_secs(1500))
}

impl Up {
    /// The value after `prefix` on the banner line that starts with it.
    fn banner_value(&self, prefix: &str) -> String {
        self.banner
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("no `{prefix}` line: {:?}", self.banner))
            .to_owned()
    }

    /// `localcloud token` as the README runs it: (exit ok, stdout, stderr).
    fn token(&self, user: &str, password: Option<&str>) -> (bool, String, String) {
        let port = self.port();
        let mut cmd = localcloud();
        cmd.args(["token", "--user", user, "--port", port])
            .current_dir(repo());
        if let Some(p) = password {
            cmd.args(["--password", p]);
        }
        let o = cmd.output().expect("localcloud token");
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).trim().to_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    /// `(logical id, name)` of the functions listed as running.
    fn functions(&self) -> Vec<(String, String)> {
        let start = self
            .banner
            .iter()
            .position(|l| l == "Functions:")
            .expect("Functions:");
        self.banner[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("  ") && l.contains(" -> "))
            .map(|l| {
                let (id, rest) = l.trim().split_once(" -> ").expect("id -> name");
                let name = rest.split(' ').next().expect("name");
                (id.to_owned(), name.to_owned())
            })
            .collect()
    }

    fn tables(&self) -> Vec<String> {
        let start = self
            .banner
            .iter()
            .position(|l| l.starts_with("Tables"))
            .expect("Tables:");
        self.banner[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("  ") && l.contains(" -> "))
            .map(|l| l.split(" -> ").nth(1).expect("name").trim().to_owned())
            .collect()
    }

    fn aws(&self, args: &[&str]) -> Output {
        aws_command(&self.endpoint, args).output().expect("run aws")
    }

    /// `aws lambda invoke`; returns (CLI JSON answer, payload written).
    fn invoke(&self, function: &str, event: &Path, out: &Path) -> (Value, Value) {
        let payload = format!("fileb://{}", event.display());
        let o = self.aws(&[
            "lambda",
            "invoke",
            "--function-name",
            function,
            "--payload",
            &payload,
            &out.display().to_string(),
        ]);
        assert!(
            o.status.success(),
            "aws lambda invoke {function}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let answer: Value = serde_json::from_slice(&o.stdout).expect("invoke answer JSON");
        let written = std::fs::read(out).expect("payload file");
        let payload: Value = serde_json::from_slice(&written).expect("payload JSON");
        (answer, payload)
    }
}

/// curl's bound on one request, in seconds: a request the stack never answers fails the test.
const CURL_MAX_TIME: &str = "120";

/// curl with `extra` arguments before the URL: (status, body text).
fn curl_raw(method: &str, url: &str, extra: &[&str]) -> (u16, String) {
    let o = Command::new("curl")
        .args([
            "-s",
            "--max-time",
            CURL_MAX_TIME,
            "-w",
            "\n%{http_code}",
            "-X",
            method,
        ])
        .args(extra)
        .arg(url)
        .output()
        .expect("curl");
    // Exit 28 is curl's --max-time.
    assert!(o.status.success(), "curl {method} {url}: {:?}", o.status);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').expect("body and status");
    (status.parse().expect("status"), body.to_owned())
}

/// curl, as the lab's How to Test runs it: (status, JSON body).
fn curl(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> (u16, Value) {
    let auth = token.map(|t| format!("Authorization: Bearer {t}"));
    let mut extra: Vec<&str> = Vec::new();
    if let Some(a) = &auth {
        extra.extend(["-H", a.as_str()]);
    }
    if let Some(b) = body {
        extra.extend(["-H", "Content-Type: application/json", "-d", b]);
    }
    let (status, text) = curl_raw(method, url, &extra);
    let json =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {url}: {e}: {text}"));
    (status, json)
}

/// Polls GET /orders/{id} until the status is final.
fn final_order(api: &str, token: &str, order_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, order) = curl("GET", &format!("{api}orders/{order_id}"), Some(token), None);
        if status == 200
            && ["CONFIRMED", "FAILED"].contains(&order["status"].as_str().unwrap_or(""))
        {
            return order;
        }
        assert!(
            Instant::now() < deadline,
            "order {order_id} not final after 30 s: {status} {order}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The seed lab's "How to Test" flow against the local stage: health, a token from the local
/// user pool, the profile upsert and read (VTL to DynamoDB), orders through the Express
/// workflow to CONFIRMED or FAILED, and what the authorizer refuses.
#[test]
fn the_lab_flow_runs_through_the_api_stage() {
    let up = start_up();
    let api = up.banner_value("API: ");
    assert!(
        api.starts_with("http://127.0.0.1:") && api.ends_with("/dev/"),
        "{api}"
    );
    let hosted = up.banner_value("Hosted UI: ");
    assert!(hosted.contains("/login?client_id="), "{hosted}");

    // A) health, public.
    let (status, body) = curl("GET", &format!("{api}health"), None, None);
    assert_eq!(
        (status, body),
        (
            200,
            serde_json::json!({"ok": true, "service": "serverless-api"})
        )
    );

    // A browser page reaching the ports: by DNS rebinding (its own Host name) on any port, or
    // cross-site (a foreign Origin) on the service endpoint. Both get 403; the API stage keeps
    // CORS callers.
    let refused = |url: &str, header: &str| {
        curl_raw(
            "POST",
            url,
            &[
                "-H",
                header,
                "-H",
                "X-Amz-Target: DynamoDB_20120810.ListTables",
                "-H",
                "Content-Type: application/x-amz-json-1.0",
                // DynamoDB wants a SigV4-shaped header (not verified locally).
                "-H",
                "X-Amz-Date: 20261208T000000Z",
                "-H",
                "Authorization: AWS4-HMAC-SHA256 Credential=test/20261208/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
                "-d",
                "{}",
            ],
        )
    };
    let endpoint = format!("{}/", up.endpoint);
    for (url, header, why) in [
        (endpoint.as_str(), "Host: evil.example:4566", "Host"),
        (endpoint.as_str(), "Origin: https://evil.example", "Origin"),
        (&format!("{api}health"), "Host: evil.example", "Host"),
    ] {
        let (status, body) = refused(url, header);
        assert_eq!(status, 403, "{url} {header}: {body}");
        assert!(
            body.contains("AccessDeniedException") && body.contains(why),
            "{body}"
        );
    }
    assert_eq!(refused(&endpoint, "Origin: http://localhost:8080").0, 200);

    // B) a token: the first call creates and confirms the user, the second only signs in.
    let (ok, token, err) = up.token("alice", None);
    assert!(ok, "{err}");
    assert!(err.contains("created user alice"), "{err}");
    let (ok, again, err) = up.token("alice", None);
    assert!(ok && !again.is_empty() && !err.contains("created"), "{err}");
    let (ok, _, err) = up.token("alice", Some("Wrong-Passw0rd-1"));
    assert!(!ok && err.contains("NotAuthorizedException"), "{err}");
    let claims = token.split('.').nth(1).expect("JWT payload");
    let claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
            .expect("base64url"),
    )
    .expect("claims");
    assert_eq!(claims["token_use"], "id");
    assert_eq!(claims["cognito:username"], "alice");
    let sub = claims["sub"].as_str().expect("sub").to_owned();

    // C) D) the profile: userId and email come from the token; a body that names a userId is
    // refused by the model (additionalProperties: false).
    let (status, body) = curl(
        "POST",
        &format!("{api}profiles"),
        Some(&token),
        Some(r#"{"name":"Aisalkyn Aidarova","userId":"someone-else"}"#),
    );
    assert_eq!(status, 400, "{body}");
    let (status, profile) = curl(
        "POST",
        &format!("{api}profiles"),
        Some(&token),
        Some(r#"{"name":"Aisalkyn Aidarova"}"#),
    );
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["userId"], sub.as_str());
    assert_eq!(profile["email"], "alice@example.com");
    let (status, read) = curl("GET", &format!("{api}profiles/{sub}"), Some(&token), None);
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["name"], "Aisalkyn Aidarova");

    // E) F) an order runs the workflow to CONFIRMED.
    let (status, placed) = curl(
        "POST",
        &format!("{api}orders"),
        Some(&token),
        Some(r#"{"amount": 42.50, "items":[{"sku":"A-1","qty":2}]}"#),
    );
    assert_eq!(status, 202, "{placed}");
    assert_eq!(placed["status"], "PENDING");
    let order_id = placed["orderId"].as_str().expect("orderId").to_owned();
    let order = final_order(&api, &token, &order_id);
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["userId"], sub.as_str());

    // Business failures end FAILED with the error the workflow caught.
    for (body, error) in [
        (
            r#"{"amount": 5, "items":[{"sku":"OUT-1","qty":1}]}"#,
            "OutOfStock",
        ),
        (
            r#"{"amount": 10.13, "items":[{"sku":"A-1","qty":1}]}"#,
            "PaymentDeclined",
        ),
    ] {
        let (status, placed) = curl("POST", &format!("{api}orders"), Some(&token), Some(body));
        assert_eq!(status, 202, "{placed}");
        let id = placed["orderId"].as_str().expect("orderId");
        let order = final_order(&api, &token, id);
        assert_eq!(order["status"], "FAILED", "{order}");
        assert!(order.to_string().contains(error), "{error}: {order}");
    }

    // Another user sees 404 for alice's order and profile, as for a missing one.
    let (ok, bob, err) = up.token("bob", None);
    assert!(ok, "{err}");
    let (status, body) = curl("GET", &format!("{api}orders/{order_id}"), Some(&bob), None);
    assert_eq!(
        (status, body),
        (404, serde_json::json!({"message": "Not Found"}))
    );
    let (status, _) = curl("GET", &format!("{api}profiles/{sub}"), Some(&bob), None);
    assert_eq!(status, 404);

    // The authorizer: no token, a tampered one, an access token where an ID token is due.
    let unauthorized = serde_json::json!({"message": "Unauthorized"});
    let (status, body) = curl("GET", &format!("{api}orders/{order_id}"), None, None);
    assert_eq!((status, &body), (401, &unauthorized));
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].replace(&parts[1][4..8], "AAAA");
    let tampered = parts.join(".");
    let (status, body) = curl(
        "GET",
        &format!("{api}orders/{order_id}"),
        Some(&tampered),
        None,
    );
    assert_eq!((status, &body), (401, &unauthorized));

    // Bad input: the request validator answers 400 before anything runs.
    let (status, body) = curl(
        "POST",
        &format!("{api}orders"),
        Some(&token),
        Some(r#"{"amount": "ten", "items": []}"#),
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["message"], "Invalid request body");

    // `localcloud executions`: the newest execution listed, shown state by state, drawn.
    let port = up.port().to_owned();
    let o = localcloud()
        .args(["executions", "list", "--port", &port])
        .current_dir(repo())
        .output()
        .expect("executions list");
    let listing = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let failed_arn = listing
        .lines()
        .find(|l| l.starts_with("FAILED"))
        .and_then(|l| l.split_whitespace().last())
        .unwrap_or_else(|| panic!("a FAILED execution in:\n{listing}"))
        .to_owned();
    assert!(
        listing.lines().any(|l| l.starts_with("SUCCEEDED")),
        "{listing}"
    );
    let svg = tempfile::NamedTempFile::new().expect("svg file");
    let o = localcloud()
        .args(["executions", "show", &failed_arn, "--port", &port, "--svg"])
        .arg(svg.path())
        .current_dir(repo())
        .output()
        .expect("executions show");
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(shown.contains("status FAILED"), "{shown}");
    assert!(
        shown.contains("Validate (Task)") && shown.contains("succeeded"),
        "{shown}"
    );
    assert!(
        shown.contains("OrderFailed (Fail)") && shown.contains("FAILED"),
        "{shown}"
    );
    let drawn = std::fs::read_to_string(svg.path()).expect("svg");
    assert!(
        drawn.starts_with("<svg") && drawn.contains("#c62828"),
        "failed path coloured"
    );

    // The state machine is listed by the AWS CLI on the endpoint.
    let o = up.aws(&["stepfunctions", "list-state-machines"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(list["stateMachines"][0]["type"], "EXPRESS", "{list}");
}

fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|s| s.parse::<u32>().ok());
        if ppid == Some(pid) {
            out.push(p);
        }
    }
    out
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            let state = s
                .rsplit_once(')')
                .and_then(|(_, r)| r.split_whitespace().next().map(str::to_owned));
            state.as_deref() != Some("Z")
        })
        .unwrap_or(false)
}

#[test]
fn up_serves_the_template_and_stops_cleanly() {
    let mut up = start_up();
    let scratch = tempfile::tempdir().expect("tempdir");
    let events = repo().join("events");

    // The banner: tables, functions, not-emulated lines, how to stop.
    let tables = up.tables();
    assert_eq!(tables.len(), 4, "{:?}", up.banner);
    let functions = up.functions();
    let name = |id: &str| -> String {
        functions
            .iter()
            .find(|(l, _)| l == id)
            .unwrap_or_else(|| panic!("{id} not running: {:?}", up.banner))
            .1
            .clone()
    };
    assert!(up.banner.iter().any(|l| l.contains("not emulated: ")));
    assert!(up.banner.iter().any(|l| l.contains("Ctrl-C")));

    // DynamoDB through the Rust SDK: every template table, write then read.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let conf = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&up.endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .build();
        let client = aws_sdk_dynamodb::Client::from_conf(conf);
        let keys = [
            ("-profiles", "userId"),
            ("-orders", "orderId"),
            ("-inventory", "sku"),
            ("-payments", "orderId"),
        ];
        for table in &tables {
            let key = keys
                .iter()
                .find(|(suffix, _)| table.ends_with(suffix))
                .map(|(_, k)| *k)
                .unwrap_or_else(|| panic!("unexpected table {table}"));
            client
                .put_item()
                .table_name(table)
                .item(key, AttributeValue::S("E2E-1".into()))
                .item("note", AttributeValue::S(format!("written to {table}")))
                .send()
                .await
                .unwrap_or_else(|e| panic!("PutItem {table}: {e:?}"));
            let got = client
                .get_item()
                .table_name(table)
                .key(key, AttributeValue::S("E2E-1".into()))
                .consistent_read(true)
                .send()
                .await
                .unwrap_or_else(|e| panic!("GetItem {table}: {e:?}"));
            let item = got.item.unwrap_or_else(|| panic!("{table}: item missing"));
            assert_eq!(
                item.get("note"),
                Some(&AttributeValue::S(format!("written to {table}")))
            );
        }
        // The seed was loaded at first start.
        let inventory = tables
            .iter()
            .find(|t| t.ends_with("-inventory"))
            .expect("inventory");
        let seeded = client
            .get_item()
            .table_name(inventory)
            .key("sku", AttributeValue::S("A-1".into()))
            .send()
            .await
            .expect("GetItem A-1");
        assert!(seeded.item.is_some(), "data/inventory.json was not loaded");
    });

    // aws lambda invoke: every Rust function with its sample.
    let out = scratch.path().join("out.json");
    let (answer, payload) = up.invoke(
        &name("ValidateOrderFunction"),
        &events.join("validate-order/valid.json"),
        &out,
    );
    assert_eq!(answer["StatusCode"], 200);
    assert!(answer.get("FunctionError").is_none(), "{payload}");
    assert!(payload.get("lineCount").is_some(), "{payload}");

    let (answer, payload) = up.invoke(
        &name("ValidateOrderFunction"),
        &events.join("validate-order/invalid-bad-qty.json"),
        &out,
    );
    assert_eq!(answer["FunctionError"], "Unhandled");
    assert_eq!(payload["errorType"], "OrderInvalid");

    let (answer, payload) = up.invoke(
        &name("ChargePaymentFunction"),
        &events.join("charge-payment/ok.json"),
        &out,
    );
    assert!(answer.get("FunctionError").is_none(), "{payload}");
    assert_eq!(payload["status"], "CHARGED");
    let (_, payload) = up.invoke(
        &name("ChargePaymentFunction"),
        &events.join("charge-payment/declined.json"),
        &out,
    );
    assert_eq!(payload["errorType"], "PaymentDeclined");

    for (id, event) in [
        ("ReserveInventoryFunction", "reserve-inventory/ok.json"),
        ("ConfirmOrderFunction", "confirm-order/ok.json"),
    ] {
        // These act on an order the workflow would have written first: the answer is the
        // function's own (a result or a business errorType), never a platform error.
        let (answer, payload) = up.invoke(&name(id), &events.join(event), &out);
        assert_eq!(answer["StatusCode"], 200, "{id}");
        if answer.get("FunctionError").is_some() {
            let t = payload["errorType"].as_str().unwrap_or_default();
            assert!(
                !t.starts_with("Runtime.") && !t.starts_with("Sandbox."),
                "{id}: {payload}"
            );
        }
    }
    for (id, event) in [
        (
            "ProfileWelcomeFunction",
            "profile-welcome/insert-and-modify.json",
        ),
        (
            "OrdersCleanupFunction",
            "orders-cleanup/scheduled-event.json",
        ),
    ] {
        let (answer, payload) = up.invoke(&name(id), &events.join(event), &out);
        assert!(answer.get("FunctionError").is_none(), "{id}: {payload}");
    }
    if functions
        .iter()
        .any(|(id, _)| id == "ChargePaymentJavaFunction")
    {
        let (answer, payload) = up.invoke(
            &name("ChargePaymentJavaFunction"),
            &events.join("charge-payment-java/ok.json"),
            &out,
        );
        assert!(answer.get("FunctionError").is_none(), "{payload}");
        assert_eq!(payload["status"], "CHARGED");
    } else {
        eprintln!(
            "ChargePaymentJavaFunction is not running here (no JDK 21+): its invoke is skipped"
        );
    }

    // Throttling: reserved concurrency 0 -> 429 with the Reason, then restored.
    let validate = name("ValidateOrderFunction");
    let o = up.aws(&[
        "lambda",
        "put-function-concurrency",
        "--function-name",
        &validate,
        "--reserved-concurrent-executions",
        "0",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let payload = format!(
        "fileb://{}",
        events.join("validate-order/valid.json").display()
    );
    let o = up.aws(&[
        "lambda",
        "invoke",
        "--function-name",
        &validate,
        "--payload",
        &payload,
        &out.display().to_string(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    // The CLI names the error but not the status; curl shows the status and the body.
    assert!(err.contains("TooManyRequestsException"), "{err}");
    let (status, body) = curl_raw(
        "POST",
        &format!(
            "{}/2015-03-31/functions/{validate}/invocations",
            up.endpoint
        ),
        &["-d", "{}"],
    );
    assert_eq!(status, 429, "{body}");
    let body: Value = serde_json::from_str(&body).expect("throttle body");
    assert_eq!(
        body["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded",
        "{body}"
    );
    let o = up.aws(&[
        "lambda",
        "delete-function-concurrency",
        "--function-name",
        &validate,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (answer, _) = up.invoke(&validate, &events.join("validate-order/valid.json"), &out);
    assert!(answer.get("FunctionError").is_none());

    // Unknown function, unknown X-Amz-Target.
    let o = up.aws(&[
        "lambda",
        "invoke",
        "--function-name",
        "no-such-function",
        &out.display().to_string(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("ResourceNotFoundException"));
    let (status, body) = curl_raw(
        "POST",
        &up.endpoint,
        &[
            "-H",
            "X-Amz-Target: Nope_20200101.DoThing",
            "-H",
            "Content-Type: application/x-amz-json-1.0",
            "-d",
            "{}",
        ],
    );
    assert!(
        status == 400 && body.contains("UnknownOperationException"),
        "{status} {body}"
    );

    // The log lines reached the terminal with their prefix.
    let logs: Vec<String> = up.lines.try_iter().collect();
    assert!(
        logs.iter()
            .any(|l| l.starts_with("[ValidateOrderFunction] REPORT RequestId: ")),
        "{logs:?}"
    );

    // Ctrl-C: everything stops, no child process is left.
    let pid = up.child.id();
    let children = children_of(pid);
    assert!(
        !children.is_empty(),
        "warm environments are child processes"
    );
    let sent = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let status = wait_exit(&mut up.child, STOP_DEADLINE)
        .unwrap_or_else(|| panic!("up still runs {STOP_DEADLINE:?} after Ctrl-C"));
    assert!(status.success(), "{status:?}");
    // Each environment is killed and reaped by up before it exits; wait (bounded) for the last
    // to be gone from /proc rather than for a fixed time.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut left = children;
    loop {
        left.retain(|p| alive(*p));
        if left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "child processes left 10 s after Ctrl-C: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `localcloud invoke` with no `up` running: starts the services in-process for one call.
#[test]
fn invoke_prints_the_payload_and_fails_on_function_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = repo();
    // Its own localcloud.toml: a state folder of its own and a port nothing listens on.
    std::fs::write(
        dir.path().join("localcloud.toml"),
        format!(
            "state_dir = \"{}\"\n[ports]\nendpoint = 1\n[[seed]]\ntable = \"InventoryTable\"\nfile = \"{}\"\n",
            dir.path().join("state").display(),
            repo.join("data/inventory.json").display()
        ),
    )
    .expect("localcloud.toml");
    let run = |event: &str| -> Output {
        localcloud()
            .args([
                "invoke",
                "ValidateOrderFunction",
                "--no-build",
                "--template",
            ])
            .arg(repo.join("template.yaml"))
            .arg("-e")
            .arg(repo.join("events/validate-order").join(event))
            .current_dir(dir.path())
            .output()
            .expect("localcloud invoke")
    };
    // The first test builds the binaries; wait for them if this one runs first.
    let bin = target_dir().join("debug/validate-order");
    if !bin.is_file() {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", "validate-order"])
            .env("CARGO_TARGET_DIR", target_dir())
            .current_dir(&repo)
            .status()
            .expect("cargo build");
        assert!(status.success());
    }
    let ok = run("valid.json");
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{stderr}");
    let payload: Value = serde_json::from_slice(&ok.stdout).expect("stdout is the payload");
    assert!(payload.get("lineCount").is_some(), "{payload}");
    assert!(
        stderr.contains("[ValidateOrderFunction] START RequestId: "),
        "{stderr}"
    );
    assert!(stderr.contains("REPORT RequestId: "), "{stderr}");

    let bad = run("invalid-bad-qty.json");
    assert_eq!(bad.status.code(), Some(1));
    let payload: Value = serde_json::from_slice(&bad.stdout).expect("error document");
    assert_eq!(payload["errorType"], "OrderInvalid");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("OrderInvalid"));
    assert!(dir.path().join("state/logs").is_dir());
}
