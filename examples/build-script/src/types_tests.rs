//! The types a Rust user expects from other people's schemas: `Option` for `null`, internally
//! tagged enums, maps, and enums named from their values. On every instance the jsonschema
//! crate, the generated validators and `decode_validated` (the types and their checks) agree,
//! and a typed value encodes back to the instance.

use serde::Serialize;
use serde_json::{Value, json};
use wecom_rooms_runtime::decode::DecodeError;
use wecom_rooms_runtime::validate::Report;

use crate::constructs;

/// A construct schema's text and the functions generated from it.
struct Generated<T> {
    schema: &'static str,
    is_valid: fn(&Value) -> bool,
    validate: fn(&Value) -> Report,
    decode_validated: fn(&[u8]) -> Result<T, DecodeError>,
}

/// Every verdict on every instance is the expected one, and a decoded value encodes back to
/// its instance. Returns how many instances were valid and invalid.
fn agree<T: Serialize + std::fmt::Debug>(
    generated: Generated<T>,
    cases: &[(Value, bool)],
) -> (usize, usize) {
    let schema: Value = serde_json::from_str(generated.schema).expect("a construct schema");
    let reference = jsonschema::validator_for(&schema).expect("the reference compiles it");
    for (instance, valid) in cases {
        assert_eq!(
            reference.is_valid(instance),
            *valid,
            "reference on {instance}"
        );
        assert_eq!(
            (generated.is_valid)(instance),
            *valid,
            "is_valid on {instance}"
        );
        let report = (generated.validate)(instance);
        assert_eq!(report.is_valid(), *valid, "validate on {instance}");
        let decoded = (generated.decode_validated)(instance.to_string().as_bytes());
        assert_eq!(
            decoded.is_ok(),
            *valid,
            "decode_validated on {instance}: {decoded:?}"
        );
        if let Ok(typed) = decoded {
            let encoded = serde_json::to_value(&typed).expect("encodes");
            assert_eq!(&encoded, instance, "round trip of {instance}");
        }
    }
    let valid = cases.iter().filter(|(_, v)| *v).count();
    (valid, cases.len() - valid)
}

macro_rules! generated {
    ($module:ident, $file:literal) => {
        Generated {
            schema: include_str!(concat!("../../../codegen/tests/schemas/", $file)),
            is_valid: constructs::$module::is_valid,
            validate: constructs::$module::validate,
            decode_validated: constructs::$module::decode_validated,
        }
    };
}

#[test]
fn nullable_values_are_options() {
    use constructs::nullable::{Level, Nullable, Room};
    let base = |extra: Value| {
        let mut object = json!({"name": "a", "room": null});
        for (k, v) in extra.as_object().expect("an object") {
            object[k] = v.clone();
        }
        object
    };
    let cases = [
        (base(json!({})), true),
        (json!({"name": null, "room": {"id": "r"}}), true),
        (base(json!({"count": null})), true),
        (base(json!({"count": 100})), true),
        (base(json!({"code": null})), true),
        (base(json!({"code": "ab"})), true),
        (base(json!({"level": "low"})), true),
        (base(json!({"level": null})), true),
        (base(json!({"note": null})), true),
        (base(json!({"note": {"text": "t"}})), true),
        (base(json!({"scores": [1, null, 3]})), true),
        (json!({"room": null}), false),
        (json!({"name": "a"}), false),
        (json!({"name": "", "room": null}), false),
        (json!({"name": 1, "room": null}), false),
        (base(json!({"count": 101})), false),
        (base(json!({"count": -1})), false),
        (base(json!({"count": 1.5})), false),
        (json!({"name": "a", "room": {"id": ""}}), false),
        (base(json!({"code": "a"})), false),
        (base(json!({"code": 2})), false),
        (base(json!({"level": "mid"})), false),
        (base(json!({"note": 1})), false),
        (base(json!({"scores": ["x"]})), false),
        (base(json!({"other": 1})), false),
    ];
    let (valid, invalid) = agree(generated!(nullable, "nullable.schema.json"), &cases);
    assert!(
        valid >= 10 && invalid >= 10,
        "{valid} valid, {invalid} invalid"
    );

    let decode = |v: Value| serde_json::from_value::<Nullable>(v);
    // Optional and nullable: absent, null and a value are three different things.
    let counts: Vec<Option<Option<u32>>> =
        [json!({}), json!({"count": null}), json!({"count": 3.0})]
            .into_iter()
            .map(|extra| decode(base(extra)).expect("decodes").count)
            .collect();
    assert_eq!(counts, [None, Some(None), Some(Some(3))]);
    // Required and nullable: null is `None`, absent is refused.
    let typed = decode(json!({"name": null, "room": {"id": "r"}})).expect("decodes");
    assert_eq!(
        (typed.name, typed.room),
        (None, Some(Room { id: "r".to_owned() }))
    );
    let error = decode(json!({"room": null})).expect_err("name is required");
    assert!(
        error.to_string().contains("missing field `name`"),
        "{error}"
    );
    let typed = decode(base(json!({"level": "high", "code": null}))).expect("decodes");
    assert_eq!(
        (typed.level, typed.code),
        (Some(Some(Level::High)), Some(None))
    );
}

