
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
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Run `/bin/sh -c TEMPLATE`; `{}` (next) or `{1}`, `{2}` (numbered) in it are replaced by the shell-quoted --arg values, `{{}}` by a literal `{}`')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'A value for the --shell template (repeatable); always shell-quoted')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop the command after this long (e.g. 30s, 1m30s; 0 means never): send --signal to its process group')
            [CompletionResult]::new('--signal', '--signal', [CompletionResultType]::ParameterName, 'The signal sent on timeout: a name (TERM, INT, KILL, ...) or a number')
            [CompletionResult]::new('--kill-after', '--kill-after', [CompletionResultType]::ParameterName, 'After the timeout signal, wait this long, then SIGKILL the process group')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Write TEXT to the command''s stdin (concurrently with reading its output), then close it')
            [CompletionResult]::new('--input-file', '--input-file', [CompletionResultType]::ParameterName, 'Give FILE to the command as its stdin (reopened for each retry)')
            [CompletionResult]::new('--max-output', '--max-output', [CompletionResultType]::ParameterName, 'Bytes of each stream kept in memory (e.g. 64M, 1G): --json drops and notes the rest, --quiet-unless-failed spills the rest to a temporary file')
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'Run the command in DIR')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable for the command (repeatable)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Run the command again, up to N more times, while it fails')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Wait this long before the first retry; the wait doubles after each retry')
            [CompletionResult]::new('--retry-max-delay', '--retry-max-delay', [CompletionResultType]::ParameterName, 'The longest wait between retries')
            [CompletionResult]::new('--retry-on', '--retry-on', [CompletionResultType]::ParameterName, 'Retry only when the exit status is CODE (repeatable; 124 means a timeout)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--preserve-status', '--preserve-status', [CompletionResultType]::ParameterName, 'Exit with the command''s status even when it timed out, instead of 124')
            [CompletionResult]::new('--no-stdin', '--no-stdin', [CompletionResultType]::ParameterName, 'Give the command /dev/null as its stdin')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Capture stdout and stderr and print one JSON report when the command ends')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'With --json: base64-encode a stream that is not valid UTF-8')
            [CompletionResult]::new('--quiet-unless-failed', '--quiet-unless-failed', [CompletionResultType]::ParameterName, 'Hold stdout and stderr and print them only if the command fails or times out')
            [CompletionResult]::new('--merge-stderr', '--merge-stderr', [CompletionResultType]::ParameterName, 'Send the command''s stderr into its stdout, in the order written (in every mode)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'On failure, print why: `''CMD'' exited with status N`, `killed by SIG...` or `timed out` (with the last 10 lines of stderr under --json)')
            [CompletionResult]::new('--clear-env', '--clear-env', [CompletionResultType]::ParameterName, 'Start the command with an empty environment (plus any --env)')
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
