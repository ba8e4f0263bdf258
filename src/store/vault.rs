//! Encryption of what the store writes (issue 20): the vault.
//!
//! An encrypted database has a random 32-byte data key. Every value the store writes to sled
//! is sealed with it, XChaCha20-Poly1305 with a random 24-byte nonce and, as associated data,
//! the tree's name and the record's key: a value copied to another key or tree does not open.
//! Sealed value: `0x01` (format) ++ nonce (24) ++ ciphertext with its 16-byte tag.
//! Keys stay plain: they are visit ids and sequence numbers only (see [`super::keys`]).
//!
//! The data key is kept wrapped in a header file beside sled's files, [`HEADER_FILE`] (plain
//! JSON: format, Argon2id parameters, salt, nonce, wrapped key). The wrapping key is derived
//! from the passphrase with Argon2id; changing the passphrase rewraps the data key only. The
//! parameters are in the header so that they can be raised later. Keys are held in
//! [`Zeroizing`] buffers and cipher values that zeroize on drop.
//! No cryptography is written here: RustCrypto's `chacha20poly1305` and `argon2` do it all.
//!
//! With no vault ([`Vault::plain`]) every value is stored and read as before, byte for byte.

use std::path::Path;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, AeadInOut, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Result, StoreError};

/// The first line of a sealed file (a backup of an encrypted database): the header follows on
/// the second line, then the sealed body. The header travels with the file, so that a backup
/// restores with the passphrase alone, when the database itself is lost.
pub const SEALED_FILE_MAGIC: &[u8] = b"PANTAU-SEALED 1\n";

/// Whether `bytes` are a sealed file (see [`SEALED_FILE_MAGIC`]).
pub fn is_sealed_file(bytes: &[u8]) -> bool {
    bytes.starts_with(SEALED_FILE_MAGIC)
}

/// The header and sealed body of a sealed file.
fn split_sealed(bytes: &[u8]) -> Option<(Header, &[u8])> {
    let rest = bytes.strip_prefix(SEALED_FILE_MAGIC)?;
    let end = rest.iter().position(|b| *b == b'\n')?;
    let header = serde_json::from_slice(&rest[..end]).ok()?;
    Some((header, &rest[end + 1..]))
}

/// The header of an encrypted database, in its folder.
pub const HEADER_FILE: &str = "pantau-vault.json";

/// The first byte of a sealed value (and of a sealed file's body).
const FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// What the wrapped data key is bound to.
const WRAP_AAD: &[u8] = b"pantau-vault-v1 data key";

/// Argon2id cost of new headers: 46 MiB, 2 passes, 1 lane (OWASP's first choice for Argon2id
/// raised a step), about a quarter of a second on a field laptop.
const M_KIB: u32 = 46 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// The header file: how to get the data key from the passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    /// Always "argon2id".
    pub kdf: String,
    pub m_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    /// Hex.
    pub salt: String,
    /// Hex: the nonce the data key was wrapped with.
    pub nonce: String,
    /// Hex: the data key sealed with the passphrase's key (XChaCha20-Poly1305).
    pub wrapped: String,
}

struct Cipher {
    aead: XChaCha20Poly1305,
    /// The data key itself, kept to rewrap it under a new passphrase.
    key: Zeroizing<[u8; 32]>,
}

/// How values are stored: plain, or sealed with a data key. Cheap to clone.
#[derive(Clone, Default)]
pub struct Vault(Option<Arc<Cipher>>);

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Vault(sealed)"
        } else {
            "Vault(plain)"
        })
    }
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>> {
    <[u8; N]>::try_generate()
        .map(Zeroizing::new)
        .map_err(|e| StoreError::Write(format!("no randomness from the system: {e}")))
}

