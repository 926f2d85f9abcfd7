
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'oncall' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'oncall'
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
        'oncall' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('cheat', 'cheat', [CompletionResultType]::ParameterValue, 'Search the offline cheat sheet, explain a command line, or follow a runbook')
            [CompletionResult]::new('ps', 'ps', [CompletionResultType]::ParameterValue, 'Processes: CPU% over a sampling window, memory, state, threads, fds, I/O (ps, top, pidstat)')
            [CompletionResult]::new('mem', 'mem', [CompletionResultType]::ParameterValue, 'Memory as free computes it, swap, PSI, top consumers, OOM kills, cgroup limits (free, vmstat)')
            [CompletionResult]::new('disk', 'disk', [CompletionResultType]::ParameterValue, 'Filesystems: size, used, avail, inodes, read-only; never hangs on a dead mount (df -h, df -i)')
            [CompletionResult]::new('net', 'net', [CompletionResultType]::ParameterValue, 'Sockets: TCP/UDP/UNIX, listeners, states, owning processes (ss -tanp, netstat)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Search, follow and summarise logs, rotated and compressed ones too (grep, tail -F)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Health-probe HTTP(S), TCP and gRPC endpoints, load balancers and gateways (curl -w)')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'The first 60 seconds on this host in one report, findings ranked by severity')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Prometheus exporter: triage findings and numbers on /metrics, blackbox_exporter''s /probe')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Prometheus alerting rules over `oncall serve`''s metrics, one per triage rule')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'MCP server (stdio, or Streamable HTTP): the read-only diagnostics, cheat sheet and runbooks as tools for AI assistants')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;cheat' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'List every command of a category')
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'List every command of a category')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain each token of a pasted command line')
            [CompletionResult]::new('--runbook', '--runbook', [CompletionResultType]::ParameterName, 'A symptom''s runbook; without a symptom, the list of runbooks')
            [CompletionResult]::new('--tldr', '--tldr', [CompletionResultType]::ParameterName, 'A tldr-pages checkout or cache to search beside the sheet (default: a tldr client''s cache)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--categories', '--categories', [CompletionResultType]::ParameterName, 'List the categories with their counts')
            [CompletionResult]::new('--safe', '--safe', [CompletionResultType]::ParameterName, 'Only examples that change nothing on the host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;ps' {
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Sampling window for CPU% and I/O rates (0 = lifetime averages, as ps)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort order')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many processes to show (default 20 in a table, all in JSON)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only processes of this user')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only processes in these states (letters of R, S, D, Z, T, t, I, P; e.g. DZ)')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only processes whose name or command line matches')
            [CompletionResult]::new('--pid', '--pid', [CompletionResultType]::ParameterName, 'Only these process ids')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only processes in this container (its name, or a prefix of its id)')
            [CompletionResult]::new('--pod', '--pod', [CompletionResultType]::ParameterName, 'Only processes in this Kubernetes pod (NAME, NAMESPACE/NAME, or a prefix of its UID)')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'Only processes in this systemd unit (nginx or nginx.service)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'One row per container, pod or unit: the cgroup''s own CPU, memory, limit, throttling, OOM kills (docker stats, crictl stats, systemd-cgtop)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--tree', '--tree', [CompletionResultType]::ParameterName, 'Show the process tree')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;mem' {
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many top consumers to show')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;disk' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed per mount before it is shown as not responding (above 0)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include pseudo filesystems (proc, sysfs, cgroup, …)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)')
            [CompletionResult]::new('deleted', 'deleted', [CompletionResultType]::ParameterValue, 'Deleted files still held open, by process, with the space they pin (lsof +L1)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;disk;usage' {
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many of the largest directories and files to list')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Stay on one filesystem')
            [CompletionResult]::new('--one-file-system', '--one-file-system', [CompletionResultType]::ParameterName, 'Stay on one filesystem')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;disk;deleted' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;disk;help' {
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)')
            [CompletionResult]::new('deleted', 'deleted', [CompletionResultType]::ParameterValue, 'Deleted files still held open, by process, with the space they pin (lsof +L1)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;disk;help;usage' {
            break
        }
        'oncall;disk;help;deleted' {
            break
        }
        'oncall;disk;help;help' {
            break
        }
        'oncall;net' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only sockets in this state (established, time-wait, listen, …)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Only sockets with this local or remote port')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Listening sockets only')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Show the owning process of each socket')
            [CompletionResult]::new('--processes', '--processes', [CompletionResultType]::ParameterName, 'Show the owning process of each socket')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP sockets')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP sockets')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'UDP sockets')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'UDP sockets')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'UNIX sockets')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'UNIX sockets')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Sockets in every state, listening ones included (the default; wins over -l, as in ss -la)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Sockets in every state, listening ones included (the default; wins over -l, as in ss -la)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Numeric addresses and ports: always so, accepted because ss users type it (-tulpn)')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Numeric addresses and ports: always so, accepted because ss users type it (-tulpn)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only the summary counts (ss -s)')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Only the summary counts (ss -s)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;net;stats' {
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Sampling window')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;net;help' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;net;help;stats' {
            break
        }
        'oncall;net;help;help' {
            break
        }
        'oncall;logs' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('grep', 'grep', [CompletionResultType]::ParameterValue, 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the last lines; -f follows across rotation and truncation (tail -F)')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Top error signatures with counts and first/last seen')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;logs;grep' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'More patterns; each is counted on its own with --count')
            [CompletionResult]::new('--regexp', '--regexp', [CompletionResultType]::ParameterName, 'More patterns; each is counted on its own with --count')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Lines of context around each match (journal: entries)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Lines of context around each match (journal: entries)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Lines of context after each match (journal: entries)')
            [CompletionResult]::new('--after-context', '--after-context', [CompletionResultType]::ParameterName, 'Lines of context after each match (journal: entries)')
            [CompletionResult]::new('-B', '-B ', [CompletionResultType]::ParameterName, 'Lines of context before each match (journal: entries)')
            [CompletionResult]::new('--before-context', '--before-context', [CompletionResultType]::ParameterName, 'Lines of context before each match (journal: entries)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Stop after N matches per file')
            [CompletionResult]::new('--max-count', '--max-count', [CompletionResultType]::ParameterName, 'Stop after N matches per file')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines at or after this time (RFC 3339, ''2026-11-27 14:00'', 30m, 2h, yesterday)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only lines before this time')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Only lines at this level or worse')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'For JSON lines: only lines whose field equals the value')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)')
            [CompletionResult]::new('--user-unit', '--user-unit', [CompletionResultType]::ParameterName, 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR''ed with -u)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'This priority and worse, or a range: err, 3, warning..err')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'This priority and worse, or a range: err, 3, warning..err')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all')
            [CompletionResult]::new('--boot', '--boot', [CompletionResultType]::ParameterName, 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Messages with this syslog identifier (repeatable)')
            [CompletionResult]::new('--identifier', '--identifier', [CompletionResultType]::ParameterName, 'Messages with this syslog identifier (repeatable)')
            [CompletionResult]::new('--journal-dir', '--journal-dir', [CompletionResultType]::ParameterName, 'Journal files of this directory (a copy from another host; journalctl -D)')
            [CompletionResult]::new('--journal-file', '--journal-file', [CompletionResultType]::ParameterName, 'Journal files matching this glob (journalctl --file)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'A journal namespace: NS, +NS (with the default one) or * (every one)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines')
            [CompletionResult]::new('--pod', '--pod', [CompletionResultType]::ParameterName, 'Only the logs of this Kubernetes pod''s containers (NAME or NAMESPACE/NAME; /var/log/pods)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only the logs of this container (kubelet''s, or Docker''s json-file by name or id)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Patterns are literal strings')
            [CompletionResult]::new('--fixed-strings', '--fixed-strings', [CompletionResultType]::ParameterName, 'Patterns are literal strings')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Case-insensitive')
            [CompletionResult]::new('--ignore-case', '--ignore-case', [CompletionResultType]::ParameterName, 'Case-insensitive')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Whole words only')
            [CompletionResult]::new('--word-regexp', '--word-regexp', [CompletionResultType]::ParameterName, 'Whole words only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Lines that do not match')
            [CompletionResult]::new('--invert-match', '--invert-match', [CompletionResultType]::ParameterName, 'Lines that do not match')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Print counts of matching lines')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print counts of matching lines')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number each line (the default on a terminal and with --json; into a pipe, as rg, only when asked)')
            [CompletionResult]::new('--line-number', '--line-number', [CompletionResultType]::ParameterName, 'Number each line (the default on a terminal and with --json; into a pipe, as rg, only when asked)')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Never number lines')
            [CompletionResult]::new('--no-line-number', '--no-line-number', [CompletionResultType]::ParameterName, 'Never number lines')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Print only the names of files with a match')
            [CompletionResult]::new('--files-with-matches', '--files-with-matches', [CompletionResultType]::ParameterName, 'Print only the names of files with a match')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'Read the systemd journal (implied by every journal flag)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--dmesg', '--dmesg', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--kernel', '--kernel', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;logs;tail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of lines')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Number of lines')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only lines matching this pattern')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Journal only: entries at or after this time (journalctl''s forms too: -1h, yesterday)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Journal only: entries up to this time')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)')
            [CompletionResult]::new('--user-unit', '--user-unit', [CompletionResultType]::ParameterName, 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR''ed with -u)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'This priority and worse, or a range: err, 3, warning..err')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'This priority and worse, or a range: err, 3, warning..err')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all')
            [CompletionResult]::new('--boot', '--boot', [CompletionResultType]::ParameterName, 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Messages with this syslog identifier (repeatable)')
            [CompletionResult]::new('--identifier', '--identifier', [CompletionResultType]::ParameterName, 'Messages with this syslog identifier (repeatable)')
            [CompletionResult]::new('--journal-dir', '--journal-dir', [CompletionResultType]::ParameterName, 'Journal files of this directory (a copy from another host; journalctl -D)')
            [CompletionResult]::new('--journal-file', '--journal-file', [CompletionResultType]::ParameterName, 'Journal files matching this glob (journalctl --file)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'A journal namespace: NS, +NS (with the default one) or * (every one)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines')
            [CompletionResult]::new('--pod', '--pod', [CompletionResultType]::ParameterName, 'Only the logs of this Kubernetes pod''s containers (NAME or NAMESPACE/NAME; /var/log/pods)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only the logs of this container (kubelet''s, or Docker''s json-file by name or id)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Follow by name across rotation and truncation')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow by name across rotation and truncation')
            [CompletionResult]::new('--list-boots', '--list-boots', [CompletionResultType]::ParameterName, 'The journal''s boots, oldest first, with their offsets for -b (journalctl --list-boots)')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'Read the systemd journal (implied by every journal flag)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--dmesg', '--dmesg', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--kernel', '--kernel', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;logs;top' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines at or after this time')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many signatures')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)')
            [CompletionResult]::new('--user-unit', '--user-unit', [CompletionResultType]::ParameterName, 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR''ed with -u)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'This priority and worse, or a range: err, 3, warning..err')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'This priority and worse, or a range: err, 3, warning..err')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all')
            [CompletionResult]::new('--boot', '--boot', [CompletionResultType]::ParameterName, 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Messages with this syslog identifier (repeatable)')
            [CompletionResult]::new('--identifier', '--identifier', [CompletionResultType]::ParameterName, 'Messages with this syslog identifier (repeatable)')
            [CompletionResult]::new('--journal-dir', '--journal-dir', [CompletionResultType]::ParameterName, 'Journal files of this directory (a copy from another host; journalctl -D)')
            [CompletionResult]::new('--journal-file', '--journal-file', [CompletionResultType]::ParameterName, 'Journal files matching this glob (journalctl --file)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'A journal namespace: NS, +NS (with the default one) or * (every one)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines')
            [CompletionResult]::new('--pod', '--pod', [CompletionResultType]::ParameterName, 'Only the logs of this Kubernetes pod''s containers (NAME or NAMESPACE/NAME; /var/log/pods)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only the logs of this container (kubelet''s, or Docker''s json-file by name or id)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'Read the systemd journal (implied by every journal flag)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--dmesg', '--dmesg', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--kernel', '--kernel', [CompletionResultType]::ParameterName, 'Kernel messages of the current boot (journalctl -k)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;logs;help' {
            [CompletionResult]::new('grep', 'grep', [CompletionResultType]::ParameterValue, 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the last lines; -f follows across rotation and truncation (tail -F)')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Top error signatures with counts and first/last seen')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;logs;help;grep' {
            break
        }
        'oncall;logs;help;tail' {
            break
        }
        'oncall;logs;help;top' {
            break
        }
        'oncall;logs;help;help' {
            break
        }
        'oncall;probe' {
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Read targets from a file, one per line (each may add its own --expect-… checks)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Targets probed at once')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use these addresses for HOST:PORT instead of DNS, as curl''s --resolve')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA bundle')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Redirects to follow')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Time allowed to connect')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for the whole probe')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'Accepted status codes (default 200-399)')
            [CompletionResult]::new('--expect-body', '--expect-body', [CompletionResultType]::ParameterName, 'The body must match this regex')
            [CompletionResult]::new('--expect-json', '--expect-json', [CompletionResultType]::ParameterName, 'A JSON pointer must equal a value, e.g. /status=UP')
            [CompletionResult]::new('--expect-header', '--expect-header', [CompletionResultType]::ParameterName, 'A header must match, e.g. ''Content-Type: json''')
            [CompletionResult]::new('--max-latency', '--max-latency', [CompletionResultType]::ParameterName, 'Fail when slower than this')
            [CompletionResult]::new('--min-cert-days', '--min-cert-days', [CompletionResultType]::ParameterName, 'Fail when a certificate expires in fewer days')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries before a target counts as failed')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Pause between retries')
            [CompletionResult]::new('--failure-threshold', '--failure-threshold', [CompletionResultType]::ParameterName, 'Consecutive failures before unhealthy (as Kubernetes)')
            [CompletionResult]::new('--success-threshold', '--success-threshold', [CompletionResultType]::ParameterName, 'Consecutive successes before healthy (as Kubernetes)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Repeat every SECONDS until Ctrl-C, printing state changes')
            [CompletionResult]::new('--balancer', '--balancer', [CompletionResultType]::ParameterName, 'Send N requests and report which backend answered each')
            [CompletionResult]::new('--backend-header', '--backend-header', [CompletionResultType]::ParameterName, 'Header that names the backend')
            [CompletionResult]::new('--backend-field', '--backend-field', [CompletionResultType]::ParameterName, 'JSON body field that names the backend')
            [CompletionResult]::new('--backend-cookie', '--backend-cookie', [CompletionResultType]::ParameterName, 'Cookie that names the backend')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header (values are never printed)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header (values are never printed)')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Bearer token, or @FILE to read it from a file (never printed; a JWT is decoded, not verified)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'Origin for a CORS preflight')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--each-ip', '--each-ip', [CompletionResultType]::ParameterName, 'Probe every address the name resolves to')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (the output says so)')
            [CompletionResult]::new('--nagios', '--nagios', [CompletionResultType]::ParameterName, 'Nagios plugin output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
            [CompletionResult]::new('--reuse', '--reuse', [CompletionResultType]::ParameterName, 'Keep connections alive between balancer requests')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Check gateway behaviour: auth challenge, rate limits, CORS')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;triage' {
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'One sampling window over all collectors')
            [CompletionResult]::new('--logs', '--logs', [CompletionResultType]::ParameterName, 'Logs to scan for error bursts (default /var/log)')
            [CompletionResult]::new('--journal-dir', '--journal-dir', [CompletionResultType]::ParameterName, 'Journal directory to scan for error bursts per unit (default this machine''s journal)')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Health probes to add')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at this level or above exists')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;serve' {
            [CompletionResult]::new('--web.listen-address', '--web.listen-address', [CompletionResultType]::ParameterName, 'Address to listen on (loopback by default; without --web.config.file, no authentication)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Length of each triage window; /metrics answers from the last complete one')
            [CompletionResult]::new('--config.file', '--config.file', [CompletionResultType]::ParameterName, 'blackbox_exporter modules for /probe (blackbox.yml''s format)')
            [CompletionResult]::new('--probe.allow', '--probe.allow', [CompletionResultType]::ParameterName, 'Targets /probe may reach: CIDRs and host globs, comma-separated or repeated')
            [CompletionResult]::new('--probe.concurrency', '--probe.concurrency', [CompletionResultType]::ParameterName, 'Probes running at once; more get 503')
            [CompletionResult]::new('--web.config.file', '--web.config.file', [CompletionResultType]::ParameterName, 'TLS and basic auth (bcrypt) in the Prometheus exporter-toolkit''s web config format')
            [CompletionResult]::new('--logs', '--logs', [CompletionResultType]::ParameterName, 'Logs to watch for error bursts (default /var/log)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;rules' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('prometheus', 'prometheus', [CompletionResultType]::ParameterValue, 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;rules;prometheus' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'How long a finding must hold before its alert fires (pending until then)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;rules;help' {
            [CompletionResult]::new('prometheus', 'prometheus', [CompletionResultType]::ParameterValue, 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;rules;help;prometheus' {
            break
        }
        'oncall;rules;help;help' {
            break
        }
        'oncall;mcp' {
            [CompletionResult]::new('--allow-path', '--allow-path', [CompletionResultType]::ParameterName, 'Another directory logs and disk usage may be read under (besides /var/log and the journal)')
            [CompletionResult]::new('--allow-target', '--allow-target', [CompletionResultType]::ParameterName, 'Targets probes may reach although link-local or metadata: CIDRs, comma-separated or repeated')
            [CompletionResult]::new('--max-result-bytes', '--max-result-bytes', [CompletionResultType]::ParameterName, 'The most bytes of one tool result (lists are paged to fit)')
            [CompletionResult]::new('--tool-timeout', '--tool-timeout', [CompletionResultType]::ParameterName, 'Time one tool call may take')
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Serve Streamable HTTP at http://ADDR/mcp instead of stdio (port 0 picks a free one)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'The bearer token clients must send, read from FILE (default: one made at start, on stderr)')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Another name clients may reach the server by (the Host header; loopback''s are allowed)')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'A browser origin allowed to call (e.g. http://localhost:6274); every other Origin is refused')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--no-auth', '--no-auth', [CompletionResultType]::ParameterName, 'No bearer token (only when --http binds a loopback address)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;completions' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output JSON (same as --format json)')
            [CompletionResult]::new('--no-hints', '--no-hints', [CompletionResultType]::ParameterName, 'Do not print the "classic equivalent" and next-step hints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oncall;help' {
            [CompletionResult]::new('cheat', 'cheat', [CompletionResultType]::ParameterValue, 'Search the offline cheat sheet, explain a command line, or follow a runbook')
            [CompletionResult]::new('ps', 'ps', [CompletionResultType]::ParameterValue, 'Processes: CPU% over a sampling window, memory, state, threads, fds, I/O (ps, top, pidstat)')
            [CompletionResult]::new('mem', 'mem', [CompletionResultType]::ParameterValue, 'Memory as free computes it, swap, PSI, top consumers, OOM kills, cgroup limits (free, vmstat)')
            [CompletionResult]::new('disk', 'disk', [CompletionResultType]::ParameterValue, 'Filesystems: size, used, avail, inodes, read-only; never hangs on a dead mount (df -h, df -i)')
            [CompletionResult]::new('net', 'net', [CompletionResultType]::ParameterValue, 'Sockets: TCP/UDP/UNIX, listeners, states, owning processes (ss -tanp, netstat)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Search, follow and summarise logs, rotated and compressed ones too (grep, tail -F)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Health-probe HTTP(S), TCP and gRPC endpoints, load balancers and gateways (curl -w)')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'The first 60 seconds on this host in one report, findings ranked by severity')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Prometheus exporter: triage findings and numbers on /metrics, blackbox_exporter''s /probe')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Prometheus alerting rules over `oncall serve`''s metrics, one per triage rule')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'MCP server (stdio, or Streamable HTTP): the read-only diagnostics, cheat sheet and runbooks as tools for AI assistants')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oncall;help;cheat' {
            break
        }
        'oncall;help;ps' {
            break
        }
        'oncall;help;mem' {
            break
        }
        'oncall;help;disk' {
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)')
            [CompletionResult]::new('deleted', 'deleted', [CompletionResultType]::ParameterValue, 'Deleted files still held open, by process, with the space they pin (lsof +L1)')
            break
        }
        'oncall;help;disk;usage' {
            break
        }
        'oncall;help;disk;deleted' {
            break
        }
        'oncall;help;net' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)')
            break
        }
        'oncall;help;net;stats' {
            break
        }
        'oncall;help;logs' {
            [CompletionResult]::new('grep', 'grep', [CompletionResultType]::ParameterValue, 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the last lines; -f follows across rotation and truncation (tail -F)')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Top error signatures with counts and first/last seen')
            break
        }
        'oncall;help;logs;grep' {
            break
        }
        'oncall;help;logs;tail' {
            break
        }
        'oncall;help;logs;top' {
            break
        }
        'oncall;help;probe' {
            break
        }
        'oncall;help;triage' {
            break
        }
        'oncall;help;serve' {
            break
        }
        'oncall;help;rules' {
            [CompletionResult]::new('prometheus', 'prometheus', [CompletionResultType]::ParameterValue, 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook')
            break
        }
        'oncall;help;rules;prometheus' {
            break
        }
        'oncall;help;mcp' {
            break
        }
        'oncall;help;completions' {
            break
        }
        'oncall;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
