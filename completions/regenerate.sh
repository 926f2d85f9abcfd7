#!/usr/bin/env bash
# Rewrites the completion files from the CLI; tests/completions.rs fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/oncall
$bin completions bash > completions/oncall.bash
$bin completions zsh > completions/_oncall
$bin completions fish > completions/oncall.fish
$bin completions elvish > completions/oncall.elv
$bin completions powershell > completions/_oncall.ps1
