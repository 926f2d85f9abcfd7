# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_oncall_global_optspecs
    string join \n json format= color= no-hints h/help V/version
end

function __fish_oncall_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_oncall_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_oncall_using_subcommand
    set -l cmd (__fish_oncall_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c oncall -n "__fish_oncall_needs_command" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_needs_command" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_needs_command" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_needs_command" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_needs_command" -s V -l version -d 'Print version'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "cheat" -d 'Search the offline cheat sheet, explain a command line, or follow a runbook'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "ps" -d 'Processes: CPU% over a sampling window, memory, state, threads, fds, I/O (ps, top, pidstat)'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "mem" -d 'Memory as free computes it, swap, PSI, top consumers, OOM kills, cgroup limits (free, vmstat)'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "disk" -d 'Filesystems: size, used, avail, inodes, read-only; never hangs on a dead mount (df -h, df -i)'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "net" -d 'Sockets: TCP/UDP/UNIX, listeners, states, owning processes (ss -tanp, netstat)'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "logs" -d 'Search, follow and summarise logs, rotated and compressed ones too (grep, tail -F)'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "probe" -d 'Health-probe HTTP(S), TCP and gRPC endpoints, load balancers and gateways (curl -w)'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "triage" -d 'The first 60 seconds on this host in one report, findings ranked by severity'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "serve" -d 'Prometheus exporter: triage findings and numbers on /metrics, blackbox_exporter\'s /probe'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "rules" -d 'Prometheus alerting rules over `oncall serve`\'s metrics, one per triage rule'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "mcp" -d 'MCP server (stdio, or Streamable HTTP): the read-only diagnostics, cheat sheet and runbooks as tools for AI assistants'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c oncall -n "__fish_oncall_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -s c -l category -d 'List every command of a category' -r
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l explain -d 'Explain each token of a pasted command line' -r
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l runbook -d 'A symptom\'s runbook; without a symptom, the list of runbooks' -r
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l tldr -d 'A tldr-pages checkout or cache to search beside the sheet (default: a tldr client\'s cache)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l categories -d 'List the categories with their counts'
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l safe -d 'Only examples that change nothing on the host'
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand cheat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l window -d 'Sampling window for CPU% and I/O rates (0 = lifetime averages, as ps)' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l sort -d 'Sort order' -r -f -a "cpu\t''
mem\t''
io\t''
fds\t''
pid\t''
start\t''"
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l top -d 'How many processes to show (default 20 in a table, all in JSON)' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l user -d 'Only processes of this user' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l state -d 'Only processes in these states (letters of R, S, D, Z, T, t, I, P; e.g. DZ)' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l grep -d 'Only processes whose name or command line matches' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l pid -d 'Only these process ids' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l container -d 'Only processes in this container (its name, or a prefix of its id)' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l pod -d 'Only processes in this Kubernetes pod (NAME, NAMESPACE/NAME, or a prefix of its UID)' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l unit -d 'Only processes in this systemd unit (nginx or nginx.service)' -r
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l by -d 'One row per container, pod or unit: the cgroup\'s own CPU, memory, limit, throttling, OOM kills (docker stats, crictl stats, systemd-cgtop)' -r -f -a "container\t''
pod\t''
unit\t''"
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l tree -d 'Show the process tree'
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand ps" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand ps" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand mem" -l top -d 'How many top consumers to show' -r
complete -c oncall -n "__fish_oncall_using_subcommand mem" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand mem" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand mem" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand mem" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand mem" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -l timeout -d 'Time allowed per mount before it is shown as not responding (above 0)' -r
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -l all -d 'Include pseudo filesystems (proc, sysfs, cgroup, …)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -f -a "usage" -d 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -f -a "deleted" -d 'Deleted files still held open, by process, with the space they pin (lsof +L1)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and not __fish_seen_subcommand_from usage deleted help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from usage" -l top -d 'How many of the largest directories and files to list' -r
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from usage" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from usage" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from usage" -s x -l one-file-system -d 'Stay on one filesystem'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from usage" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from usage" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from usage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from deleted" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from deleted" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from deleted" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from deleted" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from deleted" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from help" -f -a "usage" -d 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from help" -f -a "deleted" -d 'Deleted files still held open, by process, with the space they pin (lsof +L1)'
complete -c oncall -n "__fish_oncall_using_subcommand disk; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -l state -d 'Only sockets in this state (established, time-wait, listen, …)' -r
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -l port -d 'Only sockets with this local or remote port' -r
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s l -l listen -d 'Listening sockets only'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s p -l processes -d 'Show the owning process of each socket'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s 4 -d 'IPv4 only'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s 6 -d 'IPv6 only'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s t -l tcp -d 'TCP sockets'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s u -l udp -d 'UDP sockets'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s x -l unix -d 'UNIX sockets'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s a -l all -d 'Sockets in every state, listening ones included (the default; wins over -l, as in ss -la)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s n -l numeric -d 'Numeric addresses and ports: always so, accepted because ss users type it (-tulpn)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s s -l summary -d 'Only the summary counts (ss -s)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -f -a "stats" -d 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and not __fish_seen_subcommand_from stats help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from stats" -l window -d 'Sampling window' -r
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from stats" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from stats" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from stats" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from stats" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)'
complete -c oncall -n "__fish_oncall_using_subcommand net; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -f -a "grep" -d 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -f -a "tail" -d 'Print the last lines; -f follows across rotation and truncation (tail -F)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -f -a "top" -d 'Top error signatures with counts and first/last seen'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and not __fish_seen_subcommand_from grep tail top help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s e -l regexp -d 'More patterns; each is counted on its own with --count' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s C -l context -d 'Lines of context around each match (journal: entries)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s A -l after-context -d 'Lines of context after each match (journal: entries)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s B -l before-context -d 'Lines of context before each match (journal: entries)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s m -l max-count -d 'Stop after N matches per file' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l since -d 'Only lines at or after this time (RFC 3339, \'2026-11-27 14:00\', 30m, 2h, yesterday)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l until -d 'Only lines before this time' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l level -d 'Only lines at this level or worse' -r -f -a "error\t''
warn\t''
info\t''
debug\t''"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l field -d 'For JSON lines: only lines whose field equals the value' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s u -l unit -d 'Messages of this unit (no suffix means .service; globs; repeatable, OR\'ed)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l user-unit -d 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR\'ed with -u)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s p -l priority -d 'This priority and worse, or a range: err, 3, warning..err' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s b -l boot -d 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s t -l identifier -d 'Messages with this syslog identifier (repeatable)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l journal-dir -d 'Journal files of this directory (a copy from another host; journalctl -D)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l journal-file -d 'Journal files matching this glob (journalctl --file)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l namespace -d 'A journal namespace: NS, +NS (with the default one) or * (every one)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s o -l output -d 'How journal entries are shown (journalctl -o); --json gives oncall\'s JSON Lines' -r -f -a "short\t'journalctl\'s default: local time, host, IDENTIFIER[PID]: MESSAGE'
short-iso\t'short with an ISO 8601 time'
cat\t'The message only'
json\t'journalctl\'s JSON, one entry a line'
verbose\t'Every field of each entry, under a header with the full time and the cursor'"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l pod -d 'Only the logs of this Kubernetes pod\'s containers (NAME or NAMESPACE/NAME; /var/log/pods)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l container -d 'Only the logs of this container (kubelet\'s, or Docker\'s json-file by name or id)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s F -l fixed-strings -d 'Patterns are literal strings'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s i -l ignore-case -d 'Case-insensitive'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s w -l word-regexp -d 'Whole words only'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s v -l invert-match -d 'Lines that do not match'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s c -l count -d 'Print counts of matching lines'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s n -l line-number -d 'Number each line (the default on a terminal and with --json; into a pipe, as rg, only when asked)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s N -l no-line-number -d 'Never number lines'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s l -l files-with-matches -d 'Print only the names of files with a match'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l journal -d 'Read the systemd journal (implied by every journal flag)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s k -l dmesg -l kernel -d 'Kernel messages of the current boot (journalctl -k)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from grep" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s n -l lines -d 'Number of lines' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l grep -d 'Only lines matching this pattern' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l since -d 'Journal only: entries at or after this time (journalctl\'s forms too: -1h, yesterday)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l until -d 'Journal only: entries up to this time' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s u -l unit -d 'Messages of this unit (no suffix means .service; globs; repeatable, OR\'ed)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l user-unit -d 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR\'ed with -u)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s p -l priority -d 'This priority and worse, or a range: err, 3, warning..err' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s b -l boot -d 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s t -l identifier -d 'Messages with this syslog identifier (repeatable)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l journal-dir -d 'Journal files of this directory (a copy from another host; journalctl -D)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l journal-file -d 'Journal files matching this glob (journalctl --file)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l namespace -d 'A journal namespace: NS, +NS (with the default one) or * (every one)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s o -l output -d 'How journal entries are shown (journalctl -o); --json gives oncall\'s JSON Lines' -r -f -a "short\t'journalctl\'s default: local time, host, IDENTIFIER[PID]: MESSAGE'
short-iso\t'short with an ISO 8601 time'
cat\t'The message only'
json\t'journalctl\'s JSON, one entry a line'
verbose\t'Every field of each entry, under a header with the full time and the cursor'"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l pod -d 'Only the logs of this Kubernetes pod\'s containers (NAME or NAMESPACE/NAME; /var/log/pods)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l container -d 'Only the logs of this container (kubelet\'s, or Docker\'s json-file by name or id)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s f -l follow -d 'Follow by name across rotation and truncation'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l list-boots -d 'The journal\'s boots, oldest first, with their offsets for -b (journalctl --list-boots)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l journal -d 'Read the systemd journal (implied by every journal flag)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s k -l dmesg -l kernel -d 'Kernel messages of the current boot (journalctl -k)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l since -d 'Only lines at or after this time' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l top -d 'How many signatures' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -s u -l unit -d 'Messages of this unit (no suffix means .service; globs; repeatable, OR\'ed)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l user-unit -d 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR\'ed with -u)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -s p -l priority -d 'This priority and worse, or a range: err, 3, warning..err' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -s b -l boot -d 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -s t -l identifier -d 'Messages with this syslog identifier (repeatable)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l journal-dir -d 'Journal files of this directory (a copy from another host; journalctl -D)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l journal-file -d 'Journal files matching this glob (journalctl --file)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l namespace -d 'A journal namespace: NS, +NS (with the default one) or * (every one)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -s o -l output -d 'How journal entries are shown (journalctl -o); --json gives oncall\'s JSON Lines' -r -f -a "short\t'journalctl\'s default: local time, host, IDENTIFIER[PID]: MESSAGE'
short-iso\t'short with an ISO 8601 time'
cat\t'The message only'
json\t'journalctl\'s JSON, one entry a line'
verbose\t'Every field of each entry, under a header with the full time and the cursor'"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l pod -d 'Only the logs of this Kubernetes pod\'s containers (NAME or NAMESPACE/NAME; /var/log/pods)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l container -d 'Only the logs of this container (kubelet\'s, or Docker\'s json-file by name or id)' -r
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l journal -d 'Read the systemd journal (implied by every journal flag)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -s k -l dmesg -l kernel -d 'Kernel messages of the current boot (journalctl -k)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "grep" -d 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "tail" -d 'Print the last lines; -f follows across rotation and truncation (tail -F)'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "top" -d 'Top error signatures with counts and first/last seen'
complete -c oncall -n "__fish_oncall_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l targets -d 'Read targets from a file, one per line (each may add its own --expect-… checks)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l concurrency -d 'Targets probed at once' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l resolve -d 'Use these addresses for HOST:PORT instead of DNS, as curl\'s --resolve' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l cacert -d 'Trust this CA bundle' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l max-redirects -d 'Redirects to follow' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l connect-timeout -d 'Time allowed to connect' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l timeout -d 'Time allowed for the whole probe' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l expect-status -d 'Accepted status codes (default 200-399)' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l expect-body -d 'The body must match this regex' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l expect-json -d 'A JSON pointer must equal a value, e.g. /status=UP' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l expect-header -d 'A header must match, e.g. \'Content-Type: json\'' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l max-latency -d 'Fail when slower than this' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l min-cert-days -d 'Fail when a certificate expires in fewer days' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l retries -d 'Retries before a target counts as failed' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l interval -d 'Pause between retries' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l failure-threshold -d 'Consecutive failures before unhealthy (as Kubernetes)' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l success-threshold -d 'Consecutive successes before healthy (as Kubernetes)' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l watch -d 'Repeat every SECONDS until Ctrl-C, printing state changes' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l balancer -d 'Send N requests and report which backend answered each' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l backend-header -d 'Header that names the backend' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l backend-field -d 'JSON body field that names the backend' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l backend-cookie -d 'Cookie that names the backend' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -s H -l header -d 'Extra request header (values are never printed)' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l bearer -d 'Bearer token, or @FILE to read it from a file (never printed; a JWT is decoded, not verified)' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l origin -d 'Origin for a CORS preflight' -r
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand probe" -s 4 -d 'IPv4 only'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -s 6 -d 'IPv6 only'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l each-ip -d 'Probe every address the name resolves to'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l insecure -d 'Do not verify TLS certificates (the output says so)'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l nagios -d 'Nagios plugin output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l reuse -d 'Keep connections alive between balancer requests'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l gateway -d 'Check gateway behaviour: auth challenge, rate limits, CORS'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l window -d 'One sampling window over all collectors' -r
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l logs -d 'Logs to scan for error bursts (default /var/log)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l journal-dir -d 'Journal directory to scan for error bursts per unit (default this machine\'s journal)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l probe -d 'Health probes to add' -r
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l fail-on -d 'Exit 1 when a finding at this level or above exists' -r -f -a "warning\t''
critical\t''"
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand triage" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand triage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l web.listen-address -d 'Address to listen on (loopback by default; without --web.config.file, no authentication)' -r
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l interval -d 'Length of each triage window; /metrics answers from the last complete one' -r
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l config.file -d 'blackbox_exporter modules for /probe (blackbox.yml\'s format)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l probe.allow -d 'Targets /probe may reach: CIDRs and host globs, comma-separated or repeated' -r
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l probe.concurrency -d 'Probes running at once; more get 503' -r
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l web.config.file -d 'TLS and basic auth (bcrypt) in the Prometheus exporter-toolkit\'s web config format' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l logs -d 'Logs to watch for error bursts (default /var/log)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand serve" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and not __fish_seen_subcommand_from prometheus help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand rules; and not __fish_seen_subcommand_from prometheus help" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand rules; and not __fish_seen_subcommand_from prometheus help" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and not __fish_seen_subcommand_from prometheus help" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and not __fish_seen_subcommand_from prometheus help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and not __fish_seen_subcommand_from prometheus help" -f -a "prometheus" -d 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and not __fish_seen_subcommand_from prometheus help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from prometheus" -l for -d 'How long a finding must hold before its alert fires (pending until then)' -r
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from prometheus" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from prometheus" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from prometheus" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from prometheus" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from prometheus" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "prometheus" -d 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook'
complete -c oncall -n "__fish_oncall_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l allow-path -d 'Another directory logs and disk usage may be read under (besides /var/log and the journal)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l allow-target -d 'Targets probes may reach although link-local or metadata: CIDRs, comma-separated or repeated' -r
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l max-result-bytes -d 'The most bytes of one tool result (lists are paged to fit)' -r
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l tool-timeout -d 'Time one tool call may take' -r
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l http -d 'Serve Streamable HTTP at http://ADDR/mcp instead of stdio (port 0 picks a free one)' -r
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l token-file -d 'The bearer token clients must send, read from FILE (default: one made at start, on stderr)' -r -F
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l allow-host -d 'Another name clients may reach the server by (the Host header; loopback\'s are allowed)' -r
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l allow-origin -d 'A browser origin allowed to call (e.g. http://localhost:6274); every other Origin is refused' -r
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l no-auth -d 'No bearer token (only when --http binds a loopback address)'
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand completions" -l format -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t''
prometheus\t'Prometheus text exposition (blackbox_exporter\'s names); `probe` only'"
complete -c oncall -n "__fish_oncall_using_subcommand completions" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c oncall -n "__fish_oncall_using_subcommand completions" -l json -d 'Output JSON (same as --format json)'
complete -c oncall -n "__fish_oncall_using_subcommand completions" -l no-hints -d 'Do not print the "classic equivalent" and next-step hints'
complete -c oncall -n "__fish_oncall_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "cheat" -d 'Search the offline cheat sheet, explain a command line, or follow a runbook'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "ps" -d 'Processes: CPU% over a sampling window, memory, state, threads, fds, I/O (ps, top, pidstat)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "mem" -d 'Memory as free computes it, swap, PSI, top consumers, OOM kills, cgroup limits (free, vmstat)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "disk" -d 'Filesystems: size, used, avail, inodes, read-only; never hangs on a dead mount (df -h, df -i)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "net" -d 'Sockets: TCP/UDP/UNIX, listeners, states, owning processes (ss -tanp, netstat)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "logs" -d 'Search, follow and summarise logs, rotated and compressed ones too (grep, tail -F)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "probe" -d 'Health-probe HTTP(S), TCP and gRPC endpoints, load balancers and gateways (curl -w)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "triage" -d 'The first 60 seconds on this host in one report, findings ranked by severity'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "serve" -d 'Prometheus exporter: triage findings and numbers on /metrics, blackbox_exporter\'s /probe'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "rules" -d 'Prometheus alerting rules over `oncall serve`\'s metrics, one per triage rule'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "mcp" -d 'MCP server (stdio, or Streamable HTTP): the read-only diagnostics, cheat sheet and runbooks as tools for AI assistants'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "completions" -d 'Print shell completions'
complete -c oncall -n "__fish_oncall_using_subcommand help; and not __fish_seen_subcommand_from cheat ps mem disk net logs probe triage serve rules mcp completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and __fish_seen_subcommand_from disk" -f -a "usage" -d 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and __fish_seen_subcommand_from disk" -f -a "deleted" -d 'Deleted files still held open, by process, with the space they pin (lsof +L1)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and __fish_seen_subcommand_from net" -f -a "stats" -d 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "grep" -d 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "tail" -d 'Print the last lines; -f follows across rotation and truncation (tail -F)'
complete -c oncall -n "__fish_oncall_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "top" -d 'Top error signatures with counts and first/last seen'
complete -c oncall -n "__fish_oncall_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "prometheus" -d 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook'
