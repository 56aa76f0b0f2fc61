//! Physical ids: what `Ref` and `Fn::GetAtt` return for a resource.
//!
//! The crate does not decide how a local service names what it creates: the caller supplies a
//! [`PhysicalIds`]. [`CloudFormationNames`] is the default and names things the way
//! CloudFormation does, with a deterministic suffix instead of a random one so that names are
//! stable across restarts (state under `.localcloud/` is keyed by them):
//!
//! - an explicit name property wins (`TableName`, `FunctionName`, `StateMachineName`,
//!   `BucketName`, `QueueName`, `RoleName`, `LogGroupName`, `Name`, `Domain`...);
//! - otherwise tables, queues, roles, log groups: `<stack>-<LogicalId>-<SUFFIX>`; buckets the same,
//!   lower-cased; functions `<stack>-<LogicalId>` (readable in logs and `invoke`; AWS adds a
//!   suffix); state machines `<LogicalId>-<SUFFIX>`;
//! - ids AWS generates (user pool `us-east-1_AbC...`, client ids, REST API ids, distribution
//!   ids) are derived from the stack and logical id the same way;
//! - ARNs are in [`crate::stack::LOCAL_ACCOUNT_ID`] and the stack's region.

use serde_json::Value;

use crate::stack::StackContext;

/// One resource as the physical-id provider sees it.
#[derive(Debug, Clone, Copy)]
pub struct ResourceInfo<'a> {
    /// Logical id in the template.
    pub logical_id: &'a str,
    /// `Type`, e.g. `AWS::DynamoDB::Table`.
    pub resource_type: &'a str,
    /// The resolved explicit-name property (see [`name_property`]), when the template sets it.
    pub name: Option<&'a str>,
    /// The stack.
    pub stack: &'a StackContext,
}

/// Supplies `Ref` and `Fn::GetAtt` values for resources.
pub trait PhysicalIds {
    /// What `Ref` returns.
    fn reference(&self, resource: &ResourceInfo<'_>) -> String;
    /// What `Fn::GetAtt` returns for `attribute`, or `None` if the type has no such attribute.
    fn attribute(&self, resource: &ResourceInfo<'_>, attribute: &str) -> Option<Value>;
}

/// The property holding a resource's user-chosen name, per type.
pub fn name_property(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => "TableName",
        "AWS::Serverless::Function" | "AWS::Lambda::Function" => "FunctionName",
        // SAM's state machine calls it `Name`; the CloudFormation resource `StateMachineName`.
        "AWS::Serverless::StateMachine" => "Name",
        "AWS::StepFunctions::StateMachine" => "StateMachineName",
        "AWS::S3::Bucket" => "BucketName",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::Cognito::UserPoolDomain" => "Domain",
        "AWS::CloudFront::Function" | "AWS::Serverless::Api" | "AWS::ApiGateway::RestApi" => "Name",
        "AWS::CloudWatch::Alarm" => "AlarmName",
        _ => return None,
    })
}

/// FNV-1a, 64 bits: a stable hash for deterministic ids (not for security).
pub(crate) fn hash64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// `len` characters from `alphabet`, derived from `seed`.
fn derived(seed: &str, len: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(len);
    let mut h = hash64(seed);
    let mut round = 0u32;
    while out.len() < len {
        if h == 0 {
            round += 1;
            h = hash64(&format!("{seed}#{round}"));
        }
        let n = alphabet.len() as u64;
        out.push(char::from(alphabet[(h % n) as usize]));
        h /= n;
    }
    out
}

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const MIXED_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// CloudFormation-style names with deterministic suffixes. See the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct CloudFormationNames;

impl CloudFormationNames {
    fn seed(r: &ResourceInfo<'_>) -> String {
        format!("{}/{}/{}", r.stack.stack_name, r.stack.region, r.logical_id)
    }

    fn suffix(r: &ResourceInfo<'_>) -> String {
        derived(&Self::seed(r), 12, UPPER_ALNUM)
    }

    fn generated(r: &ResourceInfo<'_>) -> String {
        format!(
            "{}-{}-{}",
            r.stack.stack_name,
            r.logical_id,
            Self::suffix(r)
        )
    }

    fn arn(r: &ResourceInfo<'_>, service: &str, rest: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{rest}",
            r.stack.partition, r.stack.region, r.stack.account_id
        )
    }
}

