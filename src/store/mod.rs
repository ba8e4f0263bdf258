//! The sled store: the only module that knows trees, keys and encodings.
//!
//! Every write is one sled transaction over the trees it touches — the visit, its list summary
//! and its audit event together — followed by `flush()` before the call returns, so a committed
//! change survives a killed process.

mod check;
mod convert;
mod drafts;
mod encode;
mod erase;
mod error;
mod fingerprint;
mod import;
mod importer;
mod index;
mod keys;
mod mark;
mod open;
mod pending;
mod queries;
mod schema;
mod tally;
mod vault;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use uuid::Uuid;

use crate::domain::{
    AuditAction, AuditEvent, FieldChange, Stamp, Visit, VisitFacts, VisitSummary, diff_values,
    new_id,
};

use encode::{Encoded, Layout};

pub use check::{CheckProblem, CheckReport};
pub use convert::{STEPS as CONVERT_STEPS, Target};
pub use erase::{Erased, new_salt};
pub use error::{Result, StoreError};
pub use import::{ImportSummary, StoredHistory, StoredRecord};
pub use importer::Importer;
pub use index::{INDEX_FILE, IndexProgress};
pub use schema::CURRENT_SCHEMA;
pub use tally::Tally;
pub use vault::{HEADER_FILE, Header, Vault, is_sealed_file, open_sealed_file};

use mark::Pending;
use tally::Kind;

/// A soft-deleted visit, kept whole until restored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrashEntry {
    pub deleted_at: DateTime<Utc>,
    pub deleted_by: String,
    pub visit: Visit,
}

/// Cheap to clone: every clone shares the one open database (the search worker reads through
/// one), and a [`Store::reopen`] through any clone serves them all.
#[derive(Clone)]
pub struct Store {
    /// sled's handles; `None` only while they are being reopened (or failed to reopen).
    live: Arc<RwLock<Option<Arc<Handles>>>>,
    path: PathBuf,
    /// Declared last: dropped after every sled handle of the last clone, so its `Drop` sees
    /// the files as sled left them (see [`fingerprint`]).
    shared: Arc<Shared>,
}

/// The open database and its trees.
pub(crate) struct Handles {
    db: sled::Db,
    meta: sled::Tree,
    visits: sled::Tree,
    summaries: sled::Tree,
    trash: sled::Tree,
    audit: sled::Tree,
    facts: sled::Tree,
    /// How values are sealed (see [`vault`]).
    vault: Vault,
}

impl Handles {
    /// The plain value stored at `key` of `tree` (named `name`).
    fn read(&self, tree: &sled::Tree, name: &str, key: &[u8]) -> Result<Option<sled::IVec>> {
        match tree.get(key).map_err(read_error)? {
            Some(raw) => self.vault.open(name, key, &raw).map(Some),
            None => Ok(None),
        }
    }

    /// `plain` as stored at `key` of `name`.
    fn seal(&self, name: &str, key: &[u8], plain: &[u8]) -> Result<sled::IVec> {
        self.vault.seal(name, key, plain)
    }
}

/// A tree inside a transaction, sealing what is written and opening what is read (see
/// [`vault`]).
pub(crate) struct Tx<'a> {
    tree: &'a TransactionalTree,
    name: &'static str,
    vault: &'a Vault,
}

impl Tx<'_> {
    /// The plain value at `key`.
    fn get(&self, key: impl AsRef<[u8]>) -> TxResult<Option<sled::IVec>> {
        let key = key.as_ref();
        match self.tree.get(key)? {
            Some(raw) => self.open(key, &raw).map(Some),
            None => Ok(None),
        }
    }

    /// The bytes at `key` as stored (sealed, in an encrypted database).
    fn get_stored(&self, key: impl AsRef<[u8]>) -> TxResult<Option<sled::IVec>> {
        Ok(self.tree.get(key.as_ref())?)
    }

    /// The plain value of `raw`, stored at `key`.
    fn open(&self, key: &[u8], raw: &sled::IVec) -> TxResult<sled::IVec> {
        self.vault
            .open(self.name, key, raw)
            .map_err(ConflictableTransactionError::Abort)
    }

    /// Stores `plain` at `key`; returns the stored bytes replaced and the new ones (`plain`
    /// itself, not a copy, in a plain database).
    fn insert(
        &self,
        key: impl AsRef<[u8]>,
        plain: &sled::IVec,
    ) -> TxResult<(Option<sled::IVec>, sled::IVec)> {
        let key = key.as_ref();
        let raw = if self.vault.is_sealed() {
            self.vault
                .seal(self.name, key, plain)
                .map_err(ConflictableTransactionError::Abort)?
        } else {
            plain.clone()
        };
        let old = self.tree.insert(key, raw.clone())?;
        Ok((old, raw))
    }

    /// Removes `key`; returns the stored bytes removed.
    fn remove(&self, key: impl AsRef<[u8]>) -> TxResult<Option<sled::IVec>> {
        Ok(self.tree.remove(key.as_ref())?)
    }
}

/// State shared by all clones of one open store.
struct Shared {
    path: PathBuf,
    /// Whether the open skipped the copy check because the files were as Pantau left them.
    fast_open: bool,
    /// Test switch: every write fails as on a full disk (see [`Store::inject_write_failure`]).
    fail_writes: std::sync::atomic::AtomicBool,
    /// Test switch: the next commit's flush fails (see [`Store::inject_flush_failure`]).
    fail_flush: AtomicBool,
    mark: mark::CommitMark,
    /// What the database holds as far as Pantau committed it (see [`tally`]).
    tally: std::sync::Mutex<Tally>,
    /// One commit at a time, so that each one's difference applies to the tally before it.
    commit_lock: std::sync::Mutex<()>,
    /// How values are sealed, for the handles a reopen makes.
    vault: Vault,
    /// [`Store::close`] was called: no more reads or writes, and no reopening.
    closed: AtomicBool,
    /// The last revision [`Store::update`] wrote, to encode the next one from, with its bytes
    /// as stored (sealed, in an encrypted database): when the stored record is still those
    /// bytes, the next commit neither opens nor decodes it.
    last: std::sync::Mutex<Option<(Encoded, sled::IVec)>>,
    /// The head hash of the log [`Store::update`] last wrote, with the visit and its revision:
    /// the next edit of the same visit follows it without reading the log.
    head: std::sync::Mutex<Option<(Uuid, u64, String)>>,
    /// A write failed in sled and the handles could not be reopened yet (see [`Store::reopen`]).
    failed: AtomicBool,
    /// sled could not close its files after a failed write: no more writes this session.
    stuck: AtomicBool,
    /// A write was asked of this store (see [`Store::check_writable`]) or it was reopened:
    /// the clean-close fingerprint must read sled's `db` file again (see
    /// [`fingerprint::record`]).
    wrote: AtomicBool,
    /// [`Store::close`] wrote the fingerprint: the last handle's drop does not again.
    recorded: AtomicBool,
}

