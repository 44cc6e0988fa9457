
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
