//! The intermediate model: every schema reachable from the roots, lowered to keywords with
//! checked values and resolved references. Emitters read only this, never raw JSON.

use serde_json::{Number, Value};

use crate::load::Location;

/// Index of a node in [`Model::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// Everything one generation run knows.
#[derive(Debug, Default)]
pub struct Model {
    pub nodes: Vec<Node>,
    pub roots: Vec<Root>,
}

impl Model {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// The keywords of a node, if it is not a boolean schema.
    pub fn keywords(&self, id: NodeId) -> Option<&Keywords> {
        match &self.node(id).schema {
            Schema::Keywords(k) => Some(k),
            Schema::Bool(_) => None,
        }
    }

    /// The types a node allows, when `type` is its only assertion.
    pub fn only_types(&self, id: NodeId) -> Option<&[JsonType]> {
        let k = self.keywords(id)?;
        k.types.as_deref().filter(|_| k.assertions() == ["type"])
    }

    /// The walk along `$ref`s from `id`: `id`, then the target of each node's `$ref` for as
    /// long as `follow` holds for the node being left. It ends at a boolean schema or a node
    /// without `$ref`, and after as many steps as there are nodes (lowering refuses a cycle of
    /// `$ref`s, so that bound is never what ends it). Emitters ask it where a chain of
    /// forwarders ends, which node shapes a type, and where a description or `x-secret` is.
    pub fn ref_chain(&self, id: NodeId, mut follow: impl FnMut(&Keywords) -> bool) -> Vec<NodeId> {
        let mut chain = vec![id];
        let mut at = id;
        for _ in 0..self.nodes.len() {
            match self.keywords(at) {
                Some(k) if follow(k) => match k.reference {
                    Some(next) => {
                        chain.push(next);
                        at = next;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        chain
    }
}

/// One schema file the caller asked for.
#[derive(Debug)]
pub struct Root {
    /// The schema's name: its path under the schema directory without `.schema.json`.
    pub name: String,
    pub node: NodeId,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The root's `examples`, as pretty-printed JSON in the schema's member order.
    pub examples: Vec<String>,
    pub endpoint: Option<Endpoint>,
}

/// A schema at one location.
#[derive(Debug)]
pub struct Node {
    pub location: Location,
    /// `file#pointer`, as errors and generated comments name the node.
    pub display: String,
    /// The `$defs` (or `definitions`) name this node is defined under, if any.
    pub def_name: Option<String>,
    pub schema: Schema,
}

#[derive(Debug)]
pub enum Schema {
    Bool(bool),
    Keywords(Box<Keywords>),
}

/// The JSON types of the `type` keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JsonType {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    String,
    Integer,
}

impl JsonType {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "null" => JsonType::Null,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "number" => JsonType::Number,
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            _ => return None,
        })
    }

    /// The type with an article, as messages name it.
    pub fn phrase(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "a boolean",
            JsonType::Object => "an object",
            JsonType::Array => "an array",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Integer => "an integer",
        }
    }
}

/// 2019-09 split draft 7's `dependencies` into `dependentRequired` and `dependentSchemas`; a
/// violation is reported at the keyword the schema wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DependentKeyword {
    #[default]
    DependentRequired,
    Dependencies,
}

impl DependentKeyword {
    pub fn name(self) -> &'static str {
        match self {
            DependentKeyword::DependentRequired => "dependentRequired",
            DependentKeyword::Dependencies => "dependencies",
        }
    }
}

/// The keywords of one schema object. Applicator keywords hold the nodes of their subschemas.
#[derive(Debug, Default)]
pub struct Keywords {
    pub types: Option<Vec<JsonType>>,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Value>,

    // Objects.
    pub properties: Vec<(String, NodeId)>,
    pub pattern_properties: Vec<(String, NodeId)>,
    pub additional_properties: Option<NodeId>,
    pub property_names: Option<NodeId>,
    pub required: Vec<String>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// The keyword the schema wrote `dependent_required` with, for error locations.
    pub dependent_required_keyword: DependentKeyword,
    pub dependent_schemas: Vec<(String, NodeId)>,
    pub unevaluated_properties: Option<NodeId>,

    // Arrays.
    pub prefix_items: Vec<NodeId>,
    pub items: Option<NodeId>,
    pub contains: Option<NodeId>,
    pub min_contains: Option<u64>,
    pub max_contains: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub unevaluated_items: Option<NodeId>,

    // Strings.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    /// `format`, when asserted (`Config::assert_formats`) and a format the runtime checks; its
    /// name. Otherwise `format` is an annotation only.
    pub format: Option<String>,

    // Numbers.
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub multiple_of: Option<Number>,

    // In-place applicators.
    pub reference: Option<NodeId>,
    pub all_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    pub one_of: Vec<NodeId>,
    pub not: Option<NodeId>,
    pub if_: Option<NodeId>,
    pub then_: Option<NodeId>,
    pub else_: Option<NodeId>,

    pub annotations: Annotations,
}

/// Keywords that describe rather than constrain. Validators ignore them, except
/// `contentEncoding`, which a strict check reports on; the type emitter uses them all.
#[derive(Debug, Default)]
pub struct Annotations {
    pub title: Option<String>,
    pub description: Option<String>,
    pub comment: Option<String>,
    pub content_encoding: Option<String>,
    pub content_media_type: Option<String>,
    pub format: Option<String>,
    pub default: Option<Value>,
    pub examples: Vec<Value>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// `x-secret: true`: the value must never reach a log.
    pub secret: bool,
}

