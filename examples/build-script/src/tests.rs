use serde_json::{Value, json};

use crate::constructs;
use crate::rooms::booking::{self, Booking, Kind};

fn value(text: &str) -> Value {
    serde_json::from_str(text).expect("test input is JSON")
}

#[test]
fn booking_types_and_validators_come_from_build_rs() {
    let text = r#"{"meeting_room_id": "r1", "organiser": "zhangsan", "attendees": 4, "kind": "interview"}"#;
    let booking: Booking = serde_json::from_str(text).expect("decodes");
    assert_eq!(booking.kind, Kind::Interview);
    assert_eq!(booking.attendees, 4);
    assert!(booking::is_valid(&value(text)));

    let bad = value(
        r#"{"meeting_room_id": "", "organiser": "no spaces allowed", "attendees": 0, "kind": "party", "x": 1}"#,
    );
    let pointers: Vec<(String, &str)> = booking::validate(&bad)
        .errors
        .into_iter()
        .map(|e| (e.instance_pointer, e.keyword))
        .collect();
    assert_eq!(
        pointers,
        [
            ("/meeting_room_id".to_owned(), "minLength"),
            ("/organiser".to_owned(), "pattern"),
            ("/attendees".to_owned(), "minimum"),
            ("/kind".to_owned(), "oneOf"),
            (String::new(), "additionalProperties"),
        ]
    );
    assert_eq!(
        crate::SCHEMAS.iter().map(|s| s.name).collect::<Vec<_>>(),
        ["rooms/booking"]
    );
}

/// Decodes `input` into `T`, checks the validator's verdict, and that encoding gives it back.
fn check<T>(input: Value, valid: fn(&Value) -> bool, expect_valid: bool) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    assert_eq!(valid(&input), expect_valid, "{input}");
    let typed: T = serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(
        serde_json::to_value(&typed).expect("encodes"),
        input,
        "round trip"
    );
    typed
}

#[test]
fn discriminated_objects_pick_their_variant_by_the_member() {
    use constructs::discriminated::{self as d, Discriminated};
    let success = check::<Discriminated>(
        json!({"code": 0, "message": "ok", "value": "v"}),
        d::is_valid,
        true,
    );
    assert!(
        matches!(success, Discriminated::Success(s) if s.value == "v" && s.extra["message"] == "ok")
    );
    let failure = check::<Discriminated>(json!({"code": 7, "message": "no"}), d::is_valid, true);
    assert!(matches!(failure, Discriminated::Failure(f) if f.code == 7 && f.message == "no"));
    // A failure never surfaces as a missing `value`.
    let error =
        serde_json::from_value::<Discriminated>(json!({"code": 7})).expect_err("no message");
    assert!(error.to_string().contains("message"), "{error}");
}

#[test]
fn named_enums_keep_unknown_values() {
    use constructs::named_enum::{self as n, Colour, NamedEnum, Status};
    let known = check::<NamedEnum>(
        json!({"status": 1, "colour": "sky blue"}),
        n::is_valid,
        true,
    );
    assert_eq!((known.status, known.colour), (Status::On, Colour::SkyBlue));
    let unknown = check::<NamedEnum>(json!({"status": 9, "colour": "green"}), n::is_valid, false);
    assert_eq!(unknown.status, Status::Unknown(9));
    assert_eq!(unknown.colour, Colour::Unknown("green".to_owned()));
    assert!(!unknown.status.is_known() && Status::Unknown(1).is_known());
    assert_eq!(Status::from(0), Status::Off);
}

#[test]
fn number_or_string_keeps_what_was_sent() {
    use constructs::number_or_string::{self as n, NumberOrString};
    assert_eq!(
        check::<NumberOrString>(json!(60), n::is_valid, true),
        NumberOrString::Count(60)
    );
    assert_eq!(
        check::<NumberOrString>(json!("60"), n::is_valid, true),
        NumberOrString::Text("60".to_owned())
    );
    assert_eq!(
        serde_json::from_value::<NumberOrString>(json!(60.0)).expect("an integer"),
        NumberOrString::Count(60)
    );
    assert!(serde_json::from_value::<NumberOrString>(json!(true)).is_err());
    assert!(serde_json::from_value::<NumberOrString>(json!(-1)).is_err());
}

