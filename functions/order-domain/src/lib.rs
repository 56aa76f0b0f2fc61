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

#![warn(missing_docs)]

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

/// Installs the JSON log subscriber every function uses: one JSON object per line, no ANSI
/// colours and no timestamp (Lambda stamps each line itself). `RUST_LOG` overrides the level.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .json()
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_current_span(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
}
