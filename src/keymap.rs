//! Keys are data: `assets/keymap.toml` (embedded) plus the user's overrides. The help overlay
//! and the key bar are built from the same table, so they cannot disagree with the keys.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::{Deserialize, Serialize};

pub const SHIPPED: &str = include_str!("../assets/keymap.toml");

/// Where a key is pressed. Overlays (help, confirm) and the search box take keys first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    List,
    Search,
    Detail,
    History,
    Trash,
    Help,
    Confirm,
    Audit,
    Interview,
    Field,
    Text,
    Pick,
    Goto,
    CheckView,
    Note,
    Reason,
    Board,
    BoardFilter,
    BoardStatus,
    BoardNote,
    Overview,
    Conflicts,
    /// The menu of a visit's documents (from its detail, key x).
    Documents,
    /// The interview's notes panel.
    Notes,
    /// Choosing whose personal data to erase (from a visit's detail).
    Erase,
}

impl Context {
    pub const ALL: [Context; 26] = [
        Context::Global,
        Context::List,
        Context::Search,
        Context::Detail,
        Context::History,
        Context::Trash,
        Context::Help,
        Context::Confirm,
        Context::Audit,
        Context::Interview,
        Context::Field,
        Context::Text,
        Context::Pick,
        Context::Goto,
        Context::CheckView,
        Context::Note,
        Context::Reason,
        Context::Board,
        Context::BoardFilter,
        Context::BoardStatus,
        Context::BoardNote,
        Context::Overview,
        Context::Conflicts,
        Context::Documents,
        Context::Notes,
        Context::Erase,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Search => "search",
            Context::Detail => "detail",
            Context::History => "history",
            Context::Trash => "trash",
            Context::Help => "help",
            Context::Confirm => "confirm",
            Context::Audit => "audit",
            Context::Interview => "interview",
            Context::Field => "field",
            Context::Text => "text",
            Context::Pick => "pick",
            Context::Goto => "goto",
            Context::CheckView => "check_view",
            Context::Note => "note",
            Context::Reason => "reason",
            Context::Board => "board",
            Context::BoardFilter => "board_filter",
            Context::BoardStatus => "board_status",
            Context::BoardNote => "board_note",
            Context::Overview => "overview",
            Context::Conflicts => "conflicts",
            Context::Documents => "documents",
            Context::Notes => "notes",
            Context::Erase => "erase",
        }
    }

    /// Contexts where typing goes into a text box, so global single-letter keys must not fire.
    pub fn is_text_entry(self) -> bool {
        matches!(
            self,
            Context::Search
                | Context::Field
                | Context::Text
                | Context::Goto
                | Context::Note
                | Context::Reason
                | Context::BoardFilter
                | Context::BoardNote
        )
    }
}

/// Everything a key can ask for. Names are the snake_case forms used in the keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    ToggleLang,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    Search,
    ClearSearch,
    NewVisit,
    Delete,
    History,
    Trash,
    LoadDemo,
    Accept,
    Cancel,
    Back,
    Restore,
    Close,
    Yes,
    No,
    Edit,
    AuditLog,
    ExportReport,
    ShowConflicts,
    PrevField,
    NextField,
    Left,
    Right,
    Section1,
    Section2,
    Section3,
    Section4,
    Section5,
    Section6,
    Section7,
    Section8,
    Section9,
    Section10,
    AddItem,
    DeleteItem,
    Undo,
    MoveUp,
    MoveDown,
    QuickNote,
    Goto,
    Check,
    Finalise,
    Amend,
    Save,
    Toggle,
    Commit,
    CommitNext,
    CommitPrev,
    Board,
    Overview,
    SetStatus,
    AddNote,
    FilterDue,
    FilterStatus,
    FilterStrategy,
    FilterPlace,
    ToggleSuperseded,
    ClearFilters,
    NextTab,
    PrevTab,
    ToggleChart,
    NextIndicator,
    /// A line break in a multi-line field (Enter saves and moves on).
    NewLine,
    /// The notes panel of the interview.
    Notes,
    /// Sync with the central server (in the background).
    Sync,
    /// Erase one person's personal data from the visit (UU PDP).
    ErasePerson,
    /// Lock the app of an encrypted database now (the passphrase opens it again).
    Lock,
}

impl Action {
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// For the "jump to section N" actions, the section's index.
    pub fn section_index(self) -> Option<usize> {
        use Action::*;
        [
            Section1, Section2, Section3, Section4, Section5, Section6, Section7, Section8,
            Section9, Section10,
        ]
        .iter()
        .position(|a| *a == self)
    }