#[test]
fn secrets_stay_out_of_debug() {
    use constructs::secret_base64::{self as s, SecretBase64};
    let typed = check::<SecretBase64>(
        json!({"note": "aGVsbG8=", "password": "c2VjcmV0", "pin": "1234"}),
        s::is_valid,
        true,
    );
    let debug = format!("{typed:?} {typed:#?}");
    assert!(
        !debug.contains("c2VjcmV0") && !debug.contains("1234"),
        "{debug}"
    );
    assert_eq!(typed.note.decode_utf8().expect("base64"), "hello");
    assert_eq!(
        typed.password.expose().decode_utf8().expect("base64"),
        "secret"
    );
}

#[test]
fn references_nest_and_recurse() {
    use constructs::nested_ref::{self as r, NestedRef};
    let input = json!({"outer": {"inner": {"depth": 2}}, "shared": "abc", "tree": {"children": [{"children": []}]}});
    let typed = check::<NestedRef>(input, r::is_valid, true);
    assert_eq!(typed.outer.and_then(|o| o.inner.depth), Some(2));
    let bad = json!({"shared": "ABC", "tree": {"children": [{"children": [1]}]}});
    let pointers: Vec<String> = r::validate(&bad)
        .errors
        .into_iter()
        .map(|e| e.instance_pointer)
        .collect();
    assert_eq!(pointers, ["/shared", "/tree/children/0/children/0"]);
}

#[test]
fn optional_members_and_odd_names() {
    use constructs::optional_required::{self as o, OptionalRequired};
    let typed = check::<OptionalRequired>(
        json!({"id": "a", "type": true, "2fa": false}),
        o::is_valid,
        true,
    );
    assert_eq!(
        (typed.r#type, typed._2fa, typed.count),
        (Some(true), Some(false), None)
    );
    assert!(serde_json::from_value::<OptionalRequired>(json!({"id": "a", "other": 1})).is_err());
    assert!(serde_json::from_value::<OptionalRequired>(json!({"id": "a", "count": null})).is_err());
    assert_eq!(OptionalRequired::new("x".to_owned()).id, "x");
}

/// Checks the (pointer, keyword) of every error `validate` reports, and that `is_valid` agrees.
fn check_errors(
    validate: fn(&Value) -> wecom_rooms_runtime::validate::Report,
    is_valid: fn(&Value) -> bool,
    input: Value,
    expected: &[(&str, &str)],
) {
    let report = validate(&input);
    let got: Vec<(&str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.instance_pointer.as_str(), e.keyword))
        .collect();
    assert_eq!(got, expected, "{input}");
    assert_eq!(is_valid(&input), expected.is_empty(), "{input}");
}

#[test]
fn applicators_report_where_the_reference_validator_does() {
    use constructs::one_of as o;
    let check =
        |input, expected: &[(&str, &str)]| check_errors(o::validate, o::is_valid, input, expected);
    check(json!({"shape": {"radius": 1}, "tags": ["main"]}), &[]);
    check(
        json!({"shape": {"radius": 1, "side": 1.5}, "tags": ["main"]}),
        &[("/shape", "oneOf")],
    );
    check(
        json!({"shape": {"side": 0.3}}),
        &[("", "dependentRequired"), ("/shape", "oneOf")],
    );
    check(
        json!({"tags": ["a", "a", "b", "c"]}),
        &[
            ("/tags", "maxItems"),
            ("/tags", "uniqueItems"),
            ("/tags", "contains"),
        ],
    );
    check(
        json!({"pair": ["a", true, 3]}),
        &[("/pair/2", "falseSchema")],
    );
    check(json!({"pair": [1]}), &[("/pair/0", "type")]);
    check(json!({"not_null": null}), &[("/not_null", "not")]);
    check(json!({"much_too_long": 1}), &[("", "propertyNames")]);
}

#[test]
fn unevaluated_members_and_items_see_what_subschemas_evaluated() {
    use constructs::unevaluated as u;
    let check =
        |input, expected: &[(&str, &str)]| check_errors(u::validate, u::is_valid, input, expected);
    check(json!({"a": "x", "b": 1, "c": 0}), &[]);
    // `d` is evaluated by the anyOf branch that passes; `e` by nothing.
    check(json!({"d": 0, "e": 0}), &[("", "unevaluatedProperties")]);
    // Annotations of a failing branch do not count: `c` is there but the branch needs it valid.
    check(json!({"b": 1}), &[("", "anyOf")]);
    check(json!({"c": 0, "list": [true, "s", 3]}), &[]);
    check(
        json!({"c": 0, "list": [true, "s", 3.5]}),
        &[("/list", "unevaluatedItems")],
    );
    check(json!({"c": 0, "list": [1, "s"]}), &[("/list/0", "type")]);
}

