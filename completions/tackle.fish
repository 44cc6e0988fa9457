# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tackle_global_optspecs
    string join \n v/verbose q/quiet log-format= h/help V/version
end

function __fish_tackle_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tackle_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tackle_using_subcommand
    set -l cmd (__fish_tackle_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tackle -n "__fish_tackle_needs_command" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_needs_command" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_needs_command" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_needs_command" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "serve-echo" -d 'TCP, UDP and Unix-socket echo servers in one event loop'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "serve-time" -d 'Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "cidr-expand" -d 'Expand, count, aggregate, split and exclude IPv4/IPv6 networks'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "csv-convert" -d 'Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "sendmail" -d 'Compose and send mail over SMTP, STARTTLS or implicit TLS'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "run-cmd" -d 'Run a command with timeout, input, capture and a checked exit'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "generate" -d 'Write shell completions and man pages into DIR (for maintainers)'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s o -l output -d 'Output file (written atomically), or - for stdout' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l from -d 'Input format [default: from the input\'s extension, else csv]' -r -f -a "csv\t'Comma-separated values (any dialect)'
tsv\t'Tab-separated values (Python\'s excel-tab dialect)'
json\t'One JSON array of objects (arrays with --no-header)'
jsonl\t'JSON Lines: one object a line'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l to -d 'Output format [default: from the output\'s extension, else csv]' -r -f -a "csv\t'Comma-separated values (any dialect)'
tsv\t'Tab-separated values (Python\'s excel-tab dialect)'
json\t'One JSON array of objects (arrays with --no-header)'
jsonl\t'JSON Lines: one object a line'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l dialect -d 'Python dialect preset for reading' -r -f -a "excel\t'`csv.excel`: comma, double quotes, CRLF, minimal quoting'
excel-tab\t'`csv.excel_tab`: as excel with a tab delimiter'
unix\t'`csv.unix_dialect`: as excel with LF and every field quoted'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s d -l delimiter -d 'Field delimiter (one ASCII character; \\t or tab for a tab)' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l quotechar -d 'Quote character' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l escapechar -d 'Escape character (also works outside quotes, as in Python)' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l comment -d 'Skip lines starting with this character' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l quoting -d 'Quoting mode for reading and writing, as one Python dialect' -r -f -a "minimal\t'Quote only fields holding the delimiter, quotechar, escapechar or a newline'
all\t'Quote every field'
nonnumeric\t'Quote every non-numeric field; reading, unquoted fields are numbers'
none\t'Never quote; escape specials with the escapechar; reading, quotes are ordinary'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-dialect -d 'Python dialect preset for writing (excel and excel-tab end lines with CRLF)' -r -f -a "excel\t'`csv.excel`: comma, double quotes, CRLF, minimal quoting'
excel-tab\t'`csv.excel_tab`: as excel with a tab delimiter'
unix\t'`csv.unix_dialect`: as excel with LF and every field quoted'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-delimiter -d 'Output field delimiter [default: , (tab for tsv)]' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-quotechar -d 'Output quote character [default: "]' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-escapechar -d 'Output escape character (needed by --quoting none)' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-quoting -d 'Quoting mode for writing only [default: --quoting, else minimal]' -r -f -a "minimal\t'Quote only fields holding the delimiter, quotechar, escapechar or a newline'
all\t'Quote every field'
nonnumeric\t'Quote every non-numeric field; reading, unquoted fields are numbers'
none\t'Never quote; escape specials with the escapechar; reading, quotes are ordinary'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l line-terminator -d 'Output line terminator [default: lf; crlf with --out-dialect excel/excel-tab]' -r -f -a "lf\t'\\n'
crlf\t'\\r\\n (Python\'s default)'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l columns -d 'Columns to write, in this order (names; 1-based numbers with --no-header)' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l restval -d 'Value for missing keys and short rows' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l restkey -d 'JSON output: key holding the extra fields of long rows under --flexible' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l no-doublequote -d 'A doubled quotechar inside quotes is not a literal quote'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l skipinitialspace -d 'Ignore spaces right after a delimiter'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l strict -d 'Fail on bad CSV (Python\'s strict=True)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l no-header -d 'The first record is data, not a header (JSON rows become arrays)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l lossy -d 'Replace invalid UTF-8 with U+FFFD instead of failing'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l flexible -d 'Accept records whose field count differs from the header'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l sniff -d 'Detect the delimiter, quotechar and header as csv.Sniffer does (-v says what)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-no-doublequote -d 'Escape quotechars with the escapechar instead of doubling them'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l infer-types -d 'JSON output: integers, floats, true/false and empty-as-null, never losing text'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l dedupe-headers -d 'JSON output: rename repeated header names a, a_2, a_3 instead of failing'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l union-keys -d 'JSON input: columns are every key of every object (reads the input twice)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l ignore-extra -d 'JSON input: drop keys that are not columns instead of failing'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l sort-columns -d 'Sort the columns by name'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "serve-echo" -d 'TCP, UDP and Unix-socket echo servers in one event loop'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "serve-time" -d 'Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "cidr-expand" -d 'Expand, count, aggregate, split and exclude IPv4/IPv6 networks'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "csv-convert" -d 'Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "sendmail" -d 'Compose and send mail over SMTP, STARTTLS or implicit TLS'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "run-cmd" -d 'Run a command with timeout, input, capture and a checked exit'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "generate" -d 'Write shell completions and man pages into DIR (for maintainers)'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
