//! The journal reader against journal files written by systemd's own code
//! (systemd-journal-remote) from a deterministic generator: entries, fields and counts
//! equal the generator's; each selector returns what `journalctl --file … -o json` returns,
//! in the same order; compact / unkeyed-hash / uncompressed variants; damaged files give a
//! warning for that file, never a panic or a hang, and the other files are still read.

mod journal_support;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use journal_support::{boot_id, generate, journalctl, tools, write_journal, GenEntry, Variant};
use oncall::journal::{self, Entry, Fields, Match, Outcome, Query};
use regex::bytes::Regex;

const PER_BOOT: usize = 700;

fn read(paths: &[PathBuf], query: &Query) -> (Vec<Entry>, Outcome) {
    journal::collect(paths, query)
}

fn messages(entries: &[Entry]) -> Vec<Vec<u8>> {
    entries
        .iter()
        .map(|e| {
            e.field("MESSAGE")
                .expect("every entry has MESSAGE")
                .to_vec()
        })
        .collect()
}

fn only_message() -> Query {
    Query {
        fields: Fields::Only(vec!["MESSAGE".into()]),
        ..Query::default()
    }
}

fn file_arg(path: &Path) -> String {
    format!("--file={}", path.display())
}

/// Ours and journalctl's agree entry for entry (seqnum, realtime, MESSAGE, in order), and
/// both equal what the generator says the selector should give.
fn same_as_journalctl(path: &Path, query: Query, args: &[&str], expected: Vec<&GenEntry>) {
    let (ours, outcome) = read(&[path.to_path_buf()], &query);
    assert!(outcome.files[0].warning.is_none(), "{:?}", outcome.files[0]);
    let mut jargs = vec![file_arg(path)];
    jargs.extend(args.iter().map(|s| s.to_string()));
    let theirs = journalctl(&jargs);
    assert!(!expected.is_empty(), "selector {args:?} selects something");
    assert_eq!(ours.len(), expected.len(), "{args:?}: ours vs generator");
    assert_eq!(
        theirs.len(),
        expected.len(),
        "{args:?}: journalctl vs generator"
    );
    for (k, ((o, t), g)) in ours.iter().zip(&theirs).zip(&expected).enumerate() {
        assert_eq!(o.seqnum, t.seqnum, "{args:?}: entry {k} seqnum");
        assert_eq!(o.realtime, t.realtime, "{args:?}: entry {k} realtime");
        assert_eq!(o.realtime, g.realtime, "{args:?}: entry {k} vs generator");
        assert_eq!(o.field("MESSAGE").unwrap(), t.message.as_slice());
        assert_eq!(o.field("MESSAGE").unwrap(), g.message());
    }
}

#[test]
fn entries_fields_and_counts_equal_the_generators() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(1, PER_BOOT);
    let path = write_journal(dir.path(), "all.journal", &gen, Variant::Default);
    let (entries, outcome) = read(std::slice::from_ref(&path), &Query::default());
    assert!(outcome.files[0].warning.is_none(), "{:?}", outcome.files[0]);
    assert_eq!(entries.len(), gen.len());
    let compressed = gen.iter().filter(|g| g.message().len() > 512).count();
    assert!(
        compressed > 50,
        "the generator makes compressed messages ({compressed})"
    );
    for (k, (e, g)) in entries.iter().zip(&gen).enumerate() {
        assert_eq!(e.seqnum, k as u64 + 1);
        assert_eq!(
            (e.realtime, e.monotonic),
            (g.realtime, g.monotonic),
            "entry {k}"
        );
        assert_eq!(hex(&e.boot_id), boot_id(g.boot));
        assert!(e.problems.is_empty(), "entry {k}: {:?}", e.problems);
        let mut ours: Vec<_> = e
            .fields
            .iter()
            .filter(|(n, _)| n != "_BOOT_ID")
            .cloned()
            .collect();
        let mut want = g.fields.clone();
        ours.sort();
        want.sort();
        assert_eq!(ours, want, "entry {k}'s fields");
    }
    // Only the fields asked for are returned.
    let (few, _) = read(&[path], &only_message());
    assert!(few.iter().all(|e| e.fields.len() == 1));
    assert_eq!(
        messages(&few),
        gen.iter().map(|g| g.message().to_vec()).collect::<Vec<_>>()
    );
}

