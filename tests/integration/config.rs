//! The configuration file, from fixtures (as bottom keeps them): valid files give no message;
//! each invalid one gives every problem once — on stderr for a command, in the app's status
//! line as an error — and keeps what is valid (issue 13, point 11).

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pantau::config::{Problem, Settings};
use pantau::i18n::Lang;
use pantau::keymap::{Action, Context};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(kind);
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    assert!(!all.is_empty());
    all
}

fn settings(name: &str) -> Settings {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invalid_configs")
        .join(name);
    Settings::from_path(Some(path))
}

fn key(c: char, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), mods)
}

fn list_action(s: &Settings, c: char, mods: KeyModifiers) -> Option<Action> {
    s.keymap.action(Context::List, &key(c, mods))
}

/// `pantau --lang en list` with the configuration file `config`: its stderr.
fn list_stderr(config: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pantau"))
        .args(["--lang", "en", "--db"])
        .arg(dir.path().join("db"))
        .arg("list")
        .env("PANTAU_CONFIG", config)
        .env_remove("PANTAU_LANG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stderr).unwrap()
}

/// The app's status line at start, with the configuration file `config`.
fn status_line(config: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let store = pantau::store::Store::open(&dir.path().join("db")).unwrap();
    let settings = Settings::from_path(Some(config.to_path_buf()));
    let guide = std::sync::Arc::new(pantau::guide::load_default().unwrap());
    let app = pantau::tui::build_app_with(&store, Lang::En, &settings, guide).unwrap();
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 30)).unwrap();
    term.draw(|f| pantau::ui::draw(f, &app)).unwrap();
    let buf = term.backend().buffer();
    (0..buf.area.width)
        .map(|x| buf[(x, buf.area.height - 1)].symbol().to_string())
        .collect()
}

#[test]
fn valid_configurations_say_nothing() {
    for f in fixtures("valid_configs") {
        let s = Settings::from_path(Some(f.clone()));
        assert!(s.problems.is_empty(), "{}: {:?}", f.display(), s.problems);
        assert_eq!(list_stderr(&f), "", "{}", f.display());
        let status = status_line(&f);
        assert!(!status.contains('✗'), "{}: {status}", f.display());
    }
}

#[test]
fn every_problem_is_reported_once_on_stderr_and_as_an_error_in_the_app() {
    for f in fixtures("invalid_configs") {
        let s = Settings::from_path(Some(f.clone()));
        assert!(!s.problems.is_empty(), "{}: no problem found", f.display());
        let err = list_stderr(&f);
        for m in s.messages(Lang::En) {
            assert_eq!(
                err.matches(&m).count(),
                1,
                "{}: {m:?} in\n{err}",
                f.display()
            );
        }
        assert_eq!(
            err.lines().count(),
            s.problems.len(),
            "{}:\n{err}",
            f.display()
        );
        assert!(!err.contains('✓') && !err.contains('\u{1b}'), "{err}");
        let status = status_line(&f);
        assert!(status.contains('✗'), "{}: {status}", f.display());
        assert!(!status.contains('✓'), "{}: {status}", f.display());
    }
}

#[test]
fn what_is_valid_is_kept() {
    let ctrl = KeyModifiers::CONTROL;
    // A bad language keeps the keys.
    let s = settings("lang_xx.toml");
    assert_eq!(s.problems, [Problem::Lang("xx".into())]);
    assert_eq!(s.config.lang, None);
    assert_eq!(list_action(&s, 'n', ctrl), Some(Action::Down));
    // A syntax error in the language line keeps the keys; one in the keys keeps the language.
    let s = settings("syntax_in_lang.toml");
    assert!(
        matches!(s.problems[..], [Problem::Syntax { line: 1, .. }]),
        "{:?}",
        s.problems
    );
    assert_eq!(list_action(&s, 'n', ctrl), Some(Action::Down));
    let s = settings("syntax_in_keys.toml");
    assert!(
        matches!(s.problems[..], [Problem::Syntax { .. }]),
        "{:?}",
        s.problems
    );
    assert_eq!(s.config.lang, Some(Lang::En));
    // Bad entries are named; the good one is used.
    let s = settings("bad_keys.toml");
    assert_eq!(list_action(&s, 'n', ctrl), Some(Action::Down));
    let named = s.messages(Lang::En).join("\n");
    for bad in ["list.nonsense", "hyper-x", "list.first"] {
        assert!(named.contains(bad), "{named}");
    }
    // Unknown settings and a keys value that is not a table keep the language.
    assert_eq!(settings("unknown.toml").config.lang, Some(Lang::En));
    assert_eq!(settings("keys_not_table.toml").config.lang, Some(Lang::En));
    assert_eq!(settings("guide_not_path.toml").config.lang, Some(Lang::En));
    // A binary file: nothing used, said once.
    assert_eq!(settings("binary.toml").problems, [Problem::NotText]);
}

#[test]
fn a_keymap_with_no_way_to_quit_keeps_the_shipped_quit_keys() {
    for name in ["no_quit.toml", "quit_shadowed.toml"] {
        let s = settings(name);
        assert!(
            s.problems.iter().any(|p| matches!(p, Problem::NoQuit(_))),
            "{name}: {:?}",
            s.problems
        );
        assert!(s.keymap.can_quit(), "{name}");
        assert_eq!(
            list_action(&s, 'c', KeyModifiers::CONTROL),
            Some(Action::ForceQuit),
            "{name}"
        );
    }
    // A user who moved quit to another key keeps it: there is a way to quit.
    let ok = Settings::from_path(Some(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid_configs/keys.toml"),
    ));
    assert_eq!(
        list_action(&ok, 'Q', KeyModifiers::NONE),
        Some(Action::Quit)
    );
}

#[test]
fn the_language_is_not_saved_over_a_file_with_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = "lang = \"en\nsomething = [\n";
    std::fs::write(&path, text).unwrap();
    assert!(pantau::config::save_lang(&path, Lang::Id).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // A file with only a bad key binding is understood whole: the language is saved.
    std::fs::write(&path, "[keys]\n\"list.nonsense\" = [\"x\"]\n").unwrap();
    pantau::config::save_lang(&path, Lang::En).unwrap();
    let saved = Settings::from_path(Some(path));
    assert_eq!(saved.config.lang, Some(Lang::En));
    assert!(saved.config.keys.contains_key("list.nonsense"));
}
