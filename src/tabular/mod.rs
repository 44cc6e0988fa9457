//! Tabular data: CSV in any Python `csv` dialect and any encoding, TSV, JSON and JSON Lines,
//! read and written as a stream of [`Row`]s in constant memory.
//!
//! The CSV reader and writer follow CPython's `Modules/_csv.c` byte for byte (its reader state
//! machine and `join_append` writer) rather than the `csv` crate, because Python is the
//! reference and the crate differs for `QUOTE_NONNUMERIC`, `QUOTE_NONE` and escapes outside
//! quotes, and is slower here (README, "Dependencies"). Everything works in UTF-8: [`encoding`]
//! decodes other input on the way in and encodes CSV output on the way out. [`convert`]
//! stitches a source to a sink; `cmd/csv_convert.rs` only builds its config.

pub mod convert;
pub mod csv_read;
pub mod csv_write;
pub mod dialect;
pub mod encoding;
pub mod json_escape;
pub mod json_read;
pub mod json_write;
pub mod limits;
pub mod number;
pub mod output;
pub mod progress;
pub mod row;
pub mod sniff;
pub mod types;

pub use convert::{Config, Format, convert};
pub use dialect::{Quoting, ReadDialect, WriteDialect};
pub use row::{Kind, Row};
