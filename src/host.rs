//! What the computer says: the clock and the logged-in user.
//!
//! The only module besides the runtimes (`tui`, `cli`) that reads them, so that `domain` and
//! `app` stay pure: they receive a [`Host`] (or a [`Stamp`]) and tests pass a fixed one.

use chrono::{DateTime, FixedOffset, Utc};

use crate::domain::Stamp;

/// The clock and the user, read once by the runtime and handed to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub user: String,
    /// Now, in this computer's time zone (the app's "today" is its date).
    pub now: DateTime<FixedOffset>,
}

impl Host {
    /// This computer, now.
    pub fn current() -> Host {
        Host {
            user: user(),
            now: chrono::Local::now().fixed_offset(),
        }
    }
}

/// The operating-system user name, on Windows and Unix alike (`PANTAU_USER` first, so a shared
/// account can still say who types).
pub fn user() -> String {
    ["PANTAU_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// A change made now by the logged-in user of this computer.
pub fn stamp() -> Stamp {
    Stamp::new(Utc::now(), user())
}
