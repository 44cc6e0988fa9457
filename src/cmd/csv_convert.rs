//! `tackle csv-convert`: convert CSV in any Python `csv` dialect to CSV, TSV, JSON and JSON
//! Lines and back. This file only turns flags into a [`Config`]; the work is in `tabular`.

use std::path::PathBuf;

use crate::exit;
use crate::size::parse_memory_size;
use crate::tabular::convert::Typing;
use crate::tabular::dialect::{Preset, parse_char};
use crate::tabular::encoding::{
    self, Charset, InputEncoding, Named, parse_input_encoding, parse_output_encoding,
};
use crate::tabular::json_read::Flatten;
use crate::tabular::limits;
use crate::tabular::output::Destination;
use crate::tabular::types::read_schema;
use crate::tabular::{Config, Format, Quoting, ReadDialect, WriteDialect, convert};

const EXAMPLES: &str = "\
Examples:
  tackle csv-convert data.csv --to jsonl
  tackle csv-convert - --from json --to csv < rows.json
  tackle csv-convert in.csv -o out.tsv --quoting all
  tackle csv-convert export.txt --sniff -v --to json --infer-types
  tackle csv-convert legacy.csv --encoding cp1252 --to jsonl
  tackle csv-convert data.csv -o excel.csv --bom --line-terminator crlf
  tackle csv-convert data.csv -o data.json --types column --schema data.schema.json
  tackle csv-convert nested.jsonl --flatten -o flat.csv

Numbers under --quoting nonnumeric: a field counts as numeric when it came from a JSON number
(or true/false), or, from CSV, when it was unquoted and read under --quoting nonnumeric.";

/// Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back.
///
/// Reading and writing CSV follow Python's csv module byte for byte. Output is streamed in
/// constant memory; -o writes a temporary file renamed into place only on success.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Input file, or - for stdin
    #[arg(default_value = "-")]
    input: PathBuf,

    /// Output file (written atomically), or - for stdout
    #[arg(short, long, default_value = "-")]
    output: PathBuf,

    /// Input format [default: from the input's extension, else csv]
    #[arg(long, value_enum)]
    from: Option<Format>,

    /// Output format [default: from the output's extension, else csv]
    #[arg(long, value_enum)]
    to: Option<Format>,

    /// Python dialect preset for reading
    #[arg(long, value_enum, help_heading = "Reading CSV")]
    dialect: Option<Preset>,

    /// Field delimiter (one ASCII character; \t or tab for a tab)
    #[arg(short, long, value_parser = parse_char, help_heading = "Reading CSV")]
    delimiter: Option<u8>,

    /// Quote character
    #[arg(long, value_parser = parse_char, help_heading = "Reading CSV")]
    quotechar: Option<u8>,

    /// Escape character (also works outside quotes, as in Python)
    #[arg(long, value_parser = parse_char, help_heading = "Reading CSV")]
    escapechar: Option<u8>,

    /// A doubled quotechar inside quotes is not a literal quote
    #[arg(long, help_heading = "Reading CSV")]
    no_doublequote: bool,

    /// Ignore spaces right after a delimiter
    #[arg(long, help_heading = "Reading CSV")]
    skipinitialspace: bool,

    /// Fail on bad CSV (Python's strict=True)
    #[arg(long, help_heading = "Reading CSV")]
    strict: bool,

    /// Skip lines starting with this character
    #[arg(long, value_parser = parse_char, help_heading = "Reading CSV")]
    comment: Option<u8>,

    /// The first record is data, not a header (JSON rows become arrays)
    #[arg(long, help_heading = "Reading CSV")]
    no_header: bool,

    /// Quoting mode for reading and writing, as one Python dialect
    #[arg(long, value_enum, help_heading = "Reading CSV")]
    quoting: Option<Quoting>,

    /// Input encoding: a WHATWG label or Python codec name (latin-1, cp1252, utf-16,
    /// utf-16le, shift_jis, gb18030, ...), or auto (UTF-16 told by its NUL bytes) [default:
    /// utf-8; a BOM always wins]
    #[arg(long, value_name = "NAME", value_parser = parse_input_encoding, help_heading = "Encodings and limits")]
    encoding: Option<InputEncoding>,

    /// Replace bytes invalid in the input encoding with U+FFFD, and characters the output
    /// encoding lacks with &#NNNN;, instead of failing
    #[arg(long, help_heading = "Encodings and limits")]
    lossy: bool,

    /// Fail on a record (or JSON element) taking more memory than this (0: no limit)
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_memory_size, help_heading = "Encodings and limits")]
    max_record: usize,

    /// Accept records whose field count differs from the header
    #[arg(long, help_heading = "Reading CSV")]
    flexible: bool,

    /// Detect the delimiter, quotechar and header as csv.Sniffer does (-v says what)
    #[arg(long, help_heading = "Reading CSV")]
    sniff: bool,

    /// Python dialect preset for writing (excel and excel-tab end lines with CRLF)
    #[arg(long, value_enum, help_heading = "Writing CSV")]
    out_dialect: Option<Preset>,

    /// Output field delimiter [default: , (tab for tsv)]
    #[arg(long, value_parser = parse_char, help_heading = "Writing CSV")]
    out_delimiter: Option<u8>,

    /// Output quote character [default: "]
    #[arg(long, value_parser = parse_char, help_heading = "Writing CSV")]
    out_quotechar: Option<u8>,

    /// Output escape character (needed by --quoting none)
    #[arg(long, value_parser = parse_char, help_heading = "Writing CSV")]
    out_escapechar: Option<u8>,

    /// Escape quotechars with the escapechar instead of doubling them
    #[arg(long, help_heading = "Writing CSV")]
    out_no_doublequote: bool,

    /// Quoting mode for writing only [default: --quoting, else minimal]
    #[arg(long, value_enum, help_heading = "Writing CSV")]
    out_quoting: Option<Quoting>,

    /// Output line terminator [default: lf; crlf with --out-dialect excel/excel-tab]
    #[arg(long, value_enum, help_heading = "Writing CSV")]
    line_terminator: Option<LineTerminator>,

    /// CSV output encoding, named as for --encoding (utf-16 and utf-8-sig start with a BOM, as
    /// in Python) [default: utf-8]
    #[arg(long, value_name = "NAME", value_parser = parse_output_encoding, help_heading = "Encodings and limits")]
    out_encoding: Option<Named>,

    /// Start CSV output with a byte order mark (for Excel: --bom --line-terminator crlf)
    #[arg(long, help_heading = "Encodings and limits")]
    bom: bool,

    /// JSON output: integers, floats, true/false and empty-as-null, never losing text (the
    /// same as --types cell)
    #[arg(long, conflicts_with = "types", help_heading = "JSON")]
    infer_types: bool,

    /// JSON output: type each value alone (cell), or give each column the narrowest type
    /// all its values fit (column; reads the input twice)
    #[arg(long, value_enum, help_heading = "JSON")]
    types: Option<TypesBy>,

    /// With --types column, write the column types here as a JSON Schema; without, read the
    /// types from this JSON Schema and refuse values that do not fit
    #[arg(long, value_name = "FILE", help_heading = "JSON")]
    schema: Option<PathBuf>,

    /// JSON input: nested objects become columns with dotted names ({"a":{"b":1}} is a.b)
    #[arg(long, help_heading = "JSON")]
    flatten: bool,

    /// JSON output: dotted column names become nested objects (the inverse of --flatten)
    #[arg(long, help_heading = "JSON")]
    unflatten: bool,

    /// The separator --flatten and --unflatten put between names
    #[arg(long, value_name = "SEP", default_value = ".", help_heading = "JSON")]
    flatten_sep: String,

    /// With --flatten, arrays become columns too (a.0, a.1); with --unflatten, objects keyed
    /// 0..n-1 become arrays
    #[arg(long, help_heading = "JSON")]
    flatten_arrays: bool,

    /// JSON input: fail on an object with more keys than this (0: no limit)
    #[arg(long, value_name = "N", default_value_t = limits::DEFAULT_MAX_KEYS, help_heading = "Encodings and limits")]
    max_keys: usize,

    /// JSON output: rename repeated header names a, a_2, a_3 instead of failing
    #[arg(long, help_heading = "JSON")]
    dedupe_headers: bool,

    /// Columns to write, in this order (names; 1-based numbers with --no-header)
    #[arg(long, value_delimiter = ',', help_heading = "JSON")]
    columns: Option<Vec<String>>,

    /// JSON input: columns are every key of every object (reads the input twice)
    #[arg(long, conflicts_with = "columns", help_heading = "JSON")]
    union_keys: bool,

    /// JSON input: drop keys that are not columns instead of failing
    #[arg(long, help_heading = "JSON")]
    ignore_extra: bool,

    /// Value for missing keys and short rows
    #[arg(long, default_value = "", help_heading = "JSON")]
    restval: String,

    /// JSON output: key holding the extra fields of long rows under --flexible
    #[arg(long, default_value = "_extra", help_heading = "JSON")]
    restkey: String,

    /// Sort the columns by name
    #[arg(long, help_heading = "JSON")]
    sort_columns: bool,
}

