//! The commit mark: a file beside sled's, `pantau-last-commit`, holding the [`Tally`] of the
//! last commit — what sled must give back at the next open (see [`super::open`]).
//!
//! Two fixed-width lines, each with a CRC-32 of its own text (a torn line reads as no mark
//! rather than a wrong one): the committed tally, and the tally of a commit in flight (noted
//! before sled applies it, so that a process killed between sled's write and the mark's still
//! matches one of the two), or `A` while an import ends (its records are counted after it; a
//! database then only needs the log to reach the committed sequence number, as before).
//! The file stays open and each commit rewrites it in place: creating a file and renaming it
//! per commit cost more than sled's commit itself. Best effort: the commit has happened, and a
//! mark that could not be written only weakens the next check.
//!
//! An older Pantau wrote only the sequence number of the last audit event, once or twice; such
//! a mark is still read for what it says. Lines of format `P3` also hold the counts and digest
//! of the derived trees (summaries, facts); a mark of format `P2` (before they were covered)
//! verifies the visits, trash and events it knew of, is never trusted for a fast open, and is
//! rewritten as `P3` by the open that checked it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::tally::Tally;

/// The file's name in the database folder.
pub(super) const COMMIT_MARK: &str = "pantau-last-commit";

/// The second line: what a commit in flight leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pending {
    None,
    Tally(Tally),
    /// An import's closing commit, counted only after it.
    Any,
}

/// What the file said at open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    Missing,
    /// An older Pantau's mark: the sequence number of the last committed audit event.
    Legacy(u64),
    Full {
        committed: Tally,
        pending: Pending,
        /// Written in format `P2`: the derived trees' counts and digest are unknown.
        core_only: bool,
    },
}

pub(super) struct CommitMark {
    path: PathBuf,
    file: Mutex<Option<std::fs::File>>,
}

impl CommitMark {
    pub(super) fn new(dir: &Path) -> CommitMark {
        CommitMark {
            path: dir.join(COMMIT_MARK),
            file: Mutex::new(None),
        }
    }

    pub(super) fn write(&self, committed: &Tally, pending: Pending) {
        let Ok(mut slot) = self.file.lock() else {
            return;
        };
        if slot.is_none() {
            *slot = open_mark(&self.path).ok();
        }
        let Some(file) = slot.as_mut() else {
            return;
        };
        let mut text = line('C', committed);
        text.push_str(&match pending {
            Pending::None => line('N', &Tally::default()),
            Pending::Tally(t) => line('P', &t),
            Pending::Any => line('A', &Tally::default()),
        });
        if write_at_start(file, text.as_bytes()).is_err() {
            // Opened again at the next commit (the folder may have been unwritable a while).
            *slot = None;
        }
    }
}

/// Writes `bytes` at the start of `file`: one positional write per commit where the system has
/// one, instead of a seek and a write.
fn write_at_start(file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.write_all_at(bytes, 0)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < bytes.len() {
            match file.seek_write(&bytes[done..], done as u64)? {
                0 => return Err(std::io::ErrorKind::WriteZero.into()),
                n => done += n,
            }
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        file.seek(SeekFrom::Start(0))?;
        file.write_all(bytes)
    }
}

fn line(kind: char, t: &Tally) -> String {
    let body = format!(
        "P3 {kind} {:020} {:012} {:012} {:012} {:016x} {:012} {:012} {:016x}",
        t.seq, t.visits, t.trash, t.events, t.digest, t.summaries, t.facts, t.derived
    );
    let crc = crc32fast::hash(body.as_bytes());
    format!("{body} {crc:08x}\n")
}

/// A line of format `P2` (visits, trash and events only), as an older Pantau wrote it.
#[cfg(test)]
pub(super) fn line_p2(kind: char, t: &Tally) -> String {
    let body = format!(
        "P2 {kind} {:020} {:012} {:012} {:012} {:016x}",
        t.seq, t.visits, t.trash, t.events, t.digest
    );
    let crc = crc32fast::hash(body.as_bytes());
    format!("{body} {crc:08x}\n")
}

/// The line's kind, its tally, and whether it is of format `P2`.
fn parse_line(text: &str) -> Option<(char, Tally, bool)> {
    let (body, crc) = text.rsplit_once(' ')?;
    if u32::from_str_radix(crc, 16).ok()? != crc32fast::hash(body.as_bytes()) {
        return None;
    }
    let mut f = body.split(' ');
    let core_only = match f.next()? {
        "P2" => true,
        "P3" => false,
        _ => return None,
    };
    let kind = f.next()?.chars().next()?;
    let mut t = Tally {
        seq: f.next()?.parse().ok()?,
        visits: f.next()?.parse().ok()?,
        trash: f.next()?.parse().ok()?,
        events: f.next()?.parse().ok()?,
        digest: u64::from_str_radix(f.next()?, 16).ok()?,
        ..Tally::default()
    };
    if !core_only {
        t.summaries = f.next()?.parse().ok()?;
        t.facts = f.next()?.parse().ok()?;
        t.derived = u64::from_str_radix(f.next()?, 16).ok()?;
    }
    if f.next().is_some() {
        return None;
    }
    Some((kind, t, core_only))
}

