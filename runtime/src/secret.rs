//! Fields marked `x-secret` in a schema, such as passwords.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A field marked `x-secret` in its schema: its `Debug` never shows the value.
///
/// Generated structs derive `Debug`, and their values end up in logs, panics and test failures;
/// wrapping a secret field keeps it out of all of them:
///
/// ```
/// use wecom_rooms_runtime::Secret;
///
/// let password = Secret::new(String::from("hunter2"));
/// let shown = format!("{password:?} {password:#?}");
/// assert!(!shown.contains("hunter2"));
/// assert_eq!(format!("{password:?}"), r#"Secret("<redacted>")"#);
/// assert_eq!(password.expose(), "hunter2");
/// ```
///
/// What it deliberately does not hide:
///
/// - there is no `Display`, so the value is never formatted by accident, and reading it takes
///   a visible [`expose`](Self::expose);
/// - `Serialize` writes the plain value, since a message that is decoded must encode back to
///   the same JSON to be sent; keep serialized messages out of logs instead;
/// - `PartialEq`, `Eq` and `Hash` compare the values, since tests and round-trip checks need
///   to compare whole messages. Comparison is not constant-time: do not use it to check a
///   password.
///
/// `Clone`, `PartialEq`, `Eq`, `Hash` and `Default` are there when `T` has them.
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    #[inline]
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value, for where it is really needed.
    #[inline]
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// The value, unwrapped.
    #[inline]
    pub fn into_exposed(self) -> T {
        self.0
    }

    /// Transforms the value and keeps the result secret.
    #[inline]
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Secret<U> {
        Secret(f(self.0))
    }
}

impl<T> From<T> for Secret<T> {
    #[inline]
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No `T: Debug` bound, and the value is never touched, whatever the flags.
        f.debug_tuple("Secret").field(&"<redacted>").finish()
    }
}

/// The schema of the value: a secret is kept out of logs, not out of documents.
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Secret<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Base64String;

    /// Checks that neither `{:?}` nor `{:#?}` of `value` contains any of `hidden`.
    fn check(value: &dyn fmt::Debug, hidden: &[&str]) {
        for shown in [format!("{value:?}"), format!("{value:#?}")] {
            assert!(shown.contains("<redacted>"), "{shown}");
            for h in hidden {
                assert!(!shown.contains(h), "{shown:?} shows {h:?}");
            }
        }
    }

    #[derive(Debug, Default)]
    #[allow(dead_code)] // read only through Debug
    struct Login {
        user: String,
        password: Secret<String>,
        token: Option<Secret<Base64String>>,
    }

    #[test]
    fn debug_never_shows_the_value() {
        check(&Secret::new(String::from("hunter2")), &["hunter2"]);
        check(&Secret::new(4242_u32), &["4242"]);
        check(&Secret::new(vec!["hunter2"]), &["hunter2"]);
        let token = Base64String::encode("hunter2");
        check(
            &Secret::new(token.clone()),
            &["hunter2", token.as_str(), "Base64String"],
        );
        let login = Login {
            user: "alice".into(),
            password: Secret::new("hunter2".into()),
            token: Some(Secret::new(token.clone())),
        };
        check(&login, &["hunter2", token.as_str()]);
        assert!(format!("{login:?}").contains("alice"));
        assert_eq!(format!("{:?}", Secret::new(())), r#"Secret("<redacted>")"#);
    }

    #[test]
    fn serializes_the_plain_value() {
        for json in [r#""hunter2""#, "42", "null", r#"{"a":[1,2.5]}"#] {
            let secret: Secret<serde_json::Value> = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&secret).unwrap(), json);
        }
        let token: Secret<Base64String> = serde_json::from_str(r#""XXXXXXX""#).unwrap();
        assert_eq!(token.expose().as_str(), "XXXXXXX");
        assert_eq!(serde_json::to_string(&token).unwrap(), r#""XXXXXXX""#);
    }

    #[test]
    fn api() {
        let secret = Secret::from(String::from("pw"));
        assert_eq!(secret, Secret::new("pw".to_owned()));
        assert_ne!(secret, Secret::new("other".to_owned()));
        assert_eq!(secret.clone().map(|s| s.len()).into_exposed(), 2);
        assert_eq!(secret.expose(), "pw");
        assert_eq!(secret.into_exposed(), "pw");
        assert_eq!(Secret::<String>::default().into_exposed(), "");
    }
}
