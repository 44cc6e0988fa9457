
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
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Listen for TCP connections on ADDR (repeatable)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Listen for UDP datagrams on ADDR (repeatable)')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Listen for Unix stream connections on a socket file at PATH (repeatable)')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of each TCP/Unix listener''s accept queue')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting')
            [CompletionResult]::new('--max-conns', '--max-conns', [CompletionResultType]::ParameterName, 'Most connections open at once; beyond it new ones are accepted and closed at once')
            [CompletionResult]::new('--stats-interval', '--stats-interval', [CompletionResultType]::ParameterName, 'Log connection, byte and datagram rates every DUR (at info level, so with -v)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close connections idle for DUR (e.g. 30s, 5m; default: never)')
            [CompletionResult]::new('--max-buffer', '--max-buffer', [CompletionResultType]::ParameterName, 'Stop reading from a client whose unsent echo passes SIZE (e.g. 256K, 1M)')
            [CompletionResult]::new('--auth-key-file', '--auth-key-file', [CompletionResultType]::ParameterName, 'Require the HMAC-SHA256 challenge-response handshake, with the key read from FILE')
            [CompletionResult]::new('--auth-key-env', '--auth-key-env', [CompletionResultType]::ParameterName, 'Require the HMAC-SHA256 challenge-response handshake, with the key in environment variable VAR')
            [CompletionResult]::new('--auth-timeout', '--auth-timeout', [CompletionResultType]::ParameterName, 'How long a client has to answer the challenge')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--ipv6-only', '--ipv6-only', [CompletionResultType]::ParameterName, 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)')
            [CompletionResult]::new('--allow-low-ports', '--allow-low-ports', [CompletionResultType]::ParameterName, 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)')
            [CompletionResult]::new('--no-nodelay', '--no-nodelay', [CompletionResultType]::ParameterName, 'Leave Nagle''s algorithm on (TCP_NODELAY is set by default)')
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
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Listen for TCP connections on ADDR (repeatable)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Listen for UDP datagrams on ADDR (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What a reply says (text formats end in CRLF)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Most UDP replies per second to one source address; beyond it datagrams are dropped and counted (0: no limit). Guards against reflection attacks with forged source addresses')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of each TCP/Unix listener''s accept queue')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting')
            [CompletionResult]::new('--max-conns', '--max-conns', [CompletionResultType]::ParameterName, 'Most connections open at once; beyond it new ones are accepted and closed at once')
            [CompletionResult]::new('--stats-interval', '--stats-interval', [CompletionResultType]::ParameterName, 'Log connection, byte and datagram rates every DUR (at info level, so with -v)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Write calendar fields in UTC (default: local time, from TZ or the system''s zone)')
            [CompletionResult]::new('--ipv6-only', '--ipv6-only', [CompletionResultType]::ParameterName, 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)')
            [CompletionResult]::new('--allow-low-ports', '--allow-low-ports', [CompletionResultType]::ParameterName, 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)')
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
