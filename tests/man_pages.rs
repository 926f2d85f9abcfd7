//! The manual pages in man/ (`oncall.1`, and one per command: `oncall-ps.1`,
//! `oncall-logs-grep.1`, …) are clap_mangen's rendering of the CLI: this fails when they
//! drift from it. Regenerate with `man/regenerate.sh`.

use clap::CommandFactory;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const DIR: &str = "man";

/// Every page of the CLI, by file name: the command and, recursively, each subcommand.
/// Each page's footer names the package and version (clap_mangen would give subcommands,
/// which carry no version of their own, just their name).
fn generated() -> BTreeMap<String, Vec<u8>> {
    let mut cmd = oncall::cli::Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = BTreeMap::new();
    add_pages(&cmd, &mut pages);
    pages
}

fn add_pages(cmd: &clap::Command, pages: &mut BTreeMap<String, Vec<u8>>) {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render(&mut page).unwrap();
    // Our own title line: roff drops an empty argument, so clap_mangen's `.TH` with no date
    // shifts the source into the date's place. No date keeps the pages reproducible.
    let title = format!(
        ".TH {} 1 \"\" \"oncall {}\" \"oncall manual\"",
        cmd.get_display_name().unwrap_or(cmd.get_name()),
        env!("CARGO_PKG_VERSION")
    );
    let text = String::from_utf8(page).unwrap();
    let page: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(".TH ") {
                title.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    pages.insert(man.get_filename(), (page.join("\n") + "\n").into_bytes());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_pages(sub, pages);
    }
}

fn pages_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".1"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn man_pages_match_the_cli() {
    let generated = generated();
    if std::env::var_os("ONCALL_REGENERATE_MAN").is_some() {
        fs::create_dir_all(DIR).unwrap();
        for stale in pages_in(Path::new(DIR)).keys() {
            fs::remove_file(Path::new(DIR).join(stale)).unwrap();
        }
        for (name, page) in &generated {
            fs::write(Path::new(DIR).join(name), page).unwrap();
        }
    }
    let committed = pages_in(Path::new(DIR));
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&generated),
        "the pages in {DIR}/ are not the CLI's commands: run man/regenerate.sh"
    );
    for (name, page) in &generated {
        assert!(
            committed[name] == *page,
            "{DIR}/{name} differs from the CLI: run man/regenerate.sh"
        );
    }
}

#[test]
fn every_command_has_a_page_with_its_options() {
    let pages = generated();
    for cmd in [
        "oncall",
        "oncall-cheat",
        "oncall-ps",
        "oncall-mem",
        "oncall-disk",
        "oncall-net",
        "oncall-logs",
        "oncall-logs-grep",
        "oncall-probe",
        "oncall-triage",
    ] {
        let page = String::from_utf8_lossy(&pages[&format!("{cmd}.1")]).to_string();
        assert!(page.contains(&format!(".TH {cmd} 1")), "{cmd}: {page}");
        assert!(page.contains(".SH OPTIONS"), "{cmd}");
    }
    let net = String::from_utf8_lossy(&pages["oncall-net.1"]).to_string();
    assert!(net.contains("\\-\\-listen"), "{net}");
}
