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
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l tcp -d 'Listen for TCP connections on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l udp -d 'Listen for UDP datagrams on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l unix -d 'Listen for Unix stream connections on a socket file at PATH (repeatable)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l backlog -d 'Length of each TCP/Unix listener\'s accept queue' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l threads -d 'Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l drain -d 'On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l max-conns -d 'Most connections open at once; beyond it new ones are accepted and closed at once' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -l stats-interval -d 'Log connection, byte and datagram rates every DUR (at info level, so with -v)' -r
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
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s v -l verbose -d 'Log more: -v info, -vv debug, -vvv trace (logs go to stderr)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s q -l quiet -d 'Log errors only'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tackle -n "__fish_tackle_using_subcommand serve-echo" -s V -l version -d 'Print version'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l tcp -d 'Listen for TCP connections on ADDR (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l udp -d 'Listen for UDP datagrams on ADDR (repeatable)' -r
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
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l max-conns -d 'Most connections open at once; beyond it new ones are accepted and closed at once' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l stats-interval -d 'Log connection, byte and datagram rates every DUR (at info level, so with -v)' -r
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l utc -d 'Write calendar fields in UTC (default: local time, from TZ or the system\'s zone)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l ipv6-only -d 'Make `[::]` listeners IPv6-only (by default they also accept IPv4)'
complete -c tackle -n "__fish_tackle_using_subcommand serve-time" -l allow-low-ports -d 'Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to prevent loops with other UDP services; port 0 is always ignored)'
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
complete -c tackle -n "__fish_tackle_using_subcommand csv-convert" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
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
