//! Pantau's integration tests, one binary (linking the crate once instead of once per file):
//! a module per area. Run one area with `cargo test --test integration <area>::`.

// Test helpers outside #[test] functions fail loudly too, as the tests themselves may.
#![allow(clippy::unwrap_used)]

mod common;

mod board;
mod central;
mod cli;
mod cli_output;
mod config;
mod conflict_flow;
mod conflict_screens;
mod disk_full;
mod documents;
mod encryption;
mod erasure;
mod export;
mod export_full_disk;
mod guide_cli;
mod guide_load;
mod harden;
mod harden_proc;
mod history_cli;
mod history_props;
mod i18n;
mod import;
mod import_cli;
mod integrity;
mod interview_flows;
mod interview_snapshots;
mod lock;
mod merge;
mod pty;
mod pty_meeting;
mod search;
mod store;
mod tui_flows;
mod tui_snapshots;
mod unsaved_leave;
mod visit_flow;
mod wide_text;
