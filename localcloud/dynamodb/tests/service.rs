//! The service through the real aws-sdk-dynamodb client, in-process on port 0.

mod common;

use std::io::Read;
use std::time::Duration;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{AttributeValue, ExportStatus, PointInTimeRecoverySpecification};
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
async fn export_writes_the_aws_layout_into_s3() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = start(None, &dir.path().join("s3"), &[profiles(), inventory()]).await;
    r.s3.create_bucket("table-exports").expect("bucket");
    for i in 0..30 {
        r.client
            .put_item()
            .table_name("profiles")
            .item("userId", s(&format!("u-{i:02}")))
            .item("email", s(&format!("u{i}@example.com")))
            .send()
            .await
            .expect("put");
    }
    let table_arn = r
        .client
        .describe_table()
        .table_name("profiles")
        .send()
        .await
        .expect("describe")
        .table
        .and_then(|t| t.table_arn)
        .expect("arn");

    let err = r
        .client
        .export_table_to_point_in_time()
        .table_arn(table_arn.replace("profiles", "inventory"))
        .s3_bucket("table-exports")
        .send()
        .await
        .expect_err("inventory has no PITR");
    assert_eq!(err.code(), Some("PointInTimeRecoveryUnavailableException"));

    let started = r
        .client
        .export_table_to_point_in_time()
        .table_arn(&table_arn)
        .s3_bucket("table-exports")
        .s3_prefix("nightly")
        .send()
        .await
        .expect("export starts");
    let desc = started.export_description.expect("desc");
    let export_arn = desc.export_arn.expect("arn");
    assert!(export_arn.starts_with(&format!("{table_arn}/export/")));
    assert_eq!(desc.export_status, Some(ExportStatus::InProgress));

    let mut done = None;
    for _ in 0..200 {
        let d = r
            .client
            .describe_export()
            .export_arn(&export_arn)
            .send()
            .await
            .expect("describe export");
        let d = d.export_description.expect("desc");
        if d.export_status != Some(ExportStatus::InProgress) {
            done = Some(d);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let d = done.expect("export finishes");
    assert_eq!(d.export_status, Some(ExportStatus::Completed), "{d:?}");
    assert_eq!(d.item_count, Some(30));
    assert_eq!(d.s3_bucket.as_deref(), Some("table-exports"));
    assert_eq!(d.s3_prefix.as_deref(), Some("nightly"));
    assert_eq!(d.table_arn.as_deref(), Some(table_arn.as_str()));
    assert!(d.billed_size_bytes.unwrap_or(0) > 0);
    assert!(
        d.start_time.is_some()
            && d.end_time.is_some()
            && d.export_time.is_some()
            && d.table_id.is_some()
    );
    let export_id = export_arn.rsplit('/').next().expect("id");
    let root = format!("nightly/AWSDynamoDB/{export_id}");
    assert_eq!(
        d.export_manifest.as_deref(),
        Some(format!("{root}/manifest-summary.json").as_str())
    );

    let (_, summary) =
        r.s3.get_object("table-exports", &format!("{root}/manifest-summary.json"))
            .expect("summary");
    let summary: serde_json::Value = serde_json::from_slice(&summary).expect("json");
    assert_eq!(summary["version"], "2020-06-30");
    assert_eq!(summary["exportArn"], export_arn.as_str());
    assert_eq!(summary["itemCount"], 30);
    assert_eq!(summary["outputFormat"], "DYNAMODB_JSON");
    assert_eq!(summary["s3Bucket"], "table-exports");
    assert_eq!(
        summary["manifestFilesS3Key"],
        format!("{root}/manifest-files.json")
    );
    for field in [
        "startTime",
        "endTime",
        "exportTime",
        "tableArn",
        "tableId",
        "billedSizeBytes",
        "s3SseAlgorithm",
    ] {
        assert!(summary.get(field).is_some(), "{field}");
    }
    assert!(r
        .s3
        .head_object("table-exports", &format!("{root}/_started"))
        .is_ok());

    let (_, files) =
        r.s3.get_object("table-exports", &format!("{root}/manifest-files.json"))
            .expect("files");
    let files = String::from_utf8(files).expect("utf8");
    let lines: Vec<serde_json::Value> = files
        .lines()
        .map(|l| serde_json::from_str(l).expect("line"))
        .collect();
    assert_eq!(lines.len(), 1);
    let data_key = lines[0]["dataFileS3Key"].as_str().expect("key");
    assert!(
        data_key.starts_with(&format!("{root}/data/")) && data_key.ends_with(".json.gz"),
        "{data_key}"
    );
    assert_eq!(lines[0]["itemCount"], 30);

    let (meta, gz) = r.s3.get_object("table-exports", data_key).expect("data");
    assert_eq!(
        format!("\"{}\"", lines[0]["etag"].as_str().expect("etag")),
        meta.etag
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .expect("gunzip");
    let mut ids: Vec<String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("line is JSON");
            assert_eq!(
                v.as_object().map(|o| o.len()),
                Some(1),
                "one Item per line: {l}"
            );
            v["Item"]["userId"]["S"]
                .as_str()
                .expect("DynamoDB JSON")
                .to_string()
        })
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 30);
    assert_eq!(ids[0], "u-00");

    let listed = r
        .client
        .list_exports()
        .table_arn(&table_arn)
        .send()
        .await
        .expect("list");
    let summaries = listed.export_summaries.unwrap_or_default();
    assert_eq!(summaries.len(), 1);
    assert_eq!(
        summaries[0].export_arn.as_deref(),
        Some(export_arn.as_str())
    );
}

#[tokio::test]
async fn export_to_a_missing_bucket_fails_like_aws() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = start(None, &dir.path().join("s3"), &[profiles()]).await;
    let arn = r
        .client
        .describe_table()
        .table_name("profiles")
        .send()
        .await
        .expect("d")
        .table
        .and_then(|t| t.table_arn)
        .expect("arn");
    let started = r
        .client
        .export_table_to_point_in_time()
        .table_arn(&arn)
        .s3_bucket("no-such-bucket")
        .send()
        .await
        .expect("accepted");
    let export_arn = started
        .export_description
        .and_then(|d| d.export_arn)
        .expect("arn");
    let mut status = None;
    for _ in 0..200 {
        let d = r
            .client
            .describe_export()
            .export_arn(&export_arn)
            .send()
            .await
            .expect("describe")
            .export_description
            .expect("d");
        if d.export_status != Some(ExportStatus::InProgress) {
            status = Some(d);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let d = status.expect("finished");
    assert_eq!(d.export_status, Some(ExportStatus::Failed));
    assert_eq!(d.failure_code.as_deref(), Some("S3NoSuchBucket"));
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
    let changed = localcloud_dynamodb::TableSpec::from_cfn(
        "InventoryTable",
        &serde_json::json!({
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]
        }),
        "inventory",
    )
    .expect("spec");
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