fn hex(id: &[u8; 16]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn each_selector_returns_what_journalctl_returns() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(2, PER_BOOT);
    let path = write_journal(dir.path(), "sel.journal", &gen, Variant::Default);
    let pick = |f: &dyn Fn(&GenEntry) -> bool| gen.iter().filter(|g| f(g)).collect::<Vec<_>>();

    // -u: the unit's own lines, PID 1's about it, a privileged daemon's OBJECT_SYSTEMD_UNIT.
    for unit in ["nginx.service", "sshd"] {
        let full = if unit.contains('.') {
            unit.to_string()
        } else {
            format!("{unit}.service")
        };
        same_as_journalctl(
            &path,
            only_message().units(&[unit]),
            &["-u", unit],
            pick(&|g| g.about_unit(&full)),
        );
    }
    // Two units at once: their union.
    same_as_journalctl(
        &path,
        only_message().units(&["cron.service", "app.service"]),
        &["-u", "cron.service", "-u", "app.service"],
        pick(&|g| g.about_unit("cron.service") || g.about_unit("app.service")),
    );
    same_as_journalctl(
        &path,
        only_message().priorities(0, 3),
        &["-p", "3"],
        pick(&|g| g.priority() <= 3),
    );
    same_as_journalctl(
        &path,
        only_message().priorities(2, 5),
        &["-p", "2..5"],
        pick(&|g| (2..=5).contains(&g.priority())),
    );
    let b1 = boot_id(1);
    same_as_journalctl(
        &path,
        only_message().boot(&b1).unwrap(),
        &["-b", &b1],
        pick(&|g| g.boot == 1),
    );
    // --since/--until in whole seconds (journalctl's @EPOCH), both inclusive.
    let since = (gen[300].realtime / 1_000_000 + 1) * 1_000_000;
    let until = (gen[1500].realtime / 1_000_000) * 1_000_000;
    let window = Query {
        since: Some(since),
        until: Some(until),
        ..only_message()
    };
    let (s, u) = (
        format!("--since=@{}", since / 1_000_000),
        format!("--until=@{}", until / 1_000_000),
    );
    same_as_journalctl(
        &path,
        window.clone(),
        &[&s, &u],
        pick(&|g| (since..=until).contains(&g.realtime)),
    );
    // All together: a window inside boot 2 (and the -b says boot 2 as well).
    let b2 = boot_id(2);
    let since = (gen[2 * PER_BOOT + 100].realtime / 1_000_000 + 1) * 1_000_000;
    let until = (gen[3 * PER_BOOT - 100].realtime / 1_000_000) * 1_000_000;
    let combo = Query {
        since: Some(since),
        until: Some(until),
        ..only_message()
    }
    .units(&["nginx"])
    .priorities(0, 4)
    .boot(&b2)
    .unwrap();
    let (s, u) = (
        format!("--since=@{}", since / 1_000_000),
        format!("--until=@{}", until / 1_000_000),
    );
    same_as_journalctl(
        &path,
        combo,
        &["-u", "nginx", "-p", "4", "-b", &b2, &s, &u],
        pick(&|g| {
            g.about_unit("nginx.service")
                && g.priority() <= 4
                && g.boot == 2
                && (since..=until).contains(&g.realtime)
        }),
    );
    // A plain FIELD=VALUE match.
    same_as_journalctl(
        &path,
        only_message().matches(vec![Match::new("_TRANSPORT", "kernel")]),
        &["_TRANSPORT=kernel"],
        pick(&|g| g.has("_TRANSPORT", "kernel")),
    );
}

/// The header's incompatible flags (offset 12), read straight from the file.
fn incompatible_flags(path: &Path) -> u32 {
    let b = std::fs::read(path).unwrap();
    u32::from_le_bytes(b[12..16].try_into().unwrap())
}

