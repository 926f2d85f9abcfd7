//! What a person sees: every table-printing command run on a real terminal (a pty from
//! script(1), bsdutils) at 80, 120 and 250 columns with colour on. With the colour codes
//! stripped, the view must be the `--color never` view: same columns, same wrapping, and no
//! piece of an escape sequence left on the screen. Where the data cannot change between two
//! runs the two views are compared whole; where it can (live counters), each table's columns
//! are checked against its header.

mod support;

use std::io::Write;
use std::net::TcpListener;
use support::servers::{Reply, TestServer};

const WIDTHS: [u16; 3] = [80, 120, 250];

/// Runs oncall on a pty of `cols` columns; returns what the terminal received (CR LF → LF)
/// and the exit code.
fn on_terminal(cols: u16, args: &[&str]) -> (String, i32) {
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut line = format!("stty cols {cols} rows 50; exec '{}'", bin.display());
    for a in args {
        line.push_str(" '");
        line.push_str(&a.replace('\'', r"'\''"));
        line.push('\'');
    }
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .expect("script (bsdutils) is installed");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    (text, out.status.code().unwrap_or(-1))
}

/// Removes whole colour sequences (`ESC [ digits/; m`), as a person's eye does.
fn strip_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let body = &after[2.min(after.len())..];
        let len = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .filter(|&n| after.starts_with("\x1b[") && body[n..].starts_with('m'));
        match len {
            Some(n) => rest = &body[n + 1..],
            None => {
                out.push('\x1b');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Nothing of an escape sequence may be left once the colours are gone: no ESC, no caret
/// form of one (what the terminal guard makes of a broken sequence), no `[0m` tail.
fn assert_no_fragments(view: &str, what: &str) {
    assert!(!view.contains('\x1b'), "{what}: raw ESC left:\n{view}");
    assert!(!view.contains("^["), "{what}: ^[ on the screen:\n{view}");
    let re = regex::Regex::new(r"\[[0-9;]*m").unwrap();
    assert!(
        !re.is_match(view),
        "{what}: a piece of a colour code on the screen:\n{view}"
    );
}

/// The colour view, as seen, and the plain view of one command at one width; no piece of an
/// escape sequence may be left on the screen.
fn both_views(cols: u16, args: &[&str]) -> (String, String, String) {
    let (coloured, seen, plain) = views(cols, args);
    assert_no_fragments(&seen, &format!("{args:?} at {cols}"));
    (coloured, seen, plain)
}

fn views(cols: u16, args: &[&str]) -> (String, String, String) {
    let (coloured, code) = on_terminal(cols, args);
    assert!(code == 0 || code == 1, "{args:?} exit {code}:\n{coloured}");
    assert!(
        coloured.contains("\x1b[1m"),
        "{args:?}: a terminal gets colour:\n{coloured}"
    );
    let mut never = vec!["--color", "never"];
    never.extend_from_slice(args);
    let (plain, _) = on_terminal(cols, &never);
    assert!(!plain.contains('\x1b'), "{args:?} --color never:\n{plain}");
    let seen = strip_colour(&coloured);
    (coloured, seen, plain)
}

/// Data that does not change between two runs: the two views are the same text.
fn same_view(args: &[&str]) {
    for cols in WIDTHS {
        let (_, seen, plain) = both_views(cols, args);
        assert_eq!(
            seen, plain,
            "{args:?} at {cols} columns: colour moved the text"
        );
    }
}

/// Live data: each table in the colour view has its columns where its header says. A line
/// is a table row when it starts with the one space of padding, after a header line whose
/// words are `header`.
fn columns_line_up(args: &[&str], header: &[&str]) {
    columns_line_up_at(&WIDTHS, args, header)
}

fn columns_line_up_at(widths: &[u16], args: &[&str], header: &[&str]) {
    for &cols in widths {
        let (_, seen, plain) = both_views(cols, args);
        for (view, name) in [(&seen, "colour"), (&plain, "never")] {
            assert_table_aligned(view, header, cols, &format!("{args:?} at {cols} ({name})"));
        }
    }
}

fn assert_table_aligned(view: &str, header: &[&str], cols: u16, what: &str) {
    let lines: Vec<&str> = view.lines().collect();
    let Some(at) = lines.iter().position(|l| is_header(l, header)) else {
        panic!("{what}: no header line {header:?}:\n{view}");
    };
    // Column starts, from the header line (a header may wrap; its first line names them all
    // when the terminal is wide enough, which `is_header` required).
    let head = lines[at];
    let mut starts = Vec::new();
    let mut from = 0;
    for h in header {
        let i = from + head[from..].find(h).expect("is_header found it");
        starts.push(head[..i].chars().count());
        from = i + h.len();
    }
    let rows: Vec<Vec<char>> = lines[at + 1..]
        .iter()
        .take_while(|l| l.starts_with(' ') && !l.trim().is_empty())
        .map(|l| l.chars().collect())
        .collect();
    assert!(!rows.is_empty(), "{what}: a table without rows:\n{view}");
    for row in std::iter::once(&head.chars().collect()).chain(&rows) {
        assert!(
            row.len() <= usize::from(cols),
            "{what}: a table line wider than the terminal:\n{}",
            row.iter().collect::<String>()
        );
    }
    for (k, &c) in starts.iter().enumerate().skip(1) {
        // Left of every column is the space between columns, on every line of the table...
        for row in &rows {
            if row.len() > c {
                assert_eq!(
                    row[c - 1],
                    ' ',
                    "{what}: column {} ({}) at {c} runs into its neighbour:\n{}\n{}",
                    k,
                    header[k],
                    head,
                    row.iter().collect::<String>()
                );
            }
        }
    }
    // ...and the first row's cells start under their headers (it is never a continuation).
    let first = &rows[0];
    for (k, &c) in starts.iter().enumerate() {
        if first.len() > c && first[c] != ' ' {
            assert!(
                c == 0 || first[c - 1] == ' ',
                "{what}: first row does not start column {} under {}:\n{head}\n{}",
                k,
                header[k],
                first.iter().collect::<String>()
            );
        }
    }
}

fn is_header(line: &str, header: &[&str]) -> bool {
    let mut from = 0;
    line.starts_with(' ')
        && header.iter().all(|h| match line[from..].find(h) {
            Some(i) => {
                from += i + h.len();
                true
            }
            None => false,
        })
}

#[test]
fn cheat_views_are_the_same_with_colour_on() {
    for args in [
        &["cheat", "tar"][..],
        &["cheat", "jounralctl"],
        &["cheat", "disk", "full"],
        &["cheat", "-c", "networking"],
        &["cheat", "--categories"],
        &["cheat", "--runbook"],
        &[
            "cheat",
            "--explain",
            "journalctl -u nginx --since \"1 hour ago\" -p err | grep -v x > /tmp/out",
        ],
    ] {
        same_view(args);
    }
}

#[test]
fn the_readme_tour_looks_as_written_at_a_terminal() {
    // The README shows these views; at a colour terminal they must read the same.
    let (_, seen, _) = both_views(250, &["cheat", "jounralctl"]);
    assert!(
        seen.contains(" COMMAND     CATEGORY  SUMMARY"),
        "header over its columns:\n{seen}"
    );
    assert!(
        seen.contains(" journalctl  services  Read the systemd journal"),
        "{seen}"
    );
}

#[test]
fn the_colour_of_a_wrapped_cell_is_on_each_of_its_lines() {
    // At 80 columns the TRY column of networking wraps: every piece is cyan and closed.
    let (coloured, _, _) = both_views(80, &["cheat", "-c", "networking"]);
    let cyan_lines = coloured.lines().filter(|l| l.contains("\x1b[36m")).count();
    let commands = coloured.lines().filter(|l| l.contains("\x1b[1m")).count();
    assert!(cyan_lines > commands, "{coloured}");
    for line in coloured.lines() {
        // No colour runs on past its line: the last sequence of a line is the reset.
        if let Some(last) = line.rfind("\x1b[") {
            assert!(line[last..].starts_with("\x1b[0m"), "{line:?}");
        }
    }
}

#[test]
fn ps_and_mem_columns_line_up() {
    let mut sleeper = std::process::Command::new("sleep")
        .arg("3607")
        .spawn()
        .unwrap();
    let pid = sleeper.id().to_string();
    // THR, FDS and the I/O rates give their room to the command below ~110 columns.
    let header = ["PID", "USER", "CPU%", "RSS", "S", "ELAPSED", "COMMAND"];
    columns_line_up(&["ps", "--window", "0"], &header);
    let (wide, _) = on_terminal(250, &["ps", "--window", "0", "--color", "never"]);
    assert!(
        wide.lines()
            .any(|l| is_header(l, &["THR", "FDS", "READ", "WRITE"])),
        "{wide}"
    );
    columns_line_up(&["ps", "--window", "0", "--tree", "--pid", &pid], &header);
    columns_line_up(&["mem"], &["total", "used", "free"]);
    let _ = sleeper.kill();
    let _ = sleeper.wait();
}

#[test]
fn disk_views_line_up() {
    // SOURCE and INODES are left out below 110 columns: the header checked is in every width.
    columns_line_up(
        &["disk"],
        &["MOUNT", "TYPE", "SIZE", "USED", "AVAIL", "USE%"],
    );
    // A size never wraps away from its unit ("11.8" on one line, "GiB" under it).
    for cols in WIDTHS {
        let (plain, _) = on_terminal(cols, &["disk", "--color", "never"]);
        for line in plain.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            for (i, w) in words.iter().enumerate() {
                if ["B", "KiB", "MiB", "GiB", "TiB", "PiB"].contains(w) {
                    assert!(
                        i > 0 && words[i - 1].parse::<f64>().is_ok(),
                        "a unit without its number at {cols} columns:\n{plain}"
                    );
                }
            }
        }
    }
    // A walk of our own files does not change between runs.
    let dir = tempfile::tempdir().unwrap();
    for (i, size) in [10_000usize, 200_000, 3_000_000].iter().enumerate() {
        let sub = dir.path().join(format!("dir-{i}"));
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join(format!("file-{i}.bin")), vec![7u8; *size]).unwrap();
    }
    same_view(&["disk", "usage", dir.path().to_str().unwrap()]);
    // A deleted file we hold open, so the list has at least one row.
    let path = dir.path().join("deleted-terminal-view.log");
    let mut held = std::fs::File::create(&path).unwrap();
    held.write_all(&vec![b'x'; 1 << 20]).unwrap();
    std::fs::remove_file(&path).unwrap();
    columns_line_up(&["disk", "deleted"], &["PID", "PROCESS", "SIZE"]);
    drop(held);
}

