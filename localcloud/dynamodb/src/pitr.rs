//! `UpdateContinuousBackups` / `DescribeContinuousBackups`: the point-in-time recovery flag
//! per table, initialised from the template and kept in `pitr.json` under the state folder.
//!
//! Only the flag and its window are emulated: nothing is kept to restore from, so
//! `RestoreTableToPointInTime` stays unsupported (an `UnknownOperationException`), and an export
//! always reflects the table as it is when the export runs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::DynamoError;

/// The stored PITR state of one table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PitrState {
    /// Whether PITR is on.
    pub enabled: bool,
    /// When it was last turned on (Unix seconds): the start of the restorable window.
    pub enabled_at: f64,
    /// `RecoveryPeriodInDays` (1-35).
    pub recovery_days: u32,
    /// The template's `(enabled, days)` when last applied, so a restart re-applies the
    /// template only when the template itself changed.
    #[serde(default)]
    pub template: Option<(bool, u32)>,
}

/// All tables' PITR state, by table name.
pub type PitrTable = BTreeMap<String, PitrState>;

/// Seconds DynamoDB's `LatestRestorableDateTime` trails the present (about five minutes).
const LATEST_LAG_SECS: f64 = 300.0;

/// The restorable window `[earliest, latest]` at `now`, when PITR is on.
pub fn window(state: &PitrState, now: f64) -> Option<(f64, f64)> {
    if !state.enabled {
        return None;
    }
    let period = f64::from(state.recovery_days) * 86_400.0;
    let earliest = state.enabled_at.max(now - period);
    let latest = (now - LATEST_LAG_SECS).max(earliest);
    Some((earliest, latest))
}

/// `ContinuousBackupsDescription` as AWS shapes it (timestamps are epoch seconds on the wire).
pub fn description(state: &PitrState, now: f64) -> Value {
    let pitr = match window(state, now) {
        Some((earliest, latest)) => json!({
            "PointInTimeRecoveryStatus": "ENABLED",
            "EarliestRestorableDateTime": earliest,
            "LatestRestorableDateTime": latest,
            "RecoveryPeriodInDays": state.recovery_days,
        }),
        None => json!({ "PointInTimeRecoveryStatus": "DISABLED" }),
    };
    json!({
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": pitr,
        }
    })
}

/// The table name from `TableName`, which these APIs also accept as a table ARN.
pub fn table_name_of(v: &Value) -> Result<String, DynamoError> {
    let raw = v
        .get("TableName")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            DynamoError::ValidationException(
                "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null".into(),
            )
        })?;
    Ok(match raw.split_once(":table/") {
        Some((_, rest)) => rest.split('/').next().unwrap_or(rest).to_string(),
        None => raw.to_string(),
    })
}

/// Applies an `UpdateContinuousBackups` request to `state`, returning the new state.
pub fn apply_update(
    current: Option<PitrState>,
    request: &Value,
    now: f64,
) -> Result<PitrState, DynamoError> {
    let spec = request
        .get("PointInTimeRecoverySpecification")
        .ok_or_else(|| {
            DynamoError::ValidationException(
                "1 validation error detected: Value null at 'pointInTimeRecoverySpecification' failed to satisfy constraint: Member must not be null".into(),
            )
        })?;
    let enabled = spec
        .get("PointInTimeRecoveryEnabled")
        .and_then(Value::as_bool)
        .ok_or_else(|| {
            DynamoError::ValidationException(
                "1 validation error detected: Value null at 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to satisfy constraint: Member must not be null".into(),
            )
        })?;
    let prev = current.unwrap_or(PitrState {
        enabled: false,
        enabled_at: now,
        recovery_days: 35,
        template: None,
    });
    let recovery_days = match spec.get("RecoveryPeriodInDays") {
        None | Some(Value::Null) => prev.recovery_days,
        Some(v) => match v.as_u64() {
            Some(d @ 1..=35) => d as u32,
            _ => {
                return Err(DynamoError::ValidationException(format!(
                    "1 validation error detected: Value '{v}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 35"
                )))
            }
        },
    };
    let enabled_at = if enabled && !prev.enabled {
        now
    } else {
        prev.enabled_at
    };
    Ok(PitrState {
        enabled,
        enabled_at,
        recovery_days,
        template: prev.template,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_description_has_status_only() {
        let s = PitrState {
            enabled: false,
            enabled_at: 0.0,
            recovery_days: 35,
            template: None,
        };
        assert_eq!(
            description(&s, 1000.0)["ContinuousBackupsDescription"]
                ["PointInTimeRecoveryDescription"],
            json!({"PointInTimeRecoveryStatus": "DISABLED"})
        );
    }

    #[test]
    fn window_starts_when_enabled_and_is_capped_by_the_period() {
        let s = PitrState {
            enabled: true,
            enabled_at: 1_000_000.0,
            recovery_days: 1,
            template: None,
        };
        assert_eq!(window(&s, 1_000_100.0), Some((1_000_000.0, 1_000_000.0)));
        assert_eq!(
            window(&s, 1_200_000.0),
            Some((1_200_000.0 - 86_400.0, 1_200_000.0 - 300.0))
        );
    }

    #[test]
    fn update_validates_the_period() {
        let req = json!({"TableName": "t", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 40}});
        assert_eq!(
            apply_update(None, &req, 1.0).expect_err("40").code(),
            "ValidationException"
        );
        let arn = json!({"TableName": "arn:aws:dynamodb:us-east-1:1:table/orders"});
        assert_eq!(table_name_of(&arn).expect("arn"), "orders");
    }
}