impl Shared {
    fn new(path: &Path, fast_open: bool, tally: Tally, vault: Vault) -> Shared {
        Shared {
            vault,
            path: path.to_path_buf(),
            fast_open,
            fail_writes: std::sync::atomic::AtomicBool::new(false),
            fail_flush: AtomicBool::new(false),
            mark: mark::CommitMark::new(path),
            tally: std::sync::Mutex::new(tally),
            commit_lock: std::sync::Mutex::new(()),
            closed: AtomicBool::new(false),
            last: std::sync::Mutex::new(None),
            head: std::sync::Mutex::new(None),
            failed: AtomicBool::new(false),
            stuck: AtomicBool::new(false),
            wrote: AtomicBool::new(false),
            recorded: AtomicBool::new(false),
        }
    }
}

impl Drop for Shared {
    /// The last handle is gone and sled has flushed and closed its files: note them, so that
    /// the next open can skip the copy check.
    fn drop(&mut self) {
        // Described once: a second pass would read every file again, and would take for
        // Pantau's a byte changed by someone else since the open (see `fingerprint::record`).
        if self.recorded.load(Ordering::SeqCst) {
            return;
        }
        fingerprint::record(&self.path, self.wrote.load(Ordering::SeqCst));
    }
}

type TxResult<T> = std::result::Result<T, ConflictableTransactionError<StoreError>>;

/// How a commit learns the tally it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counting {
    /// From the records it wrote (see [`tx_put`]): the committed-field path.
    Incremental,
    /// By reading the trees again after it: imports, whose writes are many and done apart.
    Recount,
}

impl Store {
    fn new(handles: Handles, path: &Path, fast_open: bool, tally: Tally) -> Store {
        Store {
            shared: Arc::new(Shared::new(path, fast_open, tally, handles.vault.clone())),
            live: Arc::new(RwLock::new(Some(Arc::new(handles)))),
            path: path.to_path_buf(),
        }
    }

