//! The S3 router over real HTTP on port 0, driven with a raw hyper client and the AWS CLI.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use localcloud_s3::{router, Store};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn start(root: &std::path::Path) -> (SocketAddr, Store) {
    let store = Store::open(root).expect("store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = router(store.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, store)
}

/// How long one request may take before the test fails (the router answers in milliseconds).
const CALL_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

struct Resp {
    status: StatusCode,
    headers: hyper::HeaderMap,
    body: String,
}

async fn call(
    client: &HttpClient,
    addr: SocketAddr,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &'static [u8],
) -> Resp {
    let uri = format!("http://{addr}{path}");
    let mut req = Request::builder().method(method).uri(&uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    // Bounded: a request the router never answers fails the test instead of hanging it.
    let answered = tokio::time::timeout(CALL_DEADLINE, async {
        let resp = client
            .request(
                req.body(Full::new(Bytes::from_static(body)))
                    .expect("request"),
            )
            .await
            .expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        (status, headers, body)
    })
    .await;
    let (status, headers, body) =
        answered.unwrap_or_else(|_| panic!("{uri}: no complete answer within {CALL_DEADLINE:?}"));
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

#[tokio::test]
async fn bucket_and_object_lifecycle() {
    let dir = tempfile::tempdir().expect("tmp");
    let (addr, _store) = start(dir.path()).await;
    let c = client();

    let r = call(&c, addr, Method::GET, "/missing/k", &[], b"").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("<Code>NoSuchBucket</Code>"), "{}", r.body);

    assert_eq!(
        call(&c, addr, Method::PUT, "/exports", &[], b"")
            .await
            .status,
        StatusCode::OK
    );
    let again = call(&c, addr, Method::PUT, "/exports", &[], b"").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("BucketAlreadyOwnedByYou"));
    assert_eq!(
        call(&c, addr, Method::HEAD, "/exports", &[], b"")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        call(&c, addr, Method::HEAD, "/nope-bucket", &[], b"")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let bad = call(&c, addr, Method::PUT, "/No_Such", &[], b"").await;
    assert!(bad.body.contains("InvalidBucketName"), "{}", bad.body);

    let put = call(
        &c,
        addr,
        Method::PUT,
        "/exports/dir/hello%20world.txt",
        &[("content-type", "text/plain"), ("x-amz-meta-owner", "lab")],
        b"hello, world",
    )
    .await;
    assert_eq!(put.status, StatusCode::OK);
    // md5("hello, world")
    assert_eq!(put.headers["etag"], "\"e4d7f1b4ed2e42d15898f4b27b019da4\"");
    assert!(dir.path().join("exports/dir/hello world.txt").is_file());

    let get = call(
        &c,
        addr,
        Method::GET,
        "/exports/dir/hello%20world.txt",
        &[],
        b"",
    )
    .await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.body, "hello, world");
    assert_eq!(get.headers["content-type"], "text/plain");
    assert_eq!(get.headers["x-amz-meta-owner"], "lab");
    assert!(get.headers["last-modified"]
        .to_str()
        .expect("date")
        .ends_with(" GMT"));

    let range = call(
        &c,
        addr,
        Method::GET,
        "/exports/dir/hello%20world.txt",
        &[("range", "bytes=7-")],
        b"",
    )
    .await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.body, "world");
    assert_eq!(range.headers["content-range"], "bytes 7-11/12");
    let bad_range = call(
        &c,
        addr,
        Method::GET,
        "/exports/dir/hello%20world.txt",
        &[("range", "bytes=50-60")],
        b"",
    )
    .await;
    assert_eq!(bad_range.status, StatusCode::RANGE_NOT_SATISFIABLE);

    let head = call(
        &c,
        addr,
        Method::HEAD,
        "/exports/dir/hello%20world.txt",
        &[],
        b"",
    )
    .await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.headers["content-length"], "12");
    assert!(head.body.is_empty());

    let missing = call(&c, addr, Method::GET, "/exports/nope", &[], b"").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>nope</Key>"), "{}", missing.body);
    let missing_head = call(&c, addr, Method::HEAD, "/exports/nope", &[], b"").await;
    assert_eq!(missing_head.status, StatusCode::NOT_FOUND);

    let not_empty = call(&c, addr, Method::DELETE, "/exports", &[], b"").await;
    assert_eq!(not_empty.status, StatusCode::CONFLICT);
    assert!(not_empty.body.contains("BucketNotEmpty"));

    let del = call(
        &c,
        addr,
        Method::DELETE,
        "/exports/dir/hello%20world.txt",
        &[],
        b"",
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(
            &c,
            addr,
            Method::GET,
            "/exports/dir/hello%20world.txt",
            &[],
            b""
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !dir.path().join("exports/dir").exists(),
        "empty folders are pruned"
    );
    assert_eq!(
        call(
            &c,
            addr,
            Method::DELETE,
            "/exports/dir/hello%20world.txt",
            &[],
            b""
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );

    let buckets = call(&c, addr, Method::GET, "/", &[], b"").await;
    assert!(
        buckets
            .body
            .contains("<Bucket><Name>exports</Name><CreationDate>"),
        "{}",
        buckets.body
    );
    assert_eq!(
        call(&c, addr, Method::DELETE, "/exports", &[], b"")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn aws_chunked_upload_is_decoded() {
    let dir = tempfile::tempdir().expect("tmp");
    let (addr, store) = start(dir.path()).await;
    store.create_bucket("chunky").expect("bucket");
    let c = client();
    let body: &'static [u8] = b"5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
    let r = call(
        &c,
        addr,
        Method::PUT,
        "/chunky/k",
        &[
            ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            ("content-encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "11"),
        ],
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        store.get_object("chunky", "k").expect("get").1,
        b"hello world"
    );
}

#[tokio::test]
async fn list_objects_v2_prefix_delimiter_and_paging() {
    let dir = tempfile::tempdir().expect("tmp");
    let (addr, store) = start(dir.path()).await;
    store.create_bucket("listing").expect("bucket");
    for k in [
        "a.txt",
        "b/1.txt",
        "b/2.txt",
        "c/x/1.txt",
        "d.txt",
        "e+f.txt",
    ] {
        store
            .put_object("listing", k, k.as_bytes(), Default::default())
            .expect("put");
    }
    let c = client();

    let all = call(&c, addr, Method::GET, "/listing?list-type=2", &[], b"").await;
    assert!(all.body.contains("<KeyCount>6</KeyCount>"), "{}", all.body);
    assert!(all.body.contains("<IsTruncated>false</IsTruncated>"));
    let order: Vec<&str> = all
        .body
        .split("<Key>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap_or(""))
        .collect();
    assert_eq!(
        order,
        [
            "a.txt",
            "b/1.txt",
            "b/2.txt",
            "c/x/1.txt",
            "d.txt",
            "e+f.txt"
        ]
    );

    let grouped = call(
        &c,
        addr,
        Method::GET,
        "/listing?list-type=2&delimiter=%2F",
        &[],
        b"",
    )
    .await;
    assert!(grouped.body.contains("<CommonPrefixes><Prefix>b/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>c/</Prefix></CommonPrefixes>"), "{}", grouped.body);
    assert!(
        grouped.body.contains("<KeyCount>5</KeyCount>"),
        "{}",
        grouped.body
    );

    let prefixed = call(
        &c,
        addr,
        Method::GET,
        "/listing?list-type=2&prefix=b%2F",
        &[],
        b"",
    )
    .await;
    assert!(
        prefixed.body.contains("<KeyCount>2</KeyCount>"),
        "{}",
        prefixed.body
    );

    // Pages of two with a delimiter: [a.txt, b/] [c/, d.txt] [e+f.txt]
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        // Five keys in pages of two: a fourth page means the token never ends the listing.
        assert!(pages < 4, "still truncated after {pages} pages: {seen:?}");
        let path = match &token {
            Some(t) => {
                format!("/listing?list-type=2&delimiter=/&max-keys=2&continuation-token={t}")
            }
            None => "/listing?list-type=2&delimiter=/&max-keys=2".to_string(),
        };
        let page = call(&c, addr, Method::GET, &path, &[], b"").await;
        pages += 1;
        for part in page
            .body
            .split("<Key>")
            .skip(1)
            .chain(page.body.split("<Prefix>").skip(2))
        {
            seen.push(part.split('<').next().unwrap_or("").to_string());
        }
        token = page
            .body
            .split("<NextContinuationToken>")
            .nth(1)
            .map(|s| s.split('<').next().unwrap_or("").to_string());
        if token.is_none() {
            assert!(page.body.contains("<IsTruncated>false</IsTruncated>"));
            break;
        }
        assert!(
            page.body.contains("<IsTruncated>true</IsTruncated>"),
            "{}",
            page.body
        );
    }
    seen.sort();
    assert_eq!(pages, 3);
    assert_eq!(seen, ["a.txt", "b/", "c/", "d.txt", "e+f.txt"]);

    let after = call(
        &c,
        addr,
        Method::GET,
        "/listing?list-type=2&start-after=c%2Fx%2F1.txt",
        &[],
        b"",
    )
    .await;
    assert!(
        after.body.contains("<KeyCount>2</KeyCount>"),
        "{}",
        after.body
    );

    let encoded = call(
        &c,
        addr,
        Method::GET,
        "/listing?list-type=2&encoding-type=url&prefix=e",
        &[],
        b"",
    )
    .await;
    assert!(
        encoded.body.contains("<Key>e%2Bf.txt</Key>"),
        "{}",
        encoded.body
    );
    assert!(encoded.body.contains("<EncodingType>url</EncodingType>"));

    let bad_token = call(
        &c,
        addr,
        Method::GET,
        "/listing?list-type=2&continuation-token=zz",
        &[],
        b"",
    )
    .await;
    assert_eq!(bad_token.status, StatusCode::BAD_REQUEST);
    assert!(bad_token.body.contains("InvalidArgument"));
}

#[tokio::test]
async fn folder_conflicts_are_refused_by_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open(dir.path()).expect("store");
    store.create_bucket("conflicts").expect("bucket");
    store
        .put_object("conflicts", "a", b"1", Default::default())
        .expect("put a");
    let err = store
        .put_object("conflicts", "a/b", b"2", Default::default())
        .expect_err("a is a file");
    assert_eq!(err.code(), "InvalidArgument");
    let err = store
        .put_object("conflicts", "../escape", b"2", Default::default())
        .expect_err("dotdot");
    assert_eq!(err.code(), "InvalidArgument");
    assert!(!dir.path().join("escape").exists());
}

#[path = "../../test-support/aws_cli.rs"]
mod aws_cli_path;
use aws_cli_path::aws_cli;

/// How long one `aws` command may take (Python's start-up included) before the test fails.
const AWS_CLI_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// The AWS CLI (v1) against the router: `aws s3 cp/ls/rm`.
#[tokio::test]
async fn aws_cli_cp_ls_rm() {
    let cli = aws_cli();
    let dir = tempfile::tempdir().expect("tmp");
    let (addr, store) = start(&dir.path().join("s3")).await;
    store.create_bucket("cli-bucket").expect("bucket");
    let file = dir.path().join("upload.json");
    std::fs::write(&file, b"{\"hello\":1}").expect("write");
    let endpoint = format!("http://{addr}");
    let aws = |args: Vec<String>| {
        let endpoint = endpoint.clone();
        let cli = cli.clone();
        async move {
            let run = tokio::process::Command::new(&cli)
                .args(&args)
                .args(["--endpoint-url", &endpoint, "--region", "us-east-1"])
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test")
                .env_remove("AWS_PROFILE")
                .env("AWS_CONFIG_FILE", "/dev/null")
                .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
                .kill_on_drop(true)
                .output();
            let out = tokio::time::timeout(AWS_CLI_DEADLINE, run)
                .await
                .unwrap_or_else(|_| panic!("aws {args:?}: no answer within {AWS_CLI_DEADLINE:?}"))
                .unwrap_or_else(|e| panic!("running the AWS CLI {}: {e}", cli.display()));
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                out.status.success(),
                "aws {args:?}: {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            stdout
        }
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    aws(s(&[
        "s3",
        "cp",
        file.to_str().expect("utf8"),
        "s3://cli-bucket/in/upload.json",
    ]))
    .await;
    let ls = aws(s(&["s3", "ls", "s3://cli-bucket/in/"])).await;
    assert!(ls.contains("upload.json") && ls.contains(" 11 "), "{ls}");
    let top = aws(s(&["s3", "ls", "s3://cli-bucket/"])).await;
    assert!(top.contains("PRE in/"), "{top}");
    let buckets = aws(s(&["s3", "ls"])).await;
    assert!(buckets.contains("cli-bucket"), "{buckets}");
    let back = dir.path().join("back.json");
    aws(s(&[
        "s3",
        "cp",
        "s3://cli-bucket/in/upload.json",
        back.to_str().expect("utf8"),
    ]))
    .await;
    assert_eq!(std::fs::read(&back).expect("read"), b"{\"hello\":1}");
    aws(s(&["s3", "rm", "s3://cli-bucket/in/upload.json"])).await;
    assert!(store.all_keys("cli-bucket").expect("keys").is_empty());
}
