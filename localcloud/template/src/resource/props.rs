//! A reader over a resolved `Properties` mapping that remembers which keys were read, so a
//! property the model does not understand is an error naming its path instead of being ignored.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Result, TemplateError};

/// See the module docs.
pub(crate) struct Props<'a> {
    map: Option<&'a Map<String, Value>>,
    path: String,
    used: RefCell<BTreeSet<String>>,
}

impl<'a> Props<'a> {
    /// Reads `v` (a mapping, or null for "no properties") at dotted `path`.
    pub fn new(v: Option<&'a Value>, path: String) -> Result<Self> {
        let map = match v {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                return Err(TemplateError::InvalidProperty {
                    path,
                    message: format!("expected a mapping, found {other}"),
                })
            }
        };
        Ok(Self {
            map,
            path,
            used: RefCell::new(BTreeSet::new()),
        })
    }

    /// The dotted path of `key`.
    pub fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    fn invalid(&self, key: &str, message: impl Into<String>) -> TemplateError {
        TemplateError::InvalidProperty {
            path: self.path(key),
            message: message.into(),
        }
    }

    /// The raw value of `key`, marking it understood.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.used.borrow_mut().insert(key.to_string());
        self.map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    /// Marks keys that have no local meaning (tags, IAM, tracing...) as understood.
    pub fn ignore(&self, keys: &[&str]) {
        let mut used = self.used.borrow_mut();
        for k in keys {
            used.insert((*k).to_string());
        }
    }

    /// A string (numbers and booleans are written as CloudFormation would).
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => crate::parameters::scalar_string(v)
                .map(Some)
                .ok_or_else(|| self.invalid(key, format!("expected a string, found {v}"))),
        }
    }

    /// A required string.
    pub fn req_string(&self, key: &str) -> Result<String> {
        self.string(key)?
            .ok_or_else(|| self.invalid(key, "is required"))
    }

    /// A non-negative integer (a numeric string is accepted, as CloudFormation does).
    pub fn u64(&self, key: &str) -> Result<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| self.invalid(key, format!("`{s}` is not a non-negative integer"))),
            Some(v) => {
                Err(self.invalid(key, format!("expected a non-negative integer, found {v}")))
            }
        }
    }

    /// A `u32`.
    pub fn u32(&self, key: &str) -> Result<Option<u32>> {
        self.u64(key)?
            .map(|n| u32::try_from(n).map_err(|_| self.invalid(key, format!("{n} is too large"))))
            .transpose()
    }

    /// A boolean (`"true"`/`"false"` strings accepted).
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(self.invalid(key, format!("expected a boolean, found {v}"))),
        }
    }

    /// A list of strings (missing is empty).
    pub fn strings(&self, key: &str) -> Result<Vec<String>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    crate::parameters::scalar_string(v)
                        .ok_or_else(|| self.invalid(key, format!("expected strings, found {v}")))
                })
                .collect(),
            Some(v) => Err(self.invalid(key, format!("expected a list of strings, found {v}"))),
        }
    }

    /// A mapping of strings (missing is empty).
    pub fn string_map(&self, key: &str) -> Result<BTreeMap<String, String>> {
        match self.get(key) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| {
                    crate::parameters::scalar_string(v)
                        .map(|s| (k.clone(), s))
                        .ok_or_else(|| {
                            self.invalid(
                                &format!("{key}.{k}"),
                                format!("expected a string, found {v}"),
                            )
                        })
                })
                .collect(),
            Some(v) => Err(self.invalid(key, format!("expected a mapping of strings, found {v}"))),
        }
    }

    /// A nested mapping, read with its own reader (call [`Props::finish`] on it).
    pub fn child(&self, key: &str) -> Result<Option<Props<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Props::new(Some(v), self.path(key)).map(Some),
        }
    }

    /// A list of mappings, each with its own reader.
    pub fn list(&self, key: &str) -> Result<Vec<Props<'a>>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| Props::new(Some(v), format!("{}[{i}]", self.path(key))))
                .collect(),
            Some(v) => Err(self.invalid(key, format!("expected a list, found {v}"))),
        }
    }

    /// One of `allowed` (exact spelling).
    pub fn one_of(&self, key: &str, allowed: &[&str]) -> Result<Option<String>> {
        match self.string(key)? {
            Some(s) if !allowed.contains(&s.as_str()) => {
                Err(self.invalid(key, format!("`{s}` is not one of {}", allowed.join(", "))))
            }
            other => Ok(other),
        }
    }

    /// Fails on the first key that was never read nor ignored.
    pub fn finish(self) -> Result<()> {
        let used = self.used.borrow();
        if let Some(key) = self
            .map
            .into_iter()
            .flat_map(|m| m.keys())
            .find(|k| !used.contains(*k))
        {
            return Err(TemplateError::UnsupportedProperty {
                path: self.path(key),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unread_keys_are_reported_with_their_path() {
        let v = json!({"A": "1", "B": {"C": true, "D": 1}, "Tags": []});
        let p = Props::new(Some(&v), "Resources.X.Properties".into()).expect("map");
        assert_eq!(p.u64("A").expect("int"), Some(1));
        p.ignore(&["Tags"]);
        let b = p.child("B").expect("child").expect("present");
        assert_eq!(b.bool("C").expect("bool"), Some(true));
        let err = b.finish().expect_err("D unread");
        assert_eq!(
            err.to_string(),
            "Resources.X.Properties.B.D: property not supported locally (it would change behaviour, so it is not ignored)"
        );
        p.finish().expect("all read");
    }
}