/// How `--types` types JSON values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TypesBy {
    /// Each value alone, as --infer-types
    Cell,
    /// Each column one type: the narrowest all its non-empty values fit
    Column,
}

/// Line terminators for CSV output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LineTerminator {
    /// \n
    Lf,
    /// \r\n (Python's default)
    Crlf,
}

/// Runs `tackle csv-convert`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let output_path = args.output.clone();
    let config = config_from(args)?;
    let mut output = Destination::open(&output_path)?;
    convert(&config, output.writer())?;
    output.commit()
}

/// Validates the flags into a conversion config.
fn config_from(args: Args) -> anyhow::Result<Config> {
    let from = args
        .from
        .or_else(|| Format::from_path(&args.input))
        .unwrap_or(Format::Csv);
    let to = args
        .to
        .or_else(|| Format::from_path(&args.output))
        .unwrap_or(Format::Csv);
    let csv_in = from.is_csv();
    let csv_out = to.is_csv();
    let only = |cases: &[(bool, &str)], what: &str| -> anyhow::Result<()> {
        match cases.iter().find(|(set, _)| *set) {
            Some((_, flag)) => Err(exit::usage(format!("{flag} applies to {what}"))),
            None => Ok(()),
        }
    };
    if !csv_in {
        only(&[(args.sniff, "--sniff")], "CSV input only")?;
        only(
            &[(args.flexible && !args.no_header, "--flexible")],
            "CSV input and JSON arrays (--no-header) only",
        )?;
    }
    if csv_in {
        only(
            &[
                (args.union_keys, "--union-keys"),
                (args.ignore_extra, "--ignore-extra"),
                (args.flatten, "--flatten"),
            ],
            "JSON input only",
        )?;
    }
    if csv_out {
        only(
            &[
                (args.infer_types, "--infer-types"),
                (args.types.is_some(), "--types"),
                (args.schema.is_some(), "--schema"),
                (args.dedupe_headers, "--dedupe-headers"),
                (args.unflatten, "--unflatten"),
            ],
            "JSON output only",
        )?;
    } else {
        only(
            &[
                (args.out_encoding.is_some(), "--out-encoding"),
                (args.bom, "--bom"),
            ],
            "CSV output only (JSON is always UTF-8, without a BOM)",
        )?;
    }
    if args.no_header {
        only(
            &[
                (args.flatten, "--flatten"),
                (args.unflatten, "--unflatten"),
                (args.union_keys, "--union-keys"),
                (args.ignore_extra, "--ignore-extra"),
            ],
            "rows with a header (objects) only",
        )?;
    }
    if !args.flatten && !args.unflatten {
        only(
            &[
                (args.flatten_arrays, "--flatten-arrays"),
                (args.flatten_sep != ".", "--flatten-sep"),
            ],
            "--flatten and --unflatten only",
        )?;
    }
    if args.flatten_sep.is_empty() {
        return Err(exit::usage("--flatten-sep cannot be empty"));
    }
    if args.bom {
        let charset = args.out_encoding.map_or(Charset::Utf8, |n| n.charset);
        encoding::check_bom(charset).map_err(exit::usage)?;
    }
    let typing = match (args.types, args.infer_types, args.schema) {
        (Some(TypesBy::Column), _, schema_out) => Typing::Column { schema_out },
        (Some(TypesBy::Cell), _, Some(_)) => {
            return Err(exit::usage(
                "--schema goes with --types column (to write one) or alone (to read one); \
                 --types cell has no schema",
            ));
        }
        (Some(TypesBy::Cell), _, None) | (None, true, None) => Typing::Cell,
        (None, true, Some(_)) => {
            return Err(exit::usage(
                "--infer-types types each value alone; --schema needs whole columns",
            ));
        }
        (None, false, Some(path)) => {
            let schema = read_schema(&path)?;
            if schema.is_keyed() == args.no_header {
                return Err(exit::usage(format!(
                    "{} describes rows as {}, but {}",
                    path.display(),
                    if schema.is_keyed() {
                        "objects"
                    } else {
                        "arrays"
                    },
                    if args.no_header {
                        "--no-header makes them arrays"
                    } else {
                        "rows with a header are objects (arrays need --no-header)"
                    }
                )));
            }
            Typing::Schema(schema)
        }
        (None, false, None) => Typing::Strings,
    };

    let mut read = match (args.dialect, from) {
        (Some(preset), _) => ReadDialect::preset(preset),
        (None, Format::Tsv) => ReadDialect::preset(Preset::ExcelTab),
        (None, _) => ReadDialect::default(),
    };
    if let Some(d) = args.delimiter {
        read.delimiter = d;
    }
    if let Some(q) = args.quotechar {
        read.quotechar = q;
    }
    read.escapechar = args.escapechar.or(read.escapechar);
    read.doublequote &= !args.no_doublequote;
    read.skipinitialspace |= args.skipinitialspace;
    read.strict |= args.strict;
    read.comment = args.comment;
    if let Some(q) = args.quoting {
        read.quoting = q;
    }
    read.validate().map_err(exit::usage)?;

    let mut write = match (args.out_dialect, to) {
        (Some(preset), _) => WriteDialect::preset(preset),
        (None, Format::Tsv) => WriteDialect {
            delimiter: b'\t',
            ..WriteDialect::default()
        },
        (None, _) => WriteDialect::default(),
    };
    if let Some(d) = args.out_delimiter {
        write.delimiter = d;
    }
    if let Some(q) = args.out_quotechar {
        write.quotechar = q;
    }
    write.escapechar = args.out_escapechar;
    write.doublequote &= !args.out_no_doublequote;
    if let Some(q) = args.out_quoting.or(args.quoting) {
        write.quoting = q;
    }
    if let Some(t) = args.line_terminator {
        write.crlf = t == LineTerminator::Crlf;
    }
    write.validate().map_err(exit::usage)?;

    if let Some(columns) = &args.columns
        && columns.iter().any(String::is_empty)
    {
        return Err(exit::usage("--columns has an empty column name"));
    }

    Ok(Config {
        input: args.input,
        from,
        to,
        read,
        write,
        header: !args.no_header,
        lossy: args.lossy,
        flexible: args.flexible,
        sniff: args.sniff,
        columns: args.columns,
        union_keys: args.union_keys,
        ignore_extra: args.ignore_extra,
        restval: args.restval,
        restkey: args.restkey,
        sort_columns: args.sort_columns,
        typing,
        dedupe_headers: args.dedupe_headers,
        encoding: args.encoding.unwrap_or_default(),
        out_encoding: args.out_encoding,
        bom: args.bom,
        flatten: args.flatten.then(|| Flatten {
            separator: args.flatten_sep.as_bytes().to_vec(),
            arrays: args.flatten_arrays,
        }),
        unflatten: args
            .unflatten
            .then(|| (args.flatten_sep.clone(), args.flatten_arrays)),
        max_record: limits::from_flag(args.max_record),
        max_keys: limits::from_flag(args.max_keys),
        // -q turns logging down to errors; the bar goes with it.
        progress: tracing::enabled!(tracing::Level::WARN),
    })
}
