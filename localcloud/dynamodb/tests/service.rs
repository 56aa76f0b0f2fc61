//! The service through the real aws-sdk-dynamodb client, in-process on port 0.

mod common;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{AttributeValue, PointInTimeRecoverySpecification};
use common::{inventory, orders, profiles, start};
use localcloud_dynamodb::{SeedOutcome, SetupError};

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

#[tokio::test]
async fn tables_from_the_template_serve_put_get_streams_and_ttl() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = start(
        None,
        &dir.path().join("s3"),
        &[profiles(), orders(), inventory()],
    )
    .await;

    let mut names = r
        .client
        .list_tables()
        .send()
        .await
        .expect("list")
        .table_names
        .unwrap_or_default();
    names.sort();
    assert_eq!(names, ["inventory", "orders", "profiles"]);

    r.client
        .put_item()
        .table_name("orders")
        .item("orderId", s("o-1"))
        .item("status", s("PENDING"))
        .item("createdAt", s("2026-11-28T12:00:00Z"))
        .send()
        .await
        .expect("put");
    let got = r
        .client
        .get_item()
        .table_name("orders")
        .key("orderId", s("o-1"))
        .send()
        .await
        .expect("get");
    assert_eq!(got.item.expect("item")["status"], s("PENDING"));

    let by_status = r
        .client
        .query()
        .table_name("orders")
        .index_name("status-createdAt")
        .key_condition_expression("#s = :s")
        .expression_attribute_names("#s", "status")
        .expression_attribute_values(":s", s("PENDING"))
        .send()
        .await
        .expect("query the GSI");
    assert_eq!(by_status.count, 1);

    let profiles = r
        .client
        .describe_table()
        .table_name("profiles")
        .send()
        .await
        .expect("describe");
    let table = profiles.table.expect("table");
    assert!(
        table.latest_stream_arn.is_some(),
        "stream from StreamSpecification"
    );
    let streams = r
        .client
        .describe_time_to_live()
        .table_name("orders")
        .send()
        .await
        .expect("ttl");
    let ttl = streams.time_to_live_description.expect("ttl desc");
    assert_eq!(ttl.attribute_name.as_deref(), Some("ttlEpoch"));
    assert_eq!(ttl.time_to_live_status.expect("status").as_str(), "ENABLED");
}

#[tokio::test]
async fn unknown_table_and_unknown_operation_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = start(None, &dir.path().join("s3"), &[inventory()]).await;
    let err = r
        .client
        .get_item()
        .table_name("nope")
        .key("sku", s("x"))
        .send()
        .await
        .expect_err("missing table");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    let err = r
        .client
        .describe_continuous_backups()
        .table_name("nope")
        .send()
        .await
        .expect_err("missing table");
    assert_eq!(err.code(), Some("TableNotFoundException"));
    assert_eq!(err.message(), Some("Table not found: nope"));
    let err = r
        .client
        .describe_export()
        .export_arn("arn:aws:dynamodb:us-east-1:000000000000:table/inventory/export/1-a")
        .send()
        .await
        .expect_err("no export");
    assert_eq!(err.code(), Some("ExportNotFoundException"));
    let err = r
        .client
        .describe_backup()
        .backup_arn("arn:aws:dynamodb:us-east-1:000000000000:table/inventory/backup/1")
        .send()
        .await
        .expect_err("backups are not emulated");
    assert_eq!(err.code(), Some("UnknownOperationException"));
}

#[tokio::test]
async fn pitr_flags_follow_the_template_and_the_api() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("state");
    {
        let r = start(
            Some(&state),
            &dir.path().join("s3"),
            &[profiles(), inventory()],
        )
        .await;
        let d = r
            .client
            .describe_continuous_backups()
            .table_name("profiles")
            .send()
            .await
            .expect("describe");
        let desc = d.continuous_backups_description.expect("desc");
        assert_eq!(desc.continuous_backups_status.as_str(), "ENABLED");
        let p = desc.point_in_time_recovery_description.expect("pitr");
        assert_eq!(
            p.point_in_time_recovery_status.expect("status").as_str(),
            "ENABLED"
        );
        assert_eq!(p.recovery_period_in_days, Some(35));
        assert!(
            p.earliest_restorable_date_time.is_some() && p.latest_restorable_date_time.is_some()
        );

        let d = r
            .client
            .describe_continuous_backups()
            .table_name("inventory")
            .send()
            .await
            .expect("describe");
        let p = d
            .continuous_backups_description
            .expect("desc")
            .point_in_time_recovery_description
            .expect("pitr");
        assert_eq!(
            p.point_in_time_recovery_status.expect("status").as_str(),
            "DISABLED"
        );
        assert!(p.earliest_restorable_date_time.is_none());

        let u = r
            .client
            .update_continuous_backups()
            .table_name("inventory")
            .point_in_time_recovery_specification(
                PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(true)
                    .recovery_period_in_days(7)
                    .build()
                    .expect("spec"),
            )
            .send()
            .await
            .expect("update");
        let p = u
            .continuous_backups_description
            .expect("desc")
            .point_in_time_recovery_description
            .expect("pitr");
        assert_eq!(
            p.point_in_time_recovery_status.expect("status").as_str(),
            "ENABLED"
        );
        assert_eq!(p.recovery_period_in_days, Some(7));
        r.service.shutdown().await;
    }
    // The API's change survives a restart with the same template.
    let r = start(
        Some(&state),
        &dir.path().join("s3"),
        &[profiles(), inventory()],
    )
    .await;
    let d = r
        .client
        .describe_continuous_backups()
        .table_name("inventory")
        .send()
        .await
        .expect("describe");
    let p = d
        .continuous_backups_description
        .expect("desc")
        .point_in_time_recovery_description
        .expect("pitr");
    assert_eq!(
        p.point_in_time_recovery_status.expect("status").as_str(),
        "ENABLED"
    );
    assert_eq!(p.recovery_period_in_days, Some(7));
}