fn aad(tree: &str, key: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(tree.len() + 1 + key.len());
    a.extend_from_slice(tree.as_bytes());
    a.push(0);
    a.extend_from_slice(key);
    a
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn bad_header(detail: &str) -> StoreError {
    StoreError::Corrupt {
        detail: format!("{HEADER_FILE}: {detail}"),
    }
}

/// The key the passphrase gives under `h`'s parameters.
fn derive(h: &Header, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(h.m_kib, h.t_cost, h.p_cost, Some(32))
        .map_err(|e| bad_header(&e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| bad_header(&e.to_string()))?;
    Ok(out)
}

impl Vault {
    /// Values stored as they are.
    pub fn plain() -> Vault {
        Vault(None)
    }

    pub fn is_sealed(&self) -> bool {
        self.0.is_some()
    }

    fn from_key(key: Zeroizing<[u8; 32]>) -> Vault {
        let aead = XChaCha20Poly1305::new(&Key::from(*key));
        Vault(Some(Arc::new(Cipher { aead, key })))
    }

    /// A new random data key, and its header for `passphrase`.
    pub fn create(passphrase: &str) -> Result<(Vault, Header)> {
        let vault = Vault::from_key(random::<32>()?);
        let header = vault.wrap(passphrase)?;
        Ok((vault, header))
    }

    /// The header that unwraps this vault's data key with `passphrase` (a fresh salt and
    /// nonce, today's parameters). A plain vault has none.
    pub fn wrap(&self, passphrase: &str) -> Result<Header> {
        let Some(c) = &self.0 else {
            return Err(StoreError::Write("a plain database has no key".into()));
        };
        let salt = random::<16>()?;
        let nonce = random::<NONCE_LEN>()?;
        let mut h = Header {
            format: 1,
            kdf: "argon2id".into(),
            m_kib: M_KIB,
            t_cost: T_COST,
            p_cost: P_COST,
            salt: hex(salt.as_ref()),
            nonce: hex(nonce.as_ref()),
            wrapped: String::new(),
        };
        let kek = derive(&h, passphrase, salt.as_ref())?;
        let wrapper = XChaCha20Poly1305::new(&Key::from(*kek));
        let wrapped = wrapper
            .encrypt(
                &XNonce::from(*nonce),
                Payload {
                    msg: c.key.as_ref(),
                    aad: WRAP_AAD,
                },
            )
            .map_err(|_| StoreError::Write("the key could not be wrapped".into()))?;
        h.wrapped = hex(&wrapped);
        Ok(h)
    }

    /// The vault `header` gives for `passphrase`; [`StoreError::WrongPassphrase`] when it
    /// does not unwrap.
    pub fn unlock(header: &Header, passphrase: &str, path: &Path) -> Result<Vault> {
        if header.format != 1 || header.kdf != "argon2id" {
            return Err(bad_header("unknown format"));
        }
        let salt = unhex(&header.salt).ok_or_else(|| bad_header("salt"))?;
        let nonce = unhex(&header.nonce)
            .and_then(|n| XNonce::try_from(&n[..]).ok())
            .ok_or_else(|| bad_header("nonce"))?;
        let wrapped = unhex(&header.wrapped).ok_or_else(|| bad_header("key"))?;
        let kek = derive(header, passphrase, &salt)?;
        let wrapper = XChaCha20Poly1305::new(&Key::from(*kek));
        let key = wrapper
            .decrypt(
                &nonce,
                Payload {
                    msg: &wrapped,
                    aad: WRAP_AAD,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| StoreError::WrongPassphrase {
                path: path.to_path_buf(),
            })?;
        let key: [u8; 32] = key
            .as_slice()
            .try_into()
            .map_err(|_| bad_header("key length"))?;
        Ok(Vault::from_key(Zeroizing::new(key)))
    }

    /// Whether `other` holds the same data key as this vault (both plain counts as the same).
    pub fn same_key(&self, other: &Vault) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => *a.key == *b.key,
            _ => false,
        }
    }

    /// `plain` as stored under `tree`/`key`. Sealed in the buffer that becomes the record:
    /// one copy of the plain bytes, not three (the cipher's own output, then the record).
    pub fn seal(&self, tree: &str, key: &[u8], plain: &[u8]) -> Result<sled::IVec> {
        let Some(c) = &self.0 else {
            return Ok(sled::IVec::from(plain));
        };
        let nonce = XNonce::try_generate()
            .map_err(|e| StoreError::Write(format!("no randomness from the system: {e}")))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plain.len() + TAG_LEN);
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        let tag = c
            .aead
            .encrypt_inout_detached(&nonce, &aad(tree, key), (&mut out[1 + NONCE_LEN..]).into())
            .map_err(|_| StoreError::Write(format!("{tree}: a value could not be sealed")))?;
        out.extend_from_slice(&tag);
        Ok(out.into())
    }

    /// The plain value of `raw`, stored under `tree`/`key`. A sealed value that does not open
    /// (changed, or moved from another key) is damage.
    pub fn open(&self, tree: &str, key: &[u8], raw: &sled::IVec) -> Result<sled::IVec> {
        if self.0.is_none() {
            return Ok(raw.clone());
        }
        let mut out = Vec::with_capacity(raw.len());
        self.open_into(tree, key, raw, &mut out)?;
        Ok(out.into())
    }

    /// Appends the plain value of `raw` (stored under `tree`/`key`) to `out`, opened where it
    /// lands: an export of thousands of records touches each byte once, with no buffer per
    /// record. On damage `out` is left as it was.
    pub fn open_into(&self, tree: &str, key: &[u8], raw: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let Some(c) = &self.0 else {
            out.extend_from_slice(raw);
            return Ok(());
        };
        let damaged = || StoreError::Corrupt {
            detail: format!(
                "{} does not open with this database's key",
                super::keys::describe(tree, key)
            ),
        };
        if raw.len() < 1 + NONCE_LEN + TAG_LEN || raw[0] != FORMAT {
            return Err(damaged());
        }
        let nonce = XNonce::try_from(&raw[1..1 + NONCE_LEN]).map_err(|_| damaged())?;
        let (body, tag) = raw[1 + NONCE_LEN..].split_at(raw.len() - 1 - NONCE_LEN - TAG_LEN);
        let tag = Tag::try_from(tag).map_err(|_| damaged())?;
        let start = out.len();
        out.extend_from_slice(body);
        let opened = c.aead.decrypt_inout_detached(
            &nonce,
            &aad(tree, key),
            (&mut out[start..]).into(),
            &tag,
        );
        if opened.is_err() {
            out.truncate(start);
            return Err(damaged());
        }
        Ok(())
    }
}

