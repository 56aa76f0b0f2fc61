//! `ExportTableToPointInTime` / `DescribeExport` / `ListExports`, writing AWS's real export
//! layout for `DYNAMODB_JSON` into the local S3 store.
//!
//! Layout, per the AWS developer guide page "DynamoDB table export output format"
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html>):
//!
//! ```text
//! <prefix>/AWSDynamoDB/<ExportId>/_started                  empty, written first
//! <prefix>/AWSDynamoDB/<ExportId>/data/<random>.json.gz     gzip, one {"Item": {...}} per line
//! <prefix>/AWSDynamoDB/<ExportId>/manifest-files.json       one line per data file:
//!     {"itemCount":N,"md5Checksum":"<base64 MD5>","etag":"<hex MD5>","dataFileS3Key":"..."}
//! <prefix>/AWSDynamoDB/<ExportId>/manifest-files.checksum   MD5 hex of manifest-files.json
//! <prefix>/AWSDynamoDB/<ExportId>/manifest-summary.json     version 2020-06-30, exportArn,
//!     startTime, endTime, tableArn, tableId, exportTime, s3Bucket, s3Prefix, s3SseAlgorithm,
//!     s3SseKmsKeyId, manifestFilesS3Key, billedSizeBytes, itemCount, outputFormat
//! <prefix>/AWSDynamoDB/<ExportId>/manifest-summary.checksum MD5 hex of manifest-summary.json
//! ```
//!
//! Local differences: one data file per export (AWS writes at least one per partition);
//! `billedSizeBytes` is the size of the uncompressed export lines; the data is the table as it
//! is when the export runs (there is no history to read an older `ExportTime` from); `ION` and
//! incremental exports are refused with a `ValidationException` naming the limitation.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use dynoxide::Database;
use flate2::write::GzEncoder;
use flate2::Compression;
use localcloud_s3::{PutOptions, Store};
use serde_json::{json, Value};

use crate::error::DynamoError;

/// What an export needs to know, taken from the request and the table.
#[derive(Debug, Clone)]
pub struct ExportJob {
    /// The export id (`<13-digit millis>-<8 hex>` like AWS's).
    pub export_id: String,
    /// `<TableArn>/export/<ExportId>`.
    pub export_arn: String,
    /// The table name.
    pub table_name: String,
    /// The table ARN.
    pub table_arn: String,
    /// The table id.
    pub table_id: String,
    /// Target bucket.
    pub bucket: String,
    /// Key prefix (may be empty).
    pub prefix: String,
    /// The export time (epoch seconds).
    pub export_time: f64,
    /// The start time (epoch seconds).
    pub start_time: f64,
    /// `S3SseAlgorithm` echoed into the manifest.
    pub sse_algorithm: Option<String>,
    /// `S3SseKmsKeyId` echoed into the manifest.
    pub sse_kms_key_id: Option<String>,
}

/// The result of a finished export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOutcome {
    /// Items written.
    pub item_count: u64,
    /// Size billed (see the module docs).
    pub billed_size_bytes: u64,
    /// Key of `manifest-summary.json`.
    pub manifest_key: String,
    /// When it finished.
    pub end_time: f64,
}

/// A new export id in AWS's shape.
pub fn new_export_id(now: f64) -> String {
    let millis = (now * 1000.0) as u64;
    let rand = uuid::Uuid::new_v4().simple().to_string();
    format!("{millis:014}-{}", &rand[..8])
}

