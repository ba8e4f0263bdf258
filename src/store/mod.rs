//! The sled store: the only module that knows trees, keys and encodings.
//!
//! Every write is one sled transaction over the trees it touches — the visit, its list summary
//! and its audit event together — followed by `flush()` before the call returns, so a committed
//! change survives a killed process.

mod check;
mod commit;
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
mod read;
mod schema;
mod tally;
mod vault;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use uuid::Uuid;

use crate::domain::{Visit, new_id};

use encode::Encoded;

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

pub use commit::content;
use commit::decode;
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