#[test]
fn net_views_line_up() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    // The kernel's counters under the table change between runs: columns, not text.
    let header = ["Proto", "State", "Local", "Remote", "Recv-Q", "Send-Q"];
    columns_line_up(&["net", "--listen", "--port", &port], &header);
    columns_line_up(
        &["net", "--listen", "--port", &port, "--processes"],
        &header,
    );
    columns_line_up(&["net", "--listen"], &header);
    // Nine columns of rates need more than 80 (the header wraps there, colour or not).
    columns_line_up_at(
        &[120, 250],
        &["net", "stats", "--window", "100ms"],
        &["Interface", "RX/s", "TX/s"],
    );
}

#[test]
fn logs_top_is_the_same_with_colour_on() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!(
            "2026-11-27T10:00:{:02}Z ERROR upstream 10.0.0.{i}:8080 timed out after {i} ms while \
             reading the response header from the upstream server of the checkout service\n",
            i % 60
        ));
        text.push_str(&format!("2026-11-27T10:00:{:02}Z WARN retry {i}\n", i % 60));
    }
    std::fs::write(&log, text).unwrap();
    same_view(&["logs", "top", log.to_str().unwrap()]);
}

#[test]
fn probe_views_line_up() {
    let server = TestServer::http(|req| {
        if req.path.starts_with("/api") {
            Reply::new(401, "")
                .header(
                    "WWW-Authenticate",
                    "Bearer realm=\"terminal-view\", error=\"invalid_token\"",
                )
                .header("X-RateLimit-Limit", "3")
        } else {
            Reply::new(200, "{\"status\":\"UP\",\"node\":\"n1\"}")
                .header("Content-Type", "application/json")
        }
    });
    let url = server.url("/health");
    columns_line_up(
        &[
            "probe",
            &url,
            "--expect-status",
            "200",
            "--expect-json",
            "/status=UP",
        ],
        &["check", "result", "detail"],
    );
    columns_line_up(
        &["probe", "--balancer", "4", "--backend-field", "/node", &url],
        &["backend", "requests", "share"],
    );
    columns_line_up(
        &["probe", "--gateway", &server.url("/api/v1")],
        &["check", "result", "detail"],
    );
}