fn open_mark(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // A mark of an older version may be shorter or longer; every mark written is this long.
    file.set_len(2 * line('C', &Tally::default()).len() as u64)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

pub(super) fn read(dir: &Path) -> Mark {
    let Ok(text) = std::fs::read_to_string(dir.join(COMMIT_MARK)) else {
        return Mark::Missing;
    };
    if text.starts_with("P2 ") || text.starts_with("P3 ") {
        let mut lines = text.lines();
        let committed = lines.next().and_then(parse_line);
        let pending = lines.next().and_then(parse_line);
        return match (committed, pending) {
            (Some(('C', committed, a)), Some((kind, t, b))) if a == b => Mark::Full {
                committed,
                pending: match kind {
                    'P' => Pending::Tally(t),
                    'A' => Pending::Any,
                    _ => Pending::None,
                },
                core_only: a,
            },
            _ => Mark::Missing,
        };
    }
    let mut numbers = text.split_whitespace().map(|n| n.parse::<u64>().ok());
    let Some(Some(first)) = numbers.next() else {
        return Mark::Missing;
    };
    // The older mark wrote the number once, or twice; a line with two that differ was torn.
    match numbers.next() {
        None => Mark::Legacy(first),
        Some(second) if second == Some(first) && numbers.next().is_none() => Mark::Legacy(first),
        Some(_) => Mark::Missing,
    }
}

impl Mark {
    /// Whether `found` (what sled gave back) is what was committed; if not, why.
    pub(super) fn verify(&self, found: &Tally) -> Result<(), String> {
        let missing = |committed: String| {
            Err(format!(
                "committed changes are missing: the files hold {}; committed: {committed}",
                found.describe()
            ))
        };
        match self {
            Mark::Missing => Ok(()),
            Mark::Legacy(seq) if found.events > 0 && found.seq >= *seq => Ok(()),
            Mark::Legacy(seq) => missing(format!("changes up to number {seq}")),
            Mark::Full {
                committed,
                pending,
                core_only,
            } => {
                let same = |t: &Tally| {
                    if *core_only {
                        found.same_core(t)
                    } else {
                        found.same_content(t)
                    }
                };
                let ok = same(committed)
                    || matches!(pending, Pending::Tally(p) if same(p))
                    || (*pending == Pending::Any && found.seq >= committed.seq);
                if ok {
                    Ok(())
                } else if committed.visits == found.visits
                    && committed.trash == found.trash
                    && committed.events == found.events
                    && (*core_only
                        || (committed.summaries, committed.facts) == (found.summaries, found.facts))
                {
                    Err(format!(
                        "the records differ from what was committed ({}; digests {:016x} \
                         {:016x}, committed {:016x} {:016x})",
                        found.describe(),
                        found.digest,
                        found.derived,
                        committed.digest,
                        committed.derived
                    ))
                } else {
                    missing(committed.describe())
                }
            }
        }
    }

    /// The committed tally when nothing was in flight: what a fast open can trust (not a
    /// mark of format `P2`, which does not know the derived trees).
    pub(super) fn settled(&self) -> Option<Tally> {
        match self {
            Mark::Full {
                committed,
                pending: Pending::None,
                core_only: false,
            } => Some(*committed),
            _ => None,
        }
    }

    /// A bound for scans of a database opened with this mark.
    pub(super) fn bound(&self) -> Tally {
        match self {
            Mark::Full {
                committed,
                pending: Pending::Tally(p),
                ..
            } => Tally {
                visits: committed.visits.max(p.visits),
                trash: committed.trash.max(p.trash),
                events: committed.events.max(p.events),
                summaries: committed.summaries.max(p.summaries),
                facts: committed.facts.max(p.facts),
                ..*committed
            },
            Mark::Full {
                committed,
                pending: Pending::None,
                ..
            } => *committed,
            // Unknown: the key order is the bound.
            _ => Tally::unbounded(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tally::Kind;
    use super::*;

    fn tally(n: u8) -> Tally {
        let mut t = Tally::default();
        for i in 0..n {
            t.add(Kind::Visit, &[i], b"visit");
            let mut key = [0u8; 24];
            key[23] = i;
            t.add(Kind::Event, &key, b"event");
            t.add(Kind::Summary, &[i], b"summary");
            t.add(Kind::Fact, &[i], b"facts");
        }
        t
    }

    fn written(write: impl FnOnce(&Path)) -> Mark {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path());
        read(dir.path())
    }

    #[test]
    fn the_mark_holds_counts_and_digest_and_is_rewritten_in_place() {
        let got = written(|dir| {
            let mark = CommitMark::new(dir);
            mark.write(&tally(9), Pending::Tally(tally(10)));
            mark.write(&tally(3), Pending::None);
        });
        assert_eq!(
            got,
            Mark::Full {
                committed: tally(3),
                pending: Pending::None,
                core_only: false,
            }
        );
        assert_eq!(got.settled(), Some(tally(3)));
        assert!(got.verify(&tally(3)).is_ok());
        let less = got.verify(&tally(2)).unwrap_err();
        assert!(less.contains("committed changes are missing"), "{less}");
        // Same counts, other records.
        let mut other = tally(2);
        other.add(Kind::Visit, b"x", b"another visit");
        other.add(Kind::Event, &[9u8; 24], b"another event");
        other.add(Kind::Summary, b"x", b"another summary");
        other.add(Kind::Fact, b"x", b"other facts");
        let differ = got.verify(&other).unwrap_err();
        assert!(differ.contains("differ"), "{differ}");
        // A changed summary alone (issue 13 point 2: it passed the check before).
        let mut summary = tally(3);
        summary.remove(Kind::Summary, &[1], b"summary");
        summary.add(Kind::Summary, &[1], b"summarz");
        let differ = got.verify(&summary).unwrap_err();
        assert!(differ.contains("differ"), "{differ}");
    }

    /// A mark written before the derived trees were counted still verifies what it knew of,
    /// is not enough for a fast open, and is rewritten in the new format.
    #[test]
    fn a_mark_of_format_p2_verifies_visits_trash_and_events_only() {
        let got = written(|dir| {
            let text = line_p2('C', &tally(3)) + &line_p2('N', &Tally::default());
            std::fs::write(dir.join(COMMIT_MARK), text).unwrap();
        });
        assert!(
            matches!(
                got,
                Mark::Full {
                    core_only: true,
                    ..
                }
            ),
            "{got:?}"
        );
        assert_eq!(got.settled(), None);
        let mut other_summary = tally(3);
        other_summary.add(Kind::Summary, b"x", b"y");
        assert!(got.verify(&other_summary).is_ok());
        assert!(got.verify(&tally(2)).is_err());
        // Bounds for the trees it did not count come from the visits.
        assert!(got.bound().limit(Kind::Summary) >= 3);
        let rewritten = written(|dir| {
            std::fs::write(dir.join(COMMIT_MARK), line_p2('C', &tally(3))).unwrap();
            CommitMark::new(dir).write(&tally(3), Pending::None);
        });
        assert_eq!(rewritten.settled(), Some(tally(3)));
    }

    #[test]
    fn a_commit_in_flight_matches_either_state() {
        let mark = Mark::Full {
            committed: tally(3),
            pending: Pending::Tally(tally(4)),
            core_only: false,
        };
        assert!(mark.verify(&tally(3)).is_ok());
        assert!(mark.verify(&tally(4)).is_ok());
        assert!(mark.verify(&tally(5)).is_err());
        assert_eq!(mark.settled(), None);
        let import = Mark::Full {
            committed: tally(3),
            pending: Pending::Any,
            core_only: false,
        };
        assert!(import.verify(&tally(7)).is_ok());
        assert!(import.verify(&tally(2)).is_err());
    }

    #[test]
    fn a_mark_of_an_older_version_or_a_torn_one_is_read_for_what_it_is() {
        let file = |text: &'static str| {
            move |dir: &Path| std::fs::write(dir.join(COMMIT_MARK), text).unwrap()
        };
        assert_eq!(written(file("42\n")), Mark::Legacy(42));
        assert_eq!(
            written(file("00000000000000000042 00000000000000000042\n")),
            Mark::Legacy(42)
        );
        assert_eq!(
            written(file("00000000000000001999 00000000000000001000\n")),
            Mark::Missing
        );
        assert_eq!(written(file("garbage")), Mark::Missing);
        // A torn new mark (one byte changed) is no mark, not a wrong one.
        let torn = written(|dir| {
            CommitMark::new(dir).write(&tally(3), Pending::None);
            let mut b = std::fs::read(dir.join(COMMIT_MARK)).unwrap();
            b[30] ^= 1;
            std::fs::write(dir.join(COMMIT_MARK), b).unwrap();
        });
        assert_eq!(torn, Mark::Missing);
        // An older, longer mark is cut to the new length.
        let got = written(|dir| {
            std::fs::write(dir.join(COMMIT_MARK), "1 2 3 4 5 ".repeat(40)).unwrap();
            CommitMark::new(dir).write(&tally(1), Pending::None);
        });
        assert_eq!(got.settled(), Some(tally(1)));
    }

    #[cfg(unix)]
    #[test]
    fn the_mark_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(COMMIT_MARK), "7\n").unwrap();
        std::fs::set_permissions(
            dir.path().join(COMMIT_MARK),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        CommitMark::new(dir.path()).write(&tally(1), Pending::None);
        let mode = std::fs::metadata(dir.path().join(COMMIT_MARK))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
