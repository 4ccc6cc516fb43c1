//! JSON Schema dialects: which keywords each draft defines, and the rules that differ between
//! them. A schema's dialect is its resource's `$schema`, or [`crate::Config::default_dialect`].

use std::fmt;

use indexmap::IndexMap;

use crate::json::Json;

/// A JSON Schema draft the generator reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// `http://json-schema.org/draft-04/schema#`
    Draft4,
    /// `http://json-schema.org/draft-06/schema#`
    Draft6,
    /// `http://json-schema.org/draft-07/schema#`
    Draft7,
    /// `https://json-schema.org/draft/2019-09/schema`
    Draft2019_09,
    /// `https://json-schema.org/draft/2020-12/schema`
    #[default]
    Draft2020_12,
}

/// Every dialect, oldest first.
pub const DIALECTS: [Dialect; 5] = [
    Dialect::Draft4,
    Dialect::Draft6,
    Dialect::Draft7,
    Dialect::Draft2019_09,
    Dialect::Draft2020_12,
];

/// Keywords whose value is one subschema, in every draft that has them (`items` is one here
/// or an array of them, see [`Dialect::items_array`]).
const SINGLE: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keywords whose value is an array of subschemas.
const ARRAYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of subschemas (`dependencies` values may be string arrays).
const MAPS: &[&str] = &[
    "$defs",
    "definitions",
    "dependencies",
    "dependentSchemas",
    "patternProperties",
    "properties",
];

/// Every keyword some draft defines ([`Dialect::defines`] says which draft): what an unknown
/// keyword is compared with to tell a typo from an annotation.
pub(crate) const KEYWORDS: &[&str] = &[
    "$schema",
    "$ref",
    "$id",
    "id",
    "$anchor",
    "$defs",
    "definitions",
    "$vocabulary",
    "$comment",
    "$recursiveRef",
    "$recursiveAnchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "type",
    "enum",
    "const",
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "items",
    "prefixItems",
    "additionalItems",
    "contains",
    "minContains",
    "maxContains",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

impl Dialect {
    /// The meta-schema URI `$schema` names the dialect by.
    pub fn uri(self) -> &'static str {
        match self {
            Dialect::Draft4 => "http://json-schema.org/draft-04/schema#",
            Dialect::Draft6 => "http://json-schema.org/draft-06/schema#",
            Dialect::Draft7 => "http://json-schema.org/draft-07/schema#",
            Dialect::Draft2019_09 => "https://json-schema.org/draft/2019-09/schema",
            Dialect::Draft2020_12 => "https://json-schema.org/draft/2020-12/schema",
        }
    }

    /// The dialect a `$schema` value names: its meta-schema URI, with or without the empty
    /// fragment.
    pub fn from_uri(uri: &str) -> Option<Dialect> {
        let bare = uri.strip_suffix('#').unwrap_or(uri);
        DIALECTS
            .into_iter()
            .find(|d| d.uri().strip_suffix('#').unwrap_or(d.uri()) == bare)
    }

    /// The keyword that gives a schema its URI: `id` in draft 4, `$id` since.
    pub fn id_keyword(self) -> &'static str {
        match self {
            Dialect::Draft4 => "id",
            _ => "$id",
        }
    }

    /// Drafts 4 to 7: a `$ref` makes the schema object a reference only; its other keywords,
    /// `$id` among them, are ignored.
    pub fn ref_overrides_siblings(self) -> bool {
        self <= Dialect::Draft7
    }

    /// Drafts 4 to 2019-09: `items` may be an array of schemas (later `prefixItems`), with
    /// `additionalItems` for the rest.
    pub fn items_array(self) -> bool {
        self <= Dialect::Draft2019_09
    }

    /// Whether the draft defines `keyword`. Keywords it does not define are unknown there, as
    /// any other unknown keyword (`x-` extensions aside).
    pub fn defines(self, keyword: &str) -> bool {
        use Dialect::*;
        let since = match keyword {
            "$schema"
            | "$ref"
            | "type"
            | "enum"
            | "properties"
            | "patternProperties"
            | "additionalProperties"
            | "required"
            | "minProperties"
            | "maxProperties"
            | "items"
            | "minItems"
            | "maxItems"
            | "uniqueItems"
            | "minLength"
            | "maxLength"
            | "pattern"
            | "minimum"
            | "maximum"
            | "exclusiveMinimum"
            | "exclusiveMaximum"
            | "multipleOf"
            | "allOf"
            | "anyOf"
            | "oneOf"
            | "not"
            | "title"
            | "description"
            | "default"
            | "format"
            | "definitions" => Draft4,
            // Split into `dependentRequired` and `dependentSchemas` in 2019-09, whose
            // meta-schemas keep it for compatibility: still read there, with its old meaning.
            "dependencies" => Draft4,
            "id" => return self == Draft4,
            "additionalItems" => return self <= Draft2019_09,
            "$id" | "const" | "contains" | "propertyNames" | "examples" => Draft6,
            "$comment" | "if" | "then" | "else" | "readOnly" | "writeOnly" | "contentEncoding"
            | "contentMediaType" => Draft7,
            "$anchor"
            | "$defs"
            | "$vocabulary"
            | "dependentRequired"
            | "dependentSchemas"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "minContains"
            | "maxContains"
            | "contentSchema"
            | "deprecated" => Draft2019_09,
            "$recursiveRef" | "$recursiveAnchor" => return self == Draft2019_09,
            "prefixItems" | "$dynamicRef" | "$dynamicAnchor" => Draft2020_12,
            _ => return false,
        };
        self >= since
    }

    /// How a keyword holds subschemas in this draft: one, an array, or a map of them.
    pub fn subschemas(self, keyword: &str) -> Option<Holds> {
        if !self.defines(keyword) {
            return None;
        }
        if SINGLE.contains(&keyword) {
            Some(Holds::Single)
        } else if ARRAYS.contains(&keyword) {
            Some(Holds::Array)
        } else if MAPS.contains(&keyword) {
            Some(Holds::Map)
        } else {
            None
        }
    }
}

