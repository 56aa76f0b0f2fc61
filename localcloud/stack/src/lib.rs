//! `localcloud-stack`: the local stack as a library. [`Stack::start`] loads the template's typed
//! model, builds the functions unless told not to, starts every service from the model, wires
//! them to each other and serves them on 127.0.0.1; the returned [`Stack`] holds a handle to
//! each service (the CLI prints them, tests drive them in-process on port 0, the console and the
//! load tester read them).
//!
//! # Layout
//!
//! - [`stack`]: [`Stack::start`] and [`Stack::shutdown`]: everything in order (listeners, S3,
//!   DynamoDB and seeds, Lambda, Step Functions, Cognito, the API stages, the hosted UI).
//! - [`endpoint`]: the service endpoint's routing, in one place: which service answers a
//!   request (`X-Amz-Target`, Lambda's REST paths, S3), and the in-process callers API Gateway
//!   and Step Functions reach the services through.
//! - [`config`]: `localcloud.toml` (stack name, region, ports, state folder, parameter
//!   overrides, seeds, account concurrency).
//! - [`build`]: `cargo build` of the function crates with progress, Maven for the Java one, the
//!   JDK.
//! - [`guard`]: loopback `Host` names only on every listener, no cross-origin browser requests
//!   on the service endpoint (DNS rebinding, cross-site requests).
//! - [`functions`]: template functions -> `localcloud_lambda::FunctionConfig`.
//! - [`userpools`]: the template's Cognito pools and the API's authorizer over them.
//! - [`logs`]: function logs in the terminal with a `[LogicalId]` prefix.
//! - [`env_vars`]: `invoke --env-vars` files.

pub mod build;
pub mod config;
pub mod endpoint;
pub mod env_vars;
pub mod functions;
pub mod guard;
pub mod logs;
pub mod stack;
pub mod userpools;

pub use config::Config;
pub use stack::{find_root, load_model, repository_model, FunctionLine, LogTo, Options, Stack};
