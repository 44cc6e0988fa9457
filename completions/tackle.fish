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
complete -c tackle -n "__fish_tackle_needs_command" -f -a "connect" -d 'Connect to a server (nc-style) over TCP, TLS, UDP or Unix, with the HMAC handshake'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "generate" -d 'Write shell completions and man pages into DIR (for maintainers)'
complete -c tackle -n "__fish_tackle_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l tcp -d 'Listen for TCP connections on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l udp -d 'Listen for UDP datagrams on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l tls -d 'Listen for TLS connections (needs --tls-cert and --tls-key) on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l unix -d 'Listen for Unix stream connections on a socket file at PATH, or @NAME (repeatable)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l unix-mode -d 'Create Unix socket files with this mode (octal, e.g. 660)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l backlog -d 'Length of each TCP/Unix listener\'s accept queue' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l threads -d 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l drain -d 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l max-conns -d 'Most connections served at once; beyond it new ones are closed at once' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l max-handshakes -d 'Most connections in a TLS or HMAC handshake at once (not counted in --max-conns); beyond it the oldest handshake in progress is dropped' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l stats-interval -d 'Log connection, byte and datagram rates every DUR (at info level, so with -v)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l allow -d 'Serve only peers in CIDR (network, address or range; repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l deny -d 'Refuse peers in CIDR (repeatable; wins over --allow)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l keepalive -d 'Turn on TCP keepalive: probe a connection after DUR of silence, so dead peers free their slot' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l user -d 'After binding the listeners, run as user NAME (and its groups)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l tls-cert -d 'The TLS certificate chain (PEM, leaf first) for --tls listeners' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l tls-client-ca -d 'Require TLS clients to present a certificate signed by a CA in this PEM file' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l tls-handshake-timeout -d 'How long a TLS handshake may take' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l idle-timeout -d 'Close connections idle for DUR (e.g. 30s, 5m; default: never)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l max-buffer -d 'Stop reading from a client whose unsent echo passes SIZE (e.g. 256K, 1M)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l auth-key-file -d 'Require the HMAC-SHA256 challenge-response handshake, with the key read from FILE' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l auth-key-env -d 'Require the HMAC-SHA256 challenge-response handshake, with the key in environment variable VAR' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l auth-timeout -d 'How long a client has to answer the challenge' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l ipv6-only -d 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l allow-low-ports -d 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l no-nodelay -d 'Leave Nagle\'s algorithm on (TCP_NODELAY is set by default)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l allow-readable-secrets -d 'Use a key file that group or others can read (refused by default)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l tcp -d 'Listen for TCP connections on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l udp -d 'Listen for UDP datagrams on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l tls -d 'Listen for TLS connections (needs --tls-cert and --tls-key) on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l format -d 'What a reply says (text formats end in CRLF)' -r -f -a "ctime\t'Python\'s time.ctime(): `Sat Nov 21 22:44:21 2026` (day padded with a space)'
rfc3339\t'RFC 3339: `2026-11-21T22:44:21+08:00`, or `...Z` with --utc'
rfc2822\t'RFC 2822 (mail Date:): `Sat, 21 Nov 2026 22:44:21 +0800`'
unix\t'Seconds since 1970-01-01T00:00:00Z: `1795272261`'
unix-ms\t'Milliseconds since 1970-01-01T00:00:00Z: `1795272261123`'
rfc868\t'RFC 868: 4 bytes, big-endian seconds since 1900-01-01T00:00:00Z, no line end. The RFC\'s 32-bit counter wraps on 2036-02-07T06:28:16Z and starts again at 0'"
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l rate-limit -d 'Most UDP replies per second to one source address; beyond it datagrams are dropped and counted (0: no limit). Guards against reflection attacks with forged source addresses' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l backlog -d 'Length of each TCP/Unix listener\'s accept queue' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l threads -d 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l drain -d 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l max-conns -d 'Most connections served at once; beyond it new ones are closed at once' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l max-handshakes -d 'Most connections in a TLS or HMAC handshake at once (not counted in --max-conns); beyond it the oldest handshake in progress is dropped' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l stats-interval -d 'Log connection, byte and datagram rates every DUR (at info level, so with -v)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l allow -d 'Serve only peers in CIDR (network, address or range; repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l deny -d 'Refuse peers in CIDR (repeatable; wins over --allow)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l keepalive -d 'Turn on TCP keepalive: probe a connection after DUR of silence, so dead peers free their slot' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l user -d 'After binding the listeners, run as user NAME (and its groups)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l tls-cert -d 'The TLS certificate chain (PEM, leaf first) for --tls listeners' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l tls-client-ca -d 'Require TLS clients to present a certificate signed by a CA in this PEM file' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l tls-handshake-timeout -d 'How long a TLS handshake may take' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l utc -d 'Write calendar fields in UTC (default: local time, from TZ or the system\'s zone)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l ipv6-only -d 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l allow-low-ports -d 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l exclude -d 'Leave out this network, address or range (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l exclude-file -d 'Leave out the entries listed in FILE (`-` for stdin), one or more per line' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l split -d 'Print the subnets of each network with this prefix length (/26 or 26)' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l split-count -d 'Split each network into N blocks that tile it, largest first (equal when N is a power of two; 3 parts of a /24 are a /25 and two /26s)' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l split-hosts -d 'Split each network into the smallest equal subnets with N usable hosts each' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l index -d 'Print the I-th address of each entry; negative counts from the end (-1 is the last)' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l seed -d 'Seed for --shuffle, for a repeatable order (default: random, logged with -v)' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l contains -d 'Print the entries that contain ADDR; exit status 1 when none does' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l filter -d 'Keep only entries of this type: private, global, multicast, loopback, link-local, reserved, unspecified, site-local, ipv4-mapped, 6to4, teredo; `!TYPE` negates (repeatable: all must hold)' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l match -d 'Print the lines of text (files or stdin) holding an address inside NET, as grepcidr (repeatable); exit status 1 when no line matches' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l match-file -d 'Networks for --match from FILE (`-` for stdin), one or more per line' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l limit -d 'Stop after N lines' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l step -d 'Print every N-th address of each entry (prips -i)' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l format -d 'How addresses are written; exploded and range also apply to networks' -r -f -a "text\t'Dotted quad / RFC 5952 text'
dec\t'The address as a decimal integer (prips -f dec)'
hex\t'The address as a lowercase hexadecimal integer, no padding (prips -f hex)'
bin\t'32 or 128 binary digits (Python\'s format(addr, "b"))'
exploded\t'IPv6 with every group in four digits (Python\'s exploded); IPv4 as text'
reverse\t'The reverse DNS name: 4.3.2.1.in-addr.arpa, nibbles under ip6.arpa'
range\t'A network or run of addresses as first-last (for iptables and ipset)'"
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l delimiter -d 'Separate output records with STR instead of a newline (\\t, \\n, \\0 and \\\\ are understood); the output ends with one newline, or with STR after every record when STR is \\0 or with --terminator' -r
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l hosts -d 'Only usable hosts, as Python\'s hosts(): IPv4 drops the network and broadcast addresses (except /31, /32), IPv6 the Subnet-Router anycast (except /127, /128); ranges are kept whole'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l count -d 'Print the number of addresses of each entry, then a total line; with --unique the number of distinct addresses, with --aggregate each network of the union'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l total -d 'Print only the total count (implies --count)'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l aggregate -d 'Print the fewest networks covering all entries, sorted, IPv4 first'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l info -d 'Describe each network: masks, broadcast, hosts, sizes, Python\'s forms and address types, and the IANA address space'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l unique -d 'Print each address once, sorted, however the entries overlap'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l shuffle -d 'Print each address once in random order, without holding them in memory'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l sort -d 'Print the entries sorted (IPv4 first, by first address, larger first), not merged'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l invert -d 'With --match: print the lines holding no such address'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l only-matching -d 'With --match: print only the matching addresses, one per line'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l count-matches -d 'With --match: print only the number of selected lines'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l extract -d 'Take the entries from every address and CIDR found in text (logs, HTML, JSON) in the files or stdin'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l json -d 'JSON: an array for --count/--info/--aggregate/--split/--sort, JSON Lines otherwise'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l terminator -d 'End every record, the last too, with the --delimiter'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l strict -d 'Reject networks with host bits set (123.45.67.73/27), as ip_network does'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -l skip-invalid -d 'Warn about bad entries and go on, instead of failing'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand cidr-expand" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s o -l output -d 'Output file (written atomically), or - for stdout' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l from -d 'Input format [default: from the input\'s extension, else csv]' -r -f -a "csv\t'Comma-separated values (any dialect)'
tsv\t'Tab-separated values (Python\'s excel-tab dialect)'
json\t'One JSON array of objects (of arrays with --no-header)'
jsonl\t'JSON Lines: one object a line (one array with --no-header)'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l to -d 'Output format [default: from the output\'s extension, else csv]' -r -f -a "csv\t'Comma-separated values (any dialect)'
tsv\t'Tab-separated values (Python\'s excel-tab dialect)'
json\t'One JSON array of objects (of arrays with --no-header)'
jsonl\t'JSON Lines: one object a line (one array with --no-header)'"
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
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l encoding -d 'Input encoding: a WHATWG label or Python codec name (latin-1, cp1252, utf-16, utf-16le, shift_jis, gb18030, ...), or auto (UTF-16 told by its NUL bytes) [default: utf-8; a BOM always wins]' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l max-record -d 'Fail on a record (or JSON element) taking more memory than this (0: no limit)' -r
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
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-encoding -d 'CSV output encoding, named as for --encoding (utf-16 and utf-8-sig start with a BOM, as in Python) [default: utf-8]' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l types -d 'JSON output: type each value alone (cell), or give each column the narrowest type all its values fit (column; reads the input twice)' -r -f -a "cell\t'Each value alone, as --infer-types'
column\t'Each column one type: the narrowest all its non-empty values fit'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l schema -d 'With --types column, write the column types here as a JSON Schema; without, read the types from this JSON Schema and refuse values that do not fit' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l flatten-sep -d 'The separator --flatten and --unflatten put between names' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l max-keys -d 'JSON input: fail on an object with more keys than this (0: no limit)' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l columns -d 'Columns to write, in this order (names; 1-based numbers with --no-header)' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l restval -d 'Value for missing keys and short rows' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l restkey -d 'JSON output: key holding the extra fields of long rows under --flexible' -r
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l no-doublequote -d 'A doubled quotechar inside quotes is not a literal quote'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l skipinitialspace -d 'Ignore spaces right after a delimiter'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l strict -d 'Fail on bad CSV (Python\'s strict=True)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l no-header -d 'The first record is data, not a header (JSON rows become arrays)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l lossy -d 'Replace bytes invalid in the input encoding with U+FFFD, and characters the output encoding lacks with &#NNNN;, instead of failing'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l flexible -d 'Accept records whose field count differs from the header'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l sniff -d 'Detect the delimiter, quotechar and header as csv.Sniffer does (-v says what)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l out-no-doublequote -d 'Escape quotechars with the escapechar instead of doubling them'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l bom -d 'Start CSV output with a byte order mark (for Excel: --bom --line-terminator crlf)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l infer-types -d 'JSON output: integers, floats, true/false and empty-as-null, never losing text (the same as --types cell)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l flatten -d 'JSON input: nested objects become columns with dotted names ({"a":{"b":1}} is a.b)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l unflatten -d 'JSON output: dotted column names become nested objects (the inverse of --flatten)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l flatten-arrays -d 'With --flatten, arrays become columns too (a.0, a.1); with --unflatten, objects keyed 0..n-1 become arrays'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l dedupe-headers -d 'JSON output: rename repeated header names a, a_2, a_3 instead of failing'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l union-keys -d 'JSON input: columns are every key of every object (reads the input twice)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l ignore-extra -d 'JSON input: drop keys that are not columns instead of failing'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l sort-columns -d 'Sort the columns by name'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s f -l from -d 'Sender: the From header when composing, the envelope sender of a complete message (-f/-r; `<>` is the null sender)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l to -d 'Recipient (repeatable; comma lists accepted)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l cc -d 'Copy recipient (repeatable; comma lists accepted)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l bcc -d 'Blind copy recipient: envelope only, never in a header (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l reply-to -d 'Reply-To address (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l subject -d 'Subject (non-ASCII is encoded per RFC 2047)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l header -d 'Extra header \'Name: value\' (repeatable; CR/LF refused)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l body -d 'Plain-text body' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l body-file -d 'Plain-text body from FILE (- for stdin)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l html -d 'HTML body (with a text body the message is multipart/alternative)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l html-file -d 'HTML body from FILE (- for stdin)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l attach -d 'Attach FILE, MIME type from its extension or given as FILE:TYPE (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s F -l full-name -d 'Full name for the From header tackle adds when the message has none' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s o -d 'Accepted sendmail option: -oi, -oem, -oee, -odi, -odb, -om (no-ops, see the README); -A, -G, -L, -m, -n and -O are accepted and ignored too, as in msmtp' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s B -d 'Accepted body type: -B8BITMIME or -B7BIT (tackle looks at the bytes itself)' -r -f -a "8BITMIME\t''
7BIT\t''"
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s b -d 'Accepted mode: -bm (deliver mail; tackle has no queue, so no other mode)' -r -f -a "m\t''"
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s A -d 'Accepted and ignored, as msmtp does: -A MODE, -G, -L TAG, -m, -n, -O OPTION=VALUE' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s L -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s O -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s N -l dsn-notify -d 'DSN: when to notify the sender (never, or success,failure,delay), if the server offers DSN' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s R -l dsn-return -d 'DSN: what a bounce returns (full or hdrs), if the server offers DSN' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l server -l host -d 'SMTP server host name or address [default: the account\'s host, else localhost]' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l port -d 'Server port [default: 465 for implicit, 587 for starttls, else 25]' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l tls -d 'Connection security [default: starttls when logging in, else opportunistic]' -r -f -a "none\t'Plain text only, STARTTLS never tried'
opportunistic\t'STARTTLS when the server offers it, else plain text'
starttls\t'STARTTLS required'
implicit\t'TLS from the first byte (SMTPS)'"
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l ca-file -d 'Also trust the certificates in this PEM file (CAs, or the server\'s own certificate)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l tls-fingerprint -d 'Trust exactly the certificate with this SHA-256 fingerprint (AB:CD:..., as msmtp)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l tls-cert -d 'Client certificate (PEM) to present' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l tls-key -d 'Private key (PEM) of --tls-cert' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l user -d 'Log in as NAME (AUTH)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l password-file -d 'Read the password or token from the first line of FILE (owner-only)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l password-env -d 'Read the password or token from environment variable VAR [default: TACKLE_SMTP_PASSWORD]' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l password-cmd -d 'Run CMD with sh -c and use the first line it prints (an OAuth2 token helper works)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l auth -d 'AUTH mechanism [default: plain if offered, else login]' -r -f -a "plain\t''
login\t''
xoauth2\t''
oauthbearer\t''"
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l timeout -d 'Bound on connecting and on each SMTP exchange [default: 30s]' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l data-timeout -d 'Bound on the server\'s reply to the end of the message (RFC 5321 §4.5.3.2.6)' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l helo -d 'Name to greet the server with in EHLO [default: this host\'s fully-qualified name]' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s C -l config -d 'Config file in msmtp\'s syntax [default: the first of ~/.config/tackle/sendmail.conf, ~/.msmtprc, /etc/tackle/sendmail.conf, /etc/msmtprc]' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s a -l account -d 'Use this account of the config file [default: the account named default]' -r
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s X -l logfile -d 'Append one line per message to FILE (msmtp\'s log format; -X FILE as in msmtp)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l dry-run -d 'Print the exact message (CRLF) on stdout and the envelope on stderr; send nothing'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s t -l read-recipients -d 'Read a complete message from stdin; recipients from its To, Cc and Bcc (Bcc removed), plus any given as arguments'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s i -d 'Accepted: a line holding only "." never ends the input (tackle reads to the end)'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s G
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s m
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s n
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l partial -d 'Deliver to the recipients the server accepts even when it refuses others'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l tls-insecure -d 'Do not verify the server\'s certificate (warns on every use)'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l allow-plaintext-auth -d 'Allow sending the password over an unencrypted connection'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l allow-readable-secrets -d 'Use a password file, --tls-key or config file that group or others can read'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -l from-account -l read-envelope-from -d 'Use the account whose `from` is the envelope sender (msmtp\'s --read-envelope-from)'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand sendmail" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l shell -d 'Run `/bin/sh -c TEMPLATE`; `{}` (next) or `{1}`, `{2}` (numbered) in it stand for the --arg values, passed to the shell as data ("$1", "$2"), safe in any quoting; `{{}}` is a literal `{}`' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l arg -d 'A value for the --shell template (repeatable); never read as shell code' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l timeout -d 'Stop the command after this long (e.g. 30s, 1m30s, 1.5, 1e3, inf; 0 means never): send --signal to its process group' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l signal -d 'The signal sent on timeout: a name (TERM, INT, KILL, RTMIN+2, ...) or a number; 0 (or EXIT) sends none and leaves the end to --kill-after' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l kill-after -d 'After the timeout signal (or a signal passed on), wait this long, then SIGKILL the command; 0 never kills' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l deadline -d 'The total time for all attempts and the waits between them: past it, the attempt running is stopped as by --timeout and no retry follows' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l input -d 'Write TEXT to the command\'s stdin (concurrently with reading its output), then close it (the kernel limits one argument to 128 KiB: use --input-file beyond)' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l input-file -d 'Give FILE to the command as its stdin (reopened for each retry)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l max-output -d 'Bytes of each stream kept in memory (e.g. 64M, 1G): --json drops and notes the rest, --quiet-unless-failed spills the rest to a temporary file' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l tee -d 'Also copy everything the command writes (stdout and stderr, as it arrives) to FILE, whether it is shown, held or captured; all attempts go in' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l cwd -d 'Run the command in DIR' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l env -d 'Set an environment variable for the command (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l rlimit -d 'Resource limits for the command (repeatable): cpu=SECS, as=SIZE, nofile=N, core=0, also data, fsize, memlock, nproc, stack; SOFT:HARD or unlimited' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retries -d 'Run the command again, up to N more times, while it fails' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retry-delay -d 'Wait this long before the first retry; the wait doubles after each retry' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retry-max-delay -d 'The longest wait between retries' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retry-on -d 'Retry only when the exit status is CODE (repeatable; 124 means a timeout)' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l foreground -d 'Run the command in tackle\'s process group, as `timeout --foreground`: it may read the terminal and gets its signals; a timeout signals only the command, not its children'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l preserve-status -d 'Exit with the command\'s status even when it timed out, instead of 124'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l no-stdin -d 'Give the command /dev/null as its stdin'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l json -d 'Capture stdout and stderr and print one JSON report when the command ends'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l binary -d 'With --json: base64-encode a stream that is not valid UTF-8'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l quiet-unless-failed -d 'Hold stdout and stderr and print them only if the command fails or times out'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l merge-stderr -d 'Send the command\'s stderr into its stdout, in the order written (in every mode)'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l timestamps -d 'Start each line of the command\'s output with the time since the start, `[   1.234s] `'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l fail-on-stderr -d 'Count output on stderr as a failure (status 1 when the command exited 0), like `chronic -e`'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l check -d 'On failure, print why: `CMD: exited with status N`, `killed by SIG...` or `timed out` (with the last 10 lines of stderr under --json)'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l clear-env -d 'Start the command with an empty environment (plus any --env)'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retry-jitter -d 'Wait a random time between half and all of each retry delay, so that many clients retrying at once spread out'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l unix -d 'Connect to the Unix stream socket at PATH (or @NAME, Linux\'s abstract namespace) instead of ADDR' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l source -d 'Bind our end to this address: IP, IP:PORT, [IPV6] or [IPV6]:PORT' -r
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l timeout -d 'Give up connecting, and on the TLS and HMAC handshakes, after DUR' -r
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l wait -d 'Stream: end after DUR with nothing sent or received [default: never]. UDP: how long to listen for replies after the last send [default: 1s]' -r
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l sni -d 'The name sent as SNI and checked against the certificate [default: the host of ADDR; localhost with --unix]' -r
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l ca-file -d 'Also trust the certificates in this PEM file (CAs, or the server\'s own certificate)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l tls-fingerprint -d 'Trust exactly the certificate with this SHA-256 fingerprint (AB:CD:..., as msmtp)' -r
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l tls-cert -d 'Client certificate (PEM) to present' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l tls-key -d 'Private key (PEM) of --tls-cert' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l auth-key-file -d 'Answer the server\'s challenge with the key read from FILE (its bytes exactly; the file must be owner-only)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l auth-key-env -d 'Answer the server\'s challenge with the key in environment variable VAR (removed from tackle\'s environment once read)' -r
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l format -d 'The format the server answers in [default: recognised from the reply: 4 bytes are rfc868, text is tried in each text format]' -r -f -a "ctime\t'Python\'s time.ctime(): `Sat Nov 21 22:44:21 2026` (day padded with a space)'
rfc3339\t'RFC 3339: `2026-11-21T22:44:21+08:00`, or `...Z` with --utc'
rfc2822\t'RFC 2822 (mail Date:): `Sat, 21 Nov 2026 22:44:21 +0800`'
unix\t'Seconds since 1970-01-01T00:00:00Z: `1795272261`'
unix-ms\t'Milliseconds since 1970-01-01T00:00:00Z: `1795272261123`'
rfc868\t'RFC 868: 4 bytes, big-endian seconds since 1900-01-01T00:00:00Z, no line end. The RFC\'s 32-bit counter wraps on 2036-02-07T06:28:16Z and starts again at 0'"
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l udp -d 'Use UDP: each line of stdin is a datagram, replies are printed one per line'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l tls -d 'Speak TLS (the server\'s certificate is checked against the system\'s CAs and --ca-file)'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -s 4 -l ipv4 -d 'Use only IPv4 addresses of a name'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -s 6 -l ipv6 -d 'Use only IPv6 addresses of a name'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l no-shutdown -d 'Keep our side of the stream open at stdin\'s end (by default it is shut down, as nc -N does); the run then ends when the server closes, or after --wait'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -s z -l zero -d 'Connect (and complete the TLS and HMAC handshakes), print `connected to ADDR`, close; nothing is sent (nc -z)'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l tls-insecure -d 'Do not verify the server\'s certificate (warns on every use)'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l allow-readable-secrets -d 'Use a key file (--auth-key-file, --tls-key) that group or others can read (refused by default)'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l datagram-stdin -d 'Send all of stdin as one datagram (default: one per line)'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l hex -d 'Print each reply as hex digits on a line of its own'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l broadcast -d 'Allow sending to a broadcast address (SO_BROADCAST: 255.255.255.255 or a subnet\'s); replies from every host are printed'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l show-peer -d 'Print `from ADDR: ` before each reply'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l time -d 'Ask a time server (serve-time, or any RFC 868 or 867 server) and print its time in RFC 3339 with its offset from the local clock'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l utc -d 'Write the time in UTC (default: the local zone, from TZ); ctime replies are read in UTC too'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -l json -d 'Print one JSON object: server, time, unix, offset_seconds, round_trip_seconds, format'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand connect" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand generate" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "serve-echo" -d 'TCP, UDP and Unix-socket echo servers in one event loop'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "serve-time" -d 'Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "cidr-expand" -d 'Expand, count, aggregate, split and exclude IPv4/IPv6 networks'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "csv-convert" -d 'Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "sendmail" -d 'Compose and send mail over SMTP, STARTTLS or implicit TLS'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "run-cmd" -d 'Run a command with timeout, input, capture and a checked exit'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "connect" -d 'Connect to a server (nc-style) over TCP, TLS, UDP or Unix, with the HMAC handshake'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "generate" -d 'Write shell completions and man pages into DIR (for maintainers)'
complete -c tackle -n "__fish_tackle_using_subcommand help; and not __fish_seen_subcommand_from serve-echo serve-time cidr-expand csv-convert sendmail run-cmd connect generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
