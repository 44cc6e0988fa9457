//! `tackle csv-convert`: convert CSV in any Python `csv` dialect to CSV, TSV, JSON and JSON
//! Lines and back. This file only turns flags into a [`Config`]; the work is in `tabular`.

use std::path::PathBuf;

use crate::exit;
use crate::tabular::dialect::{Preset, parse_char};
use crate::tabular::output::Destination;
use crate::tabular::{Config, Format, Quoting, ReadDialect, WriteDialect, convert};

const EXAMPLES: &str = "\
Examples:
  tackle csv-convert data.csv --to jsonl
  tackle csv-convert - --from json --to csv < rows.json
  tackle csv-convert in.csv -o out.tsv --quoting all
  tackle csv-convert export.txt --sniff -v --to json --infer-types

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

    /// Replace invalid UTF-8 with U+FFFD instead of failing
    #[arg(long, help_heading = "Reading CSV")]
    lossy: bool,

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

    /// JSON output: integers, floats, true/false and empty-as-null, never losing text
    #[arg(long, help_heading = "JSON")]
    infer_types: bool,

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
    if !csv_in {
        for (set, flag) in [
            (args.sniff, "--sniff"),
            (args.no_header, "--no-header"),
            (args.flexible, "--flexible"),
        ] {
            if set {
                return Err(exit::usage(format!("{flag} applies to CSV input only")));
            }
        }
    }
    if csv_in && (args.union_keys || args.ignore_extra) {
        return Err(exit::usage(
            "--union-keys and --ignore-extra apply to JSON input only",
        ));
    }
    if csv_out && (args.infer_types || args.dedupe_headers) {
        return Err(exit::usage(
            "--infer-types and --dedupe-headers apply to JSON output only",
        ));
    }

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
        infer_types: args.infer_types,
        dedupe_headers: args.dedupe_headers,
        // -q turns logging down to errors; the bar goes with it.
        progress: tracing::enabled!(tracing::Level::WARN),
    })
}
