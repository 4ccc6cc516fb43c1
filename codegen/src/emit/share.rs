//! Where each type lives, decided once for the whole run: a schema node that one root reaches
//! is typed in that root's module; a node that several roots reach is typed once, in the
//! module of the file that holds it (`common.json` → `common`), and every root refers to it
//! there. Also whether a node is typed as requests need it: a node that some request reaches
//! carries its bounds in its type (so a request built from typed values is never refused),
//! and a closed set that only requests reach refuses values the schema does not name.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind};
use crate::model::{Model, NodeId};

use super::names::module_path;

/// A module's path, as its segments (`["meeting", "rooms", "list", "response"]`).
pub type ModulePath = Vec<String>;

/// Which roots reach a node, as much as the emitters need to know.
#[derive(Clone, Copy, Debug, Default)]
struct Reach {
    /// The first root (in the model's order) that reaches it.
    first: Option<usize>,
    /// Whether another root reaches it too.
    several: bool,
    /// Whether a request root (one with `x-endpoint`) reaches it.
    by_request: bool,
    /// Whether any other root reaches it.
    by_other: bool,
}

/// The owner module of every node, and how each node is typed.
#[derive(Debug)]
pub struct Sharing {
    reach: Vec<Reach>,
    root_modules: Vec<ModulePath>,
    /// The module of each file that holds a shared node, with that file.
    file_modules: BTreeMap<String, ModulePath>,
    /// Every module that holds types or a root, and the folders above them.
    modules: std::collections::BTreeSet<ModulePath>,
}

impl Sharing {
    /// Walks every root's subschemas (through `$ref`s too) and decides the owners. Two files
    /// whose modules would be the same module are an error naming both.
    pub fn new(model: &Model) -> Result<Sharing, Error> {
        let mut reach = vec![Reach::default(); model.nodes.len()];
        let mut seen = vec![usize::MAX; model.nodes.len()];
        for (index, root) in model.roots.iter().enumerate() {
            let request = root.endpoint.is_some();
            let mut stack = vec![root.node];
            seen[root.node.0] = index;
            while let Some(id) = stack.pop() {
                let r = &mut reach[id.0];
                match r.first {
                    None => r.first = Some(index),
                    Some(first) if first != index => r.several = true,
                    Some(_) => {}
                }
                if request {
                    r.by_request = true;
                } else {
                    r.by_other = true;
                }
                if let Some(k) = model.keywords(id) {
                    for child in k.subschemas() {
                        if seen[child.0] != index {
                            seen[child.0] = index;
                            stack.push(child);
                        }
                    }
                }
            }
        }
        let root_modules: Vec<ModulePath> =
            model.roots.iter().map(|r| module_path(&r.name)).collect();
        let mut sharing = Sharing {
            reach,
            root_modules,
            file_modules: BTreeMap::new(),
            modules: std::collections::BTreeSet::new(),
        };
        let mut files = BTreeMap::new();
        for (root, module) in model.roots.iter().zip(&sharing.root_modules) {
            files.insert(module.clone(), format!("{}.schema.json", root.name));
        }
        for (index, node) in model.nodes.iter().enumerate() {
            if !sharing.reach[index].several {
                continue;
            }
            let file = file_of(&node.display);
            if sharing.file_modules.contains_key(file) {
                continue;
            }
            let module = file_module(file);
            match files.get(&module) {
                Some(other) if other != file => {
                    let kind = ErrorKind::ModuleCollision {
                        module: module.join("::"),
                        other: other.into(),
                    };
                    return Err(Error::new(file, "", kind));
                }
                _ => {}
            }
            files.insert(module.clone(), file.to_owned());
            sharing.file_modules.insert(file.to_owned(), module);
        }
        for module in files.keys() {
            for depth in 1..=module.len() {
                sharing.modules.insert(module[..depth].to_vec());
            }
        }
        Ok(sharing)
    }

    /// The module a type shaped by `node` is printed in.
    pub fn module(&self, model: &Model, node: NodeId) -> ModulePath {
        let reach = self.reach[node.0];
        let file = file_of(&model.node(node).display);
        match (reach.first, self.file_modules.get(file)) {
            (Some(root), _) if !reach.several => self.root_modules[root].clone(),
            (_, Some(module)) => module.clone(),
            // Reached by no root: typed only if asked for directly, in its file's module.
            (_, None) => file_module(file),
        }
    }

    /// Whether `path` is a module of the output (a schema's, a shared file's, or a folder).
    pub fn is_module(&self, path: &[String]) -> bool {
        self.modules.contains(path)
    }

    /// Whether several roots use the type of `node`, so that other modules refer to it.
    pub fn is_shared(&self, node: NodeId) -> bool {
        self.reach[node.0].several
    }

    /// Whether some request reaches `node`: its bounds and lengths belong in its type.
    pub fn checked(&self, node: NodeId) -> bool {
        self.reach[node.0].by_request
    }

    /// Whether only requests reach `node`: a closed set of values refuses any other value,
    /// where a response's keeps it (`Unknown`), as a server may add values.
    pub fn closed(&self, node: NodeId) -> bool {
        let reach = self.reach[node.0];
        reach.by_request && !reach.by_other
    }

    /// Every module that holds shared types but no root of its own, with the file it is
    /// generated from.
    pub fn shared_modules(&self) -> impl Iterator<Item = (&ModulePath, &str)> {
        self.file_modules
            .iter()
            .filter(|(_, module)| !self.root_modules.contains(module))
            .map(|(file, module)| (module, file.as_str()))
    }
}

/// The file part of a node's `file#pointer`.
fn file_of(display: &str) -> &str {
    display.split_once('#').map_or(display, |(file, _)| file)
}

/// The module of a file: its path under the schema directory (`common.json` → `common`,
/// `defs/ids.json` → `defs::ids`); a document from elsewhere (a URI, a path outside the schema
/// directory) goes under `external`, by its last segment.
fn file_module(file: &str) -> ModulePath {
    let outside = file.contains("://") || file.starts_with('/') || file.starts_with("..");
    if outside {
        let last = file
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(file);
        let mut module = vec!["external".to_owned()];
        module.extend(module_path(&crate::schema_name(last)));
        module
    } else {
        module_path(&crate::schema_name(file))
    }
}

/// The path from module `from` to `to`, to name an item of `to` in `from`: `super`s up to the
/// modules' common ancestor, then down (valid in the tree of files and in one file alike).
pub fn relative_path(from: &[String], to: &[String]) -> Vec<String> {
    let shared = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("super".to_owned(), from.len() - shared);
    ups.chain(to[shared..].iter().cloned()).collect()
}