    /// What the database holds as far as Pantau committed it.
    pub fn tally(&self) -> Tally {
        *self
            .shared
            .tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// How many records a whole-tree read of `kind` may yield (see [`tally::scan`]).
    fn limit(&self, kind: Kind) -> u64 {
        self.tally().limit(kind)
    }

    /// The open handles (kept only for the length of one operation, so that a reopen can
    /// close them).
    fn h(&self) -> Result<Arc<Handles>> {
        if self.shared.stuck.load(Ordering::SeqCst) {
            return Err(StoreError::Stuck);
        }
        if self.shared.closed.load(Ordering::SeqCst) {
            return Err(StoreError::NotReopened("closed".into()));
        }
        let current = || {
            self.live
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        };
        if let Some(h) = current() {
            return Ok(h);
        }
        // Closed by a reopen that failed (the disk was still full): try again.
        self.reopen()?;
        current().ok_or_else(|| StoreError::NotReopened(String::new()))
    }

    /// Closes the database files and opens them again. After sled failed to write (a full
    /// disk), its memory holds the change the disk does not, and sled 0.34 refuses every later
    /// write, even once space is back. Reopening drops that state and takes the files as they
    /// are: everything committed before is there, the failed change is not (the app still has
    /// it on screen, to save again). Done by [`Store::commit`] itself after a failed write, and
    /// tried again before the next write until it succeeds.
    pub fn reopen(&self) -> Result<()> {
        self.shared.wrote.store(true, Ordering::SeqCst);
        let mut slot = self.live.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(mut current) = slot.take() {
            // Another thread may be reading through the handles this very moment.
            let mut tries = 0;
            loop {
                match Arc::try_unwrap(current) {
                    Ok(handles) => {
                        if !close_in_background(handles) {
                            self.shared.stuck.store(true, Ordering::SeqCst);
                            return Err(StoreError::Stuck);
                        }
                        break;
                    }
                    Err(busy) if tries < 50 => {
                        current = busy;
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    Err(busy) => {
                        *slot = Some(busy);
                        return Err(StoreError::NotReopened("busy".into()));
                    }
                }
            }
        }
        open::remove_unfinished_snapshots(&self.path);
        let mut handles = wait_for_lock(|| open::handles(&self.path))
            .map_err(|e| StoreError::NotReopened(e.to_string()))?;
        handles.vault = self.shared.vault.clone();
        // A failed write may or may not have reached the disk: count what is there now.
        if let Ok(now) = tally::count(&handles, &Tally::unbounded()) {
            self.shared.mark.write(&now, Pending::None);
            *self
                .shared
                .tally
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = now;
        }
        *slot = Some(Arc::new(handles));
        // The cached last revision (`Shared::last`) needs no reset: it is only used when its
        // bytes are the stored ones.
        self.shared.failed.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// Closes the database for every clone of this store (reads and writes fail from here
    /// on) and writes the clean-close fingerprint, so that the next start takes the fast
    /// path. Other threads (the app's search worker, its watchdog) may still hold clones at
    /// quit, which kept the last-handle `Drop` from ever running (issue 13, point 5).
    /// Returns whether sled closed its files.
    pub fn close(self) -> bool {
        self.shared.closed.store(true, Ordering::SeqCst);
        let mut slot = self.live.write().unwrap_or_else(PoisonError::into_inner);
        let Some(mut current) = slot.take() else {
            return false;
        };
        // Another thread may be reading through the handles this very moment.
        for _ in 0..100 {
            match Arc::try_unwrap(current) {
                Ok(handles) => {
                    if !close_in_background(handles) {
                        return false;
                    }
                    fingerprint::record(&self.path, self.shared.wrote.load(Ordering::SeqCst));
                    self.shared.recorded.store(true, Ordering::SeqCst);
                    return true;
                }
                Err(busy) => {
                    current = busy;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
        }
        // Still in use: left to the last handle's drop (see `Shared`).
        *slot = Some(current);
        false
    }

    /// Opens (or creates) the database at `path`. See [`open`] for the errors it maps; a lock
    /// still held after a short wait (see [`wait_for_lock`]) is "in use".
    /// An encrypted database (see [`vault`]) is refused with [`StoreError::Locked`]: see
    /// [`Store::open_with`].
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, None)
    }

    /// [`Store::open`] of a database that may be encrypted, unlocked with `passphrase`. A
    /// passphrase that does not unlock it is [`StoreError::WrongPassphrase`], found before
    /// anything in the folder is touched. A plain database opens whatever `passphrase` is.
    pub fn open_with(path: &Path, passphrase: Option<&str>) -> Result<Store> {
        let vault = open::unlock(path, passphrase)?;
        wait_for_lock(|| open::open(path, &vault))
    }

    /// Whether the database at `path` is encrypted (has a key header).
    pub fn is_encrypted_at(path: &Path) -> bool {
        matches!(vault::read_header(path), Ok(Some(_)))
    }

    /// Whether this database's values are sealed.
    pub fn is_encrypted(&self) -> bool {
        self.shared.vault.is_sealed()
    }

    /// Whether `passphrase` unlocks this open, encrypted database: its key header is read
    /// again and unwrapped as at [`Store::open_with`] (the same Argon2id check), and the key it
    /// gives must be the one this store holds. The key unwrapped for the check is zeroised when
    /// it is dropped here; the passphrase is not kept. [`StoreError::WrongPassphrase`] when it
    /// does not unlock (and for a plain database, which has no passphrase).
    pub fn check_passphrase(&self, passphrase: &str) -> Result<()> {
        let wrong = || StoreError::WrongPassphrase {
            path: self.path.clone(),
        };
        let Some(header) = vault::read_header(&self.path)? else {
            return Err(wrong());
        };
        let unlocked = Vault::unlock(&header, passphrase, &self.path)?;
        if unlocked.is_sealed() && unlocked.same_key(&self.shared.vault) {
            Ok(())
        } else {
            Err(wrong())
        }
    }

    /// Seals `bytes` with this database's key for a file named `name` (the search index, a
    /// backup); plain databases get them as they are.
    pub fn seal_file(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>> {
        self.shared
            .vault
            .seal("file", name.as_bytes(), bytes)
            .map(|v| v.to_vec())
    }

    /// `bytes` as a file that can be carried away (a backup): sealed with this database's key
    /// and carrying its key header, so that it opens with the passphrase alone (see
    /// [`vault::SEALED_FILE_MAGIC`]). Plain databases get them as they are.
    pub fn seal_portable(&self, bytes: Vec<u8>) -> Result<Vec<u8>> {
        if !self.is_encrypted() {
            return Ok(bytes);
        }
        let header = vault::read_header(&self.path)?.ok_or_else(|| StoreError::Locked {
            path: self.path.clone(),
        })?;
        self.shared.vault.seal_file(&header, &bytes)
    }

    /// The plain bytes of a file from [`Store::seal_portable`] (plain files as they are).
    pub fn open_portable(&self, bytes: Vec<u8>) -> Result<Vec<u8>> {
        if !vault::is_sealed_file(&bytes) {
            return Ok(bytes);
        }
        self.shared.vault.open_sealed_file(&bytes)
    }

    /// Creates an encrypted database in the new or empty folder `path`.
    pub fn create_encrypted(path: &Path, passphrase: &str) -> Result<Store> {
        if std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_some()) {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                detail: "the folder is not empty".into(),
            });
        }
        let (_, header) = Vault::create(passphrase)?;
        vault::write_header(path, &header)?;
        Store::open_with(path, Some(passphrase))
    }

    /// The plain bytes of a file sealed by [`Store::seal_file`] under `name`.
    pub fn open_file(&self, name: &str, bytes: Vec<u8>) -> Result<Vec<u8>> {
        if !self.is_encrypted() {
            return Ok(bytes);
        }
        self.shared
            .vault
            .open("file", name.as_bytes(), &bytes.into())
            .map(|v| v.to_vec())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this open trusted the files as Pantau closed them (fingerprint matched) instead
    /// of checking a copy first. For tests and diagnostics.
    pub fn opened_fast(&self) -> bool {
        self.shared.fast_open
    }

    /// Makes every following write fail as on a full disk or a read-only folder, until called
    /// with `false`. sled itself cannot be made to fail on demand, so tests of the "write
    /// failed, entry kept, retry" path use this.
    #[doc(hidden)]
    pub fn inject_write_failure(&self, fail: bool) {
        self.shared
            .fail_writes
            .store(fail, std::sync::atomic::Ordering::SeqCst);
    }

    /// Makes the flush of the next commit fail as on a full disk, after sled applied the
    /// transaction in memory: the path a real disk-full error takes (the store reopens itself).
    #[doc(hidden)]
    pub fn inject_flush_failure(&self) {
        self.shared.fail_flush.store(true, Ordering::SeqCst);
    }

    fn check_writable(&self) -> Result<()> {
        self.shared.wrote.store(true, Ordering::SeqCst);
        if self.shared.stuck.load(Ordering::SeqCst) {
            return Err(StoreError::Stuck);
        }
        if self.shared.failed.load(Ordering::SeqCst) {
            self.reopen()?;
        }
        if self
            .shared
            .fail_writes
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            return Err(StoreError::DiskFull);
        }
        Ok(())
    }

    /// Stores a new visit as revision 1, with a `create` audit event holding its whole content.
    pub fn create(&self, visit: &Visit, stamp: &Stamp) -> Result<Visit> {
        self.create_as(visit, stamp, new_id())
    }

    /// [`Store::create`] with a given creation event id: a visit created the same way on
    /// every laptop (the sample visit) then has the same creation event everywhere, and the
    /// laptops' later edits read as branches of one history rather than two histories.
    pub fn create_as(&self, visit: &Visit, stamp: &Stamp, event_id: Uuid) -> Result<Visit> {
        let mut v = visit.clone();
        v.revision = 1;
        v.updated = stamp.at;
        let change = FieldChange {
            path: String::new(),
            old: None,
            new: Some(content(&v)),
        };
        let mut event = self.event(&v, stamp, AuditAction::Create, "", vec![change], None, None);
        event.id = event_id;
        crate::domain::chain::seal(&mut event, Vec::new());
        let seq = self.next_seq()?;
        let key = keys::visit_key(v.id);
        self.commit_event(v.id, seq, |visits, summaries, trash, audit| {
            if visits.get(key)?.is_some() || trash.get(key)?.is_some() {
                return abort(StoreError::AlreadyExists(v.id));
            }
            put_visit(visits, summaries, &v)?;
            put_event(audit, seq, &event)
        })?;
        Ok(v)
    }

    /// Commits `visit` as the next revision of the stored one, with an audit event of the fields
    /// that changed. Returns `None` (and writes nothing) when nothing changed. Fails with
    /// [`StoreError::Stale`] when `visit` was not based on the stored revision.
    ///
    /// This runs for every committed field of an interview, so it avoids decoding the stored
    /// visit: the new revision is encoded once, and the audit diff compares the stored bytes with
    /// the new ones member by member (see [`crate::domain::diff_encoded`]).
    pub fn update(
        &self,
        visit: &Visit,
        stamp: &Stamp,
        action: AuditAction,
        reason: &str,
    ) -> Result<Option<Visit>> {
        self.update_settling(visit, stamp, action, reason, None)
    }

    /// [`Store::update`] of an event that settles a conflict (`settles`).
    fn update_settling(
        &self,
        visit: &Visit,
        stamp: &Stamp,
        action: AuditAction,
        reason: &str,
        settles: Option<crate::domain::Settlement>,
    ) -> Result<Option<Visit>> {
        let mut new = visit.clone();
        new.revision = visit.revision + 1;
        new.updated = stamp.at;
        // The event follows the log's head. Read before the transaction (which cannot scan):
        // a commit in between changes the revision, which the transaction refuses as stale.
        let cached_head = self
            .shared
            .head
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .filter(|(id, rev, _)| *id == visit.id && *rev == visit.revision)
            .map(|(_, _, h)| h);
        let head = match cached_head {
            Some(h) => Some(h),
            None => self.head_hash(visit.id)?,
        };
        if action == AuditAction::Finalise
            && let Some(f) = new.finalisation.as_mut()
            && f.chain.is_empty()
            && f.digest == crate::domain::digest(visit)
        {
            f.chain = head.clone().unwrap_or_default();
            f.digest = crate::domain::digest_chained(visit, &f.chain);
        }
        let seq = self.next_seq()?;
        let key = keys::visit_key(visit.id);
        // Taken out, not held through the commit (a failed write reopens the store from within
        // it); it is used only if its bytes are the ones stored, checked in the transaction.
        let cached = self
            .shared
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let prev = cached.as_ref().filter(|(e, _)| e.visit.id == visit.id);
        let written = self.commit_event(visit.id, seq, |visits, derived, _trash, audit| {
            let Some(stored_bytes) = visits.get_stored(key)? else {
                return abort(StoreError::NotFound(visit.id.to_string()));
            };
            let stale = |stored| {
                abort(StoreError::Stale {
                    id: visit.id,
                    stored,
                    based_on: visit.revision,
                })
            };
            let (layout, changes) = match prev.filter(|(_, stored)| *stored == stored_bytes) {
                Some((p, _)) if p.visit.revision != visit.revision => {
                    return stale(p.visit.revision);
                }
                Some((p, _)) => {
                    let layout = p.layout(&new).or_else(|e| abort(write_error(e)))?;
                    let changes = p.changes_to(&layout).or_else(|e| abort(write_error(e)))?;
                    (layout, changes)
                }
                None => {
                    let raw = visits.open(&key, &stored_bytes)?;
                    let stored = stored_revision(&key, &raw)?;
                    if stored != visit.revision {
                        return stale(stored);
                    }
                    let layout = Layout::new(&new).or_else(|e| abort(write_error(e)))?;
                    let changes = changes_between(&key, &raw, &layout.bytes)?;
                    (layout, changes)
                }
            };
            if changes.is_empty() {
                return Ok(None);
            }
            let as_stored = tx_put(visits, Kind::Visit, &key, layout.bytes.clone())?;
            put_derived(derived, &new)?;
            let event = self.event(
                &new,
                stamp,
                action,
                reason,
                changes,
                head.as_deref(),
                settles.clone(),
            );
            put_event(audit, seq, &event)?;
            Ok(Some((layout, as_stored, event.hash)))
        });
        let (keep, saved) = match written {
            Ok(Some((layout, stored, hash))) => {
                *self
                    .shared
                    .head
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some((new.id, new.revision, hash));
                let next = Encoded::from_layout(new.clone(), layout);
                (Some((next, stored)), Ok(Some(new)))
            }
            Ok(None) => (cached, Ok(None)),
            // A write reported as failed may have reached the disk after all (sled flushes as
            // it closes, during the reopen, and the disk may have had room again by then): the
            // retry then finds its own change stored as the next revision. That is a save.
            Err(StoreError::Stale { stored, .. }) if stored == visit.revision + 1 => {
                match self.get(visit.id) {
                    Ok(Some(now))
                        if crate::domain::same_content(&content(&now), &content(visit)) =>
                    {
                        (None, Ok(Some(now)))
                    }
                    _ => (
                        cached,
                        Err(StoreError::Stale {
                            id: visit.id,
                            stored,
                            based_on: visit.revision,
                        }),
                    ),
                }
            }
            Err(e) => (cached, Err(e)),
        };
        *self
            .shared
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = keep;
        saved
    }

    /// Moves a visit to the trash. Nothing is lost: [`Store::restore`] brings it back.
    pub fn delete(&self, id: Uuid, stamp: &Stamp) -> Result<()> {
        let head = self.head_hash(id)?;
        let seq = self.next_seq()?;
        let key = keys::visit_key(id);
        self.commit_event(id, seq, |visits, summaries, trash, audit| {
            let Some(raw) = visits.get(key)? else {
                return abort(StoreError::NotFound(id.to_string()));
            };
            let mut v: Visit = decode_tx(keys::VISITS, &key, &raw)?;
            v.revision += 1;
            v.updated = stamp.at;
            let entry = TrashEntry {
                deleted_at: stamp.at,
                deleted_by: stamp.actor.clone(),
                visit: v,
            };
            tx_remove(visits, Kind::Visit, &key)?;
            summaries.remove(&key)?;
            tx_put(trash, Kind::Trash, &key, encode(&entry)?.into())?;
            put_event(
                audit,
                seq,
                &self.event(
                    &entry.visit,
                    stamp,
                    AuditAction::Delete,
                    "",
                    vec![],
                    head.as_deref(),
                    None,
                ),
            )
        })
    }

    /// Brings a visit back from the trash.
    pub fn restore(&self, id: Uuid, stamp: &Stamp) -> Result<Visit> {
        let head = self.head_hash(id)?;
        let seq = self.next_seq()?;
        let key = keys::visit_key(id);
        self.commit_event(id, seq, |visits, summaries, trash, audit| {
            let Some(raw) = trash.get(key)? else {
                return abort(StoreError::NotFound(id.to_string()));
            };
            let entry: TrashEntry = decode_tx(keys::TRASH, &key, &raw)?;
            let mut v = entry.visit;
            v.revision += 1;
            v.updated = stamp.at;
            tx_remove(trash, Kind::Trash, &key)?;
            put_visit(visits, summaries, &v)?;
            put_event(
                audit,
                seq,
                &self.event(
                    &v,
                    stamp,
                    AuditAction::Restore,
                    "",
                    vec![],
                    head.as_deref(),
                    None,
                ),
            )?;
            Ok(v)
        })
    }

    pub fn get(&self, id: Uuid) -> Result<Option<Visit>> {
        let key = keys::visit_key(id);
        let h = self.h()?;
        let raw = h.read(&h.visits, keys::VISITS, &key)?;
        raw.map(|r| decode(keys::VISITS, &key, &r)).transpose()
    }

    /// Whether `id` is stored, live or in the trash.
    pub fn contains(&self, id: Uuid) -> Result<bool> {
        let key = keys::visit_key(id);
        Ok(self.h()?.visits.contains_key(key).map_err(read_error)?
            || self.h()?.trash.contains_key(key).map_err(read_error)?)
    }

    /// The live visit whose id starts with `prefix` (hyphens optional, any case).
    pub fn resolve(&self, prefix: &str) -> Result<Uuid> {
        let want: String = prefix
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_lowercase();
        if want.is_empty() {
            return Err(StoreError::NotFound(prefix.to_string()));
        }
        // A whole id is looked up, not searched for among every visit's key (and value).
        if want.len() == 32
            && let Ok(id) = Uuid::parse_str(&want)
        {
            return if self
                .h()?
                .visits
                .contains_key(keys::visit_key(id))
                .map_err(read_error)?
            {
                Ok(id)
            } else {
                Err(StoreError::NotFound(prefix.to_string()))
            };
        }
        let mut found = Vec::new();
        let limit = self.limit(Kind::Visit);
        tally::scan(&self.h()?.visits, keys::VISITS, limit, |key, _| {
            if let Some(id) = keys::id_from_key(key)
                && id.simple().to_string().starts_with(&want)
            {
                found.push(id);
            }
            Ok(())
        })?;
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(StoreError::NotFound(prefix.to_string())),
            many => Err(StoreError::Ambiguous {
                prefix: prefix.to_string(),
                count: many.len(),
            }),
        }
    }

