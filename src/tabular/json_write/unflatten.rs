//! `--unflatten`: rows written as nested objects rebuilt from dotted column names, the inverse
//! of `--flatten` (`a.b` and `a.c` become `{"a":{"b":..,"c":..}}`). The nesting is worked out
//! once from the header into a list of steps; each row is then written by walking them.
//!
//! Members keep the order in which their first column appears. Under `--flatten-arrays` an
//! object whose keys are exactly `0`, `1`, ... `n-1` in that order is written as an array,
//! so that flattening and unflattening give back the original for objects with no separator
//! in their keys.

use anyhow::{Result, bail};

use super::object_key;

/// The steps that write one nested row.
#[derive(Debug, Clone)]
pub struct Nesting {
    steps: Vec<Step>,
    columns: usize,
}

#[derive(Debug, Clone)]
enum Step {
    /// Opens an object or array; `key` is `"name":` inside an object, empty inside an array.
    Open {
        key: Vec<u8>,
        comma: bool,
        array: bool,
    },
    Close {
        array: bool,
    },
    /// Writes column `column`'s value.
    Value {
        key: Vec<u8>,
        comma: bool,
        column: usize,
    },
}

/// A node of the tree of names: its children in first-seen order, or the column it is.
#[derive(Debug, Default)]
struct Node {
    children: Vec<(String, Node)>,
    column: Option<usize>,
}

impl Nesting {
    /// The nesting of `names` split at `separator`; an error when one name is both a value
    /// and an object (`a` and `a.b`).
    pub fn new(names: &[String], separator: &str, arrays: bool) -> Result<Nesting> {
        let mut root = Node::default();
        for (column, name) in names.iter().enumerate() {
            let mut node = &mut root;
            let mut path = String::new();
            for (depth, segment) in name.split(separator).enumerate() {
                if node.column.is_some() {
                    bail!(
                        "--unflatten: column {name:?} would go inside {path:?}, which is a \
                         column of its own"
                    );
                }
                if depth > 0 {
                    path.push_str(separator);
                }
                path.push_str(segment);
                let at = match node.children.iter().position(|(s, _)| s == segment) {
                    Some(at) => at,
                    None => {
                        node.children.push((segment.to_owned(), Node::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[at].1;
            }
            if node.column.is_some() || !node.children.is_empty() {
                bail!(
                    "--unflatten: column {name:?} is both a value and an object holding other \
                     columns"
                );
            }
            node.column = Some(column);
        }
        let mut steps = Vec::new();
        steps_of(&root, false, arrays, &mut steps);
        Ok(Nesting {
            steps,
            columns: names.len(),
        })
    }

    /// How many columns the nesting places.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// Writes one row as an object (without its closing brace, so the caller can add extra
    /// members), asking `value` to write each column's value.
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        value: &mut dyn FnMut(&mut Vec<u8>, usize) -> Result<()>,
    ) -> Result<()> {
        out.push(b'{');
        for step in &self.steps {
            match step {
                Step::Open { key, comma, array } => {
                    if *comma {
                        out.push(b',');
                    }
                    out.extend_from_slice(key);
                    out.push(if *array { b'[' } else { b'{' });
                }
                Step::Close { array } => out.push(if *array { b']' } else { b'}' }),
                Step::Value { key, comma, column } => {
                    if *comma {
                        out.push(b',');
                    }
                    out.extend_from_slice(key);
                    value(out, *column)?;
                }
            }
        }
        Ok(())
    }
}

/// Whether a node's children are `0`..`n-1` in order, so it is written as an array.
fn is_array(node: &Node) -> bool {
    !node.children.is_empty()
        && node
            .children
            .iter()
            .enumerate()
            .all(|(i, (segment, _))| *segment == i.to_string())
}

fn steps_of(node: &Node, in_array: bool, arrays: bool, steps: &mut Vec<Step>) {
    for (i, (segment, child)) in node.children.iter().enumerate() {
        let key = if in_array {
            Vec::new()
        } else {
            object_key(segment)
        };
        let comma = i > 0;
        match child.column {
            Some(column) => steps.push(Step::Value { key, comma, column }),
            None => {
                let array = arrays && is_array(child);
                steps.push(Step::Open { key, comma, array });
                steps_of(child, array, arrays, steps);
                steps.push(Step::Close { array });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nest(names: &[&str], arrays: bool) -> Result<String> {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let nesting = Nesting::new(&names, ".", arrays)?;
        let mut out = Vec::new();
        nesting.write(&mut out, &mut |out, column| {
            out.extend_from_slice(column.to_string().as_bytes());
            Ok(())
        })?;
        out.push(b'}');
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn dotted_names_become_nested_objects_in_first_seen_order() {
        assert_eq!(
            nest(&["a.b", "d", "a.c", "e.f.g"], false).unwrap(),
            r#"{"a":{"b":0,"c":2},"d":1,"e":{"f":{"g":3}}}"#
        );
        assert_eq!(
            nest(&["x.0", "x.1"], false).unwrap(),
            r#"{"x":{"0":0,"1":1}}"#
        );
        assert_eq!(nest(&["x.0", "x.1"], true).unwrap(), r#"{"x":[0,1]}"#);
        assert_eq!(
            nest(&["x.1", "x.0"], true).unwrap(),
            r#"{"x":{"1":0,"0":1}}"#
        );
        assert_eq!(nest(&["a..b"], false).unwrap(), r#"{"a":{"":{"b":0}}}"#);
    }

    #[test]
    fn a_name_that_is_both_value_and_object_is_refused() {
        assert!(nest(&["a", "a.b"], false).is_err());
        assert!(nest(&["a.b", "a"], false).is_err());
        assert!(nest(&["a", "a"], false).is_err());
    }
}
