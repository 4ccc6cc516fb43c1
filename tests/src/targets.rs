//! Every generated schema with every way the tests judge an instance of it: the reference
//! validator, the generated validators, and each decoder of the generated types. The conformance
//! tests, the differential test and the fuzz targets share this table.

use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wecom_rooms_runtime::decode::DecodeError;
use wecom_rooms_runtime::registry::SchemaEntry;
use wecom_rooms_runtime::validate::{Options, Report, ValidationError};

use crate::reference_validator;

/// Keywords whose violations the generated types let through, as codegen's README documents:
/// closed value sets decode undocumented values to `Unknown`; string lengths, patterns,
/// constants, integer bounds narrower than the Rust type, item counts and members that require
/// others (`dependentRequired`) are the validators' business.
const TOLERATED_KEYWORDS: &[&str] = &[
    "dependentRequired",
    "oneOf",
    "enum",
    "const",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// Whether the generated types may decode a document despite `error`, as codegen's README
/// documents: a violation of one of the keywords above, a member required only under a condition
/// (`then`/`else`, such as `next_cursor` when `has_more` is true), which a struct's optional
/// field cannot see, or an `anyOf` of members of which at least one must be present. A member
/// required outright is never tolerated.
pub fn tolerated_by_types(error: &ValidationError) -> bool {
    TOLERATED_KEYWORDS.contains(&error.keyword)
        || (error.keyword == "required"
            && (error.schema_location.contains("/then/")
                || error.schema_location.contains("/else/")))
        || presence_any_of(error)
}

/// Whether `error` is an `anyOf` whose branches only require members (`{"required": [..]}`,
/// get_info's "meetingid or meeting_code"): the struct keeps those members optional and the
/// choice is the validators'. Any other `anyOf` is typed as an enum, which refuses what it fails.
fn presence_any_of(error: &ValidationError) -> bool {
    let Some((file, pointer)) = error.schema_location.split_once('#') else {
        return false;
    };
    if error.keyword != "anyOf" {
        return false;
    }
    let Ok(text) = std::fs::read(crate::schema_dir().join(file)) else {
        return false;
    };
    let Ok(schema) = serde_json::from_slice::<Value>(&text) else {
        return false;
    };
    schema
        .pointer(pointer)
        .and_then(Value::as_array)
        .is_some_and(|branches| {
            branches.iter().all(|branch| {
                branch
                    .as_object()
                    .is_some_and(|b| b.len() == 1 && b.contains_key("required"))
            })
        })
}

/// A decoder from bytes, its value encoded again; `Err` is the error's text.
pub type ByteDecoder = fn(&[u8]) -> Result<Value, String>;

/// One generated schema and its entry points.
#[derive(Debug)]
pub struct Target {
    /// The schema's name.
    pub name: &'static str,
    /// Its entry in `wecom_rooms::SCHEMAS`.
    pub entry: &'static SchemaEntry,
    /// The `jsonschema` crate's validator for the same schema file.
    pub reference: jsonschema::Validator,
    /// The generated `is_valid`.
    pub is_valid: fn(&Value) -> bool,
    /// The generated `validate_with`.
    pub validate_with: fn(&Value, Options) -> Report,
    /// `Deserialize` from a `Value`, encoded again.
    pub decode_value: fn(&Value) -> Result<Value, String>,
    /// Every decoder that reads bytes, named, each encoded again.
    pub decode_bytes: &'static [(&'static str, ByteDecoder)],
    /// The generated `decode_validated`, encoded again; an `Err` starts with `syntax:`,
    /// `invalid:` or `decode:`.
    pub decode_validated: fn(&[u8]) -> Result<Value, String>,
}

impl Target {
    /// The instance pointers where the reference validator finds errors in `v`.
    pub fn reference_pointers(&self, v: &Value) -> BTreeSet<String> {
        self.reference
            .iter_errors(v)
            .map(|e| e.instance_path().as_str().to_owned())
            .collect()
    }
}

/// The instance pointers of a report's errors, to compare with
/// [`Target::reference_pointers`].
pub fn error_pointers(report: &Report) -> BTreeSet<String> {
    report
        .errors
        .iter()
        .map(|e| e.instance_pointer.clone())
        .collect()
}

fn encode<T: Serialize>(typed: &T) -> Value {
    serde_json::to_value(typed).expect("generated types always encode")
}

fn from_value<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    T::deserialize(value)
        .map(|t| encode(&t))
        .map_err(|e| e.to_string())
}

fn from_slice<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice::<T>(bytes)
        .map(|t| encode(&t))
        .map_err(|e| e.to_string())
}

