//! Money as an exact decimal, never `f64`.

use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money. Wraps [`Decimal`] so that `42.5` stays exactly `42.5`.
///
/// Deserializes from a JSON number or a JSON string. Numbers are read through
/// `serde_json::Number::to_string()` (the shortest text that round-trips) and then parsed
/// exactly, so a value such as `10.13` never picks up binary-float noise. Serializes as a
/// string with two decimals (`"42.50"`), the shape the contract's step results use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub Decimal);

/// Why a text could not become [`Money`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal number: {0}")]
pub struct MoneyParseError(String);

impl Money {
    /// The wrapped decimal.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// The cents part as `0..=99` (only meaningful for amounts with at most 2 decimals).
    pub fn cents(self) -> u32 {
        let hundredths = (self.0.abs() * Decimal::ONE_HUNDRED).trunc() % Decimal::ONE_HUNDRED;
        // `hundredths` is an integer in 0..100, so the conversion always succeeds.
        hundredths.to_u32().unwrap_or(0)
    }

    /// The two-decimal text used on the wire and in DynamoDB, e.g. `"42.50"`.
    pub fn to_wire(self) -> String {
        format!("{:.2}", self.0)
    }
}

impl FromStr for Money {
    type Err = MoneyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        // from_str_exact refuses to round; scientific text (1e2) comes from large JSON floats.
        Decimal::from_str_exact(t)
            .or_else(|_| Decimal::from_scientific(t))
            .map(|d| Money(d.normalize()))
            .map_err(|_| MoneyParseError(s.to_string()))
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_wire())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_wire())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n.to_string().parse().map_err(de::Error::custom),
            serde_json::Value::String(s) => s.parse().map_err(de::Error::custom),
            other => Err(de::Error::custom(format!(
                "expected a number or a numeric string, got {other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(json: &str) -> Money {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn numbers_and_strings_parse_exactly() {
        assert_eq!(m("42.5").0, Decimal::from_str_exact("42.5").unwrap());
        assert_eq!(m("\"42.50\"").0, Decimal::from_str_exact("42.5").unwrap());
        // 0.1 + 0.2 style noise must not appear: 10.13 is exactly 10.13.
        assert_eq!(m("10.13").to_wire(), "10.13");
        assert_eq!(m("1000000").to_wire(), "1000000.00");
        assert_eq!(m("1e2").to_wire(), "100.00");
    }

    #[test]
    fn serializes_as_two_decimal_string() {
        assert_eq!(serde_json::to_string(&m("42.5")).unwrap(), "\"42.50\"");
        assert_eq!(serde_json::to_string(&m("7")).unwrap(), "\"7.00\"");
    }

    #[test]
    fn rejects_non_numbers() {
        assert!(serde_json::from_str::<Money>("true").is_err());
        assert!(serde_json::from_str::<Money>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Money>("null").is_err());
    }

    #[test]
    fn cents_reads_the_hundredths() {
        assert_eq!(m("10.13").cents(), 13);
        assert_eq!(m("20.66").cents(), 66);
        assert_eq!(m("5").cents(), 0);
        assert_eq!(m("0.6").cents(), 60);
    }
}
