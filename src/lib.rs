//! Pantau: record and review district monitoring visits, offline.
//!
//! Layers, from the bottom: [`domain`] (pure model) → [`store`] (sled, the only module that knows
//! trees and keys) → [`app`] (state machine: events in, effects out, no I/O) → [`ui`] (pure
//! render functions of the app state). [`tui`] is the runtime loop that connects them to a
//! terminal; [`cli`] parses arguments and runs the subcommands.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod format;
pub mod guide;
pub mod i18n;
pub mod keymap;
pub mod paths;
pub mod search;
pub mod store;
pub mod synth;
pub mod tui;
pub mod ui;
