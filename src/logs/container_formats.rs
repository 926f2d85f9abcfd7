//! The two container log formats, so searches see the message and its record's own time:
//! Kubernetes' CRI files (`2026-12-01T10:00:00.123456789Z stdout F message`; `P` marks a
//! partial line the runtime split at 16 KiB, continued by the next record) and Docker's
//! json-file (`{"log":"message\n","stream":"stderr","time":"2026-…Z"}`).

/// One record of either format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// The RFC 3339 time as written.
    pub time: &'a [u8],
    pub stream: &'a str,
    /// A CRI `P` record: the message continues in the next record.
    pub partial: bool,
    pub message: std::borrow::Cow<'a, str>,
}

/// A CRI record: `TIME STREAM TAG MESSAGE` (TAG is `F` or `P`, maybe with more `:`-parts).
pub fn cri(line: &[u8]) -> Option<Record<'_>> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let mut parts = line.splitn(4, |b| *b == b' ');
    let time = parts.next()?;
    let stream = parts.next()?;
    let tag = parts.next()?;
    let message = parts.next().unwrap_or(b"");
    // The time opens with a date: 2026-12-01T…
    let dated = time.len() >= 20 && time[4] == b'-' && time[10] == b'T';
    let stream = match stream {
        b"stdout" => "stdout",
        b"stderr" => "stderr",
        _ => return None,
    };
    let partial = match tag.split(|b| *b == b':').next()? {
        b"P" => true,
        b"F" => false,
        _ => return None,
    };
    dated.then(|| Record {
        time,
        stream,
        partial,
        message: String::from_utf8_lossy(message),
    })
}

/// Where a CRI record's message starts (after the third space), for a searcher that skips the
/// prefix without parsing the record again per match.
pub fn cri_message_start(line: &[u8]) -> Option<usize> {
    cri(line)?;
    let mut spaces = 0;
    for (i, b) in line.iter().enumerate() {
        if *b == b' ' {
            spaces += 1;
            if spaces == 3 {
                return Some(i + 1);
            }
        }
    }
    Some(line.len())
}

/// A Docker json-file record.
pub fn docker_json(line: &[u8]) -> Option<Record<'_>> {
    let t = line.trim_ascii();
    if !t.starts_with(b"{\"log\":") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(t).ok()?;
    let message = v.get("log")?.as_str()?;
    let message = message.strip_suffix('\n').unwrap_or(message).to_string();
    let stream = match v.get("stream").and_then(|s| s.as_str()) {
        Some("stderr") => "stderr",
        _ => "stdout",
    };
    let at = docker_time_at(line)?;
    let end = line[at..].iter().position(|b| *b == b'"')? + at;
    Some(Record {
        time: &line[at..end],
        stream,
        partial: false,
        message: std::borrow::Cow::Owned(message),
    })
}

/// Where the `time` value of a Docker json-file line starts. Docker writes `time` last, so the
/// last `"time":"` is the record's (a message may hold the text too).
pub fn docker_time_at(line: &[u8]) -> Option<usize> {
    if !line.starts_with(b"{\"log\":") {
        return None;
    }
    const KEY: &[u8] = b"\"time\":\"";
    let at = line.windows(KEY.len()).rposition(|w| w == KEY)? + KEY.len();
    line.get(at..at + 19)?; // a date and a time follow
    Some(at)
}

/// The message of a line in either format, for signatures and levels; `None` for other lines.
pub fn message(line: &[u8]) -> Option<String> {
    if let Some(r) = cri(line) {
        return Some(r.message.into_owned());
    }
    docker_json(line).map(|r| r.message.into_owned())
}

/// Which of the two formats a file holds (sniffed from its first record, then locked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Cri,
    DockerJson,
}

/// Whether a file's name is one the runtimes give their logs: kubelet's `N.log` and its
/// rotations (`0.log.20261130-000000`, `.gz`), its `/var/log/containers/*.log` links, Docker's
/// `<id>-json.log[.N][.gz]`. Only such files are sniffed, so plain logs pay nothing.
pub fn name_suggests(path: &std::path::Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let (stem, _) = name.split_once(".log").unwrap_or((name, ""));
    let kubelet = !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit());
    let docker = stem.ends_with("-json");
    let linked = name.ends_with(".log")
        && path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|d| d == "containers");
    name.contains(".log") && (kubelet || docker || linked)
}

/// What decides a container log's format: 4 KiB usually holds several records; runtimes split
/// records at 16 KiB (json-file escapes may double that), so 64 KiB holds one.
pub const HEAD: usize = 4 * 1024;
const HEAD_MAX: usize = 64 * 1024;

/// The format from a file's first `HEAD` bytes in `head`, read on from `rest` up to 64 KiB
/// when they do not decide it. Read errors only end the reading.
pub fn sniff_head(head: &mut Vec<u8>, rest: impl std::io::Read) -> Option<Format> {
    use std::io::Read;
    let found = sniff(head);
    if found.is_some() || head.len() < HEAD {
        return found;
    }
    let _ = rest.take((HEAD_MAX - head.len()) as u64).read_to_end(head);
    sniff(head)
}

/// The format of a file from its first lines (at most the first 8 non-empty ones are looked at;
/// the first that is a record decides).
pub fn sniff(head: &[u8]) -> Option<Format> {
    for line in head
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .take(8)
    {
        if prefix_len(line).is_some() {
            return Some(Format::Cri);
        }
        if docker_record(line).is_some() {
            return Some(Format::DockerJson);
        }
    }
    None
}

/// A CRI line's prefix (`TIME STREAM TAG `): its length and whether TAG is `P`. The cheap
/// check the searcher runs per candidate line (no allocation, three `memchr`s at most).
/// `line` has no newline.
pub fn prefix_len(line: &[u8]) -> Option<(usize, bool)> {
    prefix(line).map(|p| (p.message_start, p.partial))
}

