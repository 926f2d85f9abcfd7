//! The `oncall` binary is linked statically (build/link_mode.rs): no program interpreter, no
//! shared library, so it starts without the dynamic loader's work and runs unchanged in a
//! minimal container. A build that silently fell back to dynamic linking fails here.

use std::path::Path;

const PT_INTERP: u32 = 3;
const PT_DYNAMIC: u32 = 2;

/// The program header types of a 64-bit little-endian ELF file.
fn program_header_types(path: &Path) -> Vec<u32> {
    let elf = std::fs::read(path).expect("the oncall binary is readable");
    assert_eq!(
        &elf[..4],
        b"\x7fELF",
        "{} is not an ELF file",
        path.display()
    );
    assert_eq!(elf[4], 2, "64-bit");
    assert_eq!(elf[5], 1, "little-endian");
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let (phentsize, phnum) = (u16_at(0x36), u16_at(0x38));
    (0..phnum)
        .map(|i| {
            let at = phoff + i * phentsize;
            u32::from_le_bytes(elf[at..at + 4].try_into().unwrap())
        })
        .collect()
}

#[test]
fn the_binary_needs_no_dynamic_loader() {
    if std::env::var("ONCALL_LINK").is_ok_and(|m| m != "static") {
        eprintln!("skipped: ONCALL_LINK asks for another link mode");
        return;
    }
    if !cfg!(all(
        target_os = "linux",
        target_env = "gnu",
        target_arch = "x86_64"
    )) {
        eprintln!("skipped: this test reads x86_64 linux-gnu ELF headers");
        return;
    }
    let types = program_header_types(Path::new(env!("CARGO_BIN_EXE_oncall")));
    assert!(types.len() > 3, "program headers read: {types:?}");
    assert!(
        !types.contains(&PT_INTERP) && !types.contains(&PT_DYNAMIC),
        "oncall has a program interpreter or a dynamic section (types {types:?}): it was \
         linked dynamically; see the cargo warning build/link_mode.rs printed"
    );
    // And it runs: a static glibc binary that lost its start files would crash here.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oncall"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("oncall "));
}