#[tokio::test]
async fn data_survives_restart_and_changed_keys_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("state");
    {
        let r = start(Some(&state), &dir.path().join("s3"), &[inventory()]).await;
        r.client
            .put_item()
            .table_name("inventory")
            .item("sku", s("KEEP"))
            .send()
            .await
            .expect("put");
        r.service.shutdown().await;
    }
    assert!(state.join("dynamodb.sqlite").is_file());
    {
        let r = start(Some(&state), &dir.path().join("s3"), &[inventory()]).await;
        let got = r
            .client
            .get_item()
            .table_name("inventory")
            .key("sku", s("KEEP"))
            .send()
            .await
            .expect("get");
        assert!(got.item.is_some(), "data kept across restarts");
        r.service.shutdown().await;
    }
    // The same table with another key: a numeric `id`.
    let mut other_key = common::table("InventoryTable", "inventory", "id");
    other_key.attribute_definitions[0].attribute_type = "N".into();
    let changed = localcloud_dynamodb::TableSpec::from_table(&other_key);
    let s3 = localcloud_s3::Store::open(dir.path().join("s3")).expect("s3");
    let settings = localcloud_dynamodb::Settings {
        state_dir: Some(state.clone()),
        ..Default::default()
    };
    let err = localcloud_dynamodb::DynamoService::start(settings, &[changed], s3)
        .await
        .err()
        .expect("mismatch");
    assert!(matches!(err, SetupError::SchemaMismatch { .. }));
    assert!(err.to_string().contains("table inventory"), "{err}");
}

#[tokio::test]
async fn seed_file_loads_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("state");
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/inventory.json");
    {
        let r = start(Some(&state), &dir.path().join("s3"), &[inventory()]).await;
        assert_eq!(
            r.service.load_seed(&seed, "inventory").expect("seed"),
            SeedOutcome::Loaded(7)
        );
        assert_eq!(
            r.service.load_seed(&seed, "inventory").expect("seed"),
            SeedOutcome::AlreadyLoaded
        );
        // A change the user makes is not overwritten by the next start's seed.
        r.client
            .delete_item()
            .table_name("inventory")
            .key("sku", s("A-1"))
            .send()
            .await
            .expect("delete");
        r.service.shutdown().await;
    }
    let r = start(Some(&state), &dir.path().join("s3"), &[inventory()]).await;
    assert_eq!(
        r.service.load_seed(&seed, "inventory").expect("seed"),
        SeedOutcome::AlreadyLoaded
    );
    let scan = r
        .client
        .scan()
        .table_name("inventory")
        .send()
        .await
        .expect("scan");
    assert_eq!(scan.count, 6);
    let low = r
        .client
        .get_item()
        .table_name("inventory")
        .key("sku", s("LOW-1"))
        .send()
        .await
        .expect("get");
    assert_eq!(
        low.item.expect("item")["available"],
        AttributeValue::N("1".into())
    );

    let err = r
        .service
        .load_seed(&seed, "missing-table")
        .expect_err("no table");
    assert!(
        err.to_string()
            .contains("table missing-table does not exist"),
        "{err}"
    );
}

/// Malformed bodies get DynamoDB's `SerializationException`, for local and forwarded operations.
#[tokio::test]
async fn malformed_json_is_a_serialization_exception() {
    use http_body_util::{BodyExt, Full};
    let dir = tempfile::tempdir().expect("tmp");
    let r = start(None, &dir.path().join("s3"), &[inventory()]).await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<bytes::Bytes>>();
    for target in ["DescribeContinuousBackups", "PutItem"] {
        let req = hyper::Request::post(format!("{}/", r.endpoint))
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", format!("DynamoDB_20120810.{target}"))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=test/20261128/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x",
            )
            .header("x-amz-date", "20261128T120000Z")
            .body(Full::new(bytes::Bytes::from_static(b"{not json")))
            .expect("request");
        let resp = client.request(req).await.expect("response");
        assert_eq!(resp.status(), 400, "{target}");
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON error body");
        assert!(
            v["__type"]
                .as_str()
                .unwrap_or("")
                .ends_with("#SerializationException"),
            "{target}: {v}"
        );
    }
}

/// The AWS CLI (v1, botocore) against both paths: forwarded (`list-tables`) and local
/// (`describe-continuous-backups`, an AWS-shaped error for an unknown table).
#[tokio::test]
async fn aws_cli_lists_tables_and_describes_backups() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = start(None, &dir.path().join("s3"), &[profiles(), inventory()]).await;
    let aws = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new("aws");
        cmd.args(args)
            .args([
                "--endpoint-url",
                &r.endpoint,
                "--region",
                "us-east-1",
                "--output",
                "json",
            ])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE");
        cmd
    };
    let out = aws(&["dynamodb", "list-tables"])
        .output()
        .await
        .expect("the AWS CLI is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["TableNames"],
        serde_json::json!(["inventory", "profiles"])
    );

    let out = aws(&[
        "dynamodb",
        "describe-continuous-backups",
        "--table-name",
        "profiles",
    ])
    .output()
    .await
    .expect("aws");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let pitr = &v["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"];
    assert_eq!(pitr["PointInTimeRecoveryStatus"], "ENABLED");
    assert!(pitr["EarliestRestorableDateTime"].is_number(), "{v}");

    let out = aws(&[
        "dynamodb",
        "describe-continuous-backups",
        "--table-name",
        "nope",
    ])
    .output()
    .await
    .expect("aws");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("(TableNotFoundException)") && err.contains("Table not found: nope"),
        "{err}"
    );
}
