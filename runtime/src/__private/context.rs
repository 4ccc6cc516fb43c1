//! The state a generated `validate_*` function threads through its walk of a
//! [`serde_json::Value`]: the instance path as borrowed segments, turned into a JSON pointer
//! only when something is reported, so a valid instance costs no allocation for paths.

use serde_json::Value;

use crate::validate::{Options, Report, ValidationError};
use crate::value::describe;

/// One step of the path from the root of the instance to the value being checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'v> {
    /// A member of an object.
    Key(&'v str),
    /// An element of an array.
    Index(usize),
}

/// The state a generated validator threads through its checks.
#[derive(Debug)]
pub struct Context<'v> {
    path: Vec<Segment<'v>>,
    options: Options,
    report: Report,
}

impl<'v> Context<'v> {
    /// A context at the root of an instance.
    pub fn new(options: Options) -> Self {
        Context {
            path: Vec::new(),
            options,
            report: Report::default(),
        }
    }

    /// The options this validation runs with.
    #[inline]
    pub fn options(&self) -> Options {
        self.options
    }

    /// Steps into `segment`; pair with [`Context::pop`].
    #[inline]
    pub fn push(&mut self, segment: Segment<'v>) {
        self.path.push(segment);
    }

    /// Steps back out of the last segment pushed.
    #[inline]
    pub fn pop(&mut self) {
        self.path.pop();
    }

    /// The JSON pointer of the current position.
    pub fn pointer(&self) -> String {
        let mut pointer = String::new();
        for segment in &self.path {
            pointer.push('/');
            match segment {
                Segment::Key(key) => escape_pointer_token(key, &mut pointer),
                Segment::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }

    /// Reports a violation at the current position.
    #[cold]
    pub fn error(&mut self, keyword: &'static str, schema_location: &'static str, message: String) {
        let error = self.make(keyword, schema_location, message);
        self.report.errors.push(error);
    }

    /// Applies `validate` to a member found earlier (`None`: the object has no such member),
    /// at its position.
    #[inline]
    pub fn member_found(
        &mut self,
        member: Option<(&'v String, &'v Value)>,
        validate: fn(&'v Value, &mut Context<'v>),
    ) {
        if let Some((key, value)) = member {
            self.push(Segment::Key(key));
            validate(value, self);
            self.pop();
        }
    }

    /// Applies `validate` to every item of `items`, each at its position.
    #[inline]
    pub fn items(&mut self, items: &'v [Value], validate: fn(&'v Value, &mut Context<'v>)) {
        for (index, item) in items.iter().enumerate() {
            self.push(Segment::Index(index));
            validate(item, self);
            self.pop();
        }
    }

    /// Reports the violation of `required` (at `schema_location`): the object has no member
    /// `name`.
    #[cold]
    pub fn missing(&mut self, name: &'static str, schema_location: &'static str) {
        let message = format!("missing required member {}", Value::String(name.to_owned()));
        self.error("required", schema_location, message);
    }

    /// Reports a violation with the message "expected `expected`, found" and a description of
    /// `found`.
    #[cold]
    pub fn error_found(
        &mut self,
        keyword: &'static str,
        schema_location: &'static str,
        expected: &'static str,
        found: &Value,
    ) {
        let message = format!("expected {expected}, found {}", describe(found));
        self.error(keyword, schema_location, message);
    }

    /// Notes a tolerance at the current position; ignored unless [`Options::tolerances`] is set.
    #[cold]
    pub fn warning(
        &mut self,
        keyword: &'static str,
        schema_location: &'static str,
        message: String,
    ) {
        if self.options.tolerances {
            let warning = self.make(keyword, schema_location, message);
            self.report.warnings.push(warning);
        }
    }

    fn make(
        &self,
        keyword: &'static str,
        schema_location: &'static str,
        message: String,
    ) -> ValidationError {
        ValidationError {
            instance_pointer: self.pointer(),
            keyword,
            schema_location,
            message,
        }
    }

    /// Ends the validation and returns what it found.
    pub fn finish(self) -> Report {
        self.report
    }
}

/// The members and items that the subschemas applied to one instance evaluated, for
/// `unevaluatedProperties` and `unevaluatedItems`.
#[derive(Debug, Default)]
pub struct Evaluated<'v> {
    all_members: bool,
    members: Vec<&'v str>,
    all_items: bool,
    items_below: usize,
    items: Vec<usize>,
}

impl<'v> Evaluated<'v> {
    /// Notes that member `name` was evaluated.
    #[inline]
    pub fn member(&mut self, name: &'v str) {
        if !self.all_members {
            self.members.push(name);
        }
    }

    /// Notes that every member was evaluated.
    #[inline]
    pub fn all_members(&mut self) {
        self.all_members = true;
        self.members.clear();
    }

    /// Whether member `name` was evaluated.
    pub fn has_member(&self, name: &str) -> bool {
        self.all_members || self.members.contains(&name)
    }

    /// Notes that the items before index `end` were evaluated.
    #[inline]
    pub fn items_below(&mut self, end: usize) {
        self.items_below = self.items_below.max(end);
    }

    /// Notes that the item at `index` was evaluated.
    #[inline]
    pub fn item(&mut self, index: usize) {
        if !self.all_items {
            self.items.push(index);
        }
    }

    /// Notes that every item was evaluated.
    #[inline]
    pub fn all_items(&mut self) {
        self.all_items = true;
        self.items.clear();
    }

    /// Whether the item at `index` was evaluated.
    pub fn has_item(&self, index: usize) -> bool {
        self.all_items || index < self.items_below || self.items.contains(&index)
    }
}

fn escape_pointer_token(token: &str, out: &mut String) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        let mut ctx = Context::new(Options::default());
        ctx.push(Segment::Key("a/b~c"));
        ctx.push(Segment::Index(3));
        assert_eq!(ctx.pointer(), "/a~1b~0c/3");
    }

    #[test]
    fn warnings_need_the_option() {
        let mut quiet = Context::new(Options::default());
        quiet.warning("additionalProperties", "s#", "w".into());
        assert!(quiet.finish().warnings.is_empty());
        let mut loud = Context::new(Options::with_tolerances());
        loud.warning("additionalProperties", "s#", "w".into());
        let report = loud.finish();
        assert_eq!(report.warnings.len(), 1);
        assert!(report.is_valid() && !report.is_strictly_valid());
    }
}