#[test]
fn regular_unkeyed_and_uncompressed_files_read_alike() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(3, 300);
    // (variant, flags that must be set, flags that must not): compact 16, keyed 4, zstd 8.
    for (variant, set, unset) in [
        (Variant::Default, 16 | 4 | 8, 0),
        (Variant::NotCompact, 4 | 8, 16),
        (Variant::UnkeyedHash, 16 | 8, 4),
        (Variant::Uncompressed, 16 | 4, 8 | 2 | 1),
    ] {
        let path = write_journal(dir.path(), &format!("{variant:?}.journal"), &gen, variant);
        let flags = incompatible_flags(&path);
        assert_eq!(flags & set, set, "{variant:?}: flags {flags:#x}");
        assert_eq!(flags & unset, 0, "{variant:?}: flags {flags:#x}");
        let (all, outcome) = read(std::slice::from_ref(&path), &only_message());
        assert!(
            outcome.files[0].warning.is_none(),
            "{variant:?}: {:?}",
            outcome.files[0]
        );
        assert_eq!(
            messages(&all),
            gen.iter().map(|g| g.message().to_vec()).collect::<Vec<_>>()
        );
        // Lookups hash the match as the writer did (siphash keyed by file id, or jenkins).
        let want: Vec<_> = gen
            .iter()
            .filter(|g| g.about_unit("sshd.service"))
            .collect();
        let (ours, _) = read(
            std::slice::from_ref(&path),
            &only_message().units(&["sshd"]),
        );
        assert_eq!(ours.len(), want.len(), "{variant:?}");
        assert!(ours
            .iter()
            .zip(&want)
            .all(|(o, g)| o.realtime == g.realtime));
        let theirs = journalctl(&[file_arg(&path), "-u".into(), "sshd".into()]);
        assert_eq!(
            ours.iter().map(|e| e.seqnum).collect::<Vec<_>>(),
            theirs.iter().map(|t| t.seqnum).collect::<Vec<_>>(),
            "{variant:?}"
        );
    }
}

#[test]
fn several_files_merge_in_journalctls_order() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(4, 400);
    // Entries dealt unevenly over three files written by three writers (three seqnum ids),
    // so only the entries' times can order them: monotonic within a boot, else realtime.
    let mut parts: [Vec<GenEntry>; 3] = Default::default();
    for (k, g) in gen.iter().enumerate() {
        parts[(k * 7 / 3 + k / 5) % 3].push(g.clone());
    }
    let names = [
        "a.journal",
        "b@0000000000000001-0000000000000002.journal",
        "c.journal~",
    ];
    for (part, name) in parts.iter().zip(names) {
        write_journal(dir.path(), name, part, Variant::Default);
    }
    let found = journal::sources::discover(&journal::sources::Sources::Dirs(vec![dir
        .path()
        .to_path_buf()]));
    assert_eq!(found.files.len(), 3, "{found:?}");
    let (ours, outcome) = read(&found.files, &only_message());
    assert!(
        outcome.files.iter().all(|f| f.warning.is_none()),
        "{outcome:?}"
    );
    assert_eq!(
        messages(&ours),
        gen.iter().map(|g| g.message().to_vec()).collect::<Vec<_>>()
    );
    let theirs = journalctl(&[format!("--directory={}", dir.path().display())]);
    assert_eq!(theirs.len(), gen.len());
    assert!(ours
        .iter()
        .zip(&theirs)
        .all(|(o, t)| (o.realtime, o.field("MESSAGE").unwrap()) == (t.realtime, &t.message[..])));

    // A MESSAGE regex over all three (journalctl -g; an upper-case pattern is
    // case-sensitive there too), and with a unit match.
    for (pattern, unit) in [
        ("status=500", None),
        ("Started [a-z]+\\.service", Some("nginx")),
    ] {
        let mut q = only_message();
        q.grep = Some(Regex::new(pattern).unwrap());
        let mut args = vec![
            format!("--directory={}", dir.path().display()),
            format!("--grep={pattern}"),
        ];
        if let Some(u) = unit {
            q = q.units(&[u]);
            args.extend(["-u".to_string(), u.to_string()]);
        }
        let (ours, _) = read(&found.files, &q);
        let re = Regex::new(pattern).unwrap();
        let want = gen
            .iter()
            .filter(|g| {
                re.is_match(g.message())
                    && unit.is_none_or(|u| g.about_unit(&format!("{u}.service")))
            })
            .count();
        assert!(want > 0, "{pattern}");
        assert_eq!(ours.len(), want, "{pattern}");
        let theirs = journalctl(&args);
        assert_eq!(
            ours.iter().map(|e| e.realtime).collect::<Vec<_>>(),
            theirs.iter().map(|t| t.realtime).collect::<Vec<_>>(),
            "{pattern}"
        );
    }
}