#[test]
fn triage_labels_stay_right_aligned_with_colour_on() {
    let dir = tempfile::tempdir().unwrap();
    for cols in [80, 250] {
        let args = [
            "triage",
            "--window",
            "200ms",
            "--logs",
            dir.path().to_str().unwrap(),
        ];
        let (_, seen, plain) = both_views(cols, &args);
        for view in [&seen, &plain] {
            // The observed lines: a label right-aligned in 11 columns, two spaces, the text.
            for label in ["load", "cpu", "memory"] {
                assert!(
                    view.lines().any(|l| {
                        let c: Vec<char> = l.chars().collect();
                        c.len() > 13
                            && c[..11].iter().collect::<String>() == format!("{label:>11}")
                            && c[11..13] == [' ', ' ']
                    }),
                    "{label} not right-aligned at {cols}:\n{view}"
                );
            }
            // The observed lines fit the terminal: a long one (memory, sockets) wraps under
            // its text instead of running on at column 0.
            for l in view.lines() {
                let c: Vec<char> = l.chars().collect();
                let labelled =
                    c.len() > 13 && c[0] == ' ' && c[10] != ' ' && c[11..13] == [' ', ' '];
                let continued = c.len() > 13 && c[..13].iter().all(|&x| x == ' ') && c[13] != ' ';
                if labelled || continued {
                    assert!(
                        c.len() <= usize::from(cols),
                        "wider than {cols}: {l:?}\n{view}"
                    );
                }
            }
        }
    }
}

