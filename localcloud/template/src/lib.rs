//! The SAM/CloudFormation model of the local cloud: loads `template.yaml`, resolves every
//! intrinsic function against a local stack, and returns typed resources, so the services read
//! the same template `sam deploy` does and never a copy of it.
//!
//! ```no_run
//! use localcloud_template::{parse_overrides, LoadOptions, Model, StackContext};
//! # fn main() -> Result<(), localcloud_template::TemplateError> {
//! let options = LoadOptions {
//!     stack: StackContext::new("serverless-api", "us-east-1"),
//!     parameter_overrides: parse_overrides("Stage=dev")?,
//! };
//! let model = Model::load("template.yaml".as_ref(), &options)?;
//! for f in model.functions() {
//!     println!("{} -> {}", f.logical_id, f.function_name);
//! }
//! for n in &model.not_emulated {
//!     println!("not emulated: {} ({}): {}", n.logical_id, n.resource_type, n.reason);
//! }
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! - [`model`]: the load pipeline and [`Model`], its result.
//! - `yaml` (private): YAML/JSON reading; short-form tags (`!Ref`, `!Sub`,
//!   `!GetAtt A.B`) become long forms.
//! - `include` (private): `Fn::Transform: AWS::Include` of local files, anywhere.
//! - [`parameters`]: declared parameters, defaults, constraints; [`overrides`]: SAM's
//!   `--parameter-overrides` syntax.
//! - [`stack`]: the pseudo parameters' values (local account `000000000000`).
//! - [`physical`]: what `Ref`/`Fn::GetAtt` give for resources: the [`PhysicalIds`] trait and
//!   the default [`CloudFormationNames`].
//! - `conditions` (private): `Conditions` evaluation.
//! - `globals` (private): SAM `Globals` merge rules.
//! - [`intrinsic`]: the resolver, one file per function (`intrinsic/sub.rs`,
//!   `intrinsic/get_att.rs`, ...).
//! - [`resource`]: typed resources, one file per AWS type (`resource/function.rs`,
//!   `resource/table.rs`, ...), the not-emulated list and the unknown-property rule.
//! - [`error`]: [`TemplateError`], one variant per failure kind, each naming where.
//!
//! # What is and is not done
//!
//! Supported: `Ref`, `Fn::GetAtt`, `Fn::Sub` (both forms), `Fn::Join`, `Fn::If`,
//! `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::GetAZs`, `Fn::Base64`, the condition
//! functions, `AWS::NoValue`, `AWS::Include`, SAM `Globals`. Not supported (errors naming the
//! path): `Fn::ImportValue` (no other stacks locally), `Fn::Cidr`, the
//! `AWS::LanguageExtensions` functions, SSM parameter types, `Rules`.

#![warn(missing_docs)]

mod conditions;
pub mod error;
mod globals;
mod include;
pub mod intrinsic;
pub mod model;
pub mod overrides;
pub mod parameters;
pub mod physical;
pub mod resource;
pub mod stack;
mod yaml;

pub use error::{Result, TemplateError};
pub use model::{LoadOptions, Model};
pub use overrides::{parse_override_args, parse_overrides};
pub use parameters::ParameterValue;
pub use physical::{CloudFormationNames, PhysicalIds, ResourceInfo};
pub use resource::{NotEmulated, Resource};
pub use stack::StackContext;