/// The HTTP endpoint a request schema is sent to (`x-endpoint`).
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub method: String,
    pub base_url: String,
    pub path: String,
    pub query: Vec<QueryParameter>,
    /// Where the request schema's instance travels.
    pub request_in: RequestIn,
    /// The response schema's name, resolved from the file named in `x-endpoint.response`.
    pub response: Option<String>,
    /// The endpoint's Rust name (`x-endpoint.name`, else the schema's folder in UpperCamelCase).
    pub name: String,
    /// How the endpoint lists by page (`x-endpoint.pagination`).
    pub pagination: Option<Pagination>,
}

/// Which members carry a paginated list: the request's cursor, and in the success the list,
/// whether more follow (`None` for a listing without such a member, which ends on an absent or
/// empty next cursor) and the next cursor.
#[derive(Clone, Debug)]
pub struct Pagination {
    pub items: String,
    pub cursor: String,
    pub has_more: Option<String>,
    pub next_cursor: String,
}

/// Where a request schema's instance travels: `x-endpoint.request_in`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestIn {
    /// As the JSON body (the default).
    Body,
    /// As the query string, one parameter per member (a GET such as gettoken).
    Query,
}

#[derive(Clone, Debug)]
pub struct QueryParameter {
    pub name: String,
    pub required: bool,
    pub description: Option<String>,
}

impl Keywords {
    /// Every subschema this schema applies in place (to the same instance).
    pub fn in_place(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.reference
            .iter()
            .chain(&self.all_of)
            .chain(&self.any_of)
            .chain(&self.one_of)
            .chain(&self.not)
            .chain(&self.if_)
            .chain(&self.then_)
            .chain(&self.else_)
            .chain(self.dependent_schemas.iter().map(|(_, n)| n))
            .copied()
    }

    /// Subschemas applied to a member's value or an item: their nodes sit at value positions.
    pub fn descendants(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.properties
            .iter()
            .chain(&self.pattern_properties)
            .map(|(_, n)| *n)
            .chain(self.additional_properties)
            .chain(self.prefix_items.iter().copied())
            .chain(self.items)
            .chain(self.unevaluated_properties)
            .chain(self.unevaluated_items)
    }

    /// Every subschema: those applied to members or items, then `propertyNames` and
    /// `contains`, then those applied in place.
    pub fn subschemas(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.descendants()
            .chain(self.property_names)
            .chain(self.contains)
            .chain(self.in_place())
    }

    /// The keywords present that assert something (every keyword but the annotations).
    pub fn assertions(&self) -> Vec<&'static str> {
        let k = self;
        let present: [(&'static str, bool); 39] = [
            ("type", k.types.is_some()),
            ("enum", k.enum_values.is_some()),
            ("const", k.const_value.is_some()),
            ("properties", !k.properties.is_empty()),
            ("patternProperties", !k.pattern_properties.is_empty()),
            ("additionalProperties", k.additional_properties.is_some()),
            ("propertyNames", k.property_names.is_some()),
            ("required", !k.required.is_empty()),
            ("minProperties", k.min_properties.is_some()),
            ("maxProperties", k.max_properties.is_some()),
            ("dependentRequired", !k.dependent_required.is_empty()),
            ("dependentSchemas", !k.dependent_schemas.is_empty()),
            ("unevaluatedProperties", k.unevaluated_properties.is_some()),
            ("prefixItems", !k.prefix_items.is_empty()),
            ("items", k.items.is_some()),
            ("contains", k.contains.is_some()),
            ("minContains", k.min_contains.is_some()),
            ("maxContains", k.max_contains.is_some()),
            ("minItems", k.min_items.is_some()),
            ("maxItems", k.max_items.is_some()),
            ("uniqueItems", k.unique_items),
            ("unevaluatedItems", k.unevaluated_items.is_some()),
            ("minLength", k.min_length.is_some()),
            ("maxLength", k.max_length.is_some()),
            ("pattern", k.pattern.is_some()),
            ("format", k.format.is_some()),
            ("minimum", k.minimum.is_some()),
            ("maximum", k.maximum.is_some()),
            ("exclusiveMinimum", k.exclusive_minimum.is_some()),
            ("exclusiveMaximum", k.exclusive_maximum.is_some()),
            ("multipleOf", k.multiple_of.is_some()),
            ("$ref", k.reference.is_some()),
            ("allOf", !k.all_of.is_empty()),
            ("anyOf", !k.any_of.is_empty()),
            ("oneOf", !k.one_of.is_empty()),
            ("not", k.not.is_some()),
            ("if", k.if_.is_some()),
            ("then", k.then_.is_some()),
            ("else", k.else_.is_some()),
        ];
        present
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| name)
            .collect()
    }

    /// The constant, when `const` is the schema's only assertion (annotations aside).
    pub fn only_const(&self) -> Option<&Value> {
        self.const_value
            .as_ref()
            .filter(|_| self.assertions() == ["const"])
    }

    /// Whether the schema needs to know which members and items its in-place subschemas
    /// evaluated.
    pub fn uses_unevaluated(&self) -> bool {
        self.unevaluated_properties.is_some() || self.unevaluated_items.is_some()
    }

    /// Whether the schema says anything about objects' members.
    pub fn describes_members(&self) -> bool {
        !self.properties.is_empty()
            || !self.pattern_properties.is_empty()
            || self.types.as_deref() == Some(&[JsonType::Object])
    }
}