#[test]
fn objects_told_apart_by_a_constant_are_tagged_enums() {
    use constructs::tagged::{Circle, Created, Event, Shape, Tagged};
    let circle = json!({"kind": "circle", "radius": 1.5});
    let cases = [
        (json!({"shape": circle}), true),
        (json!({"shape": {"radius": 1.5, "kind": "circle"}}), true),
        (
            json!({"shape": {"kind": "rect", "width": 1.5, "height": 2.5}}),
            true,
        ),
        (
            json!({"shape": circle, "event": {"type": "created", "id": "e"}}),
            true,
        ),
        (
            json!({"shape": circle, "event": {"type": "deleted", "id": "e", "reason": "r", "at": 1}}),
            true,
        ),
        (
            json!({"shape": circle, "circles": [{"kind": "circle", "radius": 0.5}]}),
            true,
        ),
        (json!({"shape": {"kind": "square", "side": 1.5}}), false),
        (json!({"shape": {"radius": 1.5}}), false),
        (json!({"shape": {"kind": "circle", "radius": -1.5}}), false),
        (
            json!({"shape": {"kind": "circle", "radius": 1.5, "x": 1}}),
            false,
        ),
        (json!({"shape": {"kind": "rect", "width": 1.5}}), false),
        (json!({"shape": {"kind": 1, "radius": 1.5}}), false),
        (json!({"shape": "circle"}), false),
        (
            json!({"shape": circle, "circles": [{"radius": 1.5}]}),
            false,
        ),
        (
            json!({"shape": circle, "event": {"type": "created"}}),
            false,
        ),
        (json!({}), false),
    ];
    let (valid, invalid) = agree(generated!(tagged, "tagged.schema.json"), &cases);
    assert!(
        valid >= 5 && invalid >= 5,
        "{valid} valid, {invalid} invalid"
    );

    let decode = |v: Value| serde_json::from_value::<Tagged>(v);
    // The tag is the variant; the struct holds the rest, wherever the tag stood.
    let typed = decode(json!({"shape": {"radius": 1.5, "kind": "circle"}})).expect("decodes");
    assert_eq!(typed.shape, Shape::Circle(Circle { radius: 1.5 }));
    let typed = decode(json!({"shape": circle, "event": {"type": "created", "id": "e", "at": 1}}))
        .expect("decodes");
    let Some(Event::Created(Created { id, extra })) = typed.event else {
        panic!("{:?}", typed.event)
    };
    assert_eq!((id.as_str(), extra.get("at")), ("e", Some(&json!(1))));
    // A tag the schema does not name is kept whole, as closed sets keep an unknown value.
    let square = json!({"kind": "square", "side": 1.5});
    let typed = decode(json!({"shape": square})).expect("an unknown tag is kept");
    assert!(
        matches!(&typed.shape, Shape::Unknown(object) if Value::Object(object.clone()) == square)
    );
    assert_eq!(serde_json::to_value(&typed.shape).expect("encodes"), square);
    // Without its tag, an object is refused by name.
    let error = decode(json!({"shape": {"radius": 1.5}})).expect_err("no tag");
    assert!(
        error.to_string().contains("missing field `kind`"),
        "{error}"
    );
    // The tag is written first.
    let text = serde_json::to_string(&Shape::Circle(Circle { radius: 2.5 })).expect("encodes");
    assert_eq!(text, r#"{"kind":"circle","radius":2.5}"#);
}

#[test]
fn a_request_refuses_a_tag_its_schema_does_not_name() {
    use constructs::tagged_request::{TaggedRequest, Target};
    let cases = [
        (json!({"target": {"by": "id", "id": "r1"}}), true),
        (json!({"target": {"name": "n", "by": "name"}}), true),
        (json!({"target": {"by": "id", "id": ""}}), false),
        (json!({"target": {"by": "email", "email": "e"}}), false),
        (json!({"target": {"by": "id", "name": "n"}}), false),
    ];
    agree(
        generated!(tagged_request, "tagged-request.schema.json"),
        &cases,
    );
    let error =
        serde_json::from_value::<TaggedRequest>(json!({"target": {"by": "email", "email": "e"}}))
            .expect_err("an unknown tag");
    assert!(
        error
            .to_string()
            .contains(r#"expected one of ["id", "name"]"#),
        "{error}"
    );
    let typed =
        serde_json::from_value::<TaggedRequest>(json!({"target": {"by": "name", "name": "n"}}))
            .expect("decodes");
    assert!(matches!(typed.target, Target::Name(ref n) if n.name == "n"));
}

#[test]
fn objects_of_one_member_schema_are_maps() {
    use constructs::map::Map;
    let cases = [
        (json!({}), true),
        (json!({"counts": {"a": 1, "b": 0}}), true),
        (
            json!({"rooms": {"r1": {"seats": 4}, "r2": {"seats": 100}}}),
            true,
        ),
        (json!({"labels": null}), true),
        (json!({"labels": {"x": "abc", "y": ""}}), true),
        (json!({"anything": {"a": [1], "b": null}}), true),
        (json!({"counts": {"a": -1}}), false),
        (json!({"counts": {"a": "1"}}), false),
        (json!({"counts": []}), false),
        (json!({"rooms": {"r1": {"seats": 0}}}), false),
        (json!({"rooms": {"r1": {}}}), false),
        (json!({"labels": {"x": "abcd"}}), false),
        (json!({"labels": 1}), false),
        (json!({"other": 1}), false),
    ];
    let (valid, invalid) = agree(generated!(map, "map.schema.json"), &cases);
    assert!(
        valid >= 5 && invalid >= 5,
        "{valid} valid, {invalid} invalid"
    );
    let typed: Map = serde_json::from_value(json!({"counts": {"b": 2, "a": 1}})).expect("decodes");
    let counts = typed.counts.expect("present");
    // Ordered by key, so encoding is deterministic.
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        [("a".to_owned(), 1), ("b".to_owned(), 2)]
    );
}

#[test]
fn enums_without_titles_are_named_from_their_values() {
    use constructs::untitled_enum::{Big, Maybe, Mode, Priority, UntitledEnum};
    let cases = [
        (json!({"priority": 0}), true),
        (json!({"priority": -1}), true),
        (
            json!({"priority": 2, "level": 10, "mode": "slow_down", "big": 18446744073709551615u64, "maybe": null}),
            true,
        ),
        (json!({"priority": 1, "mode": "unknown", "maybe": 2}), true),
        (json!({"priority": 3}), false),
        (json!({"priority": "0"}), false),
        (json!({"priority": 0.5}), false),
        (json!({}), false),
        (json!({"priority": 0, "level": 15}), false),
        (json!({"priority": 0, "mode": "Fast"}), false),
        (json!({"priority": 0, "maybe": 3}), false),
        (json!({"priority": 0, "big": 2}), false),
    ];
    let (valid, invalid) = agree(
        generated!(untitled_enum, "untitled-enum.schema.json"),
        &cases,
    );
    assert!(
        valid >= 4 && invalid >= 5,
        "{valid} valid, {invalid} invalid"
    );
    let decode = |v: Value| serde_json::from_value::<UntitledEnum>(v).expect("decodes");
    let typed = decode(json!({"priority": -1, "mode": "slow-down", "big": 1, "maybe": 1}));
    assert_eq!(
        (typed.priority, typed.mode, typed.big, typed.maybe),
        (
            Priority::Minus1,
            Some(Mode::SlowDown),
            Some(Big::V1),
            Some(Some(Maybe::V1))
        )
    );
    // Values alike once mangled, and one named like the catch-all, get their own variants.
    let modes: Vec<Mode> = ["slow_down", "unknown", "other"]
        .into_iter()
        .map(|m| {
            decode(json!({"priority": 0, "mode": m}))
                .mode
                .expect("present")
        })
        .collect();
    assert_eq!(
        modes,
        [
            Mode::SlowDown2,
            Mode::Unknown2,
            Mode::Unknown("other".to_owned())
        ]
    );
    // `1.0` is the integer 1, for the validators and the types alike.
    assert!(constructs::untitled_enum::decode_validated(br#"{"priority": 1.0}"#).is_ok());
    assert_eq!(decode(json!({"priority": 1.0})).priority, Priority::V1);
}

#[test]
fn cycles_through_unnamed_types_end_in_value() {
    use constructs::unnamed_cycle::UnnamedCycle;
    let cases = [
        (json!({}), true),
        (
            json!({"tree": {"a": {"b": {}}}, "nested": [null, [[]]], "deep": [[[[]]]]}),
            true,
        ),
        (json!({"nested": null, "deep": []}), true),
        (json!({"tree": {"a": 1}}), false),
        (json!({"nested": [1]}), false),
        (json!({"deep": [1]}), false),
        (json!({"deep": [[1]]}), false),
    ];
    agree(
        generated!(unnamed_cycle, "unnamed-cycle.schema.json"),
        &cases,
    );
    let typed: UnnamedCycle =
        serde_json::from_value(json!({"tree": {"a": {"b": {}}}, "deep": [[[]]]})).expect("decodes");
    let tree = typed.tree.expect("present");
    assert_eq!(tree["a"], json!({"b": {}}));
    assert_eq!(typed.deep.expect("present"), [[json!([])]]);
}

/// A type that holds itself gets a box; a member called `build` gets the setter `with_build`.
#[test]
fn a_type_that_holds_itself() {
    use crate::constructs::self_reference::{self as r, SelfReference};
    let document = json!({
        "name": "outer", "build": "b1", "step": 1, "shape": "s",
        "fallback": {"name": "inner", "build": "b2", "step": 2, "shape": "s", "fallback": {"name": "x", "build": "b3", "step": 3, "shape": "s"}}
    });
    let decoded = r::decode_validated(document.to_string().as_bytes()).expect("valid");
    let inner = decoded.fallback.as_deref().expect("a fallback");
    assert_eq!(inner.name, "inner");
    assert_eq!(inner.fallback.as_deref().map(|r| r.step), Some(3));
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), document);
    let invalid =
        json!({"name": "outer", "build": "b", "step": 1, "shape": "s", "fallback": {"name": 5}});
    assert!(r::decode_validated(invalid.to_string().as_bytes()).is_err());
    assert!(!r::is_valid(&invalid));
    let built = SelfReference::builder()
        .name("n".to_owned())
        .with_build("b".to_owned())
        .step(1)
        .shape("s".to_owned())
        .fallback(Box::new(decoded))
        .build()
        .expect("every required member is set");
    assert_eq!(built.build, "b");
}
