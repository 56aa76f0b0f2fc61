//! The operations dynoxide lacks, answered in-process: `UpdateContinuousBackups`,
//! `DescribeContinuousBackups`, `ExportTableToPointInTime`, `DescribeExport`, `ListExports`.
//! They run on tokio's blocking pool, and an export's scan and S3 writes on a blocking thread
//! of their own.

use serde_json::{json, Value};

use crate::error::DynamoError;
use crate::pitr::{self, PitrState, PitrTable};
use crate::{export, internal, persist, tables, DynamoService, ExportBook, ExportRecord, Inner};

impl DynamoService {
    fn now(&self) -> f64 {
        self.inner.clock.now_unix_secs_f64()
    }

    fn table_info(&self, table: &str) -> Result<Value, DynamoError> {
        match tables::describe(&self.inner.db, table) {
            Ok(Some(d)) => Ok(d["Table"].clone()),
            Ok(None) => Err(DynamoError::TableNotFoundException(format!(
                "Table not found: {table}"
            ))),
            Err(e) => Err(internal(e)),
        }
    }

    fn save_pitr(&self, pitr: &PitrTable) -> Result<(), DynamoError> {
        match &self.inner.side_dir {
            Some(d) => persist::save(&d.join("pitr.json"), pitr).map_err(internal),
            None => Ok(()),
        }
    }

    fn save_exports(inner: &Inner, book: &ExportBook) -> Result<(), DynamoError> {
        match &inner.side_dir {
            Some(d) => persist::save(&d.join("exports.json"), book).map_err(internal),
            None => Ok(()),
        }
    }

    /// The operations dynoxide lacks, answered in-process on tokio's blocking pool: they read
    /// the database (which may be busy with a long write on the engine thread) and fsync the
    /// side files, neither of which may stall a runtime worker.
    pub async fn local_operation(
        &self,
        operation: &str,
        req: &Value,
    ) -> Result<Value, DynamoError> {
        let (svc, operation, req) = (self.clone(), operation.to_string(), req.clone());
        crate::blocking(move || svc.answer_local(&operation, &req))
            .await
            .map_err(internal)?
    }

    fn answer_local(&self, operation: &str, req: &Value) -> Result<Value, DynamoError> {
        match operation {
            "DescribeContinuousBackups" => {
                let table = pitr::table_name_of(req)?;
                self.table_info(&table)?;
                let state = self.pitr_state(&table)?;
                Ok(pitr::description(&state, self.now()))
            }
            "UpdateContinuousBackups" => {
                let table = pitr::table_name_of(req)?;
                self.table_info(&table)?;
                let now = self.now();
                let mut pitr = self.inner.pitr.lock().map_err(internal)?;
                let state = pitr::apply_update(pitr.get(&table).copied(), req, now)?;
                pitr.insert(table, state);
                self.save_pitr(&pitr)?;
                Ok(pitr::description(&state, now))
            }
            "ExportTableToPointInTime" => self.start_export(req),
            "DescribeExport" => {
                let arn = req.get("ExportArn").and_then(Value::as_str).ok_or_else(|| {
                    DynamoError::ValidationException("1 validation error detected: Value null at 'exportArn' failed to satisfy constraint: Member must not be null".into())
                })?;
                let book = self.inner.exports.lock().map_err(internal)?;
                book.exports
                    .iter()
                    .find(|r| r.description["ExportArn"] == arn)
                    .map(|r| json!({ "ExportDescription": r.description }))
                    .ok_or_else(|| {
                        DynamoError::ExportNotFoundException(format!("Export not found: {arn}"))
                    })
            }
            "ListExports" => {
                let table_arn = req.get("TableArn").and_then(Value::as_str);
                let max = req
                    .get("MaxResults")
                    .and_then(Value::as_u64)
                    .unwrap_or(25)
                    .clamp(1, 25) as usize;
                let start = match req.get("NextToken").and_then(Value::as_str) {
                    Some(t) => t.parse::<usize>().map_err(|_| {
                        DynamoError::ValidationException(format!("Invalid NextToken: {t}"))
                    })?,
                    None => 0,
                };
                let book = self.inner.exports.lock().map_err(internal)?;
                let matching: Vec<&ExportRecord> = book
                    .exports
                    .iter()
                    .filter(|r| table_arn.is_none_or(|a| r.description["TableArn"] == a))
                    .collect();
                let page: Vec<Value> = matching
                    .iter()
                    .skip(start)
                    .take(max)
                    .map(|r| {
                        json!({
                            "ExportArn": r.description["ExportArn"],
                            "ExportStatus": r.description["ExportStatus"],
                            "ExportType": r.description["ExportType"],
                        })
                    })
                    .collect();
                let mut out = json!({ "ExportSummaries": page });
                if start + max < matching.len() {
                    out["NextToken"] = json!((start + max).to_string());
                }
                Ok(out)
            }
            other => Err(DynamoError::UnknownOperationException(format!(
                "Unknown operation {other}"
            ))),
        }
    }

