//! JSON Schema draft 4's numeric keywords (`minimum` and `maximum` with the boolean
//! `exclusiveMinimum`/`exclusiveMaximum`, `multipleOf`) for every JSON number.
//!
//! Numbers are compared as decimals, not as binary floats, so `0.07` is a multiple of `0.01`.
//! `rust_decimal` holds 28 digits: a number at or above about 7.9e28 in magnitude, or smaller
//! than 1e-28, does not fit. Such a number used to skip every bound, so
//! `{"amount": -1e29}` passed `minimum: 0`. Here it is kept as its shortest decimal digits and
//! exponent ([`Num::Wide`]): it orders against any bound through `f64` (a magnitude that large
//! or that small cannot tie a bound the decimal range holds). `multipleOf` is decided exactly
//! with modular arithmetic on those digits.

use std::cmp::Ordering;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

/// A JSON number as the validator compares it.
#[derive(Debug, Clone, Copy)]
enum Num {
    /// Within `Decimal`'s range: exact.
    Exact(Decimal),
    /// Outside it: the `f64` serde_json parsed (finite: JSON has no infinities).
    Wide(f64),
}

impl Num {
    fn of(v: &Value) -> Option<Num> {
        let Value::Number(n) = v else { return None };
        let text = n.to_string();
        Decimal::from_str(&text)
            .ok()
            .or_else(|| Decimal::from_scientific(&text).ok())
            .map(Num::Exact)
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(Num::Wide))
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Exact(d) => d.to_string().parse().unwrap_or(f64::NAN),
            Num::Wide(f) => f,
        }
    }

    fn cmp(self, other: Num) -> Ordering {
        match (self, other) {
            (Num::Exact(a), Num::Exact(b)) => a.cmp(&b),
            _ => self.as_f64().total_cmp(&other.as_f64()),
        }
    }

    fn is_zero(self) -> bool {
        match self {
            Num::Exact(d) => d.is_zero(),
            Num::Wide(f) => f == 0.0,
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Exact(d) => write!(f, "{d}"),
            Num::Wide(x) => write!(f, "{x:e}"),
        }
    }
}

/// Whether `x` is an integer multiple of `m` (`m` not zero).
fn is_multiple(x: Num, m: Num) -> bool {
    match (x, m) {
        (Num::Exact(x), Num::Exact(m)) => (x % m).is_zero(),
        (Num::Wide(x), Num::Exact(m)) => wide_is_multiple(x, m),
        // A `multipleOf` outside 28 digits is a schema nobody writes; approximate.
        (x, m) => {
            let q = x.as_f64() / m.as_f64();
            q.is_finite() && q.fract() == 0.0
        }
    }
}

