//! Exports through the real aws-sdk-dynamodb client: AWS's layout written into the local S3.

mod common;

use std::io::Read;
use std::time::Duration;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{AttributeValue, ExportDescription, ExportStatus};
use common::{inventory, profiles, start};

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

/// How long an export may run before the test fails; generous, for a loaded machine.
const EXPORT_DEADLINE: Duration = Duration::from_secs(60);

/// Polls `DescribeExport` until the export leaves `IN_PROGRESS`, failing after the deadline.
async fn finished(client: &aws_sdk_dynamodb::Client, export_arn: &str) -> ExportDescription {
    let deadline = tokio::time::Instant::now() + EXPORT_DEADLINE;
    loop {
        let d = client
            .describe_export()
            .export_arn(export_arn)
            .send()
            .await
            .expect("describe export")
            .export_description
            .expect("desc");
        if d.export_status != Some(ExportStatus::InProgress) {
            return d;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "export {export_arn} still IN_PROGRESS after {EXPORT_DEADLINE:?}"
        );
        // A poll interval, not a synchronisation: the loop ends on the status.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
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

    let d = finished(&r.client, &export_arn).await;
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
    let d = finished(&r.client, &export_arn).await;
    assert_eq!(d.export_status, Some(ExportStatus::Failed));
    assert_eq!(d.failure_code.as_deref(), Some("S3NoSuchBucket"));
}

/// An export cut short by a crash is reported FAILED at the next start, not IN_PROGRESS forever.
#[tokio::test]
async fn interrupted_export_is_failed_at_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("state");
    let arn =
        "arn:aws:dynamodb:us-east-1:000000000000:table/profiles/export/01764000000000-abcdef12";
    std::fs::create_dir_all(state.join("dynamodb")).expect("mkdir");
    std::fs::write(
        state.join("dynamodb/exports.json"),
        serde_json::to_vec(&serde_json::json!({"exports": [{
            "fingerprint": "x",
            "description": {"ExportArn": arn, "ExportStatus": "IN_PROGRESS", "ExportType": "FULL_EXPORT"}
        }]}))
        .expect("json"),
    )
    .expect("write");
    let r = start(Some(&state), &dir.path().join("s3"), &[profiles()]).await;
    let d = r
        .client
        .describe_export()
        .export_arn(arn)
        .send()
        .await
        .expect("describe")
        .export_description
        .expect("desc");
    assert_eq!(d.export_status, Some(ExportStatus::Failed));
    assert!(d
        .failure_message
        .unwrap_or_default()
        .contains("interrupted"));
}