#[test]
fn edge_cases_compile_and_validate() {
    use constructs::edge_cases as e;
    let check =
        |input, expected: &[(&str, &str)]| check_errors(e::validate, e::is_valid, input, expected);
    check(
        json!({"maybe_count": null, "free": {"a": 1}, "by_pattern": {"x-a": "s"}, "odd\rname": true}),
        &[],
    );
    check(json!({"maybe_count": 2.0}), &[]);
    check(json!({"maybe_count": 2.5}), &[("/maybe_count", "type")]);
    check(json!({"maybe_count": "2"}), &[("/maybe_count", "type")]);
    check(
        json!({"by_pattern": {"x-a": 1}}),
        &[("/by_pattern/x-a", "type")],
    );
    check(json!({"odd\rname": 1}), &[("/odd\rname", "type")]);
    // Strict mode notes members no schema names, whether or not anything names any.
    let report = e::validate_with(
        &json!({"free": {"a": 1}, "by_pattern": {"x-a": "s", "y": 1}}),
        wecom_rooms_runtime::validate::Options::with_tolerances(),
    );
    let warned: Vec<&str> = report
        .warnings
        .iter()
        .map(|w| w.instance_pointer.as_str())
        .collect();
    assert_eq!(warned, ["/free/a", "/by_pattern/y"]);
}

/// `decode_validated` gives a typed value exactly for the documents the validators accept (its
/// fast path decodes first and checks what the types leave open: it must never accept more).
#[test]
fn decode_validated_agrees_with_the_validators() {
    fn check<T: std::fmt::Debug>(
        decode: fn(&[u8]) -> Result<T, wecom_rooms_runtime::decode::DecodeError>,
        is_valid: fn(&Value) -> bool,
        inputs: &[Value],
    ) {
        for input in inputs {
            let decoded = decode(input.to_string().as_bytes());
            assert_eq!(decoded.is_ok(), is_valid(input), "{input}: {decoded:?}");
        }
    }
    use constructs::{
        discriminated as d, edge_cases as e, enum_beside_one_of as l, named_enum as n,
        nested_ref as r, number_or_string as s, object_condition_unchecked as u,
        object_conditions as c, optional_required as o, ref_with_bounds as b,
    };
    check(
        n::decode_validated,
        n::is_valid,
        &[
            json!({"status": 1, "colour": "sky blue"}),
            json!({"status": 9, "colour": "dark-red"}),
            json!({"status": 0, "colour": "green"}),
            json!({"status": 0}),
        ],
    );
    check(
        o::decode_validated,
        o::is_valid,
        &[
            json!({"id": "a"}),
            json!({"id": ""}),
            json!({"id": "a", "count": 2147483648u64}),
            json!(["a"]),
            json!({"id": "a", "x": 1}),
        ],
    );
    check(
        s::decode_validated,
        s::is_valid,
        &[json!(5), json!("5"), json!(-5), json!(5.5), json!(null)],
    );
    check(
        d::decode_validated,
        d::is_valid,
        &[
            json!({"code": 0, "message": "m", "value": "v"}),
            json!({"code": 0, "value": "v"}),
            json!({"code": 3, "message": "m"}),
            json!({"code": 0, "message": "m"}),
        ],
    );
    check(
        r::decode_validated,
        r::is_valid,
        &[
            json!({"shared": "abc"}),
            json!({"shared": "ABC"}),
            json!({"tree": {"children": [{"children": [1]}]}}),
        ],
    );
    // A value of the `enum` that the titled constants leave out.
    check(
        l::decode_validated,
        l::is_valid,
        &[
            json!({"level": "low"}),
            json!({"level": "retired"}),
            json!({"level": "other"}),
        ],
    );
    // Bounds beside a `$ref` hold for the decoded value too.
    check(
        b::decode_validated,
        b::is_valid,
        &[
            json!({"level": 7, "ratio": 0.5, "label": "abcd"}),
            json!({"level": 1, "ratio": 0.5}),
            json!({"level": 7, "ratio": 3}),
            json!({"level": 7, "ratio": 1, "label": "abcde"}),
            json!({"level": 7, "ratio": 1, "label": ""}),
        ],
    );
    check(
        e::decode_validated,
        e::is_valid,
        &[
            json!({"maybe_count": null}),
            json!({"maybe_count": 2.5}),
            json!({"by_pattern": {"x-a": 1}}),
        ],
    );
    // Rules the struct refers to, checked over its fields: each document breaks one, or none.
    let conditions = [
        json!({"more": true, "next": "n", "kind": "ok", "code": 0}),
        json!({"more": true, "kind": "ok", "code": 0}),
        json!({"more": false, "kind": "ok", "code": 0}),
        json!({"more": false, "kind": "error", "code": 5}),
        json!({"more": false, "kind": "error", "code": 5, "reason": "r"}),
        json!({"more": false, "kind": "ok", "code": 5, "reason": "r"}),
        json!({"more": false, "kind": "ok", "reason": "r"}),
        json!({"more": false, "kind": "ok"}),
        json!({"more": true, "next": "", "kind": "ok", "code": 0}),
    ];
    check(c::decode_validated, c::is_valid, &conditions);
    for input in &conditions {
        let exact = c::is_exact(input.to_string().as_bytes());
        assert_eq!(exact, c::is_valid(input), "{input}");
    }
    // A rule the fields cannot answer leaves the verdict to the validators.
    check(
        u::decode_validated,
        u::is_valid,
        &[
            json!({"a": "x", "b": 1}),
            json!({"b": 1, "c": 2}),
            json!({}),
        ],
    );
}