    /// Catalogue key of the action's description.
    pub fn catalogue_label(self) -> String {
        format!("action.{}", self.name())
    }

    /// The label of this action where it is bound: a screen may say what a shared action does
    /// there (`action.conflicts.open` = "choose this value"), else the action's own label.
    pub fn label_in(self, ctx: Context) -> String {
        let specific = format!("action.{}.{}", ctx.name(), self.name());
        if crate::i18n::has_key(&specific) {
            specific
        } else {
            self.catalogue_label()
        }
    }
}

/// A key with its modifiers, normalised so "G" matches Shift+g as terminals send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyCombo {
    pub fn from_event(e: &KeyEvent) -> KeyCombo {
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match e.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                // Ctrl-letter may arrive upper-case with some terminals.
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyCombo { code, mods }
    }

    pub fn parse(s: &str) -> Option<KeyCombo> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 5 && lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if rest.len() > 4 && lower.starts_with("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                c.to_ascii_lowercase()
            } else {
                c
            }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => {
                    KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
                }
                _ => return None,
            },
        };
        Some(KeyCombo { code, mods })
    }
}

/// How a key name from the keymap is shown to people ("up" → "↑", "ctrl-c" → "Ctrl-C").
pub fn key_for_people(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("ctrl-") {
        return format!(
            "Ctrl-{}",
            key_for_people(&name[name.len() - rest.len()..]).to_uppercase()
        );
    }
    if let Some(rest) = lower.strip_prefix("alt-") {
        return format!("Alt-{}", key_for_people(&name[name.len() - rest.len()..]));
    }
    match lower.as_str() {
        "up" => "↑".into(),
        "down" => "↓".into(),
        "left" => "←".into(),
        "right" => "→".into(),
        "enter" => "Enter".into(),
        "esc" => "Esc".into(),
        "tab" => "Tab".into(),
        "backtab" => "Shift-Tab".into(),
        "backspace" => "Backspace".into(),
        "delete" => "Del".into(),
        "insert" => "Ins".into(),
        "home" => "Home".into(),
        "end" => "End".into(),
        "pageup" => "PgUp".into(),
        "pagedown" => "PgDn".into(),
        "space" => "Space".into(),
        f if f.len() > 1 && f.starts_with('f') => f.to_uppercase(),
        _ => name.to_string(),
    }
}

#[derive(Deserialize)]
struct KeymapFile {
    #[serde(flatten)]
    contexts: BTreeMap<Context, BTreeMap<Action, Vec<String>>>,
}

#[derive(Deserialize)]
struct BarFile {
    #[serde(default)]
    bar: BTreeMap<Context, Vec<Action>>,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    lookup: HashMap<(Context, KeyCombo), Action>,
    keys: BTreeMap<(Context, String), Vec<String>>,
    order: Vec<(Context, Action)>,
    bar: BTreeMap<Context, Vec<Action>>,
    /// Per context, the bar's actions to keep first when the bar is too narrow for all.
    priority: BTreeMap<Context, Vec<Action>>,
}

impl Keymap {
    /// The shipped keymap. It is embedded and checked by a test, so it always parses.
    pub fn shipped() -> Keymap {
        Keymap::parse(SHIPPED).unwrap_or_else(|e| panic!("shipped keymap is invalid: {e}"))
    }

    pub fn parse(src: &str) -> Result<Keymap, String> {
        let mut table: toml::Table = toml::from_str(src).map_err(|e| e.to_string())?;
        let bar_value = table.remove("bar");
        let priority: BTreeMap<Context, Vec<Action>> = match table.remove("bar_priority") {
            Some(p) => p.try_into().map_err(|e: toml::de::Error| e.to_string())?,
            None => BTreeMap::new(),
        };
        let file: KeymapFile = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        let bar: BarFile = match bar_value {
            Some(b) => {
                let mut t = toml::Table::new();
                t.insert("bar".into(), b);
                toml::Value::Table(t)
                    .try_into()
                    .map_err(|e: toml::de::Error| e.to_string())?
            }
            None => BarFile {
                bar: BTreeMap::new(),
            },
        };
        let mut km = Keymap {
            lookup: HashMap::new(),
            keys: BTreeMap::new(),
            order: Vec::new(),
            bar: bar.bar,
            priority,
        };
        // Keep the file's order for the help: toml tables are sorted, so read order from source.
        for (ctx, actions) in file.contexts {
            for (action, keys) in actions {
                km.bind(ctx, action, keys)?;
            }
        }
        km.order
            .sort_by_key(|(c, a)| (*c, source_position(src, *c, *a)));
        Ok(km)
    }

