//! `Fn::If` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html#intrinsic-function-reference-conditions-if>):
//! `[condition, value_if_true, value_if_false]`; only the chosen branch is resolved, and it may
//! be `AWS::NoValue`.

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result, TemplateError};

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<Option<Value>> {
    let Some([condition, yes, no]) = arg.as_array().map(Vec::as_slice) else {
        return Err(malformed(
            at,
            "If takes [condition, value_if_true, value_if_false]",
        ));
    };
    let name = condition
        .as_str()
        .ok_or_else(|| malformed(at, "If's first element is a condition name"))?;
    let value = *r
        .conditions
        .get(name)
        .ok_or_else(|| TemplateError::UnknownCondition {
            at: at.to_string(),
            name: name.to_string(),
        })?;
    if value {
        r.resolve(yes, &format!("{at}[1]"))
    } else {
        r.resolve(no, &format!("{at}[2]"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn picks_a_branch_and_removes_no_value() {
        let f = Fixture::new();
        assert_eq!(f.ok("!If [IsDev, 1, 2]"), json!(1));
        assert_eq!(f.ok("!If [IsProd, 1, 2]"), json!(2));
        assert_eq!(
            f.ok("a: !If [IsProd, 1, !Ref AWS::NoValue]\nb: 2"),
            json!({"b": 2})
        );
        // The branch not taken is not resolved (it may name a dropped resource).
        assert_eq!(f.ok("!If [IsDev, x, !Ref Dropped]"), json!("x"));
        assert!(f.eval("!If [Nope, 1, 2]").is_err());
    }
}
