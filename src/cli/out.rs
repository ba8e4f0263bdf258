//! Everything the CLI writes to standard output and standard error goes through here.
//!
//! Two promises, kept in one place so that no command can forget them:
//! - **Inert text.** Names, venues and notes come from bundles other laptops wrote; an escape
//!   sequence in them (OSC 0 sets the title, OSC 52 the clipboard, CSI 6n makes the terminal
//!   type an answer) must not reach a terminal or a file someone later `cat`s. Text gets the
//!   screen's treatment ([`crate::format::inert_char`]); JSON stays JSON, with the control
//!   characters serde leaves raw (DEL and C1, whose UTF-8 holds the bytes 0x9b, 0x9d…) written
//!   as `\u` escapes, which only ever occur inside strings.
//! - **Write errors are seen.** A reader that goes away (`| head -1`) is no failure and no
//!   panic: the rest of the output is dropped quietly and the command still finishes (an
//!   import is still committed). Any other failure (`> /dev/full`) is said on stderr at the end
//!   and the exit code is at least 1.

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

/// The first error writing standard output, if any.
static STDOUT_ERROR: Mutex<Option<io::Error>> = Mutex::new(None);

/// What standard output and error keep of the control characters: line breaks and tabs.
const KEEP: [char; 2] = ['\n', '\t'];

/// `s` with every control character but line breaks and tabs shown as `·`.
pub fn inert(s: &str) -> String {
    s.chars()
        .map(|c| crate::format::inert_char(c, &KEEP))
        .collect()
}

/// JSON text with DEL and the C1 controls escaped; everything else as serde wrote it.
pub fn inert_json(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && !c.is_ascii_control() || c == '\u{7f}' {
            o.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            o.push(c);
        }
    }
    o
}

/// Writes `text` as it is to standard output, unless an earlier write failed.
fn write_raw(text: &str) {
    let mut failed = STDOUT_ERROR.lock().unwrap_or_else(|p| p.into_inner());
    if failed.is_some() {
        return;
    }
    if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
        *failed = Some(e);
    }
}

/// Text for a person, made inert (see the module docs). Use [`outln!`] and [`out!`].
pub fn text(args: fmt::Arguments) {
    write_raw(&inert(&args.to_string()));
}

/// A JSON document (already serialised), then a line break.
pub fn json(doc: &str) {
    write_raw(&inert_json(doc));
    write_raw("\n");
}

/// Serialises `value` as pretty JSON to standard output.
pub fn json_value<T: serde::Serialize>(value: &T) -> Result<(), serde_json::Error> {
    json(&serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A message on standard error, made inert. Errors writing it are ignored: there is nowhere
/// left to tell.
pub fn err(args: fmt::Arguments) {
    let _ = io::stderr()
        .lock()
        .write_all(inert(&args.to_string()).as_bytes());
}

/// Flushes what is written so far (a question before its answer is read).
pub fn flush() {
    let mut failed = STDOUT_ERROR.lock().unwrap_or_else(|p| p.into_inner());
    if failed.is_none()
        && let Err(e) = io::stdout().lock().flush()
    {
        *failed = Some(e);
    }
}

/// How writing standard output went, once everything is written.
pub enum Outcome {
    Written,
    /// The reader went away; not worth a word.
    ReaderGone,
    Failed(io::Error),
}

/// Flushes standard output and says how writing it went.
pub fn finish() -> Outcome {
    let mut failed = STDOUT_ERROR.lock().unwrap_or_else(|p| p.into_inner());
    if failed.is_none()
        && let Err(e) = io::stdout().lock().flush()
    {
        *failed = Some(e);
    }
    match failed.take() {
        None => Outcome::Written,
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::ReaderGone,
        Some(e) => Outcome::Failed(e),
    }
}

/// Like `println!`, to standard output, made inert.
macro_rules! outln {
    () => { $crate::cli::out::text(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::out::text(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Like `print!`, to standard output, made inert.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::text(format_args!($($arg)*)) };
}

/// Like `eprintln!`, made inert.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::out::err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_lines_and_tabs_and_nothing_else_of_the_controls() {
        assert_eq!(
            inert("a\u{1b}]0;PWN\u{7}b\u{9b}6n\u{90}q\u{9d}x\r\n\tc"),
            "a·]0;PWN·b·6n·q·x·\n\tc"
        );
    }

    #[test]
    fn json_stays_json_and_holds_no_escape_byte() {
        let value = serde_json::json!({ "name": "a\u{1b}[2J\u{9b}6n\u{7f}\u{90}é" });
        let doc = inert_json(&serde_json::to_string_pretty(&value).unwrap());
        assert!(
            !doc.bytes()
                .any(|b| [0x1b, 0x9b, 0x90, 0x9d, 0x7f].contains(&b)),
            "{doc}"
        );
        let back: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(back, value);
    }
}
