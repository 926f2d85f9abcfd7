//! `oncall logs tail -f` against a real systemd-journald: journald runs in a private mount
//! namespace (`unshare -m`, a tmpfs on /run and /var/log, its config bind-mounted: volatile
//! storage, no kmsg, nothing forwarded), entries are written through its stdout stream
//! (systemd-cat), and the journal is rotated twice while the follower reads (SIGUSR2, what
//! `journalctl --rotate` asks journald to do). Every entry must be printed exactly once, in
//! order, across both rotations. Needs root (unshare, mount); skipped with a note without.

use std::process::Command;

const JOURNALD: &str = "/lib/systemd/systemd-journald";

/// The scenario, run by `sh` inside the namespace. `$1` oncall, `$2` the tag, `$3` the
/// output file (outside /run, so the test reads it after the namespace is gone).
const SCRIPT: &str = r#"
set -eu
ONCALL="$1"; TAG="$2"; OUT="$3"
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
mkdir -p /run/oncall-test /run/systemd/journal
printf '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToWall=no\nForwardToConsole=no\nForwardToKMsg=no\n' \
  > /run/oncall-test/journald.conf
mount --bind /run/oncall-test/journald.conf /etc/systemd/journald.conf
"$JOURNALD" &
JPID=$!
trap 'kill $FPID $JPID 2>/dev/null || true' EXIT
FPID=
# Bounded polls: at most 10 s each.
wait_for() { i=0; while ! eval "$1"; do i=$((i+1)); [ $i -lt 200 ] || { echo "timed out: $1" >&2; exit 3; }; sleep 0.05; done; }
wait_for '[ -S /run/systemd/journal/stdout ] && ls /run/log/journal/*/system.journal >/dev/null 2>&1'
"$ONCALL" logs tail -f -t "$TAG" -o cat --journal-dir /run/log/journal > "$OUT" 2>"$OUT.err" &
FPID=$!
echo ready | systemd-cat -t "$TAG"
wait_for 'grep -qx ready "$OUT"'
for round in 1 2 3; do
  seq -f "m-$round-%g" 1 150 | systemd-cat -t "$TAG"
  # Let the follower be mid-read when the file is archived.
  wait_for "grep -qx m-$round-1 \"\$OUT\""
  [ $round -lt 3 ] && kill -USR2 $JPID
  wait_for "[ \$(ls /run/log/journal/*/ | grep -c '@') -ge $round ] || [ $round -eq 3 ]"
done
echo end | systemd-cat -t "$TAG"
wait_for 'grep -qx end "$OUT"'
ls /run/log/journal/*/ > "$OUT.files"
"#;

#[test]
fn follow_reads_every_entry_of_a_live_journald_once_across_rotations() {
    if !std::path::Path::new(JOURNALD).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{JOURNALD} missing under CI"
        );
        eprintln!("skipped: no {JOURNALD}");
        return;
    }
    let probe = Command::new("unshare")
        .args(["-m", "--propagation", "private", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: unshare -m needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let tag = format!("oncall-live-{}", std::process::id());
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let run = Command::new("timeout")
        .args([
            "120",
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
        ])
        .arg(SCRIPT)
        .arg("sh")
        .arg(&bin)
        .arg(&tag)
        .arg(&out)
        .env("JOURNALD", JOURNALD)
        .output()
        .unwrap();
    let err = std::fs::read_to_string(dir.path().join("out.txt.err")).unwrap_or_default();
    assert!(run.status.success(), "{run:?}\nfollower's stderr: {err}");
    let files = std::fs::read_to_string(dir.path().join("out.txt.files")).unwrap();
    assert_eq!(
        files.lines().filter(|f| f.contains('@')).count(),
        2,
        "two archived files: {files}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut want = vec!["ready".to_string()];
    for round in 1..=3 {
        want.extend((1..=150).map(|i| format!("m-{round}-{i}")));
    }
    want.push("end".into());
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got.len(), want.len(), "every entry once: {text}");
    assert!(
        got.iter().zip(&want).all(|(g, w)| g == w),
        "in order: {text}"
    );
}