    /// Summaries of all live visits, newest first.
    pub fn summaries(&self) -> Result<Vec<VisitSummary>> {
        let mut out = decode_all(
            &*self.h()?,
            |h| &h.summaries,
            keys::SUMMARIES,
            self.limit(Kind::Visit),
        )?;
        out.sort_by_key(|s: &VisitSummary| std::cmp::Reverse(s.sort_key()));
        Ok(out)
    }

    /// All live visits, in id order.
    pub fn visits(&self) -> Result<Vec<Visit>> {
        decode_all(
            &*self.h()?,
            |h| &h.visits,
            keys::VISITS,
            self.limit(Kind::Visit),
        )
    }

    /// The follow-up facts of all live visits, in id order. They are derived data written with
    /// every visit; when the tree does not hold one per visit (a database from before it existed,
    /// or a lost write), they are rebuilt from the visits first.
    pub fn facts(&self) -> Result<Vec<VisitFacts>> {
        let limit = self.limit(Kind::Visit);
        let count = |tree: &sled::Tree, name| {
            let mut n = 0usize;
            tally::scan(tree, name, limit, |_, _| {
                n += 1;
                Ok(())
            })
            .map(|()| n)
        };
        let h = self.h()?;
        let stale = count(&h.facts, keys::FACTS)? != count(&h.visits, keys::VISITS)?;
        drop(h);
        if stale {
            self.rebuild_facts()?;
        }
        decode_all(&*self.h()?, |h| &h.facts, keys::FACTS, limit)
    }

