//! JSON Schema dialects: which keywords each draft defines, and the rules that differ between
//! them. A schema's dialect is its resource's `$schema`, or [`crate::Config::default_dialect`].

use std::fmt;

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
