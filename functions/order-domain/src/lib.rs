//! The order domain shared by the workflow's Lambda functions.
//!
//! # Layout
//!
//! - [`status`]: the order status machine (`PENDING -> ... -> CONFIRMED`, `FAILED`, `EXPIRED`).
//! - [`money`]: [`Money`], an exact decimal that never passes through `f64`.
//! - [`order`]: order lines, the validate-order rules, and duplicate-sku merging.
//! - [`error`]: [`DomainError`], whose variants are the contract's Lambda `errorType`s.
//! - [`payment`]: the payment simulator rules (shared with the Java variant by contract).
//! - [`dynamo`]: DynamoDB attribute helpers (serde_dynamo), env table names, timestamps.
//! - `test_support` (feature `test-support`): in-process dynoxide and the contract's tables.

pub mod dynamo;
pub mod error;
pub mod money;
pub mod order;
pub mod payment;
pub mod status;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use error::DomainError;
pub use money::Money;
pub use order::{OrderLine, OrderRequest};
pub use payment::{decide, PaymentDecision};
pub use status::OrderStatus;
