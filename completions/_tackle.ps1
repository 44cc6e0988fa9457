
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
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Listen for TLS connections (needs --tls-cert and --tls-key) on ADDR (repeatable)')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Listen for Unix stream connections on a socket file at PATH, or @NAME (repeatable)')
            [CompletionResult]::new('--unix-mode', '--unix-mode', [CompletionResultType]::ParameterName, 'Create Unix socket files with this mode (octal, e.g. 660)')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of each TCP/Unix listener''s accept queue')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting')
            [CompletionResult]::new('--max-conns', '--max-conns', [CompletionResultType]::ParameterName, 'Most connections served at once; beyond it new ones are closed at once')
            [CompletionResult]::new('--max-handshakes', '--max-handshakes', [CompletionResultType]::ParameterName, 'Most connections in a TLS or HMAC handshake at once (not counted in --max-conns); beyond it the oldest handshake in progress is dropped')
            [CompletionResult]::new('--stats-interval', '--stats-interval', [CompletionResultType]::ParameterName, 'Log connection, byte and datagram rates every DUR (at info level, so with -v)')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Serve only peers in CIDR (network, address or range; repeatable)')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Refuse peers in CIDR (repeatable; wins over --allow)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Turn on TCP keepalive: probe a connection after DUR of silence, so dead peers free their slot')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'After binding the listeners, run as user NAME (and its groups)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'The TLS certificate chain (PEM, leaf first) for --tls listeners')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--tls-client-ca', '--tls-client-ca', [CompletionResultType]::ParameterName, 'Require TLS clients to present a certificate signed by a CA in this PEM file')
            [CompletionResult]::new('--tls-handshake-timeout', '--tls-handshake-timeout', [CompletionResultType]::ParameterName, 'How long a TLS handshake may take')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close connections idle for DUR (e.g. 30s, 5m; default: never)')
            [CompletionResult]::new('--max-buffer', '--max-buffer', [CompletionResultType]::ParameterName, 'Stop reading from a client whose unsent echo passes SIZE (e.g. 256K, 1M)')
            [CompletionResult]::new('--auth-key-file', '--auth-key-file', [CompletionResultType]::ParameterName, 'Require the HMAC-SHA256 challenge-response handshake, with the key read from FILE')
            [CompletionResult]::new('--auth-key-env', '--auth-key-env', [CompletionResultType]::ParameterName, 'Require the HMAC-SHA256 challenge-response handshake, with the key in environment variable VAR')
            [CompletionResult]::new('--auth-timeout', '--auth-timeout', [CompletionResultType]::ParameterName, 'How long a client has to answer the challenge')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--ipv6-only', '--ipv6-only', [CompletionResultType]::ParameterName, 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)')
            [CompletionResult]::new('--allow-low-ports', '--allow-low-ports', [CompletionResultType]::ParameterName, 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)')
            [CompletionResult]::new('--no-nodelay', '--no-nodelay', [CompletionResultType]::ParameterName, 'Leave Nagle''s algorithm on (TCP_NODELAY is set by default)')
            [CompletionResult]::new('--allow-readable-secrets', '--allow-readable-secrets', [CompletionResultType]::ParameterName, 'Use a key file that group or others can read (refused by default)')
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
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Listen for TLS connections (needs --tls-cert and --tls-key) on ADDR (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What a reply says (text formats end in CRLF)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Most UDP replies per second to one source address; beyond it datagrams are dropped and counted (0: no limit). Guards against reflection attacks with forged source addresses')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of each TCP/Unix listener''s accept queue')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting')
            [CompletionResult]::new('--max-conns', '--max-conns', [CompletionResultType]::ParameterName, 'Most connections served at once; beyond it new ones are closed at once')
            [CompletionResult]::new('--max-handshakes', '--max-handshakes', [CompletionResultType]::ParameterName, 'Most connections in a TLS or HMAC handshake at once (not counted in --max-conns); beyond it the oldest handshake in progress is dropped')
            [CompletionResult]::new('--stats-interval', '--stats-interval', [CompletionResultType]::ParameterName, 'Log connection, byte and datagram rates every DUR (at info level, so with -v)')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Serve only peers in CIDR (network, address or range; repeatable)')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Refuse peers in CIDR (repeatable; wins over --allow)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Turn on TCP keepalive: probe a connection after DUR of silence, so dead peers free their slot')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'After binding the listeners, run as user NAME (and its groups)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'The TLS certificate chain (PEM, leaf first) for --tls listeners')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--tls-client-ca', '--tls-client-ca', [CompletionResultType]::ParameterName, 'Require TLS clients to present a certificate signed by a CA in this PEM file')
            [CompletionResult]::new('--tls-handshake-timeout', '--tls-handshake-timeout', [CompletionResultType]::ParameterName, 'How long a TLS handshake may take')
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
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out this network, address or range (repeatable)')
            [CompletionResult]::new('--exclude-file', '--exclude-file', [CompletionResultType]::ParameterName, 'Leave out the entries listed in FILE (`-` for stdin), one or more per line')
            [CompletionResult]::new('--split', '--split', [CompletionResultType]::ParameterName, 'Print the subnets of each network with this prefix length (/26 or 26)')
            [CompletionResult]::new('--split-count', '--split-count', [CompletionResultType]::ParameterName, 'Split each network into N blocks that tile it, largest first (equal when N is a power of two; 3 parts of a /24 are a /25 and two /26s)')
            [CompletionResult]::new('--split-hosts', '--split-hosts', [CompletionResultType]::ParameterName, 'Split each network into the smallest equal subnets with N usable hosts each')
            [CompletionResult]::new('--index', '--index', [CompletionResultType]::ParameterName, 'Print the I-th address of each entry; negative counts from the end (-1 is the last)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --shuffle, for a repeatable order (default: random, logged with -v)')
            [CompletionResult]::new('--contains', '--contains', [CompletionResultType]::ParameterName, 'Print the entries that contain ADDR; exit status 1 when none does')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Keep only entries of this type: private, global, multicast, loopback, link-local, reserved, unspecified, site-local, ipv4-mapped, 6to4, teredo; `!TYPE` negates (repeatable: all must hold)')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'Print the lines of text (files or stdin) holding an address inside NET, as grepcidr (repeatable); exit status 1 when no line matches')
            [CompletionResult]::new('--match-file', '--match-file', [CompletionResultType]::ParameterName, 'Networks for --match from FILE (`-` for stdin), one or more per line')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N lines')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'Print every N-th address of each entry (prips -i)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How addresses are written; exploded and range also apply to networks')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Separate output records with STR instead of a newline (\t, \n, \0 and \\ are understood); the output ends with one newline, or with STR after every record when STR is \0 or with --terminator')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--hosts', '--hosts', [CompletionResultType]::ParameterName, 'Only usable hosts, as Python''s hosts(): IPv4 drops the network and broadcast addresses (except /31, /32), IPv6 the Subnet-Router anycast (except /127, /128); ranges are kept whole')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print the number of addresses of each entry, then a total line; with --unique the number of distinct addresses, with --aggregate each network of the union')
            [CompletionResult]::new('--total', '--total', [CompletionResultType]::ParameterName, 'Print only the total count (implies --count)')
            [CompletionResult]::new('--aggregate', '--aggregate', [CompletionResultType]::ParameterName, 'Print the fewest networks covering all entries, sorted, IPv4 first')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Describe each network: masks, broadcast, hosts, sizes, Python''s forms and address types, and the IANA address space')
            [CompletionResult]::new('--unique', '--unique', [CompletionResultType]::ParameterName, 'Print each address once, sorted, however the entries overlap')
            [CompletionResult]::new('--shuffle', '--shuffle', [CompletionResultType]::ParameterName, 'Print each address once in random order, without holding them in memory')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Print the entries sorted (IPv4 first, by first address, larger first), not merged')
            [CompletionResult]::new('--invert', '--invert', [CompletionResultType]::ParameterName, 'With --match: print the lines holding no such address')
            [CompletionResult]::new('--only-matching', '--only-matching', [CompletionResultType]::ParameterName, 'With --match: print only the matching addresses, one per line')
            [CompletionResult]::new('--count-matches', '--count-matches', [CompletionResultType]::ParameterName, 'With --match: print only the number of selected lines')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Take the entries from every address and CIDR found in text (logs, HTML, JSON) in the files or stdin')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON: an array for --count/--info/--aggregate/--split/--sort, JSON Lines otherwise')
            [CompletionResult]::new('--terminator', '--terminator', [CompletionResultType]::ParameterName, 'End every record, the last too, with the --delimiter')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Reject networks with host bits set (123.45.67.73/27), as ip_network does')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Warn about bad entries and go on, instead of failing')
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
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Input encoding: a WHATWG label or Python codec name (latin-1, cp1252, utf-16, utf-16le, shift_jis, gb18030, ...), or auto (UTF-16 told by its NUL bytes) [default: utf-8; a BOM always wins]')
            [CompletionResult]::new('--max-record', '--max-record', [CompletionResultType]::ParameterName, 'Fail on a record (or JSON element) taking more memory than this (0: no limit)')
            [CompletionResult]::new('--out-dialect', '--out-dialect', [CompletionResultType]::ParameterName, 'Python dialect preset for writing (excel and excel-tab end lines with CRLF)')
            [CompletionResult]::new('--out-delimiter', '--out-delimiter', [CompletionResultType]::ParameterName, 'Output field delimiter [default: , (tab for tsv)]')
            [CompletionResult]::new('--out-quotechar', '--out-quotechar', [CompletionResultType]::ParameterName, 'Output quote character [default: "]')
            [CompletionResult]::new('--out-escapechar', '--out-escapechar', [CompletionResultType]::ParameterName, 'Output escape character (needed by --quoting none)')
            [CompletionResult]::new('--out-quoting', '--out-quoting', [CompletionResultType]::ParameterName, 'Quoting mode for writing only [default: --quoting, else minimal]')
            [CompletionResult]::new('--line-terminator', '--line-terminator', [CompletionResultType]::ParameterName, 'Output line terminator [default: lf; crlf with --out-dialect excel/excel-tab]')
            [CompletionResult]::new('--out-encoding', '--out-encoding', [CompletionResultType]::ParameterName, 'CSV output encoding, named as for --encoding (utf-16 and utf-8-sig start with a BOM, as in Python) [default: utf-8]')
            [CompletionResult]::new('--types', '--types', [CompletionResultType]::ParameterName, 'JSON output: type each value alone (cell), or give each column the narrowest type all its values fit (column; reads the input twice)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'With --types column, write the column types here as a JSON Schema; without, read the types from this JSON Schema and refuse values that do not fit')
            [CompletionResult]::new('--flatten-sep', '--flatten-sep', [CompletionResultType]::ParameterName, 'The separator --flatten and --unflatten put between names')
            [CompletionResult]::new('--max-keys', '--max-keys', [CompletionResultType]::ParameterName, 'JSON input: fail on an object with more keys than this (0: no limit)')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Columns to write, in this order (names; 1-based numbers with --no-header)')
            [CompletionResult]::new('--restval', '--restval', [CompletionResultType]::ParameterName, 'Value for missing keys and short rows')
            [CompletionResult]::new('--restkey', '--restkey', [CompletionResultType]::ParameterName, 'JSON output: key holding the extra fields of long rows under --flexible')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--no-doublequote', '--no-doublequote', [CompletionResultType]::ParameterName, 'A doubled quotechar inside quotes is not a literal quote')
            [CompletionResult]::new('--skipinitialspace', '--skipinitialspace', [CompletionResultType]::ParameterName, 'Ignore spaces right after a delimiter')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail on bad CSV (Python''s strict=True)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'The first record is data, not a header (JSON rows become arrays)')
            [CompletionResult]::new('--lossy', '--lossy', [CompletionResultType]::ParameterName, 'Replace bytes invalid in the input encoding with U+FFFD, and characters the output encoding lacks with &#NNNN;, instead of failing')
            [CompletionResult]::new('--flexible', '--flexible', [CompletionResultType]::ParameterName, 'Accept records whose field count differs from the header')
            [CompletionResult]::new('--sniff', '--sniff', [CompletionResultType]::ParameterName, 'Detect the delimiter, quotechar and header as csv.Sniffer does (-v says what)')
            [CompletionResult]::new('--out-no-doublequote', '--out-no-doublequote', [CompletionResultType]::ParameterName, 'Escape quotechars with the escapechar instead of doubling them')
            [CompletionResult]::new('--bom', '--bom', [CompletionResultType]::ParameterName, 'Start CSV output with a byte order mark (for Excel: --bom --line-terminator crlf)')
            [CompletionResult]::new('--infer-types', '--infer-types', [CompletionResultType]::ParameterName, 'JSON output: integers, floats, true/false and empty-as-null, never losing text (the same as --types cell)')
            [CompletionResult]::new('--flatten', '--flatten', [CompletionResultType]::ParameterName, 'JSON input: nested objects become columns with dotted names ({"a":{"b":1}} is a.b)')
            [CompletionResult]::new('--unflatten', '--unflatten', [CompletionResultType]::ParameterName, 'JSON output: dotted column names become nested objects (the inverse of --flatten)')
            [CompletionResult]::new('--flatten-arrays', '--flatten-arrays', [CompletionResultType]::ParameterName, 'With --flatten, arrays become columns too (a.0, a.1); with --unflatten, objects keyed 0..n-1 become arrays')
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
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Sender: the From header when composing, the envelope sender of a complete message (-f/-r; `<>` is the null sender)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender: the From header when composing, the envelope sender of a complete message (-f/-r; `<>` is the null sender)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Recipient (repeatable; comma lists accepted)')
            [CompletionResult]::new('--cc', '--cc', [CompletionResultType]::ParameterName, 'Copy recipient (repeatable; comma lists accepted)')
            [CompletionResult]::new('--bcc', '--bcc', [CompletionResultType]::ParameterName, 'Blind copy recipient: envelope only, never in a header (repeatable)')
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply-To address (repeatable)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject (non-ASCII is encoded per RFC 2047)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable; CR/LF refused)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Plain-text body')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'Plain-text body from FILE (- for stdin)')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'HTML body (with a text body the message is multipart/alternative)')
            [CompletionResult]::new('--html-file', '--html-file', [CompletionResultType]::ParameterName, 'HTML body from FILE (- for stdin)')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach FILE, MIME type from its extension or given as FILE:TYPE (repeatable)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Full name for the From header tackle adds when the message has none')
            [CompletionResult]::new('--full-name', '--full-name', [CompletionResultType]::ParameterName, 'Full name for the From header tackle adds when the message has none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Accepted sendmail option: -oi, -oem, -oee, -odi, -odb, -om (no-ops, see the README); -A, -G, -L, -m, -n and -O are accepted and ignored too, as in msmtp')
            [CompletionResult]::new('-B', '-B ', [CompletionResultType]::ParameterName, 'Accepted body type: -B8BITMIME or -B7BIT (tackle looks at the bytes itself)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Accepted mode: -bm (deliver mail; tackle has no queue, so no other mode)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Accepted and ignored, as msmtp does: -A MODE, -G, -L TAG, -m, -n, -O OPTION=VALUE')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'L')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'O')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'DSN: when to notify the sender (never, or success,failure,delay), if the server offers DSN')
            [CompletionResult]::new('--dsn-notify', '--dsn-notify', [CompletionResultType]::ParameterName, 'DSN: when to notify the sender (never, or success,failure,delay), if the server offers DSN')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'DSN: what a bounce returns (full or hdrs), if the server offers DSN')
            [CompletionResult]::new('--dsn-return', '--dsn-return', [CompletionResultType]::ParameterName, 'DSN: what a bounce returns (full or hdrs), if the server offers DSN')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'SMTP server host name or address [default: the account''s host, else localhost]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'SMTP server host name or address [default: the account''s host, else localhost]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port [default: 465 for implicit, 587 for starttls, else 25]')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connection security [default: starttls when logging in, else opportunistic]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Also trust the certificates in this PEM file (CAs, or the server''s own certificate)')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Trust exactly the certificate with this SHA-256 fingerprint (AB:CD:..., as msmtp)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) to present')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'Private key (PEM) of --tls-cert')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Log in as NAME (AUTH)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password or token from the first line of FILE (owner-only)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password or token from environment variable VAR [default: TACKLE_SMTP_PASSWORD]')
            [CompletionResult]::new('--password-cmd', '--password-cmd', [CompletionResultType]::ParameterName, 'Run CMD with sh -c and use the first line it prints (an OAuth2 token helper works)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'AUTH mechanism [default: plain if offered, else login]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting and on each SMTP exchange [default: 30s]')
            [CompletionResult]::new('--data-timeout', '--data-timeout', [CompletionResultType]::ParameterName, 'Bound on the server''s reply to the end of the message (RFC 5321 §4.5.3.2.6)')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to greet the server with in EHLO [default: this host''s fully-qualified name]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Config file in msmtp''s syntax [default: the first of ~/.config/tackle/sendmail.conf, ~/.msmtprc, /etc/tackle/sendmail.conf, /etc/msmtprc]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file in msmtp''s syntax [default: the first of ~/.config/tackle/sendmail.conf, ~/.msmtprc, /etc/tackle/sendmail.conf, /etc/msmtprc]')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Use this account of the config file [default: the account named default]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Use this account of the config file [default: the account named default]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Append one line per message to FILE (msmtp''s log format; -X FILE as in msmtp)')
            [CompletionResult]::new('--logfile', '--logfile', [CompletionResultType]::ParameterName, 'Append one line per message to FILE (msmtp''s log format; -X FILE as in msmtp)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact message (CRLF) on stdout and the envelope on stderr; send nothing')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Read a complete message from stdin; recipients from its To, Cc and Bcc (Bcc removed), plus any given as arguments')
            [CompletionResult]::new('--read-recipients', '--read-recipients', [CompletionResultType]::ParameterName, 'Read a complete message from stdin; recipients from its To, Cc and Bcc (Bcc removed), plus any given as arguments')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Accepted: a line holding only "." never ends the input (tackle reads to the end)')
            [CompletionResult]::new('-G', '-G ', [CompletionResultType]::ParameterName, 'G')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'm')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'n')
            [CompletionResult]::new('--partial', '--partial', [CompletionResultType]::ParameterName, 'Deliver to the recipients the server accepts even when it refuses others')
            [CompletionResult]::new('--tls-insecure', '--tls-insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns on every use)')
            [CompletionResult]::new('--allow-plaintext-auth', '--allow-plaintext-auth', [CompletionResultType]::ParameterName, 'Allow sending the password over an unencrypted connection')
            [CompletionResult]::new('--allow-readable-secrets', '--allow-readable-secrets', [CompletionResultType]::ParameterName, 'Use a password file, --tls-key or config file that group or others can read')
            [CompletionResult]::new('--from-account', '--from-account', [CompletionResultType]::ParameterName, 'Use the account whose `from` is the envelope sender (msmtp''s --read-envelope-from)')
            [CompletionResult]::new('--read-envelope-from', '--read-envelope-from', [CompletionResultType]::ParameterName, 'Use the account whose `from` is the envelope sender (msmtp''s --read-envelope-from)')
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
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Run `/bin/sh -c TEMPLATE`; `{}` (next) or `{1}`, `{2}` (numbered) in it stand for the --arg values, passed to the shell as data ("$1", "$2"), safe in any quoting; `{{}}` is a literal `{}`')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'A value for the --shell template (repeatable); never read as shell code')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop the command after this long (e.g. 30s, 1m30s, 1.5, 1e3, inf; 0 means never): send --signal to its process group')
            [CompletionResult]::new('--signal', '--signal', [CompletionResultType]::ParameterName, 'The signal sent on timeout: a name (TERM, INT, KILL, RTMIN+2, ...) or a number; 0 (or EXIT) sends none and leaves the end to --kill-after')
            [CompletionResult]::new('--kill-after', '--kill-after', [CompletionResultType]::ParameterName, 'After the timeout signal (or a signal passed on), wait this long, then SIGKILL the command; 0 never kills')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'The total time for all attempts and the waits between them: past it, the attempt running is stopped as by --timeout and no retry follows')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Write TEXT to the command''s stdin (concurrently with reading its output), then close it (the kernel limits one argument to 128 KiB: use --input-file beyond)')
            [CompletionResult]::new('--input-file', '--input-file', [CompletionResultType]::ParameterName, 'Give FILE to the command as its stdin (reopened for each retry)')
            [CompletionResult]::new('--max-output', '--max-output', [CompletionResultType]::ParameterName, 'Bytes of each stream kept in memory (e.g. 64M, 1G): --json drops and notes the rest, --quiet-unless-failed spills the rest to a temporary file')
            [CompletionResult]::new('--tee', '--tee', [CompletionResultType]::ParameterName, 'Also copy everything the command writes (stdout and stderr, as it arrives) to FILE, whether it is shown, held or captured; all attempts go in')
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'Run the command in DIR')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable for the command (repeatable)')
            [CompletionResult]::new('--rlimit', '--rlimit', [CompletionResultType]::ParameterName, 'Resource limits for the command (repeatable): cpu=SECS, as=SIZE, nofile=N, core=0, also data, fsize, memlock, nproc, stack; SOFT:HARD or unlimited')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Run the command again, up to N more times, while it fails')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Wait this long before the first retry; the wait doubles after each retry')
            [CompletionResult]::new('--retry-max-delay', '--retry-max-delay', [CompletionResultType]::ParameterName, 'The longest wait between retries')
            [CompletionResult]::new('--retry-on', '--retry-on', [CompletionResultType]::ParameterName, 'Retry only when the exit status is CODE (repeatable; 124 means a timeout)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--foreground', '--foreground', [CompletionResultType]::ParameterName, 'Run the command in tackle''s process group, as `timeout --foreground`: it may read the terminal and gets its signals; a timeout signals only the command, not its children')
            [CompletionResult]::new('--preserve-status', '--preserve-status', [CompletionResultType]::ParameterName, 'Exit with the command''s status even when it timed out, instead of 124')
            [CompletionResult]::new('--no-stdin', '--no-stdin', [CompletionResultType]::ParameterName, 'Give the command /dev/null as its stdin')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Capture stdout and stderr and print one JSON report when the command ends')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'With --json: base64-encode a stream that is not valid UTF-8')
            [CompletionResult]::new('--quiet-unless-failed', '--quiet-unless-failed', [CompletionResultType]::ParameterName, 'Hold stdout and stderr and print them only if the command fails or times out')
            [CompletionResult]::new('--merge-stderr', '--merge-stderr', [CompletionResultType]::ParameterName, 'Send the command''s stderr into its stdout, in the order written (in every mode)')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Start each line of the command''s output with the time since the start, `[   1.234s] `')
            [CompletionResult]::new('--fail-on-stderr', '--fail-on-stderr', [CompletionResultType]::ParameterName, 'Count output on stderr as a failure (status 1 when the command exited 0), like `chronic -e`')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'On failure, print why: `CMD: exited with status N`, `killed by SIG...` or `timed out` (with the last 10 lines of stderr under --json)')
            [CompletionResult]::new('--clear-env', '--clear-env', [CompletionResultType]::ParameterName, 'Start the command with an empty environment (plus any --env)')
            [CompletionResult]::new('--retry-jitter', '--retry-jitter', [CompletionResultType]::ParameterName, 'Wait a random time between half and all of each retry delay, so that many clients retrying at once spread out')
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
