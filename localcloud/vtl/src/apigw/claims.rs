//! `$context.authorizer.claims`: each claim reads as a property (`.sub`, `['cognito:groups']`),
//! but the object itself "returns null" (AWS's reference says so), so it renders as nothing.

use crate::methods;
use crate::value::{HostObject, MapRef, Value};

/// The Cognito claims of the caller, all values strings (as API Gateway passes them).
pub struct Claims(pub MapRef);

impl HostObject for Claims {
    fn type_name(&self) -> &'static str {
        "Claims"
    }

    fn property(&self, name: &str) -> Option<Value> {
        self.0.borrow().get(name).cloned()
    }

    fn call(&self, name: &str, args: &[Value]) -> Result<Option<Value>, String> {
        methods::call(&Value::Map(self.0.clone()), name, args)
    }

    fn display(&self) -> Option<String> {
        Some(String::new())
    }
}
