//! Drawing: pure functions of `&App`. Nothing here touches the store or changes state, except
//! the scroll offsets the list keeps in `Cell`s so the cursor stays in view.

mod audit;
mod bars;
mod board;
mod conflicts;
mod detail;
mod erase;
pub mod first_start;
mod help;
mod history;
mod interview;
mod interview_popups;
mod list;
mod overview;
pub mod text;
pub mod theme;
mod trash;
pub mod unlock;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::{App, Overlay, Screen};
use crate::i18n::tf;

/// Below this the screens cannot be laid out; a message asks for a bigger window instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Whether a terminal of `width` x `height` is too small for the screens.
pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    // Locked: the lock screen only, nothing of the visits (not even the title or status line).
    if let Some(lock) = &app.lock {
        unlock::draw_locked(frame, app, lock);
        text::terminal_safe(frame.buffer_mut());
        return;
    }
    if too_small(area.width, area.height) {
        let msg = tf(
            app.lang,
            "ui.too_small",
            &[&MIN_WIDTH, &MIN_HEIGHT, &area.width, &area.height],
        );
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme::error())
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let [title, body, keys, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    bars::title(frame, title, app);
    match app.screen {
        Screen::List => list::draw(frame, body, app),
        Screen::Detail => detail::draw(frame, body, app),
        Screen::History => history::draw(frame, body, app),
        Screen::Trash => trash::draw(frame, body, app),
        Screen::Interview => interview::draw(frame, body, app),
        Screen::Audit => audit::draw(frame, body, app),
        Screen::Board => board::draw(frame, body, app),
        Screen::Overview => overview::draw(frame, body, app),
    }
    bars::keys(frame, keys, app);
    bars::status(frame, status, app);
    match &app.overlay {
        Some(Overlay::Help) => help::draw(frame, body, app),
        Some(Overlay::Confirm(c)) => help::confirm(frame, body, app, c),
        Some(Overlay::Conflicts { cursor, reason }) => {
            conflicts::draw(frame, body, app, *cursor, reason.as_ref().map(|r| &r.0));
        }
        Some(Overlay::Documents { cursor, format }) => {
            help::documents(frame, body, app, *cursor, *format);
        }
        Some(Overlay::Erase { cursor, reason }) => {
            erase::draw(frame, body, app, *cursor, reason.as_ref().map(|r| &r.0));
        }
        None => {}
    }
    text::terminal_safe(frame.buffer_mut());
}

/// A popup of at most `w`×`h` centred in `area`, never larger than it.
pub fn popup(frame: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let rect = Rect::new(
        area.x + area.width.saturating_sub(w) / 2,
        area.y + area.height.saturating_sub(h) / 2,
        w.min(area.width),
        h.min(area.height),
    )
    .clamp(area);
    frame.render_widget(Clear, rect);
    rect
}
