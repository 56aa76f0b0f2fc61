//! `java.util.List` methods.

use super::{int_arg, CallResult};
use crate::value::{ListRef, Value};

pub(super) fn call(list: &ListRef, name: &str, args: &[Value]) -> CallResult {
    let len = list.borrow().len();
    let bounds = |i: i64, max: usize| -> Result<usize, String> {
        usize::try_from(i)
            .ok()
            .filter(|i| *i <= max)
            .ok_or_else(|| format!("Index {i} out of bounds for length {len}"))
    };
    Ok(Some(match (name, args) {
        ("size", []) => Value::Int(len as i64),
        ("isEmpty", []) => Value::Bool(len == 0),
        ("get", [i]) => {
            let Some(i) = int_arg(i) else { return Ok(None) };
            if len == 0 {
                return Err(format!("Index {i} out of bounds for length 0"));
            }
            let i = bounds(i, len - 1)?;
            list.borrow()[i].clone()
        }
        ("contains", [x]) => Value::Bool(list.borrow().iter().any(|v| v.java_equals(x))),
        ("indexOf", [x]) => Value::Int(
            list.borrow()
                .iter()
                .position(|v| v.java_equals(x))
                .map_or(-1, |i| i as i64),
        ),
        ("lastIndexOf", [x]) => Value::Int(
            list.borrow()
                .iter()
                .rposition(|v| v.java_equals(x))
                .map_or(-1, |i| i as i64),
        ),
        ("add", [x]) => {
            list.borrow_mut().push(x.clone());
            Value::Bool(true)
        }
        ("add", [i, x]) => {
            let Some(i) = int_arg(i) else { return Ok(None) };
            let i = bounds(i, len)?;
            list.borrow_mut().insert(i, x.clone());
            // `void add(int, E)`: Java returns nothing, so the reference renders as null.
            Value::Null
        }
        ("addAll", [Value::List(other) | Value::JsonArray(other)]) => {
            let items = other.borrow().clone();
            list.borrow_mut().extend(items);
            Value::Bool(true)
        }
        ("set", [i, x]) => {
            let Some(i) = int_arg(i) else { return Ok(None) };
            if len == 0 {
                return Err(format!("Index {i} out of bounds for length 0"));
            }
            let i = bounds(i, len - 1)?;
            std::mem::replace(&mut list.borrow_mut()[i], x.clone())
        }
        ("remove", [Value::Int(i)]) => {
            if len == 0 {
                return Err(format!("Index {i} out of bounds for length 0"));
            }
            let i = bounds(*i, len - 1)?;
            list.borrow_mut().remove(i)
        }
        ("remove", [x]) => {
            let pos = list.borrow().iter().position(|v| v.java_equals(x));
            if let Some(p) = pos {
                list.borrow_mut().remove(p);
            }
            Value::Bool(pos.is_some())
        }
        ("clear", []) => {
            list.borrow_mut().clear();
            Value::Null
        }
        ("subList", [a, b]) => {
            let (Some(a), Some(b)) = (int_arg(a), int_arg(b)) else {
                return Ok(None);
            };
            let (a, b) = (bounds(a, len)?, bounds(b, len)?);
            if a > b {
                return Err(format!("fromIndex({a}) > toIndex({b})"));
            }
            Value::list(list.borrow()[a..b].to_vec())
        }
        _ => return Ok(None),
    }))
}
