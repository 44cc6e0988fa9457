
use builtin;
use str;

set edit:completion:arg-completer[tackle] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tackle'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tackle'= {
            cand --log-format 'Log line format on stderr'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve-echo 'TCP, UDP and Unix-socket echo servers in one event loop'
            cand serve-time 'Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP'
            cand cidr-expand 'Expand, count, aggregate, split and exclude IPv4/IPv6 networks'
            cand csv-convert 'Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back'
            cand sendmail 'Compose and send mail over SMTP, STARTTLS or implicit TLS'
            cand run-cmd 'Run a command with timeout, input, capture and a checked exit'
            cand generate 'Write shell completions and man pages into DIR (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tackle;serve-echo'= {
            cand --log-format 'Log line format on stderr'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tackle;serve-time'= {
            cand --log-format 'Log line format on stderr'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tackle;cidr-expand'= {
            cand --log-format 'Log line format on stderr'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tackle;csv-convert'= {
            cand -o 'Output file (written atomically), or - for stdout'
            cand --output 'Output file (written atomically), or - for stdout'
            cand --from 'Input format [default: from the input''s extension, else csv]'
            cand --to 'Output format [default: from the output''s extension, else csv]'
            cand --dialect 'Python dialect preset for reading'
            cand -d 'Field delimiter (one ASCII character; \t or tab for a tab)'
            cand --delimiter 'Field delimiter (one ASCII character; \t or tab for a tab)'
            cand --quotechar 'Quote character'
            cand --escapechar 'Escape character (also works outside quotes, as in Python)'
            cand --comment 'Skip lines starting with this character'
            cand --quoting 'Quoting mode for reading and writing, as one Python dialect'
            cand --out-dialect 'Python dialect preset for writing (excel and excel-tab end lines with CRLF)'
            cand --out-delimiter 'Output field delimiter [default: , (tab for tsv)]'
            cand --out-quotechar 'Output quote character [default: "]'
            cand --out-escapechar 'Output escape character (needed by --quoting none)'
            cand --out-quoting 'Quoting mode for writing only [default: --quoting, else minimal]'
            cand --line-terminator 'Output line terminator [default: lf; crlf with --out-dialect excel/excel-tab]'
            cand --columns 'Columns to write, in this order (names; 1-based numbers with --no-header)'
            cand --restval 'Value for missing keys and short rows'
            cand --restkey 'JSON output: key holding the extra fields of long rows under --flexible'
            cand --log-format 'Log line format on stderr'
            cand --no-doublequote 'A doubled quotechar inside quotes is not a literal quote'
            cand --skipinitialspace 'Ignore spaces right after a delimiter'
            cand --strict 'Fail on bad CSV (Python''s strict=True)'
            cand --no-header 'The first record is data, not a header (JSON rows become arrays)'
            cand --lossy 'Replace invalid UTF-8 with U+FFFD instead of failing'
            cand --flexible 'Accept records whose field count differs from the header'
            cand --sniff 'Detect the delimiter, quotechar and header as csv.Sniffer does (-v says what)'
            cand --out-no-doublequote 'Escape quotechars with the escapechar instead of doubling them'
            cand --infer-types 'JSON output: integers, floats, true/false and empty-as-null, never losing text'
            cand --dedupe-headers 'JSON output: rename repeated header names a, a_2, a_3 instead of failing'
            cand --union-keys 'JSON input: columns are every key of every object (reads the input twice)'
            cand --ignore-extra 'JSON input: drop keys that are not columns instead of failing'
            cand --sort-columns 'Sort the columns by name'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tackle;sendmail'= {
            cand --log-format 'Log line format on stderr'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tackle;run-cmd'= {
            cand --log-format 'Log line format on stderr'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tackle;generate'= {
            cand --log-format 'Log line format on stderr'
            cand -v 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand --verbose 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
            cand -q 'Log errors only'
            cand --quiet 'Log errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tackle;help'= {
            cand serve-echo 'TCP, UDP and Unix-socket echo servers in one event loop'
            cand serve-time 'Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP'
            cand cidr-expand 'Expand, count, aggregate, split and exclude IPv4/IPv6 networks'
            cand csv-convert 'Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back'
            cand sendmail 'Compose and send mail over SMTP, STARTTLS or implicit TLS'
            cand run-cmd 'Run a command with timeout, input, capture and a checked exit'
            cand generate 'Write shell completions and man pages into DIR (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tackle;help;serve-echo'= {
        }
        &'tackle;help;serve-time'= {
        }
        &'tackle;help;cidr-expand'= {
        }
        &'tackle;help;csv-convert'= {
        }
        &'tackle;help;sendmail'= {
        }
        &'tackle;help;run-cmd'= {
        }
        &'tackle;help;generate'= {
        }
        &'tackle;help;help'= {
        }
    ]
    $completions[$command]
}
