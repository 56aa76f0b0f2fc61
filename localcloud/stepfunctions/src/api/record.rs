//! The stored records of the API's two concepts, a state machine and an execution, with their
//! closed vocabularies typed: a state machine's [`MachineType`] and an execution's [`Status`].
//! They were strings once, so a typo (`"RUNING"`) compiled and silently matched nothing; as
//! enums every comparison is checked. Both serialise in AWS's spelling
//! (`SCREAMING_SNAKE_CASE`), the spelling the state files of earlier versions hold, so those
//! files still load.

use crate::execution::ExecutionStatus;
use crate::state::StateMachine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// A state machine's type (`STANDARD` or `EXPRESS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MachineType {
    /// Exactly-once, long-running, history kept by the service.
    Standard,
    /// At-least-once, at most five minutes, history only in CloudWatch Logs on AWS.
    Express,
}

impl MachineType {
    /// Every value, in the order AWS lists them in validation messages.
    pub const ALL: [MachineType; 2] = [MachineType::Standard, MachineType::Express];

    /// AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MachineType::Standard => "STANDARD",
            MachineType::Express => "EXPRESS",
        }
    }

    /// The value AWS spells `s`; `None` for anything else.
    pub fn parse(s: &str) -> Option<MachineType> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for MachineType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An execution's status. AWS's `ExecutionStatus` also has `PENDING_REDRIVE`, which no local
/// execution reaches (redrive is not emulated), so it is only accepted as a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Started and not ended.
    Running,
    /// Ended with output.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Ran past its `TimeoutSeconds` (or the Express limit).
    TimedOut,
    /// Stopped by StopExecution.
    Aborted,
}

impl Status {
    /// Every value, in AWS's order.
    pub const ALL: [Status; 5] = [
        Status::Running,
        Status::Succeeded,
        Status::Failed,
        Status::TimedOut,
        Status::Aborted,
    ];

    /// AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }

    /// The value AWS spells `s`; `None` for anything else (including `PENDING_REDRIVE`).
    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ExecutionStatus> for Status {
    fn from(s: ExecutionStatus) -> Status {
        match s {
            ExecutionStatus::Succeeded => Status::Succeeded,
            ExecutionStatus::Failed => Status::Failed,
            ExecutionStatus::TimedOut => Status::TimedOut,
            ExecutionStatus::Aborted => Status::Aborted,
        }
    }
}

/// A state machine as stored (`machines.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MachineRecord {
    pub arn: String,
    pub name: String,
    #[serde(rename = "type")]
    pub machine_type: MachineType,
    pub definition: String,
    pub role_arn: String,
    pub creation_date: f64,
    pub update_date: Option<f64>,
    /// The validated model, rebuilt from `definition` on load.
    #[serde(skip)]
    pub parsed: Option<Arc<StateMachine>>,
}

/// An execution as stored (one file per Standard execution; Express ones live in memory only).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ExecutionRecord {
    pub arn: String,
    pub state_machine_arn: String,
    pub name: String,
    pub machine_type: MachineType,
    pub status: Status,
    pub start_date: f64,
    pub stop_date: Option<f64>,
    pub input: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub history: Vec<Value>,
    /// Milliseconds between start and stop (billing of Express executions).
    pub duration_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_through_serde_and_parse() {
        for t in MachineType::ALL {
            assert_eq!(MachineType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).expect("json"), t.as_str());
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).expect("json"), s.as_str());
        }
        assert_eq!(MachineType::parse("standard"), None);
        assert_eq!(Status::parse("PENDING_REDRIVE"), None);
        assert_eq!(Status::from(ExecutionStatus::TimedOut), Status::TimedOut);
    }

    #[test]
    fn a_record_written_by_an_earlier_version_loads() {
        let old = r#"{"arn":"arn:aws:states:us-east-1:000000000000:execution:m:e",
            "state_machine_arn":"arn:aws:states:us-east-1:000000000000:stateMachine:m",
            "name":"e","machine_type":"STANDARD","status":"TIMED_OUT","start_date":1.0,
            "stop_date":2.0,"input":"{}","output":null,"error":"States.Timeout","cause":null,
            "history":[],"duration_ms":1000}"#;
        let rec: ExecutionRecord = serde_json::from_str(old).expect("loads");
        assert_eq!(
            (rec.machine_type, rec.status),
            (MachineType::Standard, Status::TimedOut)
        );
        let m: MachineRecord = serde_json::from_str(
            r#"{"arn":"a","name":"m","type":"EXPRESS","definition":"{}","role_arn":"r",
                "creation_date":1.0,"update_date":null}"#,
        )
        .expect("loads");
        assert_eq!(m.machine_type, MachineType::Express);
    }
}