    /// Rewrites the follow-up facts from the visits.
    pub fn rebuild_facts(&self) -> Result<()> {
        self.rebuild_derived(false, true)
    }

    /// Rewrites the list summaries (`summaries`) and/or the follow-up facts (`facts`) from the
    /// visits, as one transaction, after which the tally is counted again (see [`tally`]): a
    /// rebuild follows damage or a database from before a tree existed, so what the records
    /// held before is not a base to add a difference to.
    fn rebuild_derived(&self, summaries: bool, facts: bool) -> Result<()> {
        self.shared.wrote.store(true, Ordering::SeqCst);
        let visits = self.visits()?;
        let keys_of = |tree: &sled::Tree, name, kind| -> Result<Vec<sled::IVec>> {
            let mut out = Vec::new();
            tally::scan(tree, name, self.limit(kind), |k, _| {
                out.push(k.clone());
                Ok(())
            })?;
            Ok(out)
        };
        let h = self.h()?;
        let live: std::collections::HashSet<[u8; 16]> =
            visits.iter().map(|v| keys::visit_key(v.id)).collect();
        let mut stale: Vec<(Kind, sled::IVec)> = Vec::new();
        let mut planned: Vec<(Kind, [u8; 16], sled::IVec)> = Vec::new();
        let mut plan = |on: bool,
                        tree: &sled::Tree,
                        name,
                        kind,
                        bytes: &dyn Fn(&Visit) -> Result<Vec<u8>>|
         -> Result<()> {
            if !on {
                return Ok(());
            }
            for k in keys_of(tree, name, kind)? {
                if !<[u8; 16]>::try_from(k.as_ref()).is_ok_and(|k| live.contains(&k)) {
                    stale.push((kind, k));
                }
            }
            for v in &visits {
                planned.push((kind, keys::visit_key(v.id), bytes(v)?.into()));
            }
            Ok(())
        };
        let json = |e: serde_json::Error| StoreError::Write(e.to_string());
        plan(
            summaries,
            &h.summaries,
            keys::SUMMARIES,
            Kind::Summary,
            &|v| serde_json::to_vec(&VisitSummary::from(v)).map_err(json),
        )?;
        plan(facts, &h.facts, keys::FACTS, Kind::Fact, &|v| {
            serde_json::to_vec(&VisitFacts::from(v)).map_err(json)
        })?;
        drop(h);
        drop(visits);
        fn tree<'a>(d: &Derived<'a>, kind: Kind) -> &'a Tx<'a> {
            match kind {
                Kind::Summary => d.summaries,
                _ => d.facts,
            }
        }
        self.commit(0, Counting::Recount, |_, derived, _, _| {
            for (kind, k) in &stale {
                tx_remove(tree(derived, *kind), *kind, k)?;
            }
            for (kind, k, bytes) in &planned {
                tx_put(tree(derived, *kind), *kind, k, bytes.clone())?;
            }
            Ok(())
        })
    }

    /// The trash, most recently deleted first.
    pub fn trash(&self) -> Result<Vec<TrashEntry>> {
        let mut out: Vec<TrashEntry> = decode_all(
            &*self.h()?,
            |h| &h.trash,
            keys::TRASH,
            self.limit(Kind::Trash),
        )?;
        out.sort_by_key(|e| std::cmp::Reverse(e.deleted_at));
        Ok(out)
    }

    /// The audit events of one visit, oldest first.
    pub fn audit(&self, id: Uuid) -> Result<Vec<AuditEvent>> {
        let mut out = Vec::new();
        let limit = self.limit(Kind::Event);
        let h = self.h()?;
        tally::scan_prefix(
            &h.audit,
            keys::AUDIT,
            &keys::visit_key(id),
            limit,
            |k, v| {
                out.push(decode(keys::AUDIT, k, &h.vault.open(keys::AUDIT, k, v)?)?);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Remembers where the auditor is in a visit's interview (section and row). Not audited and
    /// not flushed on its own: the next committed save flushes it along.
    pub fn set_position(&self, id: Uuid, section: usize, row: usize) -> Result<()> {
        self.check_writable()?;
        let mut v = [0u8; 8];
        v[..4].copy_from_slice(&u32::try_from(section).unwrap_or(u32::MAX).to_be_bytes());
        v[4..].copy_from_slice(&u32::try_from(row).unwrap_or(u32::MAX).to_be_bytes());
        let h = self.h()?;
        let slot = keys::position_slot(id);
        let sealed = h.seal(keys::META, &slot, &v)?;
        let written = h.meta.insert(slot, sealed);
        drop(h);
        written.map(|_| ()).map_err(|e| self.write_failed(e))
    }

    /// Where the auditor last was in a visit's interview.
    pub fn position(&self, id: Uuid) -> Option<(usize, usize)> {
        let h = self.h().ok()?;
        let raw = h
            .read(&h.meta, keys::META, &keys::position_slot(id))
            .ok()??;
        let section = u32::from_be_bytes(raw.get(..4)?.try_into().ok()?);
        let row = u32::from_be_bytes(raw.get(4..8)?.try_into().ok()?);
        Some((section as usize, row as usize))
    }

    /// Rebuilds the list summaries from the visits (they are derived data), e.g. after
    /// `pantau check` reported them out of date.
    pub fn rebuild_summaries(&self) -> Result<()> {
        self.rebuild_derived(true, true)
    }

    /// Writes anything not yet on disk (commits already flush; this covers the interview position).
    pub fn flush(&self) -> Result<()> {
        let h = self.h()?;
        let flushed = h.db.flush();
        drop(h);
        match flushed {
            Ok(_) => Ok(()),
            Err(e) => Err(self.write_failed(e)),
        }
    }

    /// How much space the database takes on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        self.h().map_or(0, |h| h.db.size_on_disk().unwrap_or(0))
    }

    /// The hash of the newest event of a visit's log: what its next event follows. Read from
    /// the front of the stored event (`hash` is its first member), without parsing the rest: a
    /// creation holds the whole visit.
    fn head_hash(&self, id: Uuid) -> Result<Option<String>> {
        let h = self.h()?;
        let last = h
            .audit
            .scan_prefix(keys::visit_key(id))
            .next_back()
            .transpose()
            .map_err(read_error)?;
        let Some((k, raw)) = last else {
            return Ok(None);
        };
        let raw = h.vault.open(keys::AUDIT, &k, &raw)?;
        const FRONT: &[u8] = b"{\"hash\":\"";
        if let Some(hex) = raw.get(FRONT.len()..FRONT.len() + 64)
            && raw.starts_with(FRONT)
            && raw.get(FRONT.len() + 64) == Some(&b'"')
            && hex.iter().all(u8::is_ascii_hexdigit)
        {
            return Ok(Some(String::from_utf8_lossy(hex).into_owned()));
        }
        let e: AuditEvent = decode(keys::AUDIT, &k, &raw)?;
        Ok(Some(if e.hash.is_empty() {
            crate::domain::chain::event_hash(&e)
        } else {
            e.hash
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &self,
        v: &Visit,
        stamp: &Stamp,
        action: AuditAction,
        reason: &str,
        changes: Vec<FieldChange>,
        follows: Option<&str>,
        settles: Option<crate::domain::Settlement>,
    ) -> AuditEvent {
        let mut e = AuditEvent {
            hash: String::new(),
            id: new_id(),
            visit: v.id,
            at: stamp.at,
            actor: stamp.actor.clone(),
            action,
            revision: v.revision,
            reason: reason.to_string(),
            changes,
            branches: Vec::new(),
            follows: Vec::new(),
            settles,
            redaction: None,
        };
        crate::domain::chain::seal(&mut e, follows.map(str::to_string).into_iter().collect());
        e
    }

    fn next_seq(&self) -> Result<u64> {
        self.check_writable()?;
        let h = self.h()?;
        // sled persists its id counter now and then, so this can be the write that fails.
        let id = h.db.generate_id();
        drop(h);
        id.map_err(|e| self.write_failed(e))
    }

    /// Runs `f` as one transaction over the visit trees, then flushes, and notes the tally
    /// the commit leaves in the commit mark (see [`mark`]). `f` writes the records the tally
    /// counts through [`tx_put`] and [`tx_remove`], so the difference it makes is known
    /// without reading anything else. `f` may run more than once (sled retries on conflict),
    /// so it must have no side effects.
    fn commit_event<T>(
        &self,
        _visit: Uuid,
        _seq: u64,
        f: impl Fn(&Tx, &Derived, &Tx, &Tx) -> TxResult<T>,
    ) -> Result<T> {
        self.commit(0, Counting::Incremental, f)
    }

    /// [`Store::commit_event`] for an import: the same transaction also ends a bulk import that
    /// wrote `notes` batches (see [`pending`]); its records are counted afresh after it.
    fn commit_event_ending<T>(
        &self,
        _visit: Uuid,
        _seq: u64,
        notes: u32,
        f: impl Fn(&Tx, &Derived, &Tx, &Tx) -> TxResult<T>,
    ) -> Result<T> {
        self.commit(notes, Counting::Recount, f)
    }

    /// Runs `f` as one transaction over the visit trees, then flushes. The transaction also
    /// ends a bulk import that wrote `notes` batches (see [`pending`]).
    /// `f` may run more than once (sled retries on conflict), so it must have no side effects.
    fn commit<T>(
        &self,
        notes: u32,
        counting: Counting,
        f: impl Fn(&Tx, &Derived, &Tx, &Tx) -> TxResult<T>,
    ) -> Result<T> {
        self.check_writable()?;
        let _one_at_a_time = self
            .shared
            .commit_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let before = self.tally();
        let h = self.h()?;
        let trees = (
            &h.visits,
            &h.summaries,
            &h.trash,
            &h.audit,
            &h.facts,
            &h.meta,
        );
        if counting == Counting::Recount {
            self.shared.mark.write(&before, Pending::Any);
        }
        let delta = std::cell::Cell::new(Tally::default());
        let vault = &h.vault;
        fn tx<'a>(tree: &'a TransactionalTree, name: &'static str, vault: &'a Vault) -> Tx<'a> {
            Tx { tree, name, vault }
        }
        let out = match trees.transaction(|(v, s, t, a, x, m)| {
            for n in 0..notes {
                m.remove(pending::note_key(n))?;
            }
            tally::begin_attempt();
            let out = f(
                &tx(v, keys::VISITS, vault),
                &Derived {
                    summaries: &tx(s, keys::SUMMARIES, vault),
                    facts: &tx(x, keys::FACTS, vault),
                },
                &tx(t, keys::TRASH, vault),
                &tx(a, keys::AUDIT, vault),
            );
            let d = tally::end_attempt().unwrap_or_default();
            if out.is_ok() && counting == Counting::Incremental && d != Tally::default() {
                delta.set(d);
                // Before sled applies it (and its flusher may write it out): a process killed
                // from here on leaves either state, and the mark names both.
                self.shared
                    .mark
                    .write(&before, Pending::Tally(before.plus(&d)));
            }
            out
        }) {
            Ok(out) => out,
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => {
                drop(h);
                return Err(self.write_failed(e));
            }
        };
        let flushed = if self.shared.fail_flush.swap(false, Ordering::SeqCst) {
            Err(sled::Error::Io(std::io::ErrorKind::StorageFull.into()))
        } else {
            h.db.flush().map(|_| ())
        };
        if let Err(e) = flushed {
            drop(h);
            return Err(self.write_failed(e));
        }
        let after = match counting {
            Counting::Incremental if delta.get() == Tally::default() => return Ok(out),
            Counting::Incremental => before.plus(&delta.get()),
            Counting::Recount => match tally::count(&h, &Tally::unbounded()) {
                Ok(t) => t,
                // The mark stays "import ending": the next open checks the log's length only.
                Err(_) => return Ok(out),
            },
        };
        self.shared.mark.write(&after, Pending::None);
        *self
            .shared
            .tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = after;
        Ok(out)
    }

    /// A write sled could not do. Its memory may now hold what the disk does not, so the handles
    /// are reopened (see [`Store::reopen`]); if that fails too, the next write tries again.
    fn write_failed(&self, e: sled::Error) -> StoreError {
        self.shared.failed.store(true, Ordering::SeqCst);
        let _ = self.reopen();
        StoreError::from_write(&e, &self.path)
    }
}

/// The visit as compared for the audit log: without the bookkeeping the store itself sets.
pub fn content(v: &Visit) -> Value {
    crate::domain::merge::content(v)
}

fn abort<T>(e: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

fn encode<T: Serialize>(value: &T) -> TxResult<Vec<u8>> {
    serde_json::to_vec(value).or_else(|e| abort(StoreError::Write(e.to_string())))
}

/// The trees derived from a visit, written in the same transaction as the visit.
struct Derived<'a> {
    summaries: &'a Tx<'a>,
    facts: &'a Tx<'a>,
}

impl Derived<'_> {
    fn remove(&self, key: &[u8; 16]) -> TxResult<()> {
        tx_remove(self.summaries, Kind::Summary, key)?;
        tx_remove(self.facts, Kind::Fact, key)?;
        Ok(())
    }
}

fn put_visit(visits: &Tx, derived: &Derived, v: &Visit) -> TxResult<()> {
    tx_put(
        visits,
        Kind::Visit,
        &keys::visit_key(v.id),
        encode(v)?.into(),
    )?;
    put_derived(derived, v)
}

/// Inserts a record the tally counts, noting the difference (see [`tally::record`]).
/// `value` is the plain value; the tally notes the bytes stored (sealed, in an encrypted
/// database), as a full count reads them. Gives those bytes.
fn tx_put(tree: &Tx, kind: Kind, key: &[u8], value: sled::IVec) -> TxResult<sled::IVec> {
    let (old, stored) = tree.insert(key, &value)?;
    tally::record(kind, key, old.as_deref(), Some(&stored));
    Ok(stored)
}

/// Removes a record the tally counts, noting the difference.
fn tx_remove(tree: &Tx, kind: Kind, key: &[u8]) -> TxResult<()> {
    let old = tree.remove(key)?;
    tally::record(kind, key, old.as_deref(), None);
    Ok(())
}

fn put_derived(derived: &Derived, v: &Visit) -> TxResult<()> {
    let key = keys::visit_key(v.id);
    let summary = encode(&VisitSummary::from(v))?;
    tx_put(derived.summaries, Kind::Summary, &key, summary.into())?;
    let facts = encode(&VisitFacts::from(v))?;
    tx_put(derived.facts, Kind::Fact, &key, facts.into())?;
    Ok(())
}

/// The revision of a stored visit, read without decoding the rest of it.
fn stored_revision(key: &[u8], raw: &[u8]) -> TxResult<u64> {
    #[derive(Deserialize)]
    struct Revision {
        #[serde(default)]
        revision: u64,
    }
    let r: Revision = decode_tx(keys::VISITS, key, raw)?;
    Ok(r.revision)
}

/// The audit changes from the stored visit `old` to the encoded new revision: what
/// `diff_values(content(old), content(new))` gives, without decoding either whole.
fn changes_between(key: &[u8], old: &[u8], new: &[u8]) -> TxResult<Vec<FieldChange>> {
    if let Ok(changes) = encode::changes(old, new) {
        return Ok(changes);
    }
    let old: Visit = decode_tx(keys::VISITS, key, old)?;
    let new: Visit = decode_tx(keys::VISITS, key, new)?;
    Ok(diff_values(&content(&old), &content(&new)))
}

fn put_event(audit: &Tx, seq: u64, e: &AuditEvent) -> TxResult<()> {
    tx_put(
        audit,
        Kind::Event,
        &keys::audit_key(e.visit, seq),
        encode(e)?.into(),
    )?;
    Ok(())
}

fn decode<T: DeserializeOwned>(tree: &str, key: &[u8], raw: &[u8]) -> Result<T> {
    serde_json::from_slice(raw).map_err(|e| StoreError::Decode {
        key: keys::describe(tree, key),
        detail: e.to_string(),
    })
}

fn decode_tx<T: DeserializeOwned>(tree: &str, key: &[u8], raw: &[u8]) -> TxResult<T> {
    decode(tree, key, raw).map_err(ConflictableTransactionError::Abort)
}

/// Every record of `tree`, decoded; at most `limit` of them (see [`tally::scan`]).
fn decode_all<T: DeserializeOwned>(
    h: &Handles,
    tree: impl Fn(&Handles) -> &sled::Tree,
    name: &str,
    limit: u64,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    tally::scan(tree(h), name, limit, |k, v| {
        out.push(decode(name, k, &h.vault.open(name, k, v)?)?);
        Ok(())
    })?;
    Ok(out)
}

/// Runs `open` until sled's lock is free, for at most 1.5 s: sled lets go of its lock from a
/// background thread after a close, so a lock held right now may be this process's own
/// database being closed (a restore, a quick reopen).
fn wait_for_lock<T>(open: impl Fn() -> Result<T>) -> Result<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
    loop {
        match open() {
            Err(StoreError::InUse { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other,
        }
    }
}

/// Closes sled's handles on a thread of their own, waiting for it a little. Closing flushes,
/// and after some failed writes (a value too big for the space left) sled's flush waits for
/// ever; on the caller's thread that froze the whole app. Worse, the stuck close holds a lock
/// that sled shares between all its databases in the process, so any later transaction would
/// freeze too: a store whose close got stuck takes no more writes (see [`StoreError::Stuck`]).
/// Returns whether they closed.
pub(super) fn close_in_background(handles: Handles) -> bool {
    let (done, closed) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pantau-close".into())
        .spawn(move || {
            drop(handles);
            let _ = done.send(());
        });
    spawned.is_ok()
        && closed
            .recv_timeout(std::time::Duration::from_secs(2))
            .is_ok()
}

fn write_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Write(e.to_string())
}

fn read_error(e: sled::Error) -> StoreError {
    // After a write failed on a full disk, sled answers reads with that error too: say what
    // the user can do about it rather than "cannot read a record".
    if let StoreError::DiskFull = StoreError::from_write(&e, Path::new("")) {
        return StoreError::DiskFull;
    }
    // sled found its own pages damaged: that is damage (exit 2, the way back), not a record
    // that a newer or older Pantau wrote differently.
    if let sled::Error::Corruption { .. } = e {
        return StoreError::Corrupt {
            detail: e.to_string(),
        };
    }
    StoreError::Decode {
        key: String::new(),
        detail: e.to_string(),
    }
}
