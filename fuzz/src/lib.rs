//! What the fuzz targets share: the generated schemas with every way to judge an instance, and
//! the agreements that must hold between them. Each check panics on a disagreement, which
//! libFuzzer reports as a crash.

use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wecom_rooms::get_info::{request, response};
use wecom_rooms_runtime::registry::SchemaEntry;
use wecom_rooms_runtime::validate::{Options, Report};

/// Keywords whose violations the generated types let through (codegen's README).
pub const TOLERATED_BY_TYPES: &[&str] = &[
    "oneOf",
    "enum",
    "const",
    "minLength",
    "maxLength",
    "pattern",
];

/// A decoder from bytes, its value encoded again.
pub type ByteDecoder = fn(&[u8]) -> Result<Value, String>;

/// One generated schema and its entry points.
pub struct Schema {
    pub name: &'static str,
    pub entry: &'static SchemaEntry,
    pub reference: jsonschema::Validator,
    pub is_valid: fn(&Value) -> bool,
    pub validate_with: fn(&Value, Options) -> Report,
    /// `Deserialize` from a `Value`, encoded again.
    pub decode_value: fn(&Value) -> Result<Value, String>,
    /// Byte decoders, encoded again.
    pub decode_bytes: &'static [(&'static str, ByteDecoder)],
    /// `decode_validated`, encoded again; `Err` starts with `syntax:`, `invalid:` or `decode:`.
    pub decode_validated: fn(&[u8]) -> Result<Value, String>,
}

fn encode<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("generated types always encode")
}

fn from_value<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    T::deserialize(v)
        .map(|t| encode(&t))
        .map_err(|e| e.to_string())
}

fn from_slice<T: DeserializeOwned + Serialize>(b: &[u8]) -> Result<Value, String> {
    serde_json::from_slice::<T>(b)
        .map(|t| encode(&t))
        .map_err(|e| e.to_string())
}

fn kind(e: &wecom_rooms_runtime::decode::DecodeError) -> String {
    use wecom_rooms_runtime::decode::DecodeError;
    match e {
        DecodeError::Syntax(e) => format!("syntax: {e}"),
        DecodeError::Invalid(r) => format!("invalid: {} errors", r.errors.len()),
        DecodeError::Decode(e) => format!("decode: {e}"),
        other => format!("other: {other}"),
    }
}

fn entry(name: &str) -> &'static SchemaEntry {
    wecom_rooms::SCHEMAS
        .iter()
        .find(|e| e.name == name)
        .expect("registered")
}

fn schema_json(name: &str) -> Value {
    let path = format!(
        "{}/../schema/{name}.schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&text).expect("the schema is JSON")
}

/// Every generated schema (built once per process).
pub fn schemas() -> &'static [Schema] {
    static SCHEMAS: std::sync::OnceLock<Vec<Schema>> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| {
        vec![
            Schema {
                name: request::SCHEMA_NAME,
                entry: entry(request::SCHEMA_NAME),
                reference: jsonschema::draft202012::new(&schema_json(request::SCHEMA_NAME))
                    .expect("compiles"),
                is_valid: request::is_valid,
                validate_with: request::validate_with,
                decode_value: from_value::<request::Request>,
                decode_bytes: &[("serde_json::from_slice", from_slice::<request::Request>)],
                decode_validated: |b| {
                    request::decode_validated(b)
                        .map(|t| encode(&t))
                        .map_err(|e| kind(&e))
                },
            },
            Schema {
                name: response::SCHEMA_NAME,
                entry: entry(response::SCHEMA_NAME),
                reference: jsonschema::draft202012::new(&schema_json(response::SCHEMA_NAME))
                    .expect("compiles"),
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
                decode_validated: |b| {
                    response::decode_validated(b)
                        .map(|t| encode(&t))
                        .map_err(|e| kind(&e))
                },
            },
        ]
    })
}

/// The validators agree with each other and with the `jsonschema` crate.
pub fn check_validators(schema: &Schema, v: &Value) -> Report {
    let fast = (schema.is_valid)(v);
    let report = (schema.validate_with)(v, Options::default());
    let strict = (schema.validate_with)(v, Options::with_tolerances());
    let reference = schema.reference.is_valid(v);
    assert_eq!(
        fast,
        report.is_valid(),
        "{}: is_valid vs validate on {v}",
        schema.name
    );
    assert_eq!(
        fast, reference,
        "{}: ours vs jsonschema on {v}",
        schema.name
    );
    assert_eq!(
        report.errors, strict.errors,
        "{}: tolerances changed errors",
        schema.name
    );
    let ours: BTreeSet<&str> = report
        .errors
        .iter()
        .map(|e| e.instance_pointer.as_str())
        .collect();
    let theirs: BTreeSet<String> = schema
        .reference
        .iter_errors(v)
        .map(|e| e.instance_path().as_str().to_owned())
        .collect();
    let theirs: BTreeSet<&str> = theirs.iter().map(String::as_str).collect();
    assert_eq!(ours, theirs, "{}: error pointers on {v}", schema.name);
    for e in &report.errors {
        assert!(!e.message.is_empty(), "an error without a message: {e:?}");
        assert!(
            v.pointer(&e.instance_pointer).is_some(),
            "an error at a pointer that names nothing: {e:?}"
        );
    }
    report
}

/// Whether some object in the JSON text repeats a member name.
pub fn has_duplicate_keys(bytes: &[u8]) -> bool {
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    struct Probe(bool);
    impl<'de> Deserialize<'de> for Probe {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(ProbeVisitor)
        }
    }
    struct ProbeVisitor;
    impl<'de> Visitor<'de> for ProbeVisitor {
        type Value = Probe;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
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
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Probe, A::Error> {
            let mut found = false;
            while let Some(Probe(inner)) = seq.next_element()? {
                found |= inner;
            }
            Ok(Probe(found))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
            let mut keys = BTreeSet::new();
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