    fn bind(&mut self, ctx: Context, action: Action, keys: Vec<String>) -> Result<(), String> {
        self.lookup.retain(|(c, _), a| !(*c == ctx && *a == action));
        for k in &keys {
            let combo = KeyCombo::parse(k)
                .ok_or_else(|| format!("{}.{}: unknown key \"{k}\"", ctx.name(), action.name()))?;
            self.lookup.insert((ctx, combo), action);
        }
        if !self.order.contains(&(ctx, action)) {
            self.order.push((ctx, action));
        }
        self.keys.insert((ctx, action.name()), keys);
        Ok(())
    }

    /// Applies `"context.action" = [keys]` overrides; returns the entries it could not use.
    pub fn apply_overrides(&mut self, overrides: &BTreeMap<String, Vec<String>>) -> Vec<String> {
        let mut bad = Vec::new();
        for (name, keys) in overrides {
            let parsed = name.split_once('.').and_then(|(c, a)| {
                let ctx: Context = serde_json::from_value(serde_json::Value::from(c)).ok()?;
                let action: Action = serde_json::from_value(serde_json::Value::from(a)).ok()?;
                Some((ctx, action))
            });
            match parsed {
                Some((ctx, action)) => {
                    if let Err(e) = self.bind(ctx, action, keys.clone()) {
                        bad.push(e);
                    }
                }
                None => bad.push(name.clone()),
            }
        }
        bad
    }

    /// Whether some key still quits: force quit from every screen, or quit from the list (where
    /// the app starts), by a key that no screen's own binding takes first.
    pub fn can_quit(&self) -> bool {
        let works = |action: Action, contexts: &[Context]| {
            self.keys(Context::Global, action)
                .iter()
                .filter_map(|k| KeyCombo::parse(k))
                .any(|combo| {
                    contexts.iter().all(|c| {
                        *c == Context::Global
                            || self.lookup.get(&(*c, combo)).is_none_or(|a| *a == action)
                    })
                })
        };
        works(Action::ForceQuit, &Context::ALL) || works(Action::Quit, &[Context::List])
    }

    /// The shipped quit keys back; all the shipped keys if even those are taken.
    pub fn restore_quit(&mut self) {
        let shipped = Keymap::shipped();
        for action in [Action::Quit, Action::ForceQuit] {
            let keys = shipped.keys(Context::Global, action).to_vec();
            // The shipped keys parse (a test says so).
            let _ = self.bind(Context::Global, action, keys);
        }
        if !self.can_quit() {
            *self = shipped;
        }
    }

    /// The quit keys for people: "q / Ctrl-C".
    pub fn quit_label(&self) -> String {
        format!(
            "{} / {}",
            self.keys_label(Context::Global, Action::Quit),
            self.keys_label(Context::Global, Action::ForceQuit)
        )
    }

    /// The action for a key in `ctx`: the context's own binding first, then the global one
    /// (not while typing into a text box, where only Ctrl combinations reach global).
    pub fn action(&self, ctx: Context, key: &KeyEvent) -> Option<Action> {
        let combo = KeyCombo::from_event(key);
        if let Some(a) = self.lookup.get(&(ctx, combo)) {
            return Some(*a);
        }
        let overlay = !matches!(
            ctx,
            Context::List
                | Context::Detail
                | Context::History
                | Context::Trash
                | Context::Audit
                | Context::Interview
                | Context::Board
                | Context::Overview
        );
        if overlay || (ctx.is_text_entry() && !combo.mods.contains(KeyModifiers::CONTROL)) {
            return self
                .lookup
                .get(&(Context::Global, combo))
                .copied()
                // Help opens over a popup too (and closes back to it), never while typing; the
                // screen locks from anywhere (while typing, only by a Ctrl key).
                .filter(|a| {
                    *a == Action::ForceQuit
                        || (*a == Action::Help && !ctx.is_text_entry())
                        || (*a == Action::Lock
                            && (!ctx.is_text_entry() || combo.mods.contains(KeyModifiers::CONTROL)))
                });
        }
        self.lookup.get(&(Context::Global, combo)).copied()
    }

