//! Helpers that more than one test file uses (a module, not a test target of its own).

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