/// Reads on its own thread and waits a bounded time: a reader that loops forever on a
/// damaged file fails the test instead of hanging it (the bound is far beyond any normal
/// read, so a busy machine does not trip it).
fn read_bounded(paths: Vec<PathBuf>, query: Query) -> (Vec<Entry>, Outcome) {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(journal::collect(&paths, &query));
    });
    match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the reader hung on a damaged file"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the reader panicked"),
    }
}

/// Where the file's last object ends: the bytes systemd wrote (the rest is preallocated).
fn used_len(bytes: &[u8]) -> usize {
    let tail = u64::from_le_bytes(bytes[136..144].try_into().unwrap()) as usize;
    let size = u64::from_le_bytes(bytes[tail + 8..tail + 16].try_into().unwrap()) as usize;
    tail + size
}

struct Damage {
    _dir: tempfile::TempDir,
    good: PathBuf,
    good_gen: Vec<GenEntry>,
    victim: PathBuf,
    victim_bytes: Vec<u8>,
}

fn damage_fixture() -> Damage {
    let dir = tempfile::tempdir().unwrap();
    let good_gen = generate(5, 100);
    let good = write_journal(dir.path(), "good.journal", &good_gen, Variant::Default);
    let victim = write_journal(
        dir.path(),
        "victim.journal",
        &generate(6, 200),
        Variant::Default,
    );
    let victim_bytes = std::fs::read(&victim).unwrap();
    Damage {
        _dir: dir,
        good,
        good_gen,
        victim,
        victim_bytes,
    }
}

/// The healthy file beside a damaged one is read whole, with no warning of its own.
fn good_file_still_read(d: &Damage, entries: &[Entry], outcome: &Outcome) {
    let gi = outcome.files.iter().position(|f| f.path == d.good).unwrap();
    assert!(
        outcome.files[gi].warning.is_none(),
        "{:?}",
        outcome.files[gi]
    );
    let from_good: Vec<_> = entries
        .iter()
        .filter(|e| e.file == gi)
        .map(|e| e.realtime)
        .collect();
    assert_eq!(
        from_good,
        d.good_gen.iter().map(|g| g.realtime).collect::<Vec<_>>()
    );
}

fn victim_warning(d: &Damage, outcome: &Outcome) -> String {
    let f = outcome.files.iter().find(|f| f.path == d.victim).unwrap();
    f.warning.clone().unwrap_or_default()
}

#[test]
fn zero_length_and_unknown_flag_files_are_refused_with_a_clear_warning() {
    if tools().is_none() {
        return;
    }
    let d = damage_fixture();
    std::fs::write(&d.victim, b"").unwrap();
    let (entries, outcome) = read_bounded(vec![d.good.clone(), d.victim.clone()], only_message());
    assert!(
        victim_warning(&d, &outcome).contains("too short"),
        "{outcome:?}"
    );
    good_file_still_read(&d, &entries, &outcome);

    // A flag a newer systemd might set: the file cannot be read correctly, so it is not.
    let mut bytes = d.victim_bytes.clone();
    bytes[12] |= 1 << 7;
    std::fs::write(&d.victim, &bytes).unwrap();
    let (entries, outcome) = read_bounded(vec![d.good.clone(), d.victim.clone()], only_message());
    let w = victim_warning(&d, &outcome);
    assert!(w.contains("incompatible") && w.contains("0x80"), "{w}");
    good_file_still_read(&d, &entries, &outcome);
}

