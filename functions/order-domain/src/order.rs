//! Order requests, their lines, and the contract's validation rules.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{DomainError, Money};

/// Most lines a request may carry (before duplicate skus are merged).
pub const MAX_LINES: usize = 50;
/// Largest quantity on one line.
pub const MAX_QTY: u64 = 100;
/// Longest sku.
pub const MAX_SKU_LEN: usize = 32;

/// One order line: a sku and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// Catalogue key, e.g. `A-1`.
    pub sku: String,
    /// Units, 1..=100 as sent; merged lines may hold more.
    pub qty: u32,
}

/// A validated order: the validate-order step's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRequest {
    /// The order (the API request id).
    pub order_id: String,
    /// The owner (Cognito `sub`); not echoed in the step result.
    #[serde(skip_serializing, default)]
    pub user_id: String,
    /// Total amount, exact.
    pub amount: Money,
    /// Lines with duplicate skus merged, in first-seen order.
    pub items: Vec<OrderLine>,
    /// Number of merged lines.
    pub line_count: usize,
    /// Sum of all quantities.
    pub total_qty: u64,
}

fn invalid(msg: impl Into<String>) -> DomainError {
    DomainError::OrderInvalid(msg.into())
}

/// A required non-empty string field.
pub fn require_str<'a>(input: &'a Value, field: &str) -> Result<&'a str, DomainError> {
    match input.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(invalid(format!("{field}: must not be empty"))),
        None | Some(Value::Null) => Err(invalid(format!("{field}: is required"))),
        Some(_) => Err(invalid(format!("{field}: must be a string"))),
    }
}

/// True when `sku` matches `^[A-Z0-9]+(-[A-Z0-9]+)*$` and is at most 32 chars.
pub fn is_valid_sku(sku: &str) -> bool {
    sku.len() <= MAX_SKU_LEN
        && sku.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// Validates `amount`: positive, at most 2 decimal places, at most 1,000,000.00.
pub fn validate_amount(input: &Value) -> Result<Money, DomainError> {
    let raw = match input.get("amount") {
        None | Some(Value::Null) => return Err(invalid("amount: is required")),
        Some(v @ (Value::Number(_) | Value::String(_))) => v,
        Some(_) => return Err(invalid("amount: must be a number")),
    };
    let money: Money =
        serde_json::from_value(raw.clone()).map_err(|_| invalid("amount: must be a number"))?;
    if money.0 <= Decimal::ZERO {
        return Err(invalid("amount: must be positive"));
    }
    if money.0.normalize().scale() > 2 {
        return Err(invalid("amount: must have at most 2 decimal places"));
    }
    if money.0 > Decimal::new(1_000_000, 0) {
        return Err(invalid("amount: must be at most 1000000.00"));
    }
    Ok(money)
}

/// Validates `items` (1..=50 lines, sku pattern, qty 1..=100) and merges duplicate skus.
pub fn validate_items(input: &Value) -> Result<Vec<OrderLine>, DomainError> {
    let lines = match input.get("items") {
        None | Some(Value::Null) => return Err(invalid("items: is required")),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid("items: must be an array")),
    };
    if lines.is_empty() {
        return Err(invalid("items: must contain at least 1 line"));
    }
    if lines.len() > MAX_LINES {
        return Err(invalid(format!(
            "items: must contain at most {MAX_LINES} lines, got {}",
            lines.len()
        )));
    }
    let mut parsed = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if !line.is_object() {
            return Err(invalid(format!("items[{i}]: must be an object")));
        }
        let sku = match line.get("sku") {
            Some(Value::String(s)) if is_valid_sku(s) => s.clone(),
            Some(Value::String(_)) => {
                return Err(invalid(format!(
                    "items[{i}].sku: must match ^[A-Z0-9]+(-[A-Z0-9]+)*$ and be at most {MAX_SKU_LEN} characters"
                )))
            }
            None | Some(Value::Null) => return Err(invalid(format!("items[{i}].sku: is required"))),
            Some(_) => return Err(invalid(format!("items[{i}].sku: must be a string"))),
        };
        let qty = match line.get("qty") {
            Some(Value::Number(n)) => match n.as_u64() {
                Some(q) if (1..=MAX_QTY).contains(&q) => q,
                _ => {
                    return Err(invalid(format!(
                        "items[{i}].qty: must be between 1 and {MAX_QTY}"
                    )))
                }
            },
            None | Some(Value::Null) => {
                return Err(invalid(format!("items[{i}].qty: is required")))
            }
            Some(_) => return Err(invalid(format!("items[{i}].qty: must be an integer"))),
        };
        // qty <= 100 was checked just above, so it fits in u32.
        parsed.push(OrderLine {
            sku,
            qty: u32::try_from(qty).unwrap_or(u32::MAX),
        });
    }
    Ok(merge_lines(parsed))
}