fn validated<T: Serialize>(decoded: Result<T, DecodeError>) -> Result<Value, String> {
    decoded.map(|t| encode(&t)).map_err(|e| match e {
        DecodeError::Syntax(e) => format!("syntax: {e}"),
        DecodeError::Invalid(report) => format!("invalid: {} errors", report.errors.len()),
        DecodeError::Decode(e) => format!("decode: {e}"),
        other => format!("other: {other}"),
    })
}

fn entry(name: &str) -> &'static SchemaEntry {
    wecom_rooms::SCHEMAS
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("schema {name} is not in wecom_rooms::SCHEMAS"))
}

/// The target for schema `name`; panics for a schema without a generated module here.
pub fn target(name: &str) -> Target {
    /// One match arm pair per endpoint module: its request and its response.
    macro_rules! endpoints {
        ($($($module:ident)::+),* $(,)?) => {
            match name {
                $(
                    wecom_rooms::$($module)::+::request::SCHEMA_NAME => {
                        use wecom_rooms::$($module)::+::request;
                        Target {
                            name: request::SCHEMA_NAME,
                            entry: entry(name),
                            reference: reference_validator(name),
                            is_valid: request::is_valid,
                            validate_with: request::validate_with,
                            decode_value: from_value::<request::Request>,
                            decode_bytes: &[(
                                "serde_json::from_slice",
                                from_slice::<request::Request>,
                            )],
                            decode_validated: |b| validated(request::decode_validated(b)),
                        }
                    }
                    wecom_rooms::$($module)::+::response::SCHEMA_NAME => {
                        use wecom_rooms::$($module)::+::response;
                        Target {
                            name: response::SCHEMA_NAME,
                            entry: entry(name),
                            reference: reference_validator(name),
                            is_valid: response::is_valid,
                            validate_with: response::validate_with,
                            decode_value: from_value::<response::Response>,
                            decode_bytes: &[
                                ("serde_json::from_slice", from_slice::<response::Response>),
                                ("Response::from_slice", |b| {
                                    response::Response::from_slice(b)
                                        .map(|t| encode(&t))
                                        .map_err(|e| e.to_string())
                                }),
                            ],
                            decode_validated: |b| validated(response::decode_validated(b)),
                        }
                    }
                )*
                other => panic!(
                    "no generated module for schema {other}: add it to tests/src/targets.rs"
                ),
            }
        };
    }
    endpoints!(
        gettoken,
        meeting::rooms::book,
        meeting::rooms::release,
        meeting::rooms::get_info,
        meeting::rooms::list,
        meeting::rooms::list_meetings,
        meeting::rooms::list_devices,
        meeting::rooms::list_controllers,
        meeting::rooms::get_config,
        meeting::rooms::call,
        meeting::rooms::cancel_call,
        meeting::rooms::get_response_status,
        meeting::rooms::get_inventory,
        meeting::create,
        meeting::update,
        meeting::cancel,
        meeting::get_info,
        meeting::get_user_meetingid,
    )
}

/// Every generated schema's target.
pub fn targets() -> Vec<Target> {
    wecom_rooms::SCHEMAS
        .iter()
        .map(|e| target(e.name))
        .collect()
}

/// Whether some object in the JSON text repeats a member name (false for text that is not JSON).
pub fn has_duplicate_keys(bytes: &[u8]) -> bool {
    struct Probe(bool);
    impl<'de> serde::Deserialize<'de> for Probe {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(ProbeVisitor)
        }
    }
    struct ProbeVisitor;
    impl<'de> serde::de::Visitor<'de> for ProbeVisitor {
        type Value = Probe;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Probe, E> {
            Ok(Probe(false))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Probe, E> {
            Ok(Probe(false))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Probe, E> {
            Ok(Probe(false))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Probe, E> {
            Ok(Probe(false))
        }
        fn visit_str<E>(self, _: &str) -> Result<Probe, E> {
            Ok(Probe(false))
        }
        fn visit_unit<E>(self) -> Result<Probe, E> {
            Ok(Probe(false))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Probe, A::Error> {
            let mut found = false;
            while let Some(Probe(inner)) = seq.next_element()? {
                found |= inner;
            }
            Ok(Probe(found))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
            let mut keys = std::collections::BTreeSet::new();
            let mut found = false;
            while let Some(key) = map.next_key::<String>()? {
                found |= !keys.insert(key);
                found |= map.next_value::<Probe>()?.0;
            }
            Ok(Probe(found))
        }
    }
    serde_json::from_slice::<Probe>(bytes).is_ok_and(|p| p.0)
}