impl PhysicalIds for CloudFormationNames {
    fn reference(&self, r: &ResourceInfo<'_>) -> String {
        if let Some(name) = r.name {
            return match r.resource_type {
                "AWS::SQS::Queue" => queue_url(r, name),
                "AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine" => {
                    Self::arn(r, "states", &format!("stateMachine:{name}"))
                }
                "AWS::Serverless::Api" | "AWS::ApiGateway::RestApi" => {
                    derived(&Self::seed(r), 10, LOWER_ALNUM)
                }
                "AWS::CloudFront::Function" => Self::arn_cloudfront_function(r, name),
                _ => name.to_string(),
            };
        }
        let seed = Self::seed(r);
        match r.resource_type {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => {
                format!("{}-{}", r.stack.stack_name, r.logical_id)
            }
            "AWS::S3::Bucket" => Self::generated(r).to_lowercase(),
            "AWS::SQS::Queue" => queue_url(r, &Self::generated(r)),
            "AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine" => Self::arn(
                r,
                "states",
                &format!("stateMachine:{}-{}", r.logical_id, Self::suffix(r)),
            ),
            "AWS::Cognito::UserPool" => {
                format!("{}_{}", r.stack.region, derived(&seed, 9, MIXED_ALNUM))
            }
            "AWS::Cognito::UserPoolClient" => derived(&seed, 26, LOWER_ALNUM),
            "AWS::Serverless::Api" | "AWS::ApiGateway::RestApi" => derived(&seed, 10, LOWER_ALNUM),
            "AWS::CloudFront::Distribution" | "AWS::CloudFront::OriginAccessControl" => {
                format!("E{}", derived(&seed, 13, UPPER_ALNUM))
            }
            "AWS::CloudFront::Function" => Self::arn_cloudfront_function(
                r,
                &format!("{}-{}", r.stack.stack_name, r.logical_id),
            ),
            _ => Self::generated(r),
        }
    }

    fn attribute(&self, r: &ResourceInfo<'_>, attribute: &str) -> Option<Value> {
        let id = self.reference(r);
        let s = |v: String| Some(Value::String(v));
        match (r.resource_type, attribute) {
            ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", "Arn") => {
                s(Self::arn(r, "dynamodb", &format!("table/{id}")))
            }
            ("AWS::DynamoDB::Table", "StreamArn") => s(Self::arn(
                r,
                "dynamodb",
                &format!("table/{id}/stream/{}", STREAM_LABEL),
            )),
            ("AWS::Serverless::Function" | "AWS::Lambda::Function", "Arn") => {
                s(Self::arn(r, "lambda", &format!("function:{id}")))
            }
            ("AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine", "Arn") => s(id),
            ("AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine", "Name") => {
                s(id.rsplit(':').next().unwrap_or_default().to_string())
            }
            ("AWS::Cognito::UserPool", "Arn") => {
                s(Self::arn(r, "cognito-idp", &format!("userpool/{id}")))
            }
            ("AWS::Cognito::UserPool", "ProviderName") => s(format!(
                "cognito-idp.{}.{}/{id}",
                r.stack.region, r.stack.url_suffix
            )),
            ("AWS::Cognito::UserPool", "ProviderURL") => s(format!(
                "https://cognito-idp.{}.{}/{id}",
                r.stack.region, r.stack.url_suffix
            )),
            ("AWS::Cognito::UserPool", "UserPoolId") => s(id),
            ("AWS::Cognito::UserPoolClient", "ClientId") => s(id),
            ("AWS::Cognito::UserPoolClient", "Name") => s(r.logical_id.to_string()),
            ("AWS::Cognito::UserPoolDomain", "CloudFrontDistribution") => s(format!(
                "{}.cloudfront.net",
                derived(&Self::seed(r), 14, LOWER_ALNUM)
            )),
            ("AWS::S3::Bucket", "Arn") => s(format!("arn:{}:s3:::{id}", r.stack.partition)),
            ("AWS::S3::Bucket", "DomainName") => s(format!("{id}.s3.{}", r.stack.url_suffix)),
            ("AWS::S3::Bucket", "RegionalDomainName") => {
                s(format!("{id}.s3.{}.{}", r.stack.region, r.stack.url_suffix))
            }
            ("AWS::S3::Bucket", "DualStackDomainName") => s(format!(
                "{id}.s3.dualstack.{}.{}",
                r.stack.region, r.stack.url_suffix
            )),
            ("AWS::S3::Bucket", "WebsiteURL") => s(format!(
                "http://{id}.s3-website-{}.{}",
                r.stack.region, r.stack.url_suffix
            )),
            ("AWS::SQS::Queue", "Arn") => s(Self::arn(r, "sqs", queue_name(&id))),
            ("AWS::SQS::Queue", "QueueName") => s(queue_name(&id).to_string()),
            ("AWS::SQS::Queue", "QueueUrl") => s(id),
            ("AWS::IAM::Role", "Arn") => s(format!(
                "arn:{}:iam::{}:role/{id}",
                r.stack.partition, r.stack.account_id
            )),
            ("AWS::IAM::Role", "RoleId") => s(format!("AROA{}", derived(&id, 17, UPPER_ALNUM))),
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => s(format!(
                "arn:{}:iam::{}:policy/{id}",
                r.stack.partition, r.stack.account_id
            )),
            ("AWS::Logs::LogGroup", "Arn") => s(Self::arn(r, "logs", &format!("log-group:{id}:*"))),
            ("AWS::CloudFront::Function", "FunctionARN" | "FunctionMetadata.FunctionARN") => s(id),
            ("AWS::CloudFront::Function", "Stage") => s("LIVE".to_string()),
            ("AWS::CloudFront::Distribution", "DomainName") => {
                s(format!("{}.cloudfront.net", id.to_lowercase()))
            }
            ("AWS::CloudFront::Distribution" | "AWS::CloudFront::OriginAccessControl", "Id") => {
                s(id)
            }
            ("AWS::Serverless::Api" | "AWS::ApiGateway::RestApi", "RootResourceId") => {
                s(derived(&id, 10, LOWER_ALNUM))
            }
            ("AWS::CloudWatch::Alarm", "Arn") => {
                s(Self::arn(r, "cloudwatch", &format!("alarm:{id}")))
            }
            _ => None,
        }
    }
}

