//! DynamoDB helpers: attribute conversion via serde_dynamo, attribute readers, table names
//! from the environment, and the contract's timestamp format.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{de::DeserializeOwned, Serialize};

use crate::DomainError;

/// A DynamoDB item as the SDK holds it.
pub type Item = HashMap<String, AttributeValue>;

/// A required environment variable (a table name) is missing or empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("environment variable {0} is not set; the template must pass it to this function")]
pub struct MissingEnv(pub String);

/// Reads a table name (or any required setting) from the environment.
pub fn env_required(var: &str) -> Result<String, MissingEnv> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(MissingEnv(var.to_string())),
    }
}

/// The contract's timestamp text: ISO-8601 UTC with milliseconds, `2026-11-28T12:00:00.000Z`.
pub fn iso_millis(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A string attribute.
pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number attribute (DynamoDB numbers travel as text, so no precision is lost).
pub fn n(v: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// Reads a string attribute, if present and a string.
pub fn get_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v),
        _ => None,
    }
}

/// Reads a number attribute's text, if present and a number.
pub fn get_n<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => Some(v),
        _ => None,
    }
}

/// Converts a serializable value (e.g. a list of order lines) to one attribute value.
pub fn to_attribute<T: Serialize>(value: &T) -> Result<AttributeValue, DomainError> {
    serde_dynamo::to_attribute_value(value).map_err(|e| DomainError::dependency("serde_dynamo", e))
}

/// Converts an item to a typed value.
pub fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, DomainError> {
    serde_dynamo::from_item(item).map_err(|e| DomainError::dependency("serde_dynamo", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrderLine;

    #[test]
    fn lines_become_a_list_of_maps() {
        let lines = vec![OrderLine {
            sku: "A-1".into(),
            qty: 2,
        }];
        let AttributeValue::L(list) = to_attribute(&lines).unwrap() else {
            panic!("not a list")
        };
        let AttributeValue::M(m) = &list[0] else {
            panic!("not a map")
        };
        assert_eq!(get_s(m, "sku"), Some("A-1"));
        assert_eq!(get_n(m, "qty"), Some("2"));
        let back: OrderLine = from_item(m.clone()).unwrap();
        assert_eq!(back, lines[0]);
    }

    #[test]
    fn timestamps_have_millis_and_z() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(iso_millis(t), "2026-11-28T12:00:00.000Z");
    }

    #[test]
    fn missing_env_is_named() {
        let err = env_required("ORDER_DOMAIN_TEST_SURELY_UNSET").unwrap_err();
        assert!(err.to_string().contains("ORDER_DOMAIN_TEST_SURELY_UNSET"));
    }
}
