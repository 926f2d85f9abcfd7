
use builtin;
use str;

set edit:completion:arg-completer[oncall] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'oncall'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'oncall'= {
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand cheat 'Search the offline cheat sheet, explain a command line, or follow a runbook'
            cand ps 'Processes: CPU% over a sampling window, memory, state, threads, fds, I/O (ps, top, pidstat)'
            cand mem 'Memory as free computes it, swap, PSI, top consumers, OOM kills, cgroup limits (free, vmstat)'
            cand disk 'Filesystems: size, used, avail, inodes, read-only; never hangs on a dead mount (df -h, df -i)'
            cand net 'Sockets: TCP/UDP/UNIX, listeners, states, owning processes (ss -tanp, netstat)'
            cand logs 'Search, follow and summarise logs, rotated and compressed ones too (grep, tail -F)'
            cand probe 'Health-probe HTTP(S), TCP and gRPC endpoints, load balancers and gateways (curl -w)'
            cand triage 'The first 60 seconds on this host in one report, findings ranked by severity'
            cand serve 'Prometheus exporter: triage findings and numbers on /metrics, blackbox_exporter''s /probe'
            cand rules 'Prometheus alerting rules over `oncall serve`''s metrics, one per triage rule'
            cand mcp 'MCP server (stdio, or Streamable HTTP): the read-only diagnostics, cheat sheet and runbooks as tools for AI assistants'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;cheat'= {
            cand -c 'List every command of a category'
            cand --category 'List every command of a category'
            cand --explain 'Explain each token of a pasted command line'
            cand --runbook 'A symptom''s runbook; without a symptom, the list of runbooks'
            cand --tldr 'A tldr-pages checkout or cache to search beside the sheet (default: a tldr client''s cache)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --categories 'List the categories with their counts'
            cand --safe 'Only examples that change nothing on the host'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;ps'= {
            cand --window 'Sampling window for CPU% and I/O rates (0 = lifetime averages, as ps)'
            cand --sort 'Sort order'
            cand --top 'How many processes to show (default 20 in a table, all in JSON)'
            cand --user 'Only processes of this user'
            cand --state 'Only processes in these states (letters of R, S, D, Z, T, t, I, P; e.g. DZ)'
            cand --grep 'Only processes whose name or command line matches'
            cand --pid 'Only these process ids'
            cand --container 'Only processes in this container (its name, or a prefix of its id)'
            cand --pod 'Only processes in this Kubernetes pod (NAME, NAMESPACE/NAME, or a prefix of its UID)'
            cand --unit 'Only processes in this systemd unit (nginx or nginx.service)'
            cand --by 'One row per container, pod or unit: the cgroup''s own CPU, memory, limit, throttling, OOM kills (docker stats, crictl stats, systemd-cgtop)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --tree 'Show the process tree'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;mem'= {
            cand --top 'How many top consumers to show'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;disk'= {
            cand --timeout 'Time allowed per mount before it is shown as not responding (above 0)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --all 'Include pseudo filesystems (proc, sysfs, cgroup, …)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand usage 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)'
            cand deleted 'Deleted files still held open, by process, with the space they pin (lsof +L1)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;disk;usage'= {
            cand --top 'How many of the largest directories and files to list'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand -x 'Stay on one filesystem'
            cand --one-file-system 'Stay on one filesystem'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;disk;deleted'= {
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;disk;help'= {
            cand usage 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)'
            cand deleted 'Deleted files still held open, by process, with the space they pin (lsof +L1)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;disk;help;usage'= {
        }
        &'oncall;disk;help;deleted'= {
        }
        &'oncall;disk;help;help'= {
        }
        &'oncall;net'= {
            cand --state 'Only sockets in this state (established, time-wait, listen, …)'
            cand --port 'Only sockets with this local or remote port'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand -l 'Listening sockets only'
            cand --listen 'Listening sockets only'
            cand -p 'Show the owning process of each socket'
            cand --processes 'Show the owning process of each socket'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand -t 'TCP sockets'
            cand --tcp 'TCP sockets'
            cand -u 'UDP sockets'
            cand --udp 'UDP sockets'
            cand -x 'UNIX sockets'
            cand --unix 'UNIX sockets'
            cand -a 'Sockets in every state, listening ones included (the default; wins over -l, as in ss -la)'
            cand --all 'Sockets in every state, listening ones included (the default; wins over -l, as in ss -la)'
            cand -n 'Numeric addresses and ports: always so, accepted because ss users type it (-tulpn)'
            cand --numeric 'Numeric addresses and ports: always so, accepted because ss users type it (-tulpn)'
            cand -s 'Only the summary counts (ss -s)'
            cand --summary 'Only the summary counts (ss -s)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand stats 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;net;stats'= {
            cand --window 'Sampling window'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;net;help'= {
            cand stats 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;net;help;stats'= {
        }
        &'oncall;net;help;help'= {
        }
        &'oncall;logs'= {
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand grep 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)'
            cand tail 'Print the last lines; -f follows across rotation and truncation (tail -F)'
            cand top 'Top error signatures with counts and first/last seen'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;logs;grep'= {
            cand -e 'More patterns; each is counted on its own with --count'
            cand --regexp 'More patterns; each is counted on its own with --count'
            cand -C 'Lines of context around each match (journal: entries)'
            cand --context 'Lines of context around each match (journal: entries)'
            cand -A 'Lines of context after each match (journal: entries)'
            cand --after-context 'Lines of context after each match (journal: entries)'
            cand -B 'Lines of context before each match (journal: entries)'
            cand --before-context 'Lines of context before each match (journal: entries)'
            cand -m 'Stop after N matches per file'
            cand --max-count 'Stop after N matches per file'
            cand --since 'Only lines at or after this time (RFC 3339, ''2026-11-27 14:00'', 30m, 2h, yesterday)'
            cand --until 'Only lines before this time'
            cand --level 'Only lines at this level or worse'
            cand --field 'For JSON lines: only lines whose field equals the value'
            cand -u 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)'
            cand --unit 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)'
            cand --user-unit 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR''ed with -u)'
            cand -p 'This priority and worse, or a range: err, 3, warning..err'
            cand --priority 'This priority and worse, or a range: err, 3, warning..err'
            cand -b 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all'
            cand --boot 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all'
            cand -t 'Messages with this syslog identifier (repeatable)'
            cand --identifier 'Messages with this syslog identifier (repeatable)'
            cand --journal-dir 'Journal files of this directory (a copy from another host; journalctl -D)'
            cand --journal-file 'Journal files matching this glob (journalctl --file)'
            cand --namespace 'A journal namespace: NS, +NS (with the default one) or * (every one)'
            cand -o 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines'
            cand --output 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines'
            cand --pod 'Only the logs of this Kubernetes pod''s containers (NAME or NAMESPACE/NAME; /var/log/pods)'
            cand --container 'Only the logs of this container (kubelet''s, or Docker''s json-file by name or id)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand -F 'Patterns are literal strings'
            cand --fixed-strings 'Patterns are literal strings'
            cand -i 'Case-insensitive'
            cand --ignore-case 'Case-insensitive'
            cand -w 'Whole words only'
            cand --word-regexp 'Whole words only'
            cand -v 'Lines that do not match'
            cand --invert-match 'Lines that do not match'
            cand -c 'Print counts of matching lines'
            cand --count 'Print counts of matching lines'
            cand -n 'Number each line (the default on a terminal and with --json; into a pipe, as rg, only when asked)'
            cand --line-number 'Number each line (the default on a terminal and with --json; into a pipe, as rg, only when asked)'
            cand -N 'Never number lines'
            cand --no-line-number 'Never number lines'
            cand -l 'Print only the names of files with a match'
            cand --files-with-matches 'Print only the names of files with a match'
            cand --journal 'Read the systemd journal (implied by every journal flag)'
            cand -k 'Kernel messages of the current boot (journalctl -k)'
            cand --dmesg 'Kernel messages of the current boot (journalctl -k)'
            cand --kernel 'Kernel messages of the current boot (journalctl -k)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;logs;tail'= {
            cand -n 'Number of lines'
            cand --lines 'Number of lines'
            cand --grep 'Only lines matching this pattern'
            cand --since 'Journal only: entries at or after this time (journalctl''s forms too: -1h, yesterday)'
            cand --until 'Journal only: entries up to this time'
            cand -u 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)'
            cand --unit 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)'
            cand --user-unit 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR''ed with -u)'
            cand -p 'This priority and worse, or a range: err, 3, warning..err'
            cand --priority 'This priority and worse, or a range: err, 3, warning..err'
            cand -b 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all'
            cand --boot 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all'
            cand -t 'Messages with this syslog identifier (repeatable)'
            cand --identifier 'Messages with this syslog identifier (repeatable)'
            cand --journal-dir 'Journal files of this directory (a copy from another host; journalctl -D)'
            cand --journal-file 'Journal files matching this glob (journalctl --file)'
            cand --namespace 'A journal namespace: NS, +NS (with the default one) or * (every one)'
            cand -o 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines'
            cand --output 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines'
            cand --pod 'Only the logs of this Kubernetes pod''s containers (NAME or NAMESPACE/NAME; /var/log/pods)'
            cand --container 'Only the logs of this container (kubelet''s, or Docker''s json-file by name or id)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand -f 'Follow by name across rotation and truncation'
            cand --follow 'Follow by name across rotation and truncation'
            cand --list-boots 'The journal''s boots, oldest first, with their offsets for -b (journalctl --list-boots)'
            cand --journal 'Read the systemd journal (implied by every journal flag)'
            cand -k 'Kernel messages of the current boot (journalctl -k)'
            cand --dmesg 'Kernel messages of the current boot (journalctl -k)'
            cand --kernel 'Kernel messages of the current boot (journalctl -k)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;logs;top'= {
            cand --since 'Only lines at or after this time'
            cand --top 'How many signatures'
            cand -u 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)'
            cand --unit 'Messages of this unit (no suffix means .service; globs; repeatable, OR''ed)'
            cand --user-unit 'Messages of this user unit of the user running oncall, as journalctl --user-unit (no suffix means .service; globs; repeatable, OR''ed with -u)'
            cand -p 'This priority and worse, or a range: err, 3, warning..err'
            cand --priority 'This priority and worse, or a range: err, 3, warning..err'
            cand -b 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all'
            cand --boot 'Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all'
            cand -t 'Messages with this syslog identifier (repeatable)'
            cand --identifier 'Messages with this syslog identifier (repeatable)'
            cand --journal-dir 'Journal files of this directory (a copy from another host; journalctl -D)'
            cand --journal-file 'Journal files matching this glob (journalctl --file)'
            cand --namespace 'A journal namespace: NS, +NS (with the default one) or * (every one)'
            cand -o 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines'
            cand --output 'How journal entries are shown (journalctl -o); --json gives oncall''s JSON Lines'
            cand --pod 'Only the logs of this Kubernetes pod''s containers (NAME or NAMESPACE/NAME; /var/log/pods)'
            cand --container 'Only the logs of this container (kubelet''s, or Docker''s json-file by name or id)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --journal 'Read the systemd journal (implied by every journal flag)'
            cand -k 'Kernel messages of the current boot (journalctl -k)'
            cand --dmesg 'Kernel messages of the current boot (journalctl -k)'
            cand --kernel 'Kernel messages of the current boot (journalctl -k)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;logs;help'= {
            cand grep 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)'
            cand tail 'Print the last lines; -f follows across rotation and truncation (tail -F)'
            cand top 'Top error signatures with counts and first/last seen'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;logs;help;grep'= {
        }
        &'oncall;logs;help;tail'= {
        }
        &'oncall;logs;help;top'= {
        }
        &'oncall;logs;help;help'= {
        }
        &'oncall;probe'= {
            cand --targets 'Read targets from a file, one per line (each may add its own --expect-… checks)'
            cand --concurrency 'Targets probed at once'
            cand --resolve 'Use these addresses for HOST:PORT instead of DNS, as curl''s --resolve'
            cand --cacert 'Trust this CA bundle'
            cand --max-redirects 'Redirects to follow'
            cand --connect-timeout 'Time allowed to connect'
            cand --timeout 'Time allowed for the whole probe'
            cand --expect-status 'Accepted status codes (default 200-399)'
            cand --expect-body 'The body must match this regex'
            cand --expect-json 'A JSON pointer must equal a value, e.g. /status=UP'
            cand --expect-header 'A header must match, e.g. ''Content-Type: json'''
            cand --max-latency 'Fail when slower than this'
            cand --min-cert-days 'Fail when a certificate expires in fewer days'
            cand --retries 'Retries before a target counts as failed'
            cand --interval 'Pause between retries'
            cand --failure-threshold 'Consecutive failures before unhealthy (as Kubernetes)'
            cand --success-threshold 'Consecutive successes before healthy (as Kubernetes)'
            cand --watch 'Repeat every SECONDS until Ctrl-C, printing state changes'
            cand --balancer 'Send N requests and report which backend answered each'
            cand --backend-header 'Header that names the backend'
            cand --backend-field 'JSON body field that names the backend'
            cand --backend-cookie 'Cookie that names the backend'
            cand -H 'Extra request header (values are never printed)'
            cand --header 'Extra request header (values are never printed)'
            cand --bearer 'Bearer token, or @FILE to read it from a file (never printed; a JWT is decoded, not verified)'
            cand --origin 'Origin for a CORS preflight'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --each-ip 'Probe every address the name resolves to'
            cand --insecure 'Do not verify TLS certificates (the output says so)'
            cand --nagios 'Nagios plugin output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
            cand --reuse 'Keep connections alive between balancer requests'
            cand --gateway 'Check gateway behaviour: auth challenge, rate limits, CORS'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;triage'= {
            cand --window 'One sampling window over all collectors'
            cand --logs 'Logs to scan for error bursts (default /var/log)'
            cand --journal-dir 'Journal directory to scan for error bursts per unit (default this machine''s journal)'
            cand --probe 'Health probes to add'
            cand --fail-on 'Exit 1 when a finding at this level or above exists'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;serve'= {
            cand --web.listen-address 'Address to listen on (loopback by default; without --web.config.file, no authentication)'
            cand --interval 'Length of each triage window; /metrics answers from the last complete one'
            cand --config.file 'blackbox_exporter modules for /probe (blackbox.yml''s format)'
            cand --probe.allow 'Targets /probe may reach: CIDRs and host globs, comma-separated or repeated'
            cand --probe.concurrency 'Probes running at once; more get 503'
            cand --web.config.file 'TLS and basic auth (bcrypt) in the Prometheus exporter-toolkit''s web config format'
            cand --logs 'Logs to watch for error bursts (default /var/log)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;rules'= {
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand prometheus 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;rules;prometheus'= {
            cand --for 'How long a finding must hold before its alert fires (pending until then)'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;rules;help'= {
            cand prometheus 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;rules;help;prometheus'= {
        }
        &'oncall;rules;help;help'= {
        }
        &'oncall;mcp'= {
            cand --allow-path 'Another directory logs and disk usage may be read under (besides /var/log and the journal)'
            cand --allow-target 'Targets probes may reach although link-local or metadata: CIDRs, comma-separated or repeated'
            cand --max-result-bytes 'The most bytes of one tool result (lists are paged to fit)'
            cand --tool-timeout 'Time one tool call may take'
            cand --http 'Serve Streamable HTTP at http://ADDR/mcp instead of stdio (port 0 picks a free one)'
            cand --token-file 'The bearer token clients must send, read from FILE (default: one made at start, on stderr)'
            cand --allow-host 'Another name clients may reach the server by (the Host header; loopback''s are allowed)'
            cand --allow-origin 'A browser origin allowed to call (e.g. http://localhost:6274); every other Origin is refused'
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --no-auth 'No bearer token (only when --http binds a loopback address)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;completions'= {
            cand --format 'Output format'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)'
            cand --json 'Output JSON (same as --format json)'
            cand --no-hints 'Do not print the "classic equivalent" and next-step hints'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oncall;help'= {
            cand cheat 'Search the offline cheat sheet, explain a command line, or follow a runbook'
            cand ps 'Processes: CPU% over a sampling window, memory, state, threads, fds, I/O (ps, top, pidstat)'
            cand mem 'Memory as free computes it, swap, PSI, top consumers, OOM kills, cgroup limits (free, vmstat)'
            cand disk 'Filesystems: size, used, avail, inodes, read-only; never hangs on a dead mount (df -h, df -i)'
            cand net 'Sockets: TCP/UDP/UNIX, listeners, states, owning processes (ss -tanp, netstat)'
            cand logs 'Search, follow and summarise logs, rotated and compressed ones too (grep, tail -F)'
            cand probe 'Health-probe HTTP(S), TCP and gRPC endpoints, load balancers and gateways (curl -w)'
            cand triage 'The first 60 seconds on this host in one report, findings ranked by severity'
            cand serve 'Prometheus exporter: triage findings and numbers on /metrics, blackbox_exporter''s /probe'
            cand rules 'Prometheus alerting rules over `oncall serve`''s metrics, one per triage rule'
            cand mcp 'MCP server (stdio, or Streamable HTTP): the read-only diagnostics, cheat sheet and runbooks as tools for AI assistants'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oncall;help;cheat'= {
        }
        &'oncall;help;ps'= {
        }
        &'oncall;help;mem'= {
        }
        &'oncall;help;disk'= {
            cand usage 'What fills PATH: totals, largest directories and files (du -xsh, ncdu)'
            cand deleted 'Deleted files still held open, by process, with the space they pin (lsof +L1)'
        }
        &'oncall;help;disk;usage'= {
        }
        &'oncall;help;disk;deleted'= {
        }
        &'oncall;help;net'= {
            cand stats 'Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)'
        }
        &'oncall;help;net;stats'= {
        }
        &'oncall;help;logs'= {
            cand grep 'Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)'
            cand tail 'Print the last lines; -f follows across rotation and truncation (tail -F)'
            cand top 'Top error signatures with counts and first/last seen'
        }
        &'oncall;help;logs;grep'= {
        }
        &'oncall;help;logs;tail'= {
        }
        &'oncall;help;logs;top'= {
        }
        &'oncall;help;probe'= {
        }
        &'oncall;help;triage'= {
        }
        &'oncall;help;serve'= {
        }
        &'oncall;help;rules'= {
            cand prometheus 'Alerting rules: each finding of a triage rule as an alert with its severity and runbook'
        }
        &'oncall;help;rules;prometheus'= {
        }
        &'oncall;help;mcp'= {
        }
        &'oncall;help;completions'= {
        }
        &'oncall;help;help'= {
        }
    ]
    $completions[$command]
}
