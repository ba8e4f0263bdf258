//! Pantau: record and review district monitoring visits, offline.
//!
//! Layers, from the bottom: [`domain`] (pure model) → [`store`] (sled, the only module that knows
//! trees and keys) → [`app`] (state machine: events in, effects out, no I/O) → [`ui`] (pure
//! render functions of the app state). [`tui`] is the runtime loop that connects them to a
//! terminal; [`cli`] parses arguments and runs the subcommands.

pub mod app;
pub mod backup;
pub mod central;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod followup;
pub mod format;
pub mod guide;
pub mod host;
pub mod i18n;
pub mod keymap;
pub mod labels;
mod par;
pub mod paths;
pub mod private_fs;
pub mod search;
pub mod store;
pub mod synth;
pub mod tui;
pub mod ui;
pub mod words;

/// Imports, exports and the search index allocate and free millions of small values; glibc's
/// allocator spent a third of an import in page clearing and chunk consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