    fn pitr_state(&self, table: &str) -> Result<PitrState, DynamoError> {
        let pitr = self.inner.pitr.lock().map_err(internal)?;
        Ok(pitr.get(table).copied().unwrap_or(PitrState {
            enabled: false,
            enabled_at: self.now(),
            recovery_days: 35,
            template: None,
        }))
    }

    fn start_export(&self, req: &Value) -> Result<Value, DynamoError> {
        let missing = |field: &str| {
            DynamoError::ValidationException(format!(
                "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
            ))
        };
        let table_arn = req
            .get("TableArn")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("tableArn"))?;
        let bucket = req
            .get("S3Bucket")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("s3Bucket"))?;
        export::check_supported(req)?;
        let table = table_arn
            .split_once(":table/")
            .map(|(_, t)| t.split('/').next().unwrap_or(t).to_string())
            .ok_or_else(|| {
                DynamoError::ValidationException(format!("Invalid TableArn: {table_arn}"))
            })?;
        let info = self.table_info(&table)?;
        let state = self.pitr_state(&table)?;
        let now = self.now();
        let Some((earliest, latest)) = pitr::window(&state, now) else {
            return Err(DynamoError::PointInTimeRecoveryUnavailableException(
                format!("Point in time recovery is not enabled for table '{table}'"),
            ));
        };
        let export_time = match req.get("ExportTime") {
            None | Some(Value::Null) => now,
            Some(t) => {
                let t = t.as_f64().ok_or_else(|| {
                    DynamoError::SerializationException("ExportTime must be a timestamp".into())
                })?;
                if t < earliest || t > now.max(latest) {
                    return Err(DynamoError::InvalidExportTimeException(format!(
                        "Export time {t} is outside the table's point in time recovery window [{earliest}, {now}]"
                    )));
                }
                t
            }
        };
        let prefix = req
            .get("S3Prefix")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let client_token = req
            .get("ClientToken")
            .and_then(Value::as_str)
            .map(str::to_string);
        let fingerprint = json!([table_arn, bucket, prefix, req.get("ExportTime")]).to_string();
        let mut book = self.inner.exports.lock().map_err(internal)?;
        if let Some(token) = &client_token {
            if let Some(existing) = book
                .exports
                .iter()
                .find(|r| r.description["ClientToken"] == token.as_str())
            {
                if existing.fingerprint == fingerprint {
                    return Ok(json!({ "ExportDescription": existing.description }));
                }
                return Err(DynamoError::ExportConflictException(format!(
                    "ClientToken {token} was used with different parameters"
                )));
            }
        }
        let export_id = export::new_export_id(now);
        let table_arn_stored = info["TableArn"].as_str().unwrap_or(table_arn).to_string();
        let job = export::ExportJob {
            export_arn: format!("{table_arn_stored}/export/{export_id}"),
            export_id,
            table_name: table.clone(),
            table_arn: table_arn_stored,
            table_id: info["TableId"].as_str().unwrap_or_default().to_string(),
            bucket: bucket.to_string(),
            prefix,
            export_time,
            start_time: now,
            sse_algorithm: req
                .get("S3SseAlgorithm")
                .and_then(Value::as_str)
                .map(str::to_string),
            sse_kms_key_id: req
                .get("S3SseKmsKeyId")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
        let token = client_token.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let description = export::description(&job, &token);
        book.exports.push(ExportRecord {
            description: description.clone(),
            fingerprint,
        });
        Self::save_exports(&self.inner, &book)?;
        drop(book);

        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let clock = inner.clock.clone();
            let result = export::run(&inner.db, &inner.s3, &job, || clock.now_unix_secs_f64());
            if let Ok(mut book) = inner.exports.lock() {
                if let Some(r) = book
                    .exports
                    .iter_mut()
                    .find(|r| r.description["ExportArn"] == job.export_arn.as_str())
                {
                    export::complete(&mut r.description, &result, clock.now_unix_secs_f64());
                }
                if let Err(e) = Self::save_exports(&inner, &book) {
                    tracing::warn!(error = %e, "could not record the export");
                }
            }
        });
        Ok(json!({ "ExportDescription": description }))
    }
}
