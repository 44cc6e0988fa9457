//! JSON objects as rows of fixed columns: the columns are `--columns`, `--union-keys`' union
//! of every key, or the keys of the first object; a later key that is not a column is an
//! error, or dropped with `--ignore-extra`.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};

use anyhow::{Result, bail};

use super::super::json_read::{JsonReader, PlainKey};
use super::super::limits;
use super::super::row::Kind;
use super::sink::Sink;
use super::{Config, Pass, json_reader};

/// Where JSON objects go once their columns are known.
pub struct ObjectWriter {
    pub sink: Sink,
    /// The columns in output order (sorted with `--sort-columns`).
    pub order: Vec<usize>,
    /// The columns as [`JsonReader::next_plain_object`] matches keys, or `None` when one of
    /// them cannot be matched that way.
    pub plain: Option<Vec<PlainKey>>,
}

impl ObjectWriter {
    /// Writes the header for `columns` and gets ready for rows.
    pub fn open(
        config: &Config,
        columns: &[String],
        out: &mut dyn Write,
        pass: &Pass,
    ) -> Result<ObjectWriter> {
        let order = column_order(columns, config.sort_columns);
        let names: Vec<String> = order.iter().map(|&i| columns[i].clone()).collect();
        let plain = if columns.is_empty() {
            None
        } else {
            columns.iter().map(|c| PlainKey::new(c)).collect()
        };
        Ok(ObjectWriter {
            sink: Sink::open(config, Some(&names), out, pass)?,
            order,
            plain,
        })
    }
}

fn column_order(columns: &[String], sort: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    if sort {
        order.sort_by(|&a, &b| columns[a].cmp(&columns[b]));
    }
    order
}

/// First pass of `--union-keys`: every key of every object (flattened under `--flatten`),
/// in first-seen order; no more than `--max-keys` of them.
pub fn union_of_keys(config: &Config, src: Box<dyn Read>) -> Result<Vec<String>> {
    let mut reader = json_reader(config, src);
    let mut columns = Vec::new();
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    while reader.next_object(&mut |key, _, _, _| {
        if !seen.contains(key) {
            if seen.len() >= config.max_keys {
                return Err(limits::too_many_columns(config.max_keys));
            }
            seen.insert(key.to_vec());
            columns.push(String::from_utf8_lossy(key).into_owned());
        }
        Ok(())
    })? {}
    Ok(columns)
}

/// Turns JSON objects into rows of fixed columns.
pub struct JsonTable {
    pub columns: Vec<String>,
    index: HashMap<Vec<u8>, usize>,
    /// Columns are fixed: given, unioned, or taken from the first object.
    fixed: bool,
    ignore_extra: bool,
    /// The last object's value for each column.
    cells: Vec<Cell>,
}

/// One column's value in the last object read.
struct Cell {
    value: Vec<u8>,
    kind: Kind,
    clean: bool,
    /// The object had this key.
    seen: bool,
}

impl Cell {
    fn empty() -> Cell {
        Cell {
            value: Vec::new(),
            kind: Kind::Text,
            clean: false,
            seen: false,
        }
    }
}

impl JsonTable {
    pub fn new(columns: Option<Vec<String>>, ignore_extra: bool) -> JsonTable {
        let fixed = columns.is_some();
        let columns = columns.unwrap_or_default();
        let index = columns
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.as_bytes().to_vec(), i))
            .collect();
        let cells = columns.iter().map(|_| Cell::empty()).collect();
        JsonTable {
            columns,
            index,
            fixed,
            ignore_extra,
            cells,
        }
    }

    /// Field `i` of the last row read, `restval` when its object lacked the key: written
    /// straight from the value buffers, with no copy into a row between.
    pub fn field<'a>(&'a self, i: usize, restval: &'a [u8]) -> (&'a [u8], Kind, bool) {
        let cell = &self.cells[i];
        if cell.seen {
            (&cell.value, cell.kind, cell.clean)
        } else {
            (restval, Kind::Text, false)
        }
    }

    /// Reads the next object into the value buffers; false at the end of input.
    pub fn next_row<R: Read>(&mut self, reader: &mut JsonReader<R>) -> Result<bool> {
        for cell in &mut self.cells {
            cell.seen = false;
        }
        let JsonTable {
            columns,
            index,
            fixed,
            ignore_extra,
            cells,
        } = self;
        // Where the next key probably is: objects usually list their keys in column order,
        // and one comparison is cheaper than hashing.
        let mut guess = 0;
        let got = reader.next_object(&mut |key, value, kind, clean| {
            let hit = columns
                .get(guess)
                .filter(|c| c.as_bytes() == key)
                .map(|_| guess);
            let i = match hit.or_else(|| index.get(key).copied()) {
                Some(i) => i,
                None if !*fixed => {
                    let i = columns.len();
                    columns.push(String::from_utf8_lossy(key).into_owned());
                    index.insert(key.to_vec(), i);
                    cells.push(Cell::empty());
                    i
                }
                None if *ignore_extra => return Ok(()),
                None => bail!(
                    "key {:?} is not one of the columns ({}); use --union-keys to add it \
                     or --ignore-extra to drop it",
                    String::from_utf8_lossy(key),
                    columns.join(", ")
                ),
            };
            let cell = &mut cells[i];
            cell.value.clear();
            cell.value.extend_from_slice(value);
            cell.kind = kind;
            cell.clean = clean;
            cell.seen = true;
            guess = i + 1;
            Ok(())
        })?;
        if !got {
            return Ok(false);
        }
        self.fixed = true;
        Ok(true)
    }
}