/// A CRI line's prefix, parsed once for all a match needs: where the time ends, the stream,
/// where the message starts, whether the record is partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    pub time_end: usize,
    pub stream: &'static str,
    pub message_start: usize,
    pub partial: bool,
}

pub fn prefix(line: &[u8]) -> Option<Prefix> {
    if line.len() < 20 || line[4] != b'-' || line[10] != b'T' {
        return None;
    }
    let sp = memchr::memchr(b' ', line)?;
    let rest = &line[sp + 1..];
    let stream = if rest.starts_with(b"stdout ") {
        "stdout"
    } else if rest.starts_with(b"stderr ") {
        "stderr"
    } else {
        return None;
    };
    let tag_at = sp + 8;
    // Nearly every tag is the one letter, then a space: no search for the tag's end then.
    let tag_end = if line.get(tag_at + 1) == Some(&b' ') {
        Some(tag_at + 1)
    } else {
        memchr::memchr(b' ', &line[tag_at..]).map(|p| tag_at + p)
    };
    let tag = &line[tag_at..tag_end.unwrap_or(line.len())];
    let partial = match tag.split(|b| *b == b':').next()? {
        b"P" => true,
        b"F" => false,
        _ => return None,
    };
    Some(Prefix {
        time_end: sp,
        stream,
        message_start: tag_end.map_or(line.len(), |e| e + 1),
        partial,
    })
}

/// One Docker json-file record, borrowed where the JSON has no escapes.
#[derive(serde::Deserialize)]
pub struct DockerRecord<'a> {
    #[serde(borrow)]
    pub log: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    pub stream: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub time: std::borrow::Cow<'a, str>,
}

/// A json-file line as a record; `None` for anything else (not JSON, no `log` or `time`, a
/// `time` that is not an RFC 3339 time).
pub fn docker_record(line: &[u8]) -> Option<DockerRecord<'_>> {
    let t = line.trim_ascii();
    if !t.starts_with(b"{\"log\":") {
        return None;
    }
    let r: DockerRecord = serde_json::from_slice(t).ok()?;
    let time = r.time.as_bytes();
    let dated = time.len() >= 20 && time[4] == b'-' && time[10] == b'T';
    (dated && !time.contains(&b' ')).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass prefix gives what the separate looks gave: the message start and tag,
    /// the time and the stream, for one-letter tags, tags with fields, and a bare tag.
    #[test]
    fn the_prefix_parsed_once_agrees_with_its_parts() {
        for line in [
            &b"2026-12-01T10:00:00.123456789Z stderr F ERROR db down"[..],
            b"2026-12-01T10:00:00.1Z stdout P first half",
            b"2026-12-01T10:00:00Z stdout F:x=1 tagged",
            b"2026-12-01T10:00:00Z stdout P:x=1 tagged",
            b"2026-12-01T10:00:00Z stdout F",
            b"2026-12-01T10:00:00Z stdout F ",
            b"2026-12-01T10:00:00Z stderr FF not a tag",
        ] {
            let p = prefix(line);
            assert_eq!(p.map(|p| (p.message_start, p.partial)), prefix_len(line));
            if let Some(p) = p {
                let mut words = line.split(|b| *b == b' ');
                let (time, stream) = (words.next().unwrap(), words.next().unwrap());
                assert_eq!((&line[..p.time_end], p.stream.as_bytes()), (time, stream));
                assert_eq!(
                    Some(p.message_start),
                    cri_message_start(line).or(Some(line.len()))
                );
            }
        }
        assert_eq!(prefix(b"2026-12-01T10:00:00Z stderr FF not a tag"), None);
        assert_eq!(
            prefix(b"2026-12-01T10:00:00Z stderr P "),
            Some(Prefix {
                time_end: 20,
                stream: "stderr",
                message_start: 30,
                partial: true
            })
        );
    }

    #[test]
    fn cri_records() {
        let r = cri(b"2026-12-01T10:00:00.123456789Z stderr F ERROR db down\n").unwrap();
        assert_eq!(r.stream, "stderr");
        assert!(!r.partial);
        assert_eq!(r.message, "ERROR db down");
        assert_eq!(r.time, b"2026-12-01T10:00:00.123456789Z");
        let p = cri(b"2026-12-01T10:00:00.1Z stdout P first half").unwrap();
        assert!(p.partial);
        assert_eq!(cri(b"2026-12-01T10:00:00Z stdout F ").unwrap().message, "");
        for bad in [
            &b"2026-12-01T10:00:00Z stdin F x"[..],
            b"2026-12-01T10:00:00Z stdout X x",
            b"not a record at all",
            b"",
            b"\x1b[2J stdout F x",
        ] {
            assert!(cri(bad).is_none(), "{bad:?}");
        }
        assert_eq!(
            cri_message_start(b"2026-12-01T10:00:00Z stdout F hello"),
            Some(30)
        );
    }

    #[test]
    fn docker_json_records() {
        let line = br#"{"log":"ERROR \"time\":\"x\" in the message\n","stream":"stderr","time":"2026-12-01T10:00:00.5Z"}"#;
        let r = docker_json(line).unwrap();
        assert_eq!(r.message, r#"ERROR "time":"x" in the message"#);
        assert_eq!(r.stream, "stderr");
        assert_eq!(r.time, b"2026-12-01T10:00:00.5Z");
        assert!(docker_json(b"{\"log\": broken").is_none());
        assert!(docker_json(b"{\"msg\":\"x\"}").is_none());
        assert_eq!(message(line).unwrap(), r#"ERROR "time":"x" in the message"#);
        assert_eq!(message(b"plain line"), None);
    }
}
