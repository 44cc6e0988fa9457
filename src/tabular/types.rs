//! Whole-column JSON types (`--types column`, `--schema`): a column's type is the narrowest
//! that every non-empty value in it fits without losing any text, so that one column never
//! holds both `"02134"` and `90210`. Empty values are `null` in every column.
//!
//! Inference is a first pass over the input that keeps one [`ColumnType`] per column, so its
//! memory does not depend on the number of rows. The types can be written out as a JSON
//! Schema, or read from one to force them.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::number::{Inferred, infer, is_json_number, json_number_text};
use super::row::Kind;

/// A column's JSON type, from narrowest to widest along each chain: `Null` (no value seen)
/// widens to anything; `Integer` to `Number`; anything that meets a different kind becomes
/// `String`, which holds every value as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Null,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    String,
}

impl ColumnType {
    /// The narrowest type holding both.
    pub fn join(self, other: ColumnType) -> ColumnType {
        use ColumnType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Null, t) | (t, Null) => t,
            (Integer, Number) | (Number, Integer) => Number,
            _ => String,
        }
    }

    /// The JSON Schema name of this type.
    pub fn schema_name(self) -> &'static str {
        match self {
            ColumnType::Null => "null",
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Boolean => "boolean",
            ColumnType::Object => "object",
            ColumnType::Array => "array",
            ColumnType::String => "string",
        }
    }

    fn from_schema_name(name: &str) -> Option<ColumnType> {
        Some(match name {
            "null" => ColumnType::Null,
            "integer" => ColumnType::Integer,
            "number" => ColumnType::Number,
            "boolean" => ColumnType::Boolean,
            "object" => ColumnType::Object,
            "array" => ColumnType::Array,
            "string" => ColumnType::String,
            _ => return None,
        })
    }
}

/// What one value is, for the column's type: `Null` for an empty or null value.
pub fn type_of(bytes: &[u8], kind: Kind) -> ColumnType {
    match kind {
        Kind::Null => ColumnType::Null,
        Kind::Text => match infer(bytes) {
            Inferred::Null => ColumnType::Null,
            Inferred::Bool => ColumnType::Boolean,
            Inferred::Number if is_integer(bytes) => ColumnType::Integer,
            Inferred::Number => ColumnType::Number,
            Inferred::Text => ColumnType::String,
        },
        Kind::Number => match json_number_text(bytes) {
            Some(text) if is_integer(&text) && infer(&text) == Inferred::Number => {
                ColumnType::Integer
            }
            Some(_) => ColumnType::Number,
            // NaN and infinities have no JSON number: the column holds them as text.
            None => ColumnType::String,
        },
        Kind::Bool => ColumnType::Boolean,
        Kind::Nested if bytes.first() == Some(&b'[') => ColumnType::Array,
        Kind::Nested => ColumnType::Object,
    }
}

fn is_integer(text: &[u8]) -> bool {
    is_json_number(text) && text.iter().all(|&b| b.is_ascii_digit() || b == b'-')
}

/// Whether a value fits a column of type `column` (it is null or narrower).
pub fn fits(bytes: &[u8], kind: Kind, column: ColumnType) -> bool {
    let own = type_of(bytes, kind);
    own == ColumnType::Null || column.join(own) == column
}

/// Collects the types of the columns during the first pass.
#[derive(Debug, Clone, Default)]
pub struct Inference {
    types: Vec<ColumnType>,
    /// The column had an empty or null value.
    nullable: Vec<bool>,
}

impl Inference {
    /// Widens column `i`'s type by one value.
    #[inline]
    pub fn observe(&mut self, i: usize, bytes: &[u8], kind: Kind) {
        if i >= self.types.len() {
            self.types.resize(i + 1, ColumnType::Null);
            self.nullable.resize(i + 1, false);
        }
        let current = self.types[i];
        if current == ColumnType::String {
            // A string column stays one: most text columns are decided by their first value.
            self.nullable[i] |= bytes.is_empty() || kind == Kind::Null;
            return;
        }
        let own = type_of(bytes, kind);
        if own == ColumnType::Null {
            self.nullable[i] = true;
        } else {
            self.types[i] = current.join(own);
        }
    }

    /// The types found for `columns` columns (a column never seen is `Null`), and for each
    /// whether it had empty values.
    pub fn finish(mut self, columns: usize) -> (Vec<ColumnType>, Vec<bool>) {
        let n = columns.max(self.types.len());
        self.types.resize(n, ColumnType::Null);
        self.nullable.resize(n, true);
        (self.types, self.nullable)
    }
}

/// The JSON Schema (draft 2020-12) of the rows: an object with these properties (`names`),
/// in column order, or an array with these items when rows are arrays (`--no-header`). A
/// column that had empty values allows `null` as well.
pub fn to_schema(names: Option<&[String]>, types: &[ColumnType], nullable: &[bool]) -> String {
    let column = |i: usize| {
        let t = types[i].schema_name();
        if nullable.get(i).copied().unwrap_or(false) && types[i] != ColumnType::Null {
            format!("{{\"type\": [\"{t}\", \"null\"]}}")
        } else {
            format!("{{\"type\": \"{t}\"}}")
        }
    };
    let (kind, list, open, close) = match names {
        Some(_) => ("object", "properties", '{', '}'),
        None => ("array", "prefixItems", '[', ']'),
    };
    let mut out = format!(
        "{{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"type\": \
         \"{kind}\",\n  \"{list}\": {open}"
    );
    for i in 0..types.len() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        if let Some(name) = names.and_then(|n| n.get(i)) {
            out.push_str(&Value::String(name.clone()).to_string());
            out.push_str(": ");
        }
        out.push_str(&column(i));
    }
    out.push_str(if types.is_empty() { "" } else { "\n  " });
    out.push(close);
    out.push_str("\n}\n");
    out
}