/// Past 64 named members `is_valid` cannot give each a bit, and looks the required ones up
/// instead; `validate` gives every named member a slot, however many.
#[test]
fn objects_with_more_named_members_than_bits() {
    use crate::many_members::wide as w;
    let full: serde_json::Map<String, Value> =
        (0..70).map(|i| (format!("p{i}"), json!(i))).collect();
    let check =
        |input, expected: &[(&str, &str)]| check_errors(w::validate, w::is_valid, input, expected);
    check(Value::Object(full.clone()), &[]);
    let mut missing = full.clone();
    missing.remove("p65");
    missing.remove("p0");
    check(
        Value::Object(missing),
        &[("", "required"), ("", "required")],
    );
    let mut optional_gone = full.clone();
    optional_gone.remove("p69");
    check(Value::Object(optional_gone), &[]);
    let mut wrong = full;
    wrong.insert("p69".into(), json!(-1));
    wrong.insert("p3".into(), json!("3"));
    check(
        Value::Object(wrong),
        &[("/p3", "type"), ("/p69", "minimum")],
    );
}

/// Every object made of the given members, each absent or one of its values, then `extra`.
fn combinations(members: &[(&str, &[Value])], extra: &[Value]) -> Vec<Value> {
    let mut out = vec![serde_json::Map::new()];
    for (name, values) in members {
        let mut next = Vec::new();
        for object in &out {
            next.push(object.clone());
            for value in *values {
                let mut with = object.clone();
                with.insert((*name).to_owned(), value.clone());
                next.push(with);
            }
        }
        out = next;
    }
    let mut out: Vec<Value> = out.into_iter().map(Value::Object).collect();
    out.extend_from_slice(extra);
    out
}

