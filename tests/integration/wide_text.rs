//! Emoji sequences joined by ZWJ (👨‍👩‍👧: three emoji, one grapheme, two cells for ratatui, six
//! on many terminals) and other wide text: after scrolling, what the terminal holds must be
//! what a fresh frame shows — no cell left over from an earlier frame (issue 13, point 12).
//!
//! The terminal is vt100 fed by the real crossterm backend. (ratatui's TestBackend is no
//! judge here: it applies the diff to a buffer whose cells behind a wide character are never
//! sent, so even CJK text leaves cells there that no terminal shows.)

use crate::common;

use common::{Harness, other_visit};
use pantau::i18n::Lang;
use ratatui::Terminal;

fn family_visits() -> Vec<pantau::domain::Visit> {
    let names = [
        "Keluarga 👨‍👩‍👧 Karo",
        "Dairi",
        "👩🏽‍🌾 Tani",
        "Pakpak Bharat",
        "東京 Toba",
        "Samosir 🏳️‍🌈",
        "Humbang",
        "é\u{301} Nias",
    ];
    (0..40)
        .map(|i| {
            let name = format!("{} {i}", names[i % names.len()]);
            let date = format!("2022-03-{:02}T10:00:00+07:00", 1 + i % 28);
            other_visit(&format!("12.{:02}", 10 + i), &name, &date, "Bupati 👨‍👩‍👧")
        })
        .collect()
}

/// A terminal as vt100 models it (each character as wide as unicode-width says, so a ZWJ
/// family is three emoji, as in many real terminals), fed by the real crossterm backend.
struct Vt(std::sync::Arc<std::sync::Mutex<vt100::Parser>>);

impl std::io::Write for Vt {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().process(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type VtTerminal = (
    Terminal<ratatui::backend::CrosstermBackend<Vt>>,
    std::sync::Arc<std::sync::Mutex<vt100::Parser>>,
);

fn vt_terminal(w: u16, h: u16) -> VtTerminal {
    let parser = std::sync::Arc::new(std::sync::Mutex::new(vt100::Parser::new(
        h.try_into().unwrap(),
        w.try_into().unwrap(),
        0,
    )));
    let backend = ratatui::backend::CrosstermBackend::new(Vt(parser.clone()));
    let term = Terminal::with_options(
        backend,
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, w, h)),
        },
    )
    .unwrap();
    (term, parser)
}

/// The rows of two screens agree (trailing blanks aside: a written space and an empty cell
/// look alike).
fn same_rows(now: &str, want: &str, what: &str) {
    let a: Vec<&str> = now.lines().map(str::trim_end).collect();
    let b: Vec<&str> = want.lines().map(str::trim_end).collect();
    let differ: Vec<String> = a
        .iter()
        .zip(&b)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| format!("row {i}:\n  shown {x:?}\n  fresh {y:?}"))
        .collect();
    assert!(
        differ.is_empty() && a.len() == b.len(),
        "{what}:\n{}",
        differ.join("\n")
    );
}

#[test]
fn scrolling_a_list_with_zwj_emoji_leaves_no_stale_cells_on_a_terminal() {
    let mut h = Harness::with_visits(Lang::En, &family_visits());
    for (w, hgt) in [(80, 24), (120, 40), (61, 17)] {
        let (mut term, screen) = vt_terminal(w, hgt);
        term.draw(|f| pantau::ui::draw(f, &h.app)).unwrap();
        for step in [
            "j", "<pgdn>", "k", "<pgdn>", "<pgdn>", "<home>", "<end>", "<pgup>",
        ] {
            for _ in 0..3 {
                h.keys(step);
                term.draw(|f| pantau::ui::draw(f, &h.app)).unwrap();
                let (mut fresh, fresh_screen) = vt_terminal(w, hgt);
                fresh.draw(|f| pantau::ui::draw(f, &h.app)).unwrap();
                let now = screen.lock().unwrap().screen().contents();
                let want = fresh_screen.lock().unwrap().screen().contents();
                same_rows(&now, &want, &format!("{w}x{hgt} after {step}"));
                // And a fresh frame shows the rows whole: the status column stays in place.
                for line in want.lines().skip(2).take(usize::from(hgt) - 4) {
                    assert!(
                        line.trim_end().ends_with("draft"),
                        "{w}x{hgt}: {line:?}\n{want}"
                    );
                }
            }
        }
        h.keys("<home>");
    }
}
