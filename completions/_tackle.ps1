
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tackle' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tackle'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tackle' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve-echo', 'serve-echo', [CompletionResultType]::ParameterValue, 'TCP, UDP and Unix-socket echo servers in one event loop')
            [CompletionResult]::new('serve-time', 'serve-time', [CompletionResultType]::ParameterValue, 'Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP')
            [CompletionResult]::new('cidr-expand', 'cidr-expand', [CompletionResultType]::ParameterValue, 'Expand, count, aggregate, split and exclude IPv4/IPv6 networks')
            [CompletionResult]::new('csv-convert', 'csv-convert', [CompletionResultType]::ParameterValue, 'Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back')
            [CompletionResult]::new('sendmail', 'sendmail', [CompletionResultType]::ParameterValue, 'Compose and send mail over SMTP, STARTTLS or implicit TLS')
            [CompletionResult]::new('run-cmd', 'run-cmd', [CompletionResultType]::ParameterValue, 'Run a command with timeout, input, capture and a checked exit')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages into DIR (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tackle;serve-echo' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tackle;serve-time' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tackle;cidr-expand' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tackle;csv-convert' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file (written atomically), or - for stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file (written atomically), or - for stdout')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Input format [default: from the input''s extension, else csv]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Output format [default: from the output''s extension, else csv]')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Python dialect preset for reading')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Field delimiter (one ASCII character; \t or tab for a tab)')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter (one ASCII character; \t or tab for a tab)')
            [CompletionResult]::new('--quotechar', '--quotechar', [CompletionResultType]::ParameterName, 'Quote character')
            [CompletionResult]::new('--escapechar', '--escapechar', [CompletionResultType]::ParameterName, 'Escape character (also works outside quotes, as in Python)')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'Skip lines starting with this character')
            [CompletionResult]::new('--quoting', '--quoting', [CompletionResultType]::ParameterName, 'Quoting mode for reading and writing, as one Python dialect')
            [CompletionResult]::new('--out-dialect', '--out-dialect', [CompletionResultType]::ParameterName, 'Python dialect preset for writing (excel and excel-tab end lines with CRLF)')
            [CompletionResult]::new('--out-delimiter', '--out-delimiter', [CompletionResultType]::ParameterName, 'Output field delimiter [default: , (tab for tsv)]')
            [CompletionResult]::new('--out-quotechar', '--out-quotechar', [CompletionResultType]::ParameterName, 'Output quote character [default: "]')
            [CompletionResult]::new('--out-escapechar', '--out-escapechar', [CompletionResultType]::ParameterName, 'Output escape character (needed by --quoting none)')
            [CompletionResult]::new('--out-quoting', '--out-quoting', [CompletionResultType]::ParameterName, 'Quoting mode for writing only [default: --quoting, else minimal]')
            [CompletionResult]::new('--line-terminator', '--line-terminator', [CompletionResultType]::ParameterName, 'Output line terminator [default: lf; crlf with --out-dialect excel/excel-tab]')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Columns to write, in this order (names; 1-based numbers with --no-header)')
            [CompletionResult]::new('--restval', '--restval', [CompletionResultType]::ParameterName, 'Value for missing keys and short rows')
            [CompletionResult]::new('--restkey', '--restkey', [CompletionResultType]::ParameterName, 'JSON output: key holding the extra fields of long rows under --flexible')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--no-doublequote', '--no-doublequote', [CompletionResultType]::ParameterName, 'A doubled quotechar inside quotes is not a literal quote')
            [CompletionResult]::new('--skipinitialspace', '--skipinitialspace', [CompletionResultType]::ParameterName, 'Ignore spaces right after a delimiter')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail on bad CSV (Python''s strict=True)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'The first record is data, not a header (JSON rows become arrays)')
            [CompletionResult]::new('--lossy', '--lossy', [CompletionResultType]::ParameterName, 'Replace invalid UTF-8 with U+FFFD instead of failing')
            [CompletionResult]::new('--flexible', '--flexible', [CompletionResultType]::ParameterName, 'Accept records whose field count differs from the header')
            [CompletionResult]::new('--sniff', '--sniff', [CompletionResultType]::ParameterName, 'Detect the delimiter, quotechar and header as csv.Sniffer does (-v says what)')
            [CompletionResult]::new('--out-no-doublequote', '--out-no-doublequote', [CompletionResultType]::ParameterName, 'Escape quotechars with the escapechar instead of doubling them')
            [CompletionResult]::new('--infer-types', '--infer-types', [CompletionResultType]::ParameterName, 'JSON output: integers, floats, true/false and empty-as-null, never losing text')
            [CompletionResult]::new('--dedupe-headers', '--dedupe-headers', [CompletionResultType]::ParameterName, 'JSON output: rename repeated header names a, a_2, a_3 instead of failing')
            [CompletionResult]::new('--union-keys', '--union-keys', [CompletionResultType]::ParameterName, 'JSON input: columns are every key of every object (reads the input twice)')
            [CompletionResult]::new('--ignore-extra', '--ignore-extra', [CompletionResultType]::ParameterName, 'JSON input: drop keys that are not columns instead of failing')
            [CompletionResult]::new('--sort-columns', '--sort-columns', [CompletionResultType]::ParameterName, 'Sort the columns by name')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tackle;sendmail' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tackle;run-cmd' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tackle;generate' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tackle;help' {
            [CompletionResult]::new('serve-echo', 'serve-echo', [CompletionResultType]::ParameterValue, 'TCP, UDP and Unix-socket echo servers in one event loop')
            [CompletionResult]::new('serve-time', 'serve-time', [CompletionResultType]::ParameterValue, 'Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP')
            [CompletionResult]::new('cidr-expand', 'cidr-expand', [CompletionResultType]::ParameterValue, 'Expand, count, aggregate, split and exclude IPv4/IPv6 networks')
            [CompletionResult]::new('csv-convert', 'csv-convert', [CompletionResultType]::ParameterValue, 'Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back')
            [CompletionResult]::new('sendmail', 'sendmail', [CompletionResultType]::ParameterValue, 'Compose and send mail over SMTP, STARTTLS or implicit TLS')
            [CompletionResult]::new('run-cmd', 'run-cmd', [CompletionResultType]::ParameterValue, 'Run a command with timeout, input, capture and a checked exit')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages into DIR (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tackle;help;serve-echo' {
            break
        }
        'tackle;help;serve-time' {
            break
        }
        'tackle;help;cidr-expand' {
            break
        }
        'tackle;help;csv-convert' {
            break
        }
        'tackle;help;sendmail' {
            break
        }
        'tackle;help;run-cmd' {
            break
        }
        'tackle;help;generate' {
            break
        }
        'tackle;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
