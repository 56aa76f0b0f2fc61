//! The stack a template is loaded into: the values behind the pseudo parameters
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html>).
//!
//! Locally the account is `000000000000` (LocalStack's choice, so ARNs copied between the two
//! look alike) and the region defaults to `us-east-1`. On AWS these come from the caller's
//! credentials and the deployed stack.

use serde_json::Value;

/// The local account id used in every ARN.
pub const LOCAL_ACCOUNT_ID: &str = "000000000000";

/// The values of the pseudo parameters and of `Fn::GetAZs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackContext {
    /// `AWS::StackName`.
    pub stack_name: String,
    /// `AWS::Region`.
    pub region: String,
    /// `AWS::AccountId`.
    pub account_id: String,
    /// `AWS::Partition`.
    pub partition: String,
    /// `AWS::URLSuffix`.
    pub url_suffix: String,
    /// `AWS::StackId`: a deterministic ARN derived from the stack name and region.
    pub stack_id: String,
    /// What `Fn::GetAZs` returns (`<region>a`, `b`, `c` by default).
    pub availability_zones: Vec<String>,
}

impl StackContext {
    /// A stack named `stack_name` in `region`, in the local account.
    pub fn new(stack_name: impl Into<String>, region: impl Into<String>) -> Self {
        let stack_name = stack_name.into();
        let region = region.into();
        let h = crate::physical::hash64(&format!("{stack_name}/{region}"));
        let h2 = crate::physical::hash64(&format!("{region}/{stack_name}"));
        let stack_id = format!(
            "arn:aws:cloudformation:{region}:{LOCAL_ACCOUNT_ID}:stack/{stack_name}/{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xffff,
            h2 >> 48,
            h2 & 0xffff_ffff_ffff
        );
        let availability_zones = ["a", "b", "c"]
            .iter()
            .map(|z| format!("{region}{z}"))
            .collect();
        Self {
            stack_name,
            region,
            account_id: LOCAL_ACCOUNT_ID.to_string(),
            partition: "aws".to_string(),
            url_suffix: "amazonaws.com".to_string(),
            stack_id,
            availability_zones,
        }
    }

    /// The value of pseudo parameter `name`; `Some(None)` is `AWS::NoValue` (remove the
    /// property); `None` when `name` is not a pseudo parameter.
    pub(crate) fn pseudo(&self, name: &str) -> Option<Option<Value>> {
        let s = |v: &str| Some(Some(Value::String(v.to_string())));
        match name {
            "AWS::Region" => s(&self.region),
            "AWS::AccountId" => s(&self.account_id),
            "AWS::StackName" => s(&self.stack_name),
            "AWS::StackId" => s(&self.stack_id),
            "AWS::Partition" => s(&self.partition),
            "AWS::URLSuffix" => s(&self.url_suffix),
            // No SNS topics locally: an empty list, as when none are configured on AWS.
            "AWS::NotificationARNs" => Some(Some(Value::Array(Vec::new()))),
            "AWS::NoValue" => Some(None),
            _ => None,
        }
    }
}

impl Default for StackContext {
    /// Stack `local` in `us-east-1`.
    fn default() -> Self {
        Self::new("local", "us-east-1")
    }
}
