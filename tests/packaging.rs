//! `cargo deb` packages what `[package.metadata.deb]` lists: every listed file must exist,
//! and the man pages and completions the tests keep in sync must all be listed.

use std::path::Path;

fn assets() -> Vec<(String, String)> {
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string("Cargo.toml").unwrap()).expect("Cargo.toml parses");
    manifest["package"]["metadata"]["deb"]["assets"]
        .as_array()
        .expect("[package.metadata.deb] assets")
        .iter()
        .map(|a| {
            let a = a.as_array().expect("[source, dest, mode]");
            (
                a[0].as_str().unwrap().to_string(),
                a[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_packaged_file_exists() {
    for (source, _) in assets() {
        if source.starts_with("target/release/") {
            continue; // cargo deb builds it
        }
        if let Some(dir) = source.strip_suffix("/*.1") {
            let pages = std::fs::read_dir(dir)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "1")
                })
                .count();
            assert!(pages > 10, "{source}: {pages} pages");
            continue;
        }
        assert!(
            Path::new(&source).is_file(),
            "{source} is packaged but missing"
        );
    }
}

#[test]
fn the_package_installs_binary_man_pages_completions_and_docs() {
    let dests: Vec<String> = assets()
        .into_iter()
        .map(|(s, d)| format!("{s} -> {d}"))
        .collect();
    for want in [
        "target/release/oncall -> usr/bin/",
        "man/*.1 -> usr/share/man/man1/",
        "completions/oncall.bash -> usr/share/bash-completion/completions/oncall",
        "completions/_oncall -> usr/share/zsh/vendor-completions/_oncall",
        "completions/oncall.fish -> usr/share/fish/vendor_completions.d/oncall.fish",
        "README.md -> usr/share/doc/oncall/README.md",
        "LICENSE -> usr/share/doc/oncall/LICENSE",
    ] {
        assert!(dests.iter().any(|d| d == want), "{want} not in {dests:#?}");
    }
}