#[test]
fn cheat_entry_prose_fits_the_terminal() {
    // Descriptions wrap with their [safety] tag counted; commands stay whole to copy.
    for cols in [80, 120] {
        let (_, seen, _) = both_views(cols, &["cheat", "tar"]);
        for line in seen.lines().filter(|l| !l.starts_with("    ")) {
            assert!(
                line.chars().count() <= usize::from(cols),
                "{} chars at {cols}: {line}",
                line.chars().count()
            );
        }
        assert!(seen.contains("[changes state]"), "{seen}");
    }
}

#[test]
fn control_characters_in_a_cell_keep_the_columns() {
    // A pasted line with a terminal-title sequence: the guard shows it as ^[…^G, and the
    // table is laid out with that width, so MEANING stays one column for every token.
    let line = "ls \x1b]0;pwned\x07 -l";
    for cols in [120, 250] {
        // Here `^[` is on the screen on purpose: it is how the sequence is shown.
        let (_, seen, plain) = views(cols, &["cheat", "--explain", line]);
        assert!(!seen.contains('\x1b'), "{seen:?}");
        for view in [&seen, &plain] {
            assert!(view.contains("^[]0;pwned^G"), "{view}");
            let lines: Vec<Vec<char>> = view.lines().map(|l| l.chars().collect()).collect();
            let head = lines
                .iter()
                .position(|l| l.iter().collect::<String>().starts_with(" TOKEN "))
                .unwrap_or_else(|| panic!("no header:\n{view}"));
            let c = lines[head]
                .iter()
                .collect::<String>()
                .find("MEANING")
                .unwrap();
            for row in lines[head + 1..].iter().take_while(|l| !l.is_empty()) {
                assert!(
                    row.len() > c && row[c - 1] == ' ' && row[c] != ' ',
                    "MEANING not at {c}:\n{view}"
                );
            }
        }
    }
}

/// `logs grep` numbers its lines on a terminal, as rg does; into a pipe only with -n (the
/// pipe side is in tests/logs_grep.rs), and -N turns them off here too.
#[test]
fn logs_grep_numbers_lines_on_a_terminal_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "INFO fine\nERROR numbered-marker\n").unwrap();
    let p = log.to_str().unwrap();
    let (view, code) = on_terminal(
        80,
        &["--color", "never", "logs", "grep", "numbered-marker", p],
    );
    assert_eq!(code, 0, "{view}");
    assert_eq!(view.trim_end(), "2:ERROR numbered-marker", "{view:?}");
    let (view, _) = on_terminal(
        80,
        &[
            "--color",
            "never",
            "logs",
            "grep",
            "-N",
            "numbered-marker",
            p,
        ],
    );
    assert_eq!(view.trim_end(), "ERROR numbered-marker", "{view:?}");
}