/// `2020-11-04T07:28:34.028Z`, as the manifests write times.
fn iso(secs: f64) -> String {
    let dt: DateTime<Utc> =
        DateTime::from_timestamp_millis((secs * 1000.0) as i64).unwrap_or_default();
    dt.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Standard base64 (the manifests' `md5Checksum`).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The folder of an export inside the bucket: `<prefix>/AWSDynamoDB/<id>`.
pub fn export_root(prefix: &str, export_id: &str) -> String {
    let p = prefix.trim_matches('/');
    if p.is_empty() {
        format!("AWSDynamoDB/{export_id}")
    } else {
        format!("{p}/AWSDynamoDB/{export_id}")
    }
}

fn internal(e: impl std::fmt::Display) -> (String, String) {
    ("UNKNOWN".to_string(), e.to_string())
}

/// Scans the table and writes the export. On failure returns AWS's `(FailureCode, FailureMessage)`.
pub fn run(
    db: &Database,
    s3: &Store,
    job: &ExportJob,
    now: impl Fn() -> f64,
) -> Result<ExportOutcome, (String, String)> {
    if !s3.bucket_exists(&job.bucket) {
        return Err((
            "S3NoSuchBucket".into(),
            format!("The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket): {}", job.bucket),
        ));
    }
    let root = export_root(&job.prefix, &job.export_id);
    let put = |key: &str, bytes: &[u8], ct: &str| {
        s3.put_object(
            &job.bucket,
            key,
            bytes,
            PutOptions {
                content_type: Some(ct.into()),
                ..Default::default()
            },
        )
        .map_err(|e| (e.code().to_string(), e.to_string()))
    };
    put(&format!("{root}/_started"), b"", "binary/octet-stream")?;

    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    let mut item_count = 0u64;
    let mut billed = 0u64;
    let mut start_key: Option<Value> = None;
    loop {
        let mut req = json!({ "TableName": job.table_name });
        if let Some(k) = start_key.take() {
            req["ExclusiveStartKey"] = k;
        }
        let req = serde_json::from_value(req).map_err(internal)?;
        let resp = serde_json::to_value(db.scan(req).map_err(internal)?).map_err(internal)?;
        for item in resp["Items"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let mut line = serde_json::to_vec(&json!({ "Item": item })).map_err(internal)?;
            line.push(b'\n');
            billed += line.len() as u64;
            item_count += 1;
            gz.write_all(&line).map_err(internal)?;
        }
        match resp.get("LastEvaluatedKey") {
            Some(k) if !k.is_null() => start_key = Some(k.clone()),
            _ => break,
        }
    }
    let data = gz.finish().map_err(internal)?;
    let data_name: String = uuid::Uuid::new_v4().simple().to_string()[..26].to_string();
    let data_key = format!("{root}/data/{data_name}.json.gz");
    let meta = put(&data_key, &data, "application/x-gzip")?;
    let digest = md5::compute(&data);
    let files_line = json!({
        "itemCount": item_count,
        "md5Checksum": base64(&digest.0),
        "etag": meta.etag.trim_matches('"'),
        "dataFileS3Key": data_key,
    });
    let files = format!("{files_line}\n");
    let files_key = format!("{root}/manifest-files.json");
    put(&files_key, files.as_bytes(), "application/json")?;
    put(
        &format!("{root}/manifest-files.checksum"),
        format!("{:x}", md5::compute(files.as_bytes())).as_bytes(),
        "text/plain",
    )?;

    let end_time = now();
    let summary = json!({
        "version": "2020-06-30",
        "exportArn": job.export_arn,
        "startTime": iso(job.start_time),
        "endTime": iso(end_time),
        "tableArn": job.table_arn,
        "tableId": job.table_id,
        "exportTime": iso(job.export_time),
        "s3Bucket": job.bucket,
        "s3Prefix": if job.prefix.is_empty() { Value::Null } else { json!(job.prefix) },
        "s3SseAlgorithm": job.sse_algorithm.clone().unwrap_or_else(|| "AES256".into()),
        "s3SseKmsKeyId": job.sse_kms_key_id,
        "manifestFilesS3Key": files_key,
        "billedSizeBytes": billed,
        "itemCount": item_count,
        "outputFormat": "DYNAMODB_JSON",
    });
    let summary = serde_json::to_vec(&summary).map_err(internal)?;
    let manifest_key = format!("{root}/manifest-summary.json");
    put(&manifest_key, &summary, "application/json")?;
    put(
        &format!("{root}/manifest-summary.checksum"),
        format!("{:x}", md5::compute(&summary)).as_bytes(),
        "text/plain",
    )?;
    Ok(ExportOutcome {
        item_count,
        billed_size_bytes: billed,
        manifest_key,
        end_time,
    })
}

/// The `ExportDescription` of a job, `IN_PROGRESS` until an outcome is recorded.
pub fn description(job: &ExportJob, client_token: &str) -> Value {
    let mut d = json!({
        "ExportArn": job.export_arn,
        "ExportStatus": "IN_PROGRESS",
        "StartTime": job.start_time,
        "TableArn": job.table_arn,
        "TableId": job.table_id,
        "ExportTime": job.export_time,
        "ClientToken": client_token,
        "S3Bucket": job.bucket,
        "S3SseAlgorithm": job.sse_algorithm.clone().unwrap_or_else(|| "AES256".into()),
        "ExportFormat": "DYNAMODB_JSON",
        "ExportType": "FULL_EXPORT",
    });
    if !job.prefix.is_empty() {
        d["S3Prefix"] = json!(job.prefix);
    }
    if let Some(k) = &job.sse_kms_key_id {
        d["S3SseKmsKeyId"] = json!(k);
    }
    d
}

/// Marks a description finished.
pub fn complete(d: &mut Value, result: &Result<ExportOutcome, (String, String)>, now: f64) {
    match result {
        Ok(o) => {
            d["ExportStatus"] = json!("COMPLETED");
            d["EndTime"] = json!(o.end_time);
            d["ExportManifest"] = json!(o.manifest_key);
            d["ItemCount"] = json!(o.item_count);
            d["BilledSizeBytes"] = json!(o.billed_size_bytes);
        }
        Err((code, message)) => {
            d["ExportStatus"] = json!("FAILED");
            d["EndTime"] = json!(now);
            d["FailureCode"] = json!(code);
            d["FailureMessage"] = json!(message);
        }
    }
}

/// Checks the request fields this emulator cannot honour.
pub fn check_supported(req: &Value) -> Result<(), DynamoError> {
    match req.get("ExportFormat").and_then(Value::as_str) {
        None | Some("DYNAMODB_JSON") => {}
        Some("ION") => {
            return Err(DynamoError::ValidationException(
                "ExportFormat ION is not emulated locally; use DYNAMODB_JSON".into(),
            ))
        }
        Some(other) => {
            return Err(DynamoError::ValidationException(format!(
                "1 validation error detected: Value '{other}' at 'exportFormat' failed to satisfy constraint: Member must satisfy enum value set: [ION, DYNAMODB_JSON]"
            )))
        }
    }
    match req.get("ExportType").and_then(Value::as_str) {
        None | Some("FULL_EXPORT") => Ok(()),
        Some("INCREMENTAL_EXPORT") => Err(DynamoError::ValidationException(
            "ExportType INCREMENTAL_EXPORT is not emulated locally (there is no change history); use FULL_EXPORT".into(),
        )),
        Some(other) => Err(DynamoError::ValidationException(format!(
            "1 validation error detected: Value '{other}' at 'exportType' failed to satisfy constraint: Member must satisfy enum value set: [FULL_EXPORT, INCREMENTAL_EXPORT]"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn export_root_joins_the_prefix() {
        assert_eq!(export_root("", "1-a"), "AWSDynamoDB/1-a");
        assert_eq!(export_root("exports/", "1-a"), "exports/AWSDynamoDB/1-a");
        assert_eq!(iso(1_604_474_914.028), "2020-11-04T07:28:34.028Z");
    }
}
