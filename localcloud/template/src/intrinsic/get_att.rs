//! `Fn::GetAtt` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html>):
//! `[LogicalId, Attribute]`, where the attribute name may itself be a `Ref`. The short string
//! form `!GetAtt A.B` is split by the loader.

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result, TemplateError};
use crate::physical::ResourceInfo;

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<Value> {
    let (id, attr) = match arg {
        Value::String(s) => s
            .split_once('.')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .ok_or_else(|| malformed(at, "GetAtt string form is `LogicalId.Attribute`"))?,
        Value::Array(items) if items.len() == 2 => {
            let id = items[0]
                .as_str()
                .ok_or_else(|| malformed(at, "GetAtt's first element is a logical id"))?;
            (
                id.to_string(),
                r.resolve_string(&items[1], &format!("{at}[1]"))?,
            )
        }
        _ => return Err(malformed(at, "GetAtt takes [LogicalId, Attribute]")),
    };
    attribute(r, &id, &attr, at)
}

/// The value of attribute `attr` of resource `id`.
pub(crate) fn attribute(r: &Resolver<'_>, id: &str, attr: &str, at: &str) -> Result<Value> {
    let decl = r.decl(id, at)?;
    let name = r.resource_name(id, at)?;
    let info = ResourceInfo {
        logical_id: id,
        resource_type: &decl.resource_type,
        name: name.as_deref(),
        stack: r.stack,
    };
    r.physical
        .attribute(&info, attr)
        .ok_or_else(|| TemplateError::UnknownAttribute {
            at: at.to_string(),
            logical_id: id.to_string(),
            resource_type: decl.resource_type.clone(),
            attribute: attr.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn short_long_and_list_forms() {
        let f = Fixture::new();
        let arn = json!("arn:aws:dynamodb:us-east-1:000000000000:table/app-orders");
        assert_eq!(f.ok("!GetAtt OrdersTable.Arn"), arn);
        assert_eq!(f.ok("!GetAtt [OrdersTable, Arn]"), arn);
        assert_eq!(f.ok("Fn::GetAtt: [OrdersTable, Arn]"), arn);
        assert_eq!(f.ok("Fn::GetAtt: OrdersTable.Arn"), arn);
        assert_eq!(
            f.ok("!GetAtt OrdersTable.StreamArn"),
            json!("arn:aws:dynamodb:us-east-1:000000000000:table/app-orders/stream/1970-01-01T00:00:00.000")
        );
        assert_eq!(
            f.ok("!GetAtt Fn.Arn"),
            json!("arn:aws:lambda:us-east-1:000000000000:function:app-Fn")
        );
    }

    #[test]
    fn unknown_attribute_names_resource_and_attribute() {
        let f = Fixture::new();
        let err = f.eval("!GetAtt OrdersTable.Bogus").expect_err("unknown");
        let text = err.to_string();
        assert!(
            text.contains("OrdersTable") && text.contains("Bogus"),
            "{text}"
        );
        assert!(f.eval("!GetAtt Missing.Arn").is_err());
    }
}