/// A vocabulary of 2019-09 or 2020-12: a group of keywords that a meta-schema's `$vocabulary`
/// turns on. Keywords of a vocabulary that is off are annotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vocabulary {
    Core,
    Applicator,
    /// 2020-12's `unevaluated*` (2019-09 has them in the applicator vocabulary).
    Unevaluated,
    Validation,
    MetaData,
    /// `format` as an annotation (2019-09's format vocabulary too).
    FormatAnnotation,
    /// `format` as an assertion (2020-12).
    FormatAssertion,
    Content,
}

impl Vocabulary {
    /// The vocabulary a URI names, with the draft that defines it.
    fn from_uri(uri: &str) -> Option<(Dialect, Vocabulary)> {
        use Vocabulary::*;
        let (dialect, name) =
            if let Some(name) = uri.strip_prefix("https://json-schema.org/draft/2019-09/vocab/") {
                (Dialect::Draft2019_09, name)
            } else {
                let name = uri.strip_prefix("https://json-schema.org/draft/2020-12/vocab/")?;
                (Dialect::Draft2020_12, name)
            };
        let vocabulary = match (dialect, name) {
            (_, "core") => Core,
            (_, "applicator") => Applicator,
            (Dialect::Draft2020_12, "unevaluated") => Unevaluated,
            (_, "validation") => Validation,
            (_, "meta-data") => MetaData,
            (Dialect::Draft2019_09, "format") => FormatAnnotation,
            (Dialect::Draft2020_12, "format-annotation") => FormatAnnotation,
            (Dialect::Draft2020_12, "format-assertion") => FormatAssertion,
            (_, "content") => Content,
            _ => return None,
        };
        Some((dialect, vocabulary))
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The vocabularies in force in a schema resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Vocabularies(u8);

impl Vocabularies {
    /// What a dialect's own meta-schema turns on: every vocabulary, `format` an annotation.
    pub(crate) const STANDARD: Vocabularies =
        Vocabularies(!(1 << Vocabulary::FormatAssertion as u8));

    pub(crate) fn contains(self, vocabulary: Vocabulary) -> bool {
        self.0 & vocabulary.bit() != 0
    }

    /// Whether `keyword`, which `dialect` defines, is applied; if not, it is an annotation.
    /// The core vocabulary is always on: nothing resolves without it.
    pub(crate) fn applies(self, dialect: Dialect, keyword: &str) -> bool {
        use Vocabulary::*;
        let vocabulary = match keyword {
            "prefixItems"
            | "items"
            | "additionalItems"
            | "contains"
            | "additionalProperties"
            | "properties"
            | "patternProperties"
            | "dependentSchemas"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "allOf"
            | "anyOf"
            | "oneOf"
            | "not"
            | "dependencies" => Applicator,
            "unevaluatedItems" | "unevaluatedProperties" if dialect == Dialect::Draft2019_09 => {
                Applicator
            }
            "unevaluatedItems" | "unevaluatedProperties" => Unevaluated,
            "type" | "const" | "enum" | "multipleOf" | "maximum" | "exclusiveMaximum"
            | "minimum" | "exclusiveMinimum" | "maxLength" | "minLength" | "pattern"
            | "maxItems" | "minItems" | "uniqueItems" | "maxContains" | "minContains"
            | "maxProperties" | "minProperties" | "required" | "dependentRequired" => Validation,
            "title" | "description" | "default" | "deprecated" | "readOnly" | "writeOnly"
            | "examples" => MetaData,
            "format" => {
                return self.contains(FormatAnnotation) || self.contains(FormatAssertion);
            }
            "contentEncoding" | "contentMediaType" | "contentSchema" => Content,
            _ => return true,
        };
        self.contains(vocabulary)
    }
}

/// What a custom meta-schema's `$vocabulary` cannot say.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum VocabularyError {
    /// Its value is not an object of booleans.
    NotBooleans,
    /// It requires (`true`) a vocabulary the generator does not know: its URI.
    UnknownRequired(String),
}

/// The dialect and vocabularies a custom meta-schema declares: by its `$vocabulary` when it has
/// one (a vocabulary marked optional that the generator does not know is left out, as the
/// specification allows; nothing known at all is the newest draft with only the core on), else
/// every vocabulary of the draft its own `$schema` names. `Ok(None)` when it names no draft
/// the generator reads. Reading the meta-schema out of the registry is `load.rs`'s part.
pub(crate) fn declared_by_meta_schema(
    meta: &IndexMap<String, Json>,
) -> Result<Option<(Dialect, Vocabularies)>, VocabularyError> {
    let Some(vocabulary) = meta.get("$vocabulary") else {
        let dialect = meta
            .get("$schema")
            .and_then(Json::as_str)
            .and_then(Dialect::from_uri);
        return Ok(dialect.map(|d| (d, Vocabularies::STANDARD)));
    };
    let members = vocabulary
        .as_object()
        .filter(|m| m.values().all(|v| matches!(v, Json::Bool(_))))
        .ok_or(VocabularyError::NotBooleans)?;
    let mut dialect = None;
    let mut on = Vocabularies(0);
    for (uri, required) in members {
        match Vocabulary::from_uri(uri) {
            Some((draft, vocabulary)) => {
                dialect = dialect.max(Some(draft));
                on.0 |= vocabulary.bit();
            }
            None if *required == Json::Bool(true) => {
                return Err(VocabularyError::UnknownRequired(uri.clone()));
            }
            None => {}
        }
    }
    Ok(Some((dialect.unwrap_or(Dialect::Draft2020_12), on)))
}

/// The official meta-schema (or 2019-09 and 2020-12 vocabulary meta-schema) that `uri`, without
/// fragment, names; served from the `referencing` crate so that no reference needs the network.
pub(crate) fn bundled_meta_schema(uri: &str) -> Option<&'static serde_json::Value> {
    use referencing::meta;
    let bare = uri.strip_suffix('#').unwrap_or(uri);
    let schema = match bare {
        "http://json-schema.org/draft-04/schema" => &meta::DRAFT4,
        "http://json-schema.org/draft-06/schema" => &meta::DRAFT6,
        "http://json-schema.org/draft-07/schema" => &meta::DRAFT7,
        "https://json-schema.org/draft/2019-09/schema" => &meta::DRAFT201909,
        "https://json-schema.org/draft/2019-09/meta/applicator" => &meta::DRAFT201909_APPLICATOR,
        "https://json-schema.org/draft/2019-09/meta/content" => &meta::DRAFT201909_CONTENT,
        "https://json-schema.org/draft/2019-09/meta/core" => &meta::DRAFT201909_CORE,
        "https://json-schema.org/draft/2019-09/meta/format" => &meta::DRAFT201909_FORMAT,
        "https://json-schema.org/draft/2019-09/meta/meta-data" => &meta::DRAFT201909_META_DATA,
        "https://json-schema.org/draft/2019-09/meta/validation" => &meta::DRAFT201909_VALIDATION,
        "https://json-schema.org/draft/2020-12/schema" => &meta::DRAFT202012,
        "https://json-schema.org/draft/2020-12/meta/core" => &meta::DRAFT202012_CORE,
        "https://json-schema.org/draft/2020-12/meta/applicator" => &meta::DRAFT202012_APPLICATOR,
        "https://json-schema.org/draft/2020-12/meta/unevaluated" => &meta::DRAFT202012_UNEVALUATED,
        "https://json-schema.org/draft/2020-12/meta/validation" => &meta::DRAFT202012_VALIDATION,
        "https://json-schema.org/draft/2020-12/meta/meta-data" => &meta::DRAFT202012_META_DATA,
        "https://json-schema.org/draft/2020-12/meta/format-annotation" => {
            &meta::DRAFT202012_FORMAT_ANNOTATION
        }
        "https://json-schema.org/draft/2020-12/meta/format-assertion" => {
            &meta::DRAFT202012_FORMAT_ASSERTION
        }
        "https://json-schema.org/draft/2020-12/meta/content" => &meta::DRAFT202012_CONTENT,
        _ => return None,
    };
    Some(&***schema)
}

/// How a keyword holds its subschemas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// One schema (`items` may also be an array of them where [`Dialect::items_array`]).
    Single,
    /// An array of schemas.
    Array,
    /// An object whose values are schemas (those of `dependencies` may be string arrays).
    Map,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Draft4 => "draft-04",
            Dialect::Draft6 => "draft-06",
            Dialect::Draft7 => "draft-07",
            Dialect::Draft2019_09 => "draft 2019-09",
            Dialect::Draft2020_12 => "draft 2020-12",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_keyword_is_defined_by_some_draft() {
        for keyword in KEYWORDS {
            assert!(
                DIALECTS.iter().any(|d| d.defines(keyword)),
                "{keyword} is listed but no draft defines it"
            );
        }
    }
}
