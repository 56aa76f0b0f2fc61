//! `Ref`: parameters, pseudo parameters, resources
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html>),
//! and SAM's `!Ref Function.Alias`
//! (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-function.html>).

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result, TemplateError};
use crate::physical::ResourceInfo;

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<Option<Value>> {
    let name = arg
        .as_str()
        .ok_or_else(|| malformed(at, "Ref takes the name of a parameter or resource"))?;
    lookup(r, name, at)
}

/// What `Ref name` gives; `Ok(None)` is `AWS::NoValue`.
pub(crate) fn lookup(r: &Resolver<'_>, name: &str, at: &str) -> Result<Option<Value>> {
    if let Some(p) = r.params.get(name) {
        return Ok(Some(p.to_value()));
    }
    if let Some(v) = r.stack.pseudo(name) {
        return Ok(v);
    }
    if r.resources.contains_key(name) {
        return resource_ref(r, name, at).map(|s| Some(Value::String(s)));
    }
    if let Some((function, "Alias")) = name.split_once('.') {
        let alias = r
            .resources
            .iter()
            .find(|(_, d)| d.alias_of.as_ref().is_some_and(|(f, _)| f == function))
            .map(|(id, _)| id.clone())
            .ok_or_else(|| {
                malformed(
                    at,
                    format!("`{name}`: function `{function}` has no AutoPublishAlias"),
                )
            })?;
        return resource_ref(r, &alias, at).map(|s| Some(Value::String(s)));
    }
    Err(TemplateError::UnresolvedRef {
        at: at.to_string(),
        name: name.to_string(),
    })
}

/// The physical id of resource `id` (an alias is `<function arn>:<alias>`).
pub(crate) fn resource_ref(r: &Resolver<'_>, id: &str, at: &str) -> Result<String> {
    let decl = r.decl(id, at)?;
    if let Some((function, alias)) = &decl.alias_of {
        let arn = super::get_att::attribute(r, function, "Arn", at)?;
        let arn = arn.as_str().unwrap_or_default();
        return Ok(format!("{arn}:{alias}"));
    }
    let name = r.resource_name(id, at)?;
    Ok(r.physical.reference(&ResourceInfo {
        logical_id: id,
        resource_type: &decl.resource_type,
        name: name.as_deref(),
        stack: r.stack,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn parameters_pseudo_parameters_and_resources() {
        let f = Fixture::new();
        assert_eq!(f.ok("!Ref Stage"), json!("dev"));
        assert_eq!(f.ok("!Ref Zones"), json!(["a", "b"]));
        assert_eq!(f.ok("Ref: AWS::Region"), json!("us-east-1"));
        assert_eq!(f.ok("!Ref AWS::AccountId"), json!("000000000000"));
        assert_eq!(f.ok("!Ref AWS::Partition"), json!("aws"));
        assert_eq!(f.ok("!Ref AWS::URLSuffix"), json!("amazonaws.com"));
        assert!(f.ok("!Ref AWS::StackId").as_str().is_some_and(
            |s| s.starts_with("arn:aws:cloudformation:us-east-1:000000000000:stack/app/")
        ));
        // Ref of a table is its name; the TableName here is itself a Sub.
        assert_eq!(f.ok("!Ref OrdersTable"), json!("app-orders"));
        assert_eq!(f.ok("!Ref Fn"), json!("app-Fn"));
    }

    #[test]
    fn no_value_removes_the_property() {
        let f = Fixture::new();
        assert_eq!(f.ok("a: 1\nb: !Ref AWS::NoValue"), json!({"a": 1}));
        assert_eq!(f.ok("[1, !Ref AWS::NoValue, 2]"), json!([1, 2]));
    }

    #[test]
    fn sam_alias_reference() {
        let f = Fixture::new();
        let arn = "arn:aws:lambda:us-east-1:000000000000:function:app-Fn:live";
        assert_eq!(f.ok("!Ref Fn.Alias"), json!(arn));
        assert_eq!(f.ok("!Ref FnAliaslive"), json!(arn));
    }

    #[test]
    fn unknown_names_are_errors() {
        let f = Fixture::new();
        let err = f.eval("a: !Ref Nope").expect_err("unresolved");
        assert_eq!(
            err.to_string(),
            "X.a.Ref: unresolved reference `Nope` (not a parameter, pseudo parameter or resource)"
        );
    }
}
