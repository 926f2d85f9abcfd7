//! The tldr pages the host already has, searched beside the built-in sheet: caches the tests
//! write in the real layouts of tealdeer (`$XDG_CACHE_HOME/tealdeer/tldr-pages/pages/…`,
//! `$TEALDEER_CACHE_DIR`) and tlrc (`$XDG_CACHE_HOME/tlrc/pages.LANG/…`), and a checkout
//! named by `--tldr DIR`. The pages are our own few lines, not tldr-pages' text.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use support::oncall;

/// A page in tldr's format with `n` examples.
fn page(name: &str, summary: &str, n: usize) -> String {
    let mut s =
        format!("# {name}\n\n> {summary}\n> More information: <https://example.invalid/{name}>.\n");
    for k in 0..n {
        s.push_str(&format!(
            "\n- Example number {k} of {name}:\n\n`{name} --option-{k} {{{{file}}}}`\n"
        ));
    }
    s
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// tealdeer's layout under a fresh XDG_CACHE_HOME.
fn tealdeer() -> tempfile::TempDir {
    let cache = tempfile::tempdir().unwrap();
    let pages = cache.path().join("tealdeer/tldr-pages");
    write(
        &pages,
        "pages/common/skaffold.md",
        &page("skaffold", "Build and deploy to Kubernetes in a loop.", 3),
    );
    write(
        &pages,
        "pages/linux/tar.md",
        &page("tar", "Our own tar page.", 8),
    );
    write(
        &pages,
        "pages/linux/kompose.md",
        &page("kompose", "Set a cluster up.", 2),
    );
    write(
        &pages,
        "pages/common/broken.md",
        "no heading, no examples\n",
    );
    cache
}

fn run(cache: &Path, args: &[&str]) -> std::process::Output {
    oncall()
        .env("XDG_CACHE_HOME", cache)
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_name_only_tldr_has_shows_its_page_marked_as_tldr() {
    let cache = tealdeer();
    let v = json(&run(cache.path(), &["cheat", "skaffold", "--json"]));
    assert_eq!(v[0]["name"], "skaffold");
    assert_eq!(v[0]["category"], "tldr");
    assert_eq!(v[0]["examples"].as_array().unwrap().len(), 3);
    assert!(v[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("pages/common/skaffold.md"));
    let out = run(cache.path(), &["cheat", "skaffold"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("from the tldr page"), "{text}");
    // Without the cache a word only tldr names is no match.
    let v = json(&run(cache.path(), &["cheat", "kompose", "--json"]));
    assert_eq!(v[0]["category"], "tldr");
    oncall().args(["cheat", "kompose"]).assert().code(1);
}

#[test]
fn the_built_in_entry_wins_and_says_tldr_has_more() {
    let cache = tealdeer();
    let out = run(cache.path(), &["cheat", "tar"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.starts_with("tar — "), "{text}");
    assert!(!text.contains("Our own tar page"), "{text}");
    assert!(text.contains("tldr has 8 more examples"), "{text}");
}

#[test]
fn typos_and_words_find_tldr_names() {
    let cache = tealdeer();
    let v = json(&run(cache.path(), &["cheat", "skafold", "--json"]));
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"skaffold"), "{names:?}");
    let v = json(&run(cache.path(), &["cheat", "kompose", "init", "--json"]));
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"kompose"), "{names:?}");
}

#[test]
fn safe_never_shows_unclassified_tldr_examples() {
    let cache = tealdeer();
    let out = run(cache.path(), &["cheat", "--safe", "kompose"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(cache.path(), &["cheat", "--safe", "skaffold", "--json"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\"tldr\""));
}

#[test]
fn a_malformed_page_is_named_and_skipped() {
    let cache = tealdeer();
    let out = run(cache.path(), &["cheat", "broken"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.md"), "{err}");
    assert_eq!(err.matches("broken.md").count(), 1, "{err}");
}

#[test]
fn tealdeer_cache_dir_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tldr-pages/pages/common/skaffold.md",
        &page("skaffold", "From TEALDEER_CACHE_DIR.", 1),
    );
    let empty = tempfile::tempdir().unwrap();
    let out = oncall()
        .env("XDG_CACHE_HOME", empty.path())
        .env("TEALDEER_CACHE_DIR", dir.path())
        .args(["cheat", "skaffold", "--json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0]["summary"], "From TEALDEER_CACHE_DIR.");
}

#[test]
fn tlrc_layout_and_the_user_s_language_first() {
    let cache = tempfile::tempdir().unwrap();
    let tlrc = cache.path().join("tlrc");
    write(
        &tlrc,
        "pages.en/common/skaffold.md",
        &page("skaffold", "English page.", 2),
    );
    write(
        &tlrc,
        "pages.de/common/skaffold.md",
        &page("skaffold", "Deutsche Seite.", 2),
    );
    write(
        &tlrc,
        "pages.en/linux/kompose.md",
        &page("kompose", "English only.", 1),
    );
    let out = oncall()
        .env("XDG_CACHE_HOME", cache.path())
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LANGUAGE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(["cheat", "skaffold", "--json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0]["summary"], "Deutsche Seite.");
    // English where the language has no page.
    let out = oncall()
        .env("XDG_CACHE_HOME", cache.path())
        .env("LANG", "de_DE.UTF-8")
        .args(["cheat", "kompose", "--json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0]["summary"], "English only.");
}

#[test]
fn tldr_dir_names_a_checkout() {
    let checkout = tempfile::tempdir().unwrap();
    write(
        checkout.path(),
        "pages/linux/kompose.md",
        &page("kompose", "From the checkout.", 1),
    );
    let dir = checkout.path().to_str().unwrap();
    let out = oncall()
        .args(["cheat", "--tldr", dir, "kompose", "--json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0]["summary"], "From the checkout.");
    // The config can name it too.
    let config = tempfile::tempdir().unwrap();
    write(
        config.path(),
        "oncall/config.toml",
        &format!("tldr = {:?}\n", dir),
    );
    let out = oncall()
        .env("XDG_CONFIG_HOME", config.path())
        .args(["cheat", "kompose", "--json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0]["summary"], "From the checkout.");
}