impl Vault {
    /// `bytes` as a sealed file carrying `header` (see [`SEALED_FILE_MAGIC`]).
    pub fn seal_file(&self, header: &Header, bytes: &[u8]) -> Result<Vec<u8>> {
        let line = serde_json::to_vec(header).map_err(|e| StoreError::Write(e.to_string()))?;
        let body = self.seal("sealed-file", b"", bytes)?;
        let mut out = Vec::with_capacity(SEALED_FILE_MAGIC.len() + line.len() + 1 + body.len());
        out.extend_from_slice(SEALED_FILE_MAGIC);
        out.extend_from_slice(&line);
        out.push(b'\n');
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// The plain bytes of a sealed file, opened with this vault's key.
    pub fn open_sealed_file(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        let (_, body) = split_sealed(bytes).ok_or_else(|| StoreError::Corrupt {
            detail: "not a sealed Pantau file".into(),
        })?;
        self.open("sealed-file", b"", &body.into())
            .map(|v| v.to_vec())
    }
}

/// The plain bytes of the sealed file `bytes` (at `path`), with the passphrase of the
/// database it was written from.
pub fn open_sealed_file(bytes: &[u8], passphrase: &str, path: &Path) -> Result<Vec<u8>> {
    let (header, _) = split_sealed(bytes).ok_or_else(|| StoreError::Corrupt {
        detail: format!("{}: not a sealed Pantau file", path.display()),
    })?;
    Vault::unlock(&header, passphrase, path)?.open_sealed_file(bytes)
}

/// The header of the database at `path`, if it is encrypted.
pub fn read_header(path: &Path) -> Result<Option<Header>> {
    let file = path.join(HEADER_FILE);
    match std::fs::read(&file) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| bad_header(&e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::Io {
            path: file,
            detail: e.to_string(),
        }),
    }
}

