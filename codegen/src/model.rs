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
    /// The response schema's name, resolved from the file named in `x-endpoint.response`.
    pub response: Option<String>,
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

    /// The constant, when `const` is the schema's only assertion (annotations aside).
    pub fn only_const(&self) -> Option<&Value> {
        let Keywords {
            types,
            enum_values,
            const_value,
            properties,
            pattern_properties,
            additional_properties,
            property_names,
            required,
            min_properties,
            max_properties,
            dependent_required,
            dependent_schemas,
            unevaluated_properties,
            prefix_items,
            items,
            contains,
            min_contains,
            max_contains,
            min_items,
            max_items,
            unique_items,
            unevaluated_items,
            min_length,
            max_length,
            pattern,
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum,
            multiple_of,
            reference,
            all_of,
            any_of,
            one_of,
            not,
            if_,
            then_,
            else_,
            annotations: _,
        } = self;
        let nothing_else = types.is_none()
            && enum_values.is_none()
            && properties.is_empty()
            && pattern_properties.is_empty()
            && additional_properties.is_none()
            && property_names.is_none()
            && required.is_empty()
            && min_properties.is_none()
            && max_properties.is_none()
            && dependent_required.is_empty()
            && dependent_schemas.is_empty()
            && unevaluated_properties.is_none()
            && prefix_items.is_empty()
            && items.is_none()
            && contains.is_none()
            && min_contains.is_none()
            && max_contains.is_none()
            && min_items.is_none()
            && max_items.is_none()
            && !unique_items
            && unevaluated_items.is_none()
            && min_length.is_none()
            && max_length.is_none()
            && pattern.is_none()
            && minimum.is_none()
            && maximum.is_none()
            && exclusive_minimum.is_none()
            && exclusive_maximum.is_none()
            && multiple_of.is_none()
            && reference.is_none()
            && all_of.is_empty()
            && any_of.is_empty()
            && one_of.is_empty()
            && not.is_none()
            && if_.is_none()
            && then_.is_none()
            && else_.is_none();
        const_value.as_ref().filter(|_| nothing_else)
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