#[test]
fn a_truncated_file_gives_its_first_entries_and_a_warning() {
    if tools().is_none() {
        return;
    }
    let d = damage_fixture();
    let full = used_len(&d.victim_bytes);
    let victim_gen = generate(6, 200);
    for cut in [full / 2, full * 9 / 10, full - 1] {
        std::fs::write(&d.victim, &d.victim_bytes[..cut]).unwrap();
        for unit in [None, Some("nginx")] {
            let q = match unit {
                None => only_message(),
                Some(u) => only_message().units(&[u]),
            };
            let (entries, outcome) = read_bounded(vec![d.good.clone(), d.victim.clone()], q);
            if unit.is_none() {
                good_file_still_read(&d, &entries, &outcome);
            }
            let vi = outcome
                .files
                .iter()
                .position(|f| f.path == d.victim)
                .unwrap();
            let got: Vec<_> = entries.iter().filter(|e| e.file == vi).collect();
            // What is returned is true: every entry read is one the generator made, in order.
            let mut g = victim_gen.iter();
            for e in &got {
                assert!(
                    g.any(|x| x.realtime == e.realtime),
                    "cut {cut}: unknown entry"
                );
            }
        }
        let (_, outcome) = read_bounded(vec![d.victim.clone()], only_message());
        assert!(
            !victim_warning(&d, &outcome).is_empty(),
            "cut at {cut} of {full} is noticed"
        );
    }
}

#[test]
fn random_byte_flips_never_panic_or_hang() {
    if tools().is_none() {
        return;
    }
    let d = damage_fixture();
    let used = used_len(&d.victim_bytes);
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut warned = 0;
    let status = Regex::new("status=[45]").unwrap();
    for round in 0..40 {
        let mut bytes = d.victim_bytes.clone();
        let flips = 1 + next() % 64;
        for _ in 0..flips {
            // Mostly past the header, sometimes inside it.
            let at = if next() % 8 == 0 {
                next() as usize % 272
            } else {
                next() as usize % used
            };
            bytes[at] ^= 1 << (next() % 8);
        }
        std::fs::write(&d.victim, &bytes).unwrap();
        let mut q = Query::default().units(&["sshd"]);
        if round % 2 == 0 {
            q = Query::default();
        }
        q.grep = (round % 3 == 0).then(|| status.clone());
        let (entries, outcome) = read_bounded(vec![d.good.clone(), d.victim.clone()], q.clone());
        if !victim_warning(&d, &outcome).is_empty() {
            warned += 1;
        }
        if q.clauses.is_empty() && q.grep.is_none() {
            good_file_still_read(&d, &entries, &outcome);
        }
    }
    eprintln!("{warned} of 40 damaged copies gave a warning");
}

#[test]
fn a_file_truncated_under_the_reader_is_a_warning_not_a_crash() {
    if tools().is_none() {
        return;
    }
    let d = damage_fixture();
    let file = journal::file::JournalFile::open(&d.victim).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&d.victim)
        .unwrap()
        .set_len(4096)
        .unwrap();
    let (offsets, _) = file.entry_offsets();
    for o in offsets {
        let _ = file.entry_fields(o, &|_| true);
    }
    assert!(
        file.truncated_at().is_some(),
        "the cut under the map was seen"
    );
}

