//! JSON values as the generated validators see them: JSON Schema's equality, and how a
//! validation message quotes a value.

use serde_json::Value;

/// JSON Schema equality, as `const`, `enum` and `uniqueItems` use it.
///
/// Numbers are equal when their mathematical values are (`1`, `1.0` and `1e0` are; so are `0`
/// and `-0.0`), compared exactly, never through a lossy conversion; objects when they have
/// the same members whatever their order; arrays when they have equal elements in the same
/// order. It is the equality a generated type keeps: a document it decodes encodes back to
/// an equal one.
///
/// ```
/// use serde_json::json;
/// use wecom_rooms_runtime::value::equal;
///
/// assert!(equal(&json!({"a": [1, 2.0], "b": null}), &json!({"b": null, "a": [1.0, 2]})));
/// assert!(!equal(&json!(9007199254740993_u64), &json!(9007199254740992.0)));
/// assert!(!equal(&json!([1, 2]), &json!([2, 1])));
/// ```
#[inline]
pub fn equal(a: &Value, b: &Value) -> bool {
    crate::__private::json::equal(a, b)
}

/// How a validation message quotes `value`: a scalar as JSON (a string of more than 40
/// characters shortened, with its length), an array or object by its size.
///
/// A program that shows reports where a value must stay hidden (a secret that broke its
/// schema) can look for this quotation in each message and replace it.
///
/// ```
/// use serde_json::json;
/// use wecom_rooms_runtime::value::describe;
///
/// assert_eq!(describe(&json!("ab")), r#""ab""#);
/// assert_eq!(describe(&json!("x".repeat(50))), format!(r#""{}…" (50 characters)"#, "x".repeat(40)));
/// assert_eq!(describe(&json!([1, 2])), "an array of 2 items");
/// assert_eq!(describe(&json!({"a": 1})), "an object with 1 member");
/// ```
pub fn describe(value: &Value) -> String {
    const MAX_CHARS: usize = 40;
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if s.chars().count() <= MAX_CHARS {
                Value::String(s.clone()).to_string()
            } else {
                let head: String = s.chars().take(MAX_CHARS).collect();
                let quoted = Value::String(head).to_string();
                format!(
                    "{}…\" ({} characters)",
                    &quoted[..quoted.len() - 1],
                    s.chars().count()
                )
            }
        }
        Value::Array(items) => format!("an array of {} item{}", items.len(), plural(items.len())),
        Value::Object(members) => {
            format!(
                "an object with {} member{}",
                members.len(),
                plural(members.len())
            )
        }
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn describe_shortens_long_strings() {
        let long = "x".repeat(100);
        assert_eq!(
            describe(&json!(long)),
            format!("\"{}…\" (100 characters)", "x".repeat(40))
        );
        assert_eq!(describe(&json!("ab")), "\"ab\"");
        assert_eq!(describe(&json!([1, 2])), "an array of 2 items");
        assert_eq!(describe(&json!({"a": 1})), "an object with 1 member");
        assert_eq!(describe(&json!(-1)), "-1");
    }
}
