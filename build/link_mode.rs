//! How the `oncall` binary is linked: statically against glibc by default, because start-up is
//! most of a cheat lookup's time and the dynamic loader was a third of it (resolving and
//! relocating libc, libm and libgcc_s on every start: ~250k of a lookup's ~810k instructions,
//! measured with callgrind). Only the binary: libraries, proc macros, build scripts and test
//! binaries link as cargo links them.
//!
//! Stable cargo cannot set `-C target-feature=+crt-static` for one binary without also setting
//! it for proc macros (which then fail to build), so the binary's link is made static here:
//! `-static -no-pie`, and a search directory in which every library rustc asks for by name
//! (`-lc`, `-lm`, `-lgcc_s`, …) is an archive (`libgcc_s` is served by `libgcc_eh.a`, as
//! crt-static does). The linker searches that directory before the system's, so no shared
//! library is found; the result is what `crt-static` produces.
//!
//! `ONCALL_LINK` chooses: `static` (the default), `dynamic` (a fixed-address, dynamically
//! linked binary: the old default) or `pie` (cargo's own default: position-independent, the
//! binary's image randomised too, paying ~21k load-time relocations per start). Where an
//! archive is missing (no libc6-dev's `libc.a`), `static` falls back to `dynamic` with a
//! warning.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The libraries rustc's std links by name on linux-gnu, and the archive that stands for each.
const ARCHIVES: &[(&str, &str)] = &[
    ("c", "libc.a"),
    ("m", "libm.a"),
    ("pthread", "libpthread.a"),
    ("rt", "librt.a"),
    ("util", "libutil.a"),
    ("dl", "libdl.a"),
    ("gcc_s", "libgcc_eh.a"),
    ("gcc", "libgcc.a"),
];

pub fn emit(out_dir: &Path) {
    println!("cargo:rerun-if-env-changed=ONCALL_LINK");
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if !linux_gnu {
        return;
    }
    let mode = std::env::var("ONCALL_LINK").unwrap_or_else(|_| "static".into());
    match mode.as_str() {
        "pie" => {}
        "dynamic" => fixed_address(),
        "static" => match archive_dir(out_dir) {
            Ok(dir) => {
                println!("cargo:rustc-link-arg-bins=-static");
                fixed_address();
                // Only the binary's link sees this directory: a package-wide search path would
                // turn the test binaries' `-lc` into the archive too.
                println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
                // libgcc's archives and libc refer to each other; crt-static links them as a
                // group at the end, and so does this.
                for arg in [
                    "-Wl,--start-group",
                    "-lgcc",
                    "-lgcc_eh",
                    "-lc",
                    "-Wl,--end-group",
                ] {
                    println!("cargo:rustc-link-arg-bins={arg}");
                }
            }
            Err(why) => {
                println!("cargo:warning=linking oncall dynamically: {why}");
                fixed_address();
            }
        },
        other => {
            eprintln!("ONCALL_LINK={other}: expected static, dynamic or pie");
            std::process::exit(1);
        }
    }
}

/// A fixed-address (non-PIE) executable: the linker resolves the ~21k pointer relocations of
/// the statically linked crates' tables once, instead of the loader on every start.
fn fixed_address() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}

/// `OUT_DIR/static-libs`, with a link `libNAME.a` to the C compiler's archive for each name.
fn archive_dir(out_dir: &Path) -> Result<PathBuf, String> {
    let dir = out_dir.join("static-libs");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    for (name, archive) in ARCHIVES {
        let found = Command::new(&cc)
            .arg(format!("-print-file-name={archive}"))
            .output()
            .map_err(|e| format!("{cc} -print-file-name: {e}"))?;
        let path = PathBuf::from(String::from_utf8_lossy(&found.stdout).trim());
        // cc prints the bare name back when it has no such file.
        if !path.is_absolute() || !path.exists() {
            return Err(format!("{cc} finds no {archive}"));
        }
        let link = dir.join(format!("lib{name}.a"));
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&path, &link).map_err(|e| format!("{}: {e}", link.display()))?;
    }
    Ok(dir)
}
