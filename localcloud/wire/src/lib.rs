//! `localcloud-wire`: what every local service shares, below all of them. Nothing here knows a
//! service; each service crate depends on this one and on no other service for these jobs.
//!
//! # Layout
//!
//! - [`error`]: the AWS JSON-protocol error envelope (`__type`, `message`, `x-amzn-ErrorType`)
//!   and the [`ServiceError`](error::ServiceError) trait each service's error enum implements.
//! - [`body`]: reading a request or response body with a size limit.
//! - [`request_id`]: the `x-amzn-RequestId` of every answer.
//! - [`fs`]: one durable atomic file write (file and directory fsync).
//! - [`clock`]: the one injectable [`Clock`](clock::Clock) (wall time, monotonic time, sleeps).
//! - [`invoke`]: the one [`Invoke`](invoke::Invoke) trait for calling a function, with the
//!   invocation type and the typed Lambda API error kinds; API Gateway, Step Functions and the
//!   event sources call Lambda through it.
//! - [`sigv4`]: AWS Signature Version 4 for service calls between the local services.

pub mod body;
pub mod clock;
pub mod error;
pub mod fs;
pub mod invoke;
pub mod request_id;
pub mod sigv4;