/// `is_valid` walks the members once for every in-place subschema that only names members
/// (`$ref`, `allOf`, `if`/`then`/`else`) and for the node's own `properties`, deciding the conditional ones with flags; the full
/// walk of `validate` applies each subschema on its own. Both must agree with the reference
/// validator on every combination of the members those subschemas name.
#[test]
fn members_walked_once_for_several_subschemas() {
    fn check(
        schema_text: &str,
        is_valid: fn(&Value) -> bool,
        validate_with: fn(
            &Value,
            wecom_rooms_runtime::validate::Options,
        ) -> wecom_rooms_runtime::validate::Report,
        instances: &[Value],
    ) -> (usize, usize) {
        let schema: Value = serde_json::from_str(schema_text).expect("a construct schema");
        let reference = jsonschema::validator_for(&schema).expect("the reference compiles it");
        let full = wecom_rooms_runtime::validate::Options::with_tolerances();
        let mut verdicts = (0, 0);
        for instance in instances {
            let expected = reference.is_valid(instance);
            assert_eq!(is_valid(instance), expected, "is_valid: {instance}");
            let report = validate_with(instance, full);
            assert_eq!(report.is_valid(), expected, "validate: {instance}");
            if expected {
                verdicts.0 += 1
            } else {
                verdicts.1 += 1
            }
        }
        verdicts
    }
    let non_objects = [json!(null), json!("x"), json!(1), json!([]), json!(true)];

    use constructs::fused_walks as w;
    let instances = combinations(
        &[
            ("note", &[json!("ab"), json!("abcd"), json!(1)]),
            ("kind", &[json!("room"), json!("desk"), json!(5)]),
            ("seq", &[json!(0), json!(-1), json!("x")]),
            ("tag", &[json!("t"), json!(1)]),
            ("seats", &[json!(2), json!(0)]),
            ("name", &[json!("n"), json!(3)]),
            ("reason", &[json!("why"), json!(""), json!(7)]),
            ("undescribed", &[json!(1)]),
        ],
        &non_objects,
    );
    let (valid, invalid) = check(
        include_str!("../../../codegen/tests/schemas/fused-walks.schema.json"),
        w::is_valid,
        w::validate_with,
        &instances,
    );
    // Both verdicts must be well represented for the comparison to mean anything.
    assert!(
        valid >= 20 && invalid >= 1000,
        "{valid} valid, {invalid} invalid"
    );

    use constructs::fused_conditions as c;
    let instances = combinations(
        &[
            ("a", &[json!(1), json!(1.0), json!(2), json!("s")]),
            ("b", &[json!("s"), json!(3), json!(null)]),
            ("c", &[json!(1)]),
        ],
        &non_objects,
    );
    let (valid, invalid) = check(
        include_str!("../../../codegen/tests/schemas/fused-conditions.schema.json"),
        c::is_valid,
        c::validate_with,
        &instances,
    );
    assert!(
        valid >= 10 && invalid >= 10,
        "{valid} valid, {invalid} invalid"
    );

    // The node's own walk and the fused one, side by side in one `is_valid`.
    use constructs::fused_beside_own_walk as o;
    let instances = combinations(
        &[
            ("name", &[json!("n"), json!(3)]),
            ("steps", &[json!(2), json!(0), json!("x")]),
            ("retry", &[json!(true), json!("no")]),
            ("extra", &[json!("e"), json!(1.5)]),
        ],
        &non_objects,
    );
    let (valid, invalid) = check(
        include_str!("../../../codegen/tests/schemas/fused-beside-own-walk.schema.json"),
        o::is_valid,
        o::validate_with,
        &instances,
    );
    assert!(
        valid >= 4 && invalid >= 30,
        "{valid} valid, {invalid} invalid"
    );
}

/// Each older draft's keywords keep that draft's meaning in the generated validators.
#[test]
fn older_drafts_validate_with_their_own_semantics() {
    use constructs::{
        draft4_exclusive_bounds as d4, draft7_dependencies as deps,
        draft7_ref_siblings as siblings, draft2019_items_array as items,
        draft2019_recursive_ref as tree,
    };
    let verdicts = |valid: fn(&Value) -> bool, cases: &[(Value, bool)]| {
        for (input, expected) in cases {
            assert_eq!(valid(input), *expected, "{input}");
        }
    };
    // Draft 4: `exclusiveMinimum: true` makes `minimum: 0` exclusive; `false` changes nothing.
    verdicts(
        d4::is_valid,
        &[
            (json!({"ratio": 0}), false),
            (json!({"ratio": 0.5, "percent": 100}), true),
            (json!({"ratio": 1, "below": 10}), false),
            (json!({"ratio": 1, "below": 9, "unit": "m"}), true),
            (json!({"ratio": 1, "unit": "kg"}), false),
        ],
    );
    // Draft 7: `dependencies` as dependentRequired and as dependentSchemas.
    verdicts(
        deps::is_valid,
        &[
            (json!({"card": "4242"}), false),
            (json!({"card": "4242", "billing_address": "x"}), true),
            (json!({"coupon": "c"}), false),
            (
                json!({"coupon": "c", "card": "42", "billing_address": "x"}),
                false,
            ),
            (
                json!({"coupon": "c", "card": "4242", "billing_address": "x"}),
                true,
            ),
        ],
    );
    // Reported at the keyword the schema wrote, not at 2019-09's name for it.
    let report = deps::validate(&json!({"card": "4242"}));
    let [error] = report.errors.as_slice() else {
        panic!("one error: {report:?}");
    };
    assert_eq!(error.keyword, "dependencies");
    // Files are named relative to the schema directory, even one given as `../../…`.
    assert_eq!(
        error.schema_location,
        "draft7-dependencies.schema.json#/dependencies"
    );
    // Draft 7: the `$ref` wins over the `maxItems: 1` beside it.
    verdicts(
        siblings::is_valid,
        &[
            (json!({"tags": ["a", "b"]}), true),
            (json!({"tags": ["a", "b", "c", "d"]}), false),
        ],
    );
    // 2019-09: array-form `items` with `additionalItems`; ignored beside a single `items`.
    verdicts(
        items::is_valid,
        &[
            (json!({"point": [1, 2]}), true),
            (json!({"point": [1, 2, 3]}), false),
            (json!({"tagged": ["a", 1, 2]}), true),
            (json!({"tagged": ["a", "b"]}), false),
            (json!({"plain": ["a", "b", "c"]}), true),
            (json!({"nested": [{"point": [1, 2]}]}), true),
            (json!({"nested": [{"point": [1, 2, 3]}]}), false),
        ],
    );
    // 2019-09: a `$recursiveRef` to the only anchored schema, the root, recurses into it.
    verdicts(
        tree::is_valid,
        &[
            (
                json!({"name": "a", "children": [{"name": "b", "children": []}]}),
                true,
            ),
            (json!({"name": "a", "children": [{"children": []}]}), false),
        ],
    );
}

