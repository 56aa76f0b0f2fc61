//! Velocity 1.7's operators: arithmetic with `Integer`/`Long`/`Double` semantics
//! (`org.apache.velocity.util.MathUtils`), equality and ordering.

use crate::ast::BinOp;
use crate::value::Value;

/// `+ - * / %`. Returns `Null` where Velocity logs an error and yields null (a non-number
/// operand, division by zero), which `#set` then ignores.
pub fn arithmetic(op: BinOp, left: &Value, right: &Value) -> Value {
    if op == BinOp::Add {
        if let (Value::String(_), r) | (r, Value::String(_)) = (left, right) {
            if r.is_null() {
                return Value::Null;
            }
            return Value::String(format!(
                "{}{}",
                left.to_java_string(),
                right.to_java_string()
            ));
        }
    }
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            let exact = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div if b == 0 => return Value::Null,
                BinOp::Div => a.checked_div(b),
                BinOp::Mod if b == 0 => return Value::Null,
                BinOp::Mod => a.checked_rem(b),
                _ => return Value::Null,
            };
            match exact {
                Some(v) => Value::Int(v),
                // Java widens to BigInteger; a double keeps the magnitude.
                None => float_op(op, a as f64, b as f64),
            }
        }
        _ => match (left.as_f64(), right.as_f64()) {
            (Some(a), Some(b)) => float_op(op, a, b),
            _ => Value::Null,
        },
    }
}

fn float_op(op: BinOp, a: f64, b: f64) -> Value {
    match op {
        BinOp::Add => Value::Double(a + b),
        BinOp::Sub => Value::Double(a - b),
        BinOp::Mul => Value::Double(a * b),
        BinOp::Div | BinOp::Mod if b == 0.0 => Value::Null,
        BinOp::Div => Value::Double(a / b),
        BinOp::Mod => Value::Double(a % b),
        _ => Value::Null,
    }
}

/// `==`: null equals only null; numbers compare by value; other values of one class with
/// `equals`; values of different classes by their `toString()` (Velocity 1.7's rule).
pub fn equals(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Int(_) | Value::Double(_), Value::Int(_) | Value::Double(_)) => {
            left.java_equals(right)
        }
        (Value::List(_) | Value::JsonArray(_), Value::List(_) | Value::JsonArray(_)) => {
            left.java_equals(right)
        }
        _ if std::mem::discriminant(left) == std::mem::discriminant(right) => {
            left.java_equals(right)
        }
        _ => left.to_java_string() == right.to_java_string(),
    }
}

/// `< <= > >=`: numbers only; anything else is false (Velocity logs an error).
pub fn compare(op: BinOp, left: &Value, right: &Value) -> bool {
    let ord = match (left, right) {
        (Value::Int(a), Value::Int(b)) => a.partial_cmp(b),
        _ => match (left.as_f64(), right.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => None,
        },
    };
    let Some(ord) = ord else {
        return false;
    };
    match op {
        BinOp::Lt => ord.is_lt(),
        BinOp::Le => ord.is_le(),
        BinOp::Gt => ord.is_gt(),
        BinOp::Ge => ord.is_ge(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_division_truncates_and_decimal_division_does_not() {
        assert!(matches!(
            arithmetic(BinOp::Div, &Value::Int(7), &Value::Int(2)),
            Value::Int(3)
        ));
        assert!(
            matches!(arithmetic(BinOp::Div, &Value::Double(7.0), &Value::Int(2)), Value::Double(d) if d == 3.5)
        );
        assert!(arithmetic(BinOp::Div, &Value::Int(1), &Value::Int(0)).is_null());
    }

    #[test]
    fn mixed_class_equality_uses_to_string() {
        assert!(equals(&Value::Int(1), &Value::str("1")));
        assert!(!equals(&Value::Null, &Value::str("")));
    }
}