/// `x` (outside `Decimal`'s range) against `m` = b·10^-s: a tiny non-zero `x` is smaller than
/// any `m`, so no multiple; a huge one is a·10^p with p ≥ 0, a multiple when b divides
/// a·10^(p+s).
fn wide_is_multiple(x: f64, m: Decimal) -> bool {
    if x == 0.0 {
        return true;
    }
    if x.abs() < 1.0 {
        return false;
    }
    // Shortest round-trip digits: "1.2345e29" is a = 12345, p = 29 - 4.
    let text = format!("{:e}", x.abs());
    let Some((mantissa, exp)) = text.split_once('e') else {
        return false;
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let (Ok(a), Ok(exp)) = (format!("{int}{frac}").parse::<u128>(), exp.parse::<i64>()) else {
        return false;
    };
    let p = exp - frac.len() as i64;
    let b = m.mantissa().unsigned_abs();
    let shift = p + i64::from(m.scale());
    if shift < 0 || b == 0 {
        return false;
    }
    mul_mod(a % b, pow_mod(10, shift as u64, b), b) == 0
}

/// `a·b mod m` without overflow (a, b < m).
fn mul_mod(mut a: u128, mut b: u128, m: u128) -> u128 {
    let mut r = 0u128;
    a %= m;
    while b > 0 {
        if b & 1 == 1 {
            r = (r + a) % m;
        }
        a = (a + a) % m;
        b >>= 1;
    }
    r
}

/// `base^exp mod m`.
fn pow_mod(base: u128, mut exp: u64, m: u128) -> u128 {
    let mut r = 1 % m;
    let mut b = base % m;
    while exp > 0 {
        if exp & 1 == 1 {
            r = mul_mod(r, b, m);
        }
        b = mul_mod(b, b, m);
        exp >>= 1;
    }
    r
}

/// The numeric keywords of schema `s` against the number `v`, in the validator's words.
pub(super) fn number(s: &serde_json::Map<String, Value>, v: &Value, errs: &mut Vec<String>) {
    let Some(x) = Num::of(v) else { return };
    let flag = |k: &str| s.get(k) == Some(&Value::Bool(true));
    if let Some(min) = s.get("minimum").and_then(Num::of) {
        let order = x.cmp(min);
        if flag("exclusiveMinimum") && order != Ordering::Greater {
            errs.push(format!(
                "numeric instance is not strictly greater than the required minimum {min}"
            ));
        } else if order == Ordering::Less {
            errs.push(format!(
                "numeric instance is lower than the required minimum (minimum: {min}, found: {x})"
            ));
        }
    }
    if let Some(max) = s.get("maximum").and_then(Num::of) {
        let order = x.cmp(max);
        if flag("exclusiveMaximum") && order != Ordering::Less {
            errs.push(format!(
                "numeric instance is not strictly lower than the required maximum {max}"
            ));
        } else if order == Ordering::Greater {
            errs.push(format!(
                "numeric instance is greater than the required maximum (maximum: {max}, found: {x})"
            ));
        }
    }
    if let Some(m) = s.get("multipleOf").and_then(Num::of) {
        if !m.is_zero() && !is_multiple(x, m) {
            errs.push(format!("remainder of division is not zero ({x} / {m})"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(schema: Value, v: Value) -> Vec<String> {
        let mut errs = Vec::new();
        number(schema.as_object().expect("schema"), &v, &mut errs);
        errs
    }

    /// The review's reproduction: -1e29 and 1e300 are outside `Decimal` and skipped every bound.
    #[test]
    fn bounds_hold_beyond_decimal_range() {
        let amount =
            json!({"minimum": 0, "exclusiveMinimum": true, "maximum": 1000000, "multipleOf": 0.01});
        let e = errors(amount.clone(), json!(-1e29));
        assert_eq!(
            e,
            ["numeric instance is not strictly greater than the required minimum 0"]
        );
        let e = errors(amount.clone(), json!(1e29));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("numeric instance is greater than the required maximum"));
        let qty = json!({"minimum": 1, "maximum": 100});
        assert_eq!(errors(qty.clone(), json!(1e300)).len(), 1);
        assert_eq!(errors(qty, json!(-1e300)).len(), 1);
        // Tiny: above an exclusive minimum of 0, but no multiple of 0.01.
        let e = errors(amount, json!(1e-30));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("remainder of division is not zero"));
    }

    #[test]
    fn multiples_are_exact_at_any_magnitude() {
        let cents = json!({"multipleOf": 0.01});
        assert!(errors(cents.clone(), json!(0.07)).is_empty());
        assert!(errors(cents.clone(), json!(1e300)).is_empty());
        assert!(errors(cents.clone(), json!(1.2345e29)).is_empty());
        let three = json!({"multipleOf": 3});
        assert!(errors(three.clone(), json!(3e29)).is_empty());
        assert_eq!(errors(three.clone(), json!(1e29)).len(), 1);
        assert!(errors(three, json!(1.2e30)).is_empty());
    }

    #[test]
    fn decimals_in_range_compare_exactly() {
        let s = json!({"minimum": 0.1, "maximum": 0.3});
        assert!(errors(s.clone(), json!(0.3)).is_empty());
        assert_eq!(errors(s, json!(0.30000000000000004)).len(), 1);
    }
}