    /// The keys bound to an action, as written in the keymap.
    pub fn keys(&self, ctx: Context, action: Action) -> &[String] {
        self.keys
            .get(&(ctx, action.name()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Keys shown to people: "↑/k".
    pub fn keys_label(&self, ctx: Context, action: Action) -> String {
        self.keys(ctx, action)
            .iter()
            .map(|k| key_for_people(k))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every binding, grouped by context in file order: the rows of the help overlay.
    pub fn rows(&self) -> impl Iterator<Item = (Context, Action)> + '_ {
        self.order.iter().copied()
    }

    /// The bar's actions of a context that must stay when it is cut to the terminal's width,
    /// most important first.
    pub fn bar_priority(&self, ctx: Context) -> &[Action] {
        self.priority.get(&ctx).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The key bar of a context: (first key shown, action), only for actions that have a key.
    pub fn bar(&self, ctx: Context) -> Vec<(String, Action)> {
        let mut out = Vec::new();
        for a in self.bar.get(&ctx).into_iter().flatten() {
            let own = self.keys(ctx, *a);
            let keys = if own.is_empty() {
                self.keys(Context::Global, *a)
            } else {
                own
            };
            if let Some(k) = keys.first() {
                out.push((key_for_people(k), *a));
            }
        }
        out
    }
}

/// Where `ctx.action` appears in the source, to list the help in the file's order.
fn source_position(src: &str, ctx: Context, action: Action) -> usize {
    let header = format!("[{}]", ctx.name());
    let start = src.find(&header).unwrap_or(0);
    src[start..]
        .find(&format!("\n{} =", action.name()))
        .map(|p| start + p)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn shipped_keymap_parses_and_has_standard_keys() {
        let km = Keymap::parse(SHIPPED).expect("shipped keymap parses");
        let none = KeyModifiers::NONE;
        assert_eq!(
            km.action(Context::List, &key(KeyCode::Char('j'), none)),
            Some(Action::Down)
        );
        assert_eq!(
            km.action(Context::List, &key(KeyCode::Down, none)),
            Some(Action::Down)
        );
        assert_eq!(
            km.action(Context::List, &key(KeyCode::Char('/'), none)),
            Some(Action::Search)
        );
        assert_eq!(
            km.action(Context::List, &key(KeyCode::Char('q'), none)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(Context::List, &key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Last)
        );
        assert_eq!(
            km.action(Context::Detail, &key(KeyCode::Char('?'), none)),
            Some(Action::Help)
        );
        assert_eq!(
            km.action(Context::Help, &key(KeyCode::Char('q'), none)),
            Some(Action::Close)
        );
    }

    #[test]
    fn typing_in_search_never_triggers_global_letters_but_ctrl_c_still_quits() {
        let km = Keymap::shipped();
        assert_eq!(
            km.action(
                Context::Search,
                &key(KeyCode::Char('q'), KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(
            km.action(
                Context::Search,
                &key(KeyCode::Char('?'), KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(
            km.action(
                Context::Search,
                &key(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::ForceQuit)
        );
        assert_eq!(
            km.action(Context::Search, &key(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::Cancel)
        );
    }

    #[test]
    fn overrides_replace_keys_and_bad_entries_are_reported() {
        let mut km = Keymap::shipped();
        let mut o = BTreeMap::new();
        o.insert("list.down".to_string(), vec!["ctrl-n".to_string()]);
        o.insert("list.nonsense".to_string(), vec!["x".to_string()]);
        o.insert("list.up".to_string(), vec!["hyper-x".to_string()]);
        let bad = km.apply_overrides(&o);
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(
            km.action(
                Context::List,
                &key(KeyCode::Char('n'), KeyModifiers::CONTROL)
            ),
            Some(Action::Down)
        );
        assert_eq!(
            km.action(Context::List, &key(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(km.keys_label(Context::List, Action::Down), "Ctrl-N");
    }

    #[test]
    fn every_bar_action_has_a_key_and_a_label() {
        let km = Keymap::shipped();
        for ctx in Context::ALL {
            for (k, a) in km.bar(ctx) {
                assert!(!k.is_empty());
                assert!(
                    crate::i18n::has_key(&a.catalogue_label()),
                    "no label for {}",
                    a.catalogue_label()
                );
            }
        }
        for (_, a) in km.rows() {
            assert!(
                crate::i18n::has_key(&a.catalogue_label()),
                "no label for {}",
                a.catalogue_label()
            );
        }
    }

    #[test]
    fn key_names_display_for_people() {
        assert_eq!(key_for_people("up"), "↑");
        assert_eq!(key_for_people("ctrl-c"), "Ctrl-C");
        assert_eq!(key_for_people("f1"), "F1");
        assert_eq!(key_for_people("G"), "G");
        assert_eq!(KeyCombo::parse("f13"), None);
        assert_eq!(
            KeyCombo::parse("f"),
            Some(KeyCombo {
                code: KeyCode::Char('f'),
                mods: KeyModifiers::NONE
            })
        );
    }
}
