
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
            cand --tcp 'Listen for TCP connections on ADDR (repeatable)'
            cand --udp 'Listen for UDP datagrams on ADDR (repeatable)'
            cand --unix 'Listen for Unix stream connections on a socket file at PATH (repeatable)'
            cand --backlog 'Length of each TCP/Unix listener''s accept queue'
            cand --threads 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT'
            cand --drain 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting'
            cand --max-conns 'Most connections open at once; beyond it new ones are accepted and closed at once'
            cand --stats-interval 'Log connection, byte and datagram rates every DUR (at info level, so with -v)'
            cand --idle-timeout 'Close connections idle for DUR (e.g. 30s, 5m; default: never)'
            cand --max-buffer 'Stop reading from a client whose unsent echo passes SIZE (e.g. 256K, 1M)'
            cand --auth-key-file 'Require the HMAC-SHA256 challenge-response handshake, with the key read from FILE'
            cand --auth-key-env 'Require the HMAC-SHA256 challenge-response handshake, with the key in environment variable VAR'
            cand --auth-timeout 'How long a client has to answer the challenge'
            cand --log-format 'Log line format on stderr'
            cand --ipv6-only 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)'
            cand --allow-low-ports 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)'
            cand --no-nodelay 'Leave Nagle''s algorithm on (TCP_NODELAY is set by default)'
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
            cand --tcp 'Listen for TCP connections on ADDR (repeatable)'
            cand --udp 'Listen for UDP datagrams on ADDR (repeatable)'
            cand --format 'What a reply says (text formats end in CRLF)'
            cand --rate-limit 'Most UDP replies per second to one source address; beyond it datagrams are dropped and counted (0: no limit). Guards against reflection attacks with forged source addresses'
            cand --backlog 'Length of each TCP/Unix listener''s accept queue'
            cand --threads 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT'
            cand --drain 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting'
            cand --max-conns 'Most connections open at once; beyond it new ones are accepted and closed at once'
            cand --stats-interval 'Log connection, byte and datagram rates every DUR (at info level, so with -v)'
            cand --log-format 'Log line format on stderr'
            cand --utc 'Write calendar fields in UTC (default: local time, from TZ or the system''s zone)'
            cand --ipv6-only 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)'
            cand --allow-low-ports 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)'
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
            cand --exclude 'Leave out this network, address or range (repeatable)'
            cand --exclude-file 'Leave out the entries listed in FILE, one per line'
            cand --split 'Print the subnets of each network with this prefix length (/26 or 26)'
            cand --split-count 'Split each network into N equal subnets (N a power of two)'
            cand --index 'Print the I-th address of each entry; negative counts from the end (-1 is the last)'
            cand --seed 'Seed for --shuffle, for a repeatable order (default: random, logged with -v)'
            cand --limit 'Stop after N lines'
            cand --format 'How addresses are written'
            cand --delimiter 'Separate output records with STR instead of a newline (\t, \n, \0 and \\ are understood); the output ends with one newline'
            cand --log-format 'Log line format on stderr'
            cand --hosts 'Only usable hosts, as Python''s hosts(): IPv4 drops the network and broadcast addresses (except /31, /32), IPv6 the Subnet-Router anycast (except /127, /128); ranges are kept whole'
            cand --count 'Print the number of addresses of each entry, then a total line'
            cand --aggregate 'Print the fewest networks covering all entries, sorted, IPv4 first'
            cand --info 'Describe each network: netmask, hostmask, broadcast, first and last host, sizes'
            cand --unique 'Print each address once, sorted, however the entries overlap'
            cand --shuffle 'Print each address once in random order, without holding them in memory'
            cand --json 'JSON: an array for --count/--info/--aggregate/--split, JSON Lines otherwise'
            cand --strict 'Reject networks with host bits set (123.45.67.73/27), as ip_network does'
            cand --skip-invalid 'Warn about bad entries and go on, instead of failing'
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
            cand --from 'Sender address (From header and envelope sender)'
            cand --to 'Recipient (repeatable; comma lists accepted)'
            cand --cc 'Copy recipient (repeatable; comma lists accepted)'
            cand --bcc 'Blind copy recipient: envelope only, never in a header (repeatable)'
            cand --reply-to 'Reply-To address (repeatable)'
            cand --subject 'Subject (non-ASCII is encoded per RFC 2047)'
            cand --header 'Extra header ''Name: value'' (repeatable; CR/LF refused)'
            cand --body 'Plain-text body'
            cand --body-file 'Plain-text body from FILE (- for stdin)'
            cand --html 'HTML body (with a text body the message is multipart/alternative)'
            cand --html-file 'HTML body from FILE (- for stdin)'
            cand --attach 'Attach FILE, MIME type from its extension or given as FILE:TYPE (repeatable)'
            cand --server 'SMTP server host name or address'
            cand --port 'Server port [default: 465 for implicit, 587 for starttls, else 25]'
            cand --tls 'Connection security [default: starttls with --user, else opportunistic]'
            cand --ca-file 'Also trust the CA certificates in this PEM file'
            cand --user 'Log in as NAME (AUTH)'
            cand --password-file 'Read the password from the first line of FILE'
            cand --password-env 'Read the password from environment variable VAR [default: TACKLE_SMTP_PASSWORD]'
            cand --password-cmd 'Run CMD with sh -c and use the first line it prints as the password'
            cand --auth 'AUTH mechanism [default: the first of plain, login the server offers]'
            cand --timeout 'Bound on connecting and on each SMTP exchange'
            cand --helo 'Name to greet the server with in EHLO [default: this host''s name]'
            cand --log-format 'Log line format on stderr'
            cand -t 'Read a complete message from stdin; recipients from its To, Cc and Bcc (Bcc removed)'
            cand --read-recipients 'Read a complete message from stdin; recipients from its To, Cc and Bcc (Bcc removed)'
            cand --dry-run 'Print the exact message (CRLF) on stdout and the envelope on stderr; send nothing'
            cand --tls-insecure 'Do not verify the server''s certificate (warns on every use)'
            cand --allow-plaintext-auth 'Allow sending the password over an unencrypted connection'
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
            cand --shell 'Run `/bin/sh -c TEMPLATE`; `{}` (next) or `{1}`, `{2}` (numbered) in it are replaced by the shell-quoted --arg values, `{{}}` by a literal `{}`'
            cand --arg 'A value for the --shell template (repeatable); always shell-quoted'
            cand --timeout 'Stop the command after this long (e.g. 30s, 1m30s; 0 means never): send --signal to its process group'
            cand --signal 'The signal sent on timeout: a name (TERM, INT, KILL, ...) or a number'
            cand --kill-after 'After the timeout signal, wait this long, then SIGKILL the process group'
            cand --input 'Write TEXT to the command''s stdin (concurrently with reading its output), then close it'
            cand --input-file 'Give FILE to the command as its stdin (reopened for each retry)'
            cand --max-output 'Bytes of each stream kept in memory (e.g. 64M, 1G): --json drops and notes the rest, --quiet-unless-failed spills the rest to a temporary file'
            cand --cwd 'Run the command in DIR'
            cand --env 'Set an environment variable for the command (repeatable)'
            cand --retries 'Run the command again, up to N more times, while it fails'
            cand --retry-delay 'Wait this long before the first retry; the wait doubles after each retry'
            cand --retry-max-delay 'The longest wait between retries'
            cand --retry-on 'Retry only when the exit status is CODE (repeatable; 124 means a timeout)'
            cand --log-format 'Log line format on stderr'
            cand --preserve-status 'Exit with the command''s status even when it timed out, instead of 124'
            cand --no-stdin 'Give the command /dev/null as its stdin'
            cand --json 'Capture stdout and stderr and print one JSON report when the command ends'
            cand --binary 'With --json: base64-encode a stream that is not valid UTF-8'
            cand --quiet-unless-failed 'Hold stdout and stderr and print them only if the command fails or times out'
            cand --merge-stderr 'Send the command''s stderr into its stdout, in the order written (in every mode)'
            cand --check 'On failure, print why: `''CMD'' exited with status N`, `killed by SIG...` or `timed out` (with the last 10 lines of stderr under --json)'
            cand --clear-env 'Start the command with an empty environment (plus any --env)'
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
