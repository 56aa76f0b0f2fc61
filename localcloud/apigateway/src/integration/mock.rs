//! MOCK: no backend; the rendered request template's `statusCode` is the "integration status"
//! the responses select on (200 when absent).
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html>

use serde_json::Value;

/// The status a MOCK integration answers with for the rendered request `body`.
pub fn status(body: &str) -> u16 {
    let v: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => return 200,
    };
    match v.get("statusCode") {
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .unwrap_or(500),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(500),
        _ => 200,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_from_template() {
        assert_eq!(super::status(r#"{"statusCode": 404}"#), 404);
        assert_eq!(super::status(r#"{"statusCode": "201"}"#), 201);
        assert_eq!(super::status(""), 200);
    }
}