#[test]
fn a_file_still_being_written_reads_as_what_it_holds_so_far() {
    if tools().is_none() {
        return;
    }
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(7, 300);
    let path = dir.path().join("live.journal");
    let mut child = Command::new(journal_support::REMOTE)
        .arg(format!("--output={}", path.display()))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let half = gen.len() / 2;
    stdin
        .write_all(&journal_support::export(&gen[..half]))
        .unwrap();
    stdin.flush().unwrap();
    // Bounded poll until the writer has put entries in (it holds the file online).
    let mut seen = Vec::new();
    for _ in 0..600 {
        if path.exists() {
            let (entries, outcome) = read_bounded(vec![path.clone()], only_message());
            assert!(entries.len() <= half, "{outcome:?}");
            if !entries.is_empty() {
                seen = entries;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !seen.is_empty(),
        "the writer put entries in within the poll"
    );
    // What was read while the file was being written is a prefix of what was written.
    for (e, g) in seen.iter().zip(&gen) {
        assert_eq!(
            (e.realtime, e.field("MESSAGE").unwrap()),
            (g.realtime, g.message())
        );
    }
    stdin
        .write_all(&journal_support::export(&gen[half..]))
        .unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let (all, outcome) = read_bounded(vec![path], only_message());
    assert!(outcome.files[0].warning.is_none(), "{outcome:?}");
    assert_eq!(all.len(), gen.len());
}

#[test]
fn a_damaged_lz4_or_xz_field_is_a_problem_for_that_entry_only() {
    if tools().is_none() {
        return;
    }
    let d = damage_fixture();
    // Mark the MESSAGE data of the victim's third entry as lz4- (then xz-) compressed,
    // which its plain bytes are not: the reader must say so for that field alone (lz4 and
    // xz objects themselves are read: tests/journal_compression.rs).
    let file = journal::file::JournalFile::open(&d.victim).unwrap();
    let (offsets, _) = file.entry_offsets();
    let b = file.bytes();
    let message_data = journal::object::entry_items(&b, offsets[2])
        .unwrap()
        .into_iter()
        .find(|&o| {
            let data = journal::object::Data::read(&b, o).unwrap();
            let raw = data.raw_payload(&b).unwrap();
            journal::payload::decode(&data, raw)
                .unwrap()
                .starts_with(b"MESSAGE=")
        })
        .unwrap();
    drop(file);
    for (flag, name) in [(2u8, "lz4"), (1u8, "xz")] {
        let mut bytes = d.victim_bytes.clone();
        bytes[message_data as usize + 1] = flag;
        std::fs::write(&d.victim, &bytes).unwrap();
        let (entries, outcome) = read_bounded(vec![d.victim.clone()], only_message());
        assert!(outcome.files[0].warning.is_none(), "{outcome:?}");
        // Every entry sharing that MESSAGE loses it; the rest read as before.
        let hit: Vec<_> = entries.iter().filter(|e| !e.problems.is_empty()).collect();
        assert!(!hit.is_empty());
        assert!(
            hit.iter().all(|e| e.field("MESSAGE").is_none()
            && e.problems[0]
                .reason
                .contains("compressed data is damaged")
                // Plain bytes read as lz4's size field: a size past the bound.
                || e.problems[0].reason.contains("decompresses to more than")),
            "{name}: {hit:?}"
        );
        assert_eq!(entries.len(), 600);
        assert!(entries
            .iter()
            .filter(|e| e.problems.is_empty())
            .all(|e| e.field("MESSAGE").is_some()));
    }
}

/// `journalctl --list-boots ARGS`: (offset, boot id) per line, oldest first.
fn journalctl_boots(args: &[String]) -> Vec<(i64, String)> {
    let out = std::process::Command::new("journalctl")
        .args(["--no-pager", "--list-boots"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.parse().ok()?, w.next()?.to_string()))
        })
        .collect()
}

