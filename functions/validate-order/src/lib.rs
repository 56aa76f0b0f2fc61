//! validate-order: the first workflow step. Applies the contract's validation rules to
//! `{orderId, userId, amount, items}` and returns
//! `{orderId, amount: "42.50", items: [merged lines], lineCount, totalQty}`.
//!
//! # Layout
//!
//! Everything is in this file: one pure function, [`validate`]; no AWS calls.

#![warn(missing_docs)]

use order_domain::{DomainError, OrderRequest};
use serde_json::Value;

/// Validates the payload; a broken rule is an `OrderInvalid` error that names the field.
pub fn validate(payload: &Value) -> Result<Value, DomainError> {
    let order = OrderRequest::validate(payload)?;
    tracing::info!(order_id = %order.order_id, lines = order.line_count, "order valid");
    serde_json::to_value(&order).map_err(|e| DomainError::dependency("serialize result", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use order_domain::test_support::{event, event_files};
    use serde_json::json;

    const FN: &str = "validate-order";

    /// Every sample and what it must produce: `Ok(result)` or the OrderInvalid message.
    fn expectations() -> Vec<(&'static str, Result<Value, &'static str>)> {
        vec![
            (
                "valid.json",
                Ok(json!({"orderId": "ord-0001", "amount": "42.50",
                    "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
                    "lineCount": 2, "totalQty": 3})),
            ),
            (
                "valid-duplicate-skus.json",
                Ok(json!({"orderId": "ord-0002", "amount": "19.99",
                    "items": [{"sku": "A-1", "qty": 5}, {"sku": "C-3", "qty": 1}],
                    "lineCount": 2, "totalQty": 6})),
            ),
            ("invalid-no-items.json", Err("items: must contain at least 1 line")),
            (
                "invalid-too-many-lines.json",
                Err("items: must contain at most 50 lines, got 51"),
            ),
            ("invalid-bad-qty.json", Err("items[1].qty: must be between 1 and 100")),
            (
                "invalid-bad-sku.json",
                Err("items[0].sku: must match ^[A-Z0-9]+(-[A-Z0-9]+)*$ and be at most 32 characters"),
            ),
            (
                "invalid-bad-amount.json",
                Err("amount: must have at most 2 decimal places"),
            ),
        ]
    }

    #[test]
    fn every_sample_gives_its_expected_outcome() {
        let cases = expectations();
        let mut named: Vec<String> = cases.iter().map(|(f, _)| f.to_string()).collect();
        named.sort();
        assert_eq!(
            named,
            event_files(FN),
            "every events/{FN} sample has an expectation"
        );
        for (file, expected) in cases {
            let got = validate(&event(FN, file));
            match expected {
                Ok(v) => assert_eq!(got.as_ref().ok(), Some(&v), "{file}: {got:?}"),
                Err(msg) => {
                    let err = got.expect_err(file);
                    assert_eq!(err.error_type(), "OrderInvalid", "{file}");
                    assert_eq!(err.to_string(), msg, "{file}");
                }
            }
        }
    }

    #[test]
    fn validation_is_deterministic_across_retries() {
        let payload = event(FN, "valid.json");
        assert_eq!(validate(&payload).unwrap(), validate(&payload).unwrap());
    }
}
