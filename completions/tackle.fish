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
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l shell -d 'Run `/bin/sh -c TEMPLATE`; `{}` (next) or `{1}`, `{2}` (numbered) in it are replaced by the shell-quoted --arg values, `{{}}` by a literal `{}`' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l arg -d 'A value for the --shell template (repeatable); always shell-quoted' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l timeout -d 'Stop the command after this long (e.g. 30s, 1m30s; 0 means never): send --signal to its process group' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l signal -d 'The signal sent on timeout: a name (TERM, INT, KILL, ...) or a number' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l kill-after -d 'After the timeout signal, wait this long, then SIGKILL the process group' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l input -d 'Write TEXT to the command\'s stdin (concurrently with reading its output), then close it' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l input-file -d 'Give FILE to the command as its stdin (reopened for each retry)' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l max-output -d 'Bytes of each stream kept in memory (e.g. 64M, 1G): --json drops and notes the rest, --quiet-unless-failed spills the rest to a temporary file' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l cwd -d 'Run the command in DIR' -r -F
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l env -d 'Set an environment variable for the command (repeatable)' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retries -d 'Run the command again, up to N more times, while it fails' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retry-delay -d 'Wait this long before the first retry; the wait doubles after each retry' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retry-max-delay -d 'The longest wait between retries' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l retry-on -d 'Retry only when the exit status is CODE (repeatable; 124 means a timeout)' -r
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'`time - [LEVEL] [thread] (module:line) message`'
json\t'One JSON object per line'"
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l preserve-status -d 'Exit with the command\'s status even when it timed out, instead of 124'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l no-stdin -d 'Give the command /dev/null as its stdin'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l json -d 'Capture stdout and stderr and print one JSON report when the command ends'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l binary -d 'With --json: base64-encode a stream that is not valid UTF-8'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l quiet-unless-failed -d 'Hold stdout and stderr and print them only if the command fails or times out'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l merge-stderr -d 'Send the command\'s stderr into its stdout, in the order written (in every mode)'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l check -d 'On failure, print why: `\'CMD\' exited with status N`, `killed by SIG...` or `timed out` (with the last 10 lines of stderr under --json)'
complete -c tackle -n "__fish_tackle_using_subcommand run-cmd" -l clear-env -d 'Start the command with an empty environment (plus any --env)'
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