/// With `format` asserted, the generated validators give the jsonschema crate's verdicts (its
/// format validation on), `is_valid` and `validate` agree, and a format the runtime does not
/// know stays an annotation.
#[test]
fn asserted_formats_are_checked() {
    use crate::asserted_formats::formats;
    let schema: Value = serde_json::from_str(include_str!(
        "../../../codegen/tests/formats/formats.schema.json"
    ))
    .expect("the schema is JSON");
    let reference = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the reference compiles it");
    let cases = [
        (
            json!({"when": "2026-12-01T15:04:05Z", "day": "2026-02-28"}),
            true,
        ),
        (json!({"when": "2026-12-01 15:04:05"}), false),
        (json!({"day": "2026-02-30"}), false),
        // Not a string: a format says nothing about it.
        (json!({"day": 20260228}), true),
        (
            json!({"mail": "zhangsan@example.com", "host": "rooms.example.com"}),
            true,
        ),
        (json!({"mail": "zhangsan"}), false),
        (json!({"host": "-rooms.example.com"}), false),
        (
            json!({"ip": "10.0.0.1", "id": "123e4567-e89b-12d3-a456-426614174000"}),
            true,
        ),
        (json!({"ip": "10.0.0.256"}), false),
        (json!({"id": "123e4567e89b12d3a456426614174000"}), false),
        (json!({"link": "https://example.com/rooms?id=1"}), true),
        (json!({"link": "not a uri"}), false),
        (json!({"code": "anything at all"}), true),
    ];
    for (instance, valid) in cases {
        assert_eq!(
            reference.is_valid(&instance),
            valid,
            "reference on {instance}"
        );
        assert_eq!(
            formats::is_valid(&instance),
            valid,
            "is_valid on {instance}"
        );
        let report = formats::validate(&instance);
        assert_eq!(report.is_valid(), valid, "validate on {instance}");
        assert!(
            report.errors.iter().all(|e| e.keyword == "format"),
            "{report:?}"
        );
    }
}

/// A pattern valid only without the `u` flag compiles without it, and both patterns give the
/// jsonschema crate's verdicts.
#[test]
fn patterns_compile_with_the_flags_they_need() {
    use crate::constructs::pattern_flags;
    let schema: Value = serde_json::from_str(include_str!(
        "../../../codegen/tests/schemas/pattern-flags.schema.json"
    ))
    .expect("the schema is JSON");
    let reference = jsonschema::validator_for(&schema).expect("the reference compiles it");
    for (instance, valid) in [
        (
            json!({"letters": "会议室Rooms", "branch": "refs/heads/main"}),
            true,
        ),
        (json!({"letters": "room 1"}), false),
        (json!({"branch": "refs:heads"}), false),
        (json!({"branch": "refs//heads"}), false),
    ] {
        assert_eq!(
            reference.is_valid(&instance),
            valid,
            "reference on {instance}"
        );
        assert_eq!(
            pattern_flags::is_valid(&instance),
            valid,
            "is_valid on {instance}"
        );
        assert_eq!(
            pattern_flags::validate(&instance).is_valid(),
            valid,
            "validate on {instance}"
        );
    }
}