impl CloudFormationNames {
    fn arn_cloudfront_function(r: &ResourceInfo<'_>, name: &str) -> String {
        format!(
            "arn:{}:cloudfront::{}:function/{name}",
            r.stack.partition, r.stack.account_id
        )
    }
}

/// The stream label of every table stream in the default naming (AWS uses the creation time).
pub const STREAM_LABEL: &str = "1970-01-01T00:00:00.000";

fn queue_url(r: &ResourceInfo<'_>, name: &str) -> String {
    format!(
        "https://sqs.{}.{}/{}/{name}",
        r.stack.region, r.stack.url_suffix, r.stack.account_id
    )
}

fn queue_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info<'a>(ty: &'a str, name: Option<&'a str>, stack: &'a StackContext) -> ResourceInfo<'a> {
        ResourceInfo {
            logical_id: "Thing",
            resource_type: ty,
            name,
            stack,
        }
    }

    #[test]
    fn generated_names_are_stable_and_cloudformation_shaped() {
        let stack = StackContext::new("app", "eu-west-1");
        let a = CloudFormationNames.reference(&info("AWS::DynamoDB::Table", None, &stack));
        let b = CloudFormationNames.reference(&info("AWS::DynamoDB::Table", None, &stack));
        assert_eq!(a, b);
        assert!(
            a.starts_with("app-Thing-") && a.len() == "app-Thing-".len() + 12,
            "{a}"
        );
        let bucket = CloudFormationNames.reference(&info("AWS::S3::Bucket", None, &stack));
        assert_eq!(bucket, bucket.to_lowercase());
        let pool = CloudFormationNames.reference(&info("AWS::Cognito::UserPool", None, &stack));
        assert!(pool.starts_with("eu-west-1_"), "{pool}");
    }

    #[test]
    fn explicit_names_and_arns() {
        let stack = StackContext::new("app", "us-east-1");
        let t = info("AWS::DynamoDB::Table", Some("app-orders"), &stack);
        assert_eq!(CloudFormationNames.reference(&t), "app-orders");
        assert_eq!(
            CloudFormationNames.attribute(&t, "StreamArn"),
            Some(Value::from(
                "arn:aws:dynamodb:us-east-1:000000000000:table/app-orders/stream/1970-01-01T00:00:00.000"
            ))
        );
        let q = info("AWS::SQS::Queue", Some("dlq"), &stack);
        assert_eq!(
            CloudFormationNames.reference(&q),
            "https://sqs.us-east-1.amazonaws.com/000000000000/dlq"
        );
        assert_eq!(
            CloudFormationNames.attribute(&q, "Arn"),
            Some(Value::from("arn:aws:sqs:us-east-1:000000000000:dlq"))
        );
        assert_eq!(CloudFormationNames.attribute(&q, "Nope"), None);
    }
}