#[test]
fn boots_are_listed_and_offset_as_journalctl_does() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(8, 200);
    // One file with all three boots, and the same entries spread over two files.
    let one = write_journal(dir.path(), "one.journal", &gen, Variant::Default);
    let split = tempfile::tempdir().unwrap();
    let half = gen.len() / 2 + 50;
    write_journal(split.path(), "x.journal", &gen[..half], Variant::NotCompact);
    write_journal(split.path(), "y.journal", &gen[half..], Variant::Default);
    let split_files = journal::sources::discover(&journal::sources::Sources::Dirs(vec![split
        .path()
        .to_path_buf()]))
    .files;
    for (paths, args) in [
        (vec![one.clone()], vec![file_arg(&one)]),
        (
            split_files,
            vec![format!("--directory={}", split.path().display())],
        ),
    ] {
        let (boots, problems) = journal::boots::list(&paths);
        assert!(problems.is_empty(), "{problems:?}");
        let theirs = journalctl_boots(&args);
        assert_eq!(
            boots.iter().map(|b| b.id_hex()).collect::<Vec<_>>(),
            (0..3).map(boot_id).collect::<Vec<_>>()
        );
        assert_eq!(
            theirs.iter().map(|(_, id)| id.clone()).collect::<Vec<_>>(),
            boots.iter().map(|b| b.id_hex()).collect::<Vec<_>>()
        );
        for (b, g) in boots.iter().zip(0..3) {
            let of_boot: Vec<_> = gen.iter().filter(|e| e.boot == g).collect();
            assert_eq!(b.first_realtime, of_boot[0].realtime);
            assert_eq!(b.last_realtime, of_boot.last().unwrap().realtime);
        }
        // -b 1 (the first), -b -1 (the one before the last), -b 0 (the last).
        for offset in [1i64, -1, 0] {
            let boot = journal::boots::by_offset(&boots, offset).unwrap();
            let q = only_message().boot(&boot.id_hex()).unwrap();
            let (ours, _) = read(&paths, &q);
            let mut jargs = args.clone();
            jargs.push(format!("--boot={offset}"));
            let theirs = journalctl(&jargs);
            assert_eq!(
                ours.len(),
                gen.iter()
                    .filter(|e| boot_id(e.boot) == boot.id_hex())
                    .count()
            );
            assert_eq!(
                ours.iter().map(|e| e.realtime).collect::<Vec<_>>(),
                theirs.iter().map(|t| t.realtime).collect::<Vec<_>>(),
                "-b {offset}"
            );
        }
    }
}

#[test]
fn more_files_than_map_slots_and_the_same_entries_twice_read_once() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(9, 50);
    let path = write_journal(dir.path(), "same.journal", &gen, Variant::Default);
    // 70 opens of one file: more maps than the SIGBUS table's 64 slots, all open for the
    // merge at once, and every entry found 70 times, which journalctl would show once.
    let paths = vec![path; 70];
    let (entries, outcome) = read_bounded(paths, only_message());
    assert!(
        outcome.files.iter().all(|f| f.warning.is_none()),
        "{outcome:?}"
    );
    assert_eq!(
        messages(&entries),
        gen.iter().map(|g| g.message().to_vec()).collect::<Vec<_>>()
    );
    assert_eq!(outcome.duplicates, 69 * gen.len());
}

#[test]
fn reading_from_the_end_back_to_a_time_is_the_tail_of_the_forward_walk() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(42, PER_BOOT);
    for variant in [Variant::Default, Variant::NotCompact] {
        let path = write_journal(dir.path(), &format!("{variant:?}.journal"), &gen, variant);
        let file = journal::file::JournalFile::open(&path).unwrap();
        let (all, e) = file.entry_offsets();
        assert!(e.is_none());
        let time = |o: &u64| file.entry_head(*o).unwrap().realtime;
        let data = file.find_data(b"PRIORITY=3").unwrap().unwrap();
        let (prio, _) = file.data_entries(&data);
        assert!(prio.len() > 100, "several entry arrays");
        for since in [
            0,
            gen[0].realtime,
            gen[1].realtime,
            gen[gen.len() / 2].realtime,
            gen[gen.len() - 1].realtime,
            gen[gen.len() - 1].realtime + 1,
        ] {
            let want: Vec<u64> = all.iter().copied().filter(|o| time(o) >= since).collect();
            let (got, e) = file.entry_offsets_since(since);
            assert!(e.is_none());
            assert_eq!(got, want, "{variant:?} since {since}");
            let want: Vec<u64> = prio.iter().copied().filter(|o| time(o) >= since).collect();
            let (got, e) = file.data_entries_since(&data, since);
            assert!(e.is_none());
            assert_eq!(got, want, "{variant:?} PRIORITY=3 since {since}");
        }
    }
}
