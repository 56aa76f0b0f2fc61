//! No request of any shape gets a 5xx or a panic from the application's API: random paths,
//! methods, headers and bodies, with and without a valid token.

mod common;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn path_strategy() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("dev".to_string()),
        Just("profiles".to_string()),
        Just("orders".to_string()),
        Just("health".to_string()),
        Just("alice-sub".to_string()),
        "[a-zA-Z0-9%._~'\"-]{0,12}",
        "%[0-9A-F]{2}",
    ];
    let id = "[a-zA-Z0-9%._~'-]{1,300}";
    prop_oneof![
        prop::collection::vec(segment, 0..5).prop_map(|s| format!("/{}", s.join("/"))),
        id.prop_map(|s| format!("/dev/orders/{s}")),
        id.prop_map(|s| format!("/dev/profiles/{s}")),
        Just("/dev/orders".to_string()),
        Just("/dev/profiles".to_string()),
        Just("/dev/health".to_string()),
    ]
}

fn body_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(r#"{"name": "x"}"#.to_string()),
        Just(r#"{"amount": 1.5, "items": [{"sku": "A-1", "qty": 1}]}"#.to_string()),
        "\\PC{0,40}",
        Just("{}".to_string()),
        Just("[]".to_string()),
        Just("null".to_string()),
        (any::<f64>(), "[A-Z0-9-]{0,40}", any::<i64>()).prop_map(|(a, s, q)| {
            format!(r#"{{"amount": {a}, "items": [{{"sku": "{s}", "qty": {q}}}]}}"#)
        }),
        "[a-z\"'\\\\{}:,\\[\\] ]{0,60}".prop_map(|s| format!(r#"{{"name": "{s}"}}"#)),
    ]
}

#[test]
fn no_request_gets_a_5xx() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let app = rt.block_on(start(Some(
        localcloud_apigateway::ThrottleSettings::default(),
    )));
    let methods = prop::sample::select(vec![
        "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD",
    ]);
    let tokens = prop::sample::select(vec![None, Some(ALICE), Some(BOB), Some("junk")]);
    let types = prop::sample::select(vec![
        "application/json",
        "text/plain",
        "application/JSON; charset=utf-8",
        "",
        "*/*",
    ]);
    let accepts = prop::sample::select(vec!["", "application/json", "text/html", "*/*"]);
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(
                methods,
                path_strategy(),
                tokens,
                types,
                accepts,
                body_strategy(),
            ),
            |(method, path, token, ctype, accept, body)| {
                let r = rt.block_on(async {
                    let mut headers: Vec<(&str, &str)> = Vec::new();
                    if let Some(t) = token {
                        headers.push(("authorization", t));
                    }
                    if !ctype.is_empty() {
                        headers.push(("content-type", ctype));
                    }
                    if !accept.is_empty() {
                        headers.push(("accept", accept));
                    }
                    send(&app.url, method, &path, &headers, &body).await
                });
                prop_assert!(
                    r.status < 500,
                    "{method} {path} {token:?} {ctype} {body:?} -> {} {}",
                    r.status,
                    r.text
                );
                Ok(())
            },
        )
        .expect("no 5xx");
}
