#!/usr/bin/env bash
# Rewrites the manual pages from the CLI; tests/man_pages.rs fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/.."
ONCALL_REGENERATE_MAN=1 cargo test --quiet --test man_pages
