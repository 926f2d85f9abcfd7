//! The journal reader's throughput for bench/journal.sh, until `oncall logs` reads the
//! journal (issue 10's CLI part): counts the entries of journal files that match, reading
//! only MESSAGE.
//!
//!     journal_scan (-D DIR | --file PATH)… [-u UNIT]… [-p MAX] [-g REGEX]
//!
//! Prints the count, and per-file warnings on stderr.

use oncall::journal::sources::{discover, Sources};
use oncall::journal::{search, Fields, Query};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut dirs, mut files, mut units) = (Vec::new(), Vec::new(), Vec::new());
    let mut query = Query {
        fields: Fields::Only(vec!["MESSAGE".into()]),
        ..Query::default()
    };
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match a.as_str() {
            "-D" => dirs.push(value().into()),
            "--file" => files.push(value()),
            "-u" => units.push(value()),
            "-p" => query = query.priorities(0, value().parse().expect("-p takes 0..7")),
            "-g" => query.grep = Some(regex::bytes::Regex::new(&value()).expect("a regex")),
            other => panic!("unknown argument {other}"),
        }
    }
    if !units.is_empty() {
        let units: Vec<&str> = units.iter().map(String::as_str).collect();
        query = query.units(&units);
    }
    let mut paths = Vec::new();
    for sources in [Sources::Dirs(dirs), Sources::Files(files)] {
        let found = discover(&sources);
        for w in found.warnings {
            eprintln!("journal_scan: {w}");
        }
        paths.extend(found.files);
    }
    let mut count = 0u64;
    let outcome = search(&paths, &query, &mut |_| {
        count += 1;
        true
    });
    for f in outcome.files {
        if let Some(w) = f.warning {
            eprintln!("journal_scan: {}: {w}", f.path.display());
        }
    }
    println!("{count}");
}