/// Sums the quantities of lines with the same sku, keeping first-seen order, so that one
/// inventory update per sku is enough (DynamoDB transactions refuse two actions on one item).
pub fn merge_lines(lines: Vec<OrderLine>) -> Vec<OrderLine> {
    let mut merged: Vec<OrderLine> = Vec::with_capacity(lines.len());
    for line in lines {
        match merged.iter_mut().find(|m| m.sku == line.sku) {
            Some(m) => m.qty = m.qty.saturating_add(line.qty),
            None => merged.push(line),
        }
    }
    merged
}

impl OrderRequest {
    /// Applies every validation rule to a validate-order payload
    /// `{orderId, userId, amount, items}`. The first broken rule is reported.
    pub fn validate(input: &Value) -> Result<Self, DomainError> {
        if !input.is_object() {
            return Err(invalid("$: the payload must be a JSON object"));
        }
        let order_id = require_str(input, "orderId")?.to_string();
        let user_id = require_str(input, "userId")?.to_string();
        let amount = validate_amount(input)?;
        let items = validate_items(input)?;
        Ok(Self {
            order_id,
            user_id,
            amount,
            line_count: items.len(),
            total_qty: items.iter().map(|l| u64::from(l.qty)).sum(),
            items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> String {
        match OrderRequest::validate(&v) {
            Err(DomainError::OrderInvalid(m)) => m,
            other => panic!("expected OrderInvalid, got {other:?}"),
        }
    }

    fn base() -> Value {
        json!({"orderId": "o-1", "userId": "u-1", "amount": 42.5, "items": [{"sku": "A-1", "qty": 2}]})
    }

    #[test]
    fn valid_request_merges_duplicates() {
        let mut v = base();
        v["items"] =
            json!([{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}, {"sku": "A-1", "qty": 3}]);
        let r = OrderRequest::validate(&v).unwrap();
        assert_eq!(
            r.items,
            vec![
                OrderLine {
                    sku: "A-1".into(),
                    qty: 5
                },
                OrderLine {
                    sku: "B-2".into(),
                    qty: 1
                }
            ]
        );
        assert_eq!((r.line_count, r.total_qty), (2, 6));
        let out = serde_json::to_value(&r).unwrap();
        assert_eq!(out["amount"], "42.50");
        assert!(out.get("userId").is_none());
    }

    #[test]
    fn each_rule_names_its_field() {
        let mut v = base();
        v["items"] = json!([{"sku": "A-1", "qty": 2}, {"sku": "A-2", "qty": 101}]);
        assert_eq!(err(v), "items[1].qty: must be between 1 and 100");
        let mut v = base();
        v["items"] = json!([{"sku": "A-1", "qty": 1.5}]);
        assert_eq!(err(v), "items[0].qty: must be between 1 and 100");
        let mut v = base();
        v["items"] = json!([{"sku": "a-1", "qty": 1}]);
        assert!(err(v).starts_with("items[0].sku: must match"));
        let mut v = base();
        v["items"] = json!([{"sku": "A".repeat(33), "qty": 1}]);
        assert!(err(v).starts_with("items[0].sku:"));
        let mut v = base();
        v["items"] = json!([]);
        assert_eq!(err(v), "items: must contain at least 1 line");
        let mut v = base();
        v["items"] = Value::Array(
            (0..51)
                .map(|i| json!({"sku": format!("S{i}"), "qty": 1}))
                .collect(),
        );
        assert_eq!(err(v), "items: must contain at most 50 lines, got 51");
        let mut v = base();
        v["amount"] = json!(10.123);
        assert_eq!(err(v), "amount: must have at most 2 decimal places");
        let mut v = base();
        v["amount"] = json!(0);
        assert_eq!(err(v), "amount: must be positive");
        let mut v = base();
        v["amount"] = json!(1_000_000.01);
        assert_eq!(err(v), "amount: must be at most 1000000.00");
        let mut v = base();
        v["amount"] = json!("lots");
        assert_eq!(err(v), "amount: must be a number");
        let mut v = base();
        v.as_object_mut().unwrap().remove("orderId");
        assert_eq!(err(v), "orderId: is required");
        assert_eq!(err(json!([1])), "$: the payload must be a JSON object");
    }

    #[test]
    fn boundaries_are_accepted() {
        let mut v = base();
        v["amount"] = json!(1_000_000);
        v["items"] = json!([{"sku": "A".repeat(32), "qty": 100}, {"sku": "B", "qty": 1}]);
        assert!(OrderRequest::validate(&v).is_ok());
        assert!(is_valid_sku("A-1-B2"));
        assert!(!is_valid_sku("A--1"));
        assert!(!is_valid_sku("-A"));
        assert!(!is_valid_sku(""));
    }
}