/// Writes the header of the database at `path`: to a temporary file, synced, renamed over.
pub fn write_header(path: &Path, header: &Header) -> Result<()> {
    let file = path.join(HEADER_FILE);
    let io = |e: std::io::Error| StoreError::Io {
        path: file.clone(),
        detail: e.to_string(),
    };
    let bytes = serde_json::to_vec_pretty(header).map_err(|e| StoreError::Write(e.to_string()))?;
    crate::private_fs::ensure_private_dir(path).map_err(io)?;
    let tmp = path.join(format!("{HEADER_FILE}.tmp"));
    write_synced(&tmp, &bytes).map_err(io)?;
    std::fs::rename(&tmp, &file).map_err(io)?;
    sync_dir(path);
    Ok(())
}

/// Writes `bytes` to `path` (owner-only on Unix) and syncs it.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Makes renames in `dir` durable where the platform allows it.
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_under_its_own_tree_and_key_and_with_its_key() {
        let (vault, header) = Vault::create("kata sandi").unwrap();
        let sealed = vault.seal("visits", b"k1", b"Sebayang").unwrap();
        assert!(!sealed.windows(8).any(|w| w == b"Sebayang"));
        assert_eq!(
            vault.open("visits", b"k1", &sealed).unwrap(),
            b"Sebayang"[..]
        );
        assert!(vault.open("visits", b"k2", &sealed).is_err());
        assert!(vault.open("trash", b"k1", &sealed).is_err());
        let mut flipped = sealed.to_vec();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(vault.open("visits", b"k1", &flipped.into()).is_err());
        // Two seals of the same value differ (random nonces).
        assert_ne!(sealed, vault.seal("visits", b"k1", b"Sebayang").unwrap());
        let again = Vault::unlock(&header, "kata sandi", Path::new("x")).unwrap();
        assert_eq!(
            again.open("visits", b"k1", &sealed).unwrap(),
            b"Sebayang"[..]
        );
        assert!(matches!(
            Vault::unlock(&header, "salah", Path::new("x")),
            Err(StoreError::WrongPassphrase { .. })
        ));
        // A new passphrase rewraps the same data key.
        let rewrapped = again.wrap("baru").unwrap();
        let third = Vault::unlock(&rewrapped, "baru", Path::new("x")).unwrap();
        assert_eq!(
            third.open("visits", b"k1", &sealed).unwrap(),
            b"Sebayang"[..]
        );
        // The same data key, however it was unwrapped; another database's key is not.
        assert!(third.same_key(&vault));
        assert!(!Vault::create("kata sandi").unwrap().0.same_key(&vault));
        assert!(!Vault::plain().same_key(&vault));
        // No vault: stored as it is.
        let plain = Vault::plain();
        assert_eq!(plain.seal("visits", b"k", b"x").unwrap(), b"x"[..]);
    }

    #[test]
    fn open_into_appends_the_plain_value_and_leaves_the_buffer_as_it_was_on_damage() {
        let (vault, _) = Vault::create("kata sandi").unwrap();
        let sealed = vault
            .seal("audit", b"k1", b"{\"by\":\"Sebayang\"}")
            .unwrap();
        let mut out = b"[".to_vec();
        vault.open_into("audit", b"k1", &sealed, &mut out).unwrap();
        assert_eq!(out, b"[{\"by\":\"Sebayang\"}");
        let mut flipped = sealed.to_vec();
        flipped[30] ^= 1;
        for (key, raw) in [
            (&b"k1"[..], &flipped[..]),
            (b"k2", &sealed[..]),
            (b"k1", &sealed[..10]),
            (b"k1", &[][..]),
        ] {
            let mut out = b"[".to_vec();
            assert!(vault.open_into("audit", key, raw, &mut out).is_err());
            assert_eq!(out, b"[", "a failed open leaves the buffer as it was");
        }
        let mut out = Vec::new();
        Vault::plain()
            .open_into("audit", b"k1", b"plain", &mut out)
            .unwrap();
        assert_eq!(out, b"plain");
    }
}