/// Column types read from a JSON Schema written by [`to_schema`] (or by hand, in the same
/// shape): by column name for objects, by position for arrays. A column's type is the one
/// non-`null` type it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forced {
    ByName(Vec<(String, ColumnType)>),
    ByPosition(Vec<ColumnType>),
}

impl Forced {
    /// The types for the output columns named `names` (`None`: rows are arrays); a column
    /// the schema does not name is a string.
    pub fn for_columns(&self, names: Option<&[String]>) -> Vec<ColumnType> {
        match (self, names) {
            (Forced::ByName(by_name), Some(names)) => names
                .iter()
                .map(|n| {
                    by_name
                        .iter()
                        .find(|(name, _)| name == n)
                        .map_or(ColumnType::String, |(_, t)| *t)
                })
                .collect(),
            (Forced::ByPosition(types), None) => types.clone(),
            (Forced::ByName(_), None) | (Forced::ByPosition(_), Some(_)) => Vec::new(),
        }
    }

    /// Whether the schema describes rows as objects (else as arrays).
    pub fn is_keyed(&self) -> bool {
        matches!(self, Forced::ByName(_))
    }
}

/// Reads `--schema FILE`.
pub fn read_schema(path: &Path) -> Result<Forced> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let schema: Value =
        serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let bad = |what: &str| -> anyhow::Error { anyhow::anyhow!("{}: {what}", path.display()) };
    let type_of_column = |value: &Value, column: &str| -> Result<ColumnType> {
        let names: Vec<&str> = match value.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return Err(bad(&format!("column {column:?} has no \"type\""))),
        };
        let mut found = names.iter().filter(|n| **n != "null");
        let name = match (found.next(), found.next()) {
            (None, _) => "null",
            (Some(one), None) => one,
            (Some(_), Some(_)) => {
                return Err(bad(&format!(
                    "column {column:?} allows more than one type besides null"
                )));
            }
        };
        ColumnType::from_schema_name(name)
            .ok_or_else(|| bad(&format!("column {column:?} has an unknown type {name:?}")))
    };
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let mut by_name = Vec::new();
        for (name, value) in properties {
            by_name.push((name.clone(), type_of_column(value, name)?));
        }
        return Ok(Forced::ByName(by_name));
    }
    if let Some(items) = schema.get("prefixItems").and_then(Value::as_array) {
        let types = items
            .iter()
            .enumerate()
            .map(|(i, item)| type_of_column(item, &(i + 1).to_string()))
            .collect::<Result<Vec<_>>>()?;
        return Ok(Forced::ByPosition(types));
    }
    bail!(
        "{}: expected a JSON Schema with \"properties\" (rows as objects) or \"prefixItems\" \
         (rows as arrays)",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column_of(values: &[&str]) -> ColumnType {
        let mut inference = Inference::default();
        for v in values {
            inference.observe(0, v.as_bytes(), Kind::Text);
        }
        inference.finish(1).0[0]
    }

    #[test]
    fn a_column_is_the_narrowest_type_all_its_values_fit() {
        assert_eq!(column_of(&["1", "2", ""]), ColumnType::Integer);
        assert_eq!(column_of(&["1", "2.5"]), ColumnType::Number);
        assert_eq!(column_of(&["02134", "90210"]), ColumnType::String);
        assert_eq!(column_of(&["true", "", "false"]), ColumnType::Boolean);
        assert_eq!(column_of(&["true", "1"]), ColumnType::String);
        assert_eq!(column_of(&["", ""]), ColumnType::Null);
        assert_eq!(column_of(&["99999999999999999999"]), ColumnType::String);
        assert_eq!(column_of(&["-0"]), ColumnType::String);
    }

    #[test]
    fn json_kinds_have_their_own_types() {
        assert_eq!(type_of(b"1.0", Kind::Number), ColumnType::Number);
        assert_eq!(type_of(b"7", Kind::Number), ColumnType::Integer);
        assert_eq!(type_of(b"nan", Kind::Number), ColumnType::String);
        assert_eq!(type_of(b"[1]", Kind::Nested), ColumnType::Array);
        assert_eq!(type_of(b"{}", Kind::Nested), ColumnType::Object);
        assert_eq!(type_of(b"", Kind::Null), ColumnType::Null);
        assert!(fits(b"12", Kind::Text, ColumnType::Number));
        assert!(!fits(b"1.5", Kind::Text, ColumnType::Integer));
        assert!(fits(b"", Kind::Text, ColumnType::Integer));
    }

    #[test]
    fn schemas_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let names = vec!["id".to_owned(), "zip".to_owned()];
        let schema = to_schema(
            Some(&names),
            &[ColumnType::Integer, ColumnType::String],
            &[false, true],
        );
        std::fs::write(&path, schema).unwrap();
        assert_eq!(
            read_schema(&path).unwrap().for_columns(Some(&names)),
            vec![ColumnType::Integer, ColumnType::String]
        );
    }
}
