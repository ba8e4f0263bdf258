//! Encrypted bundles (issue 20): a bundle sealed with `age` (<https://age-encryption.org/v1>),
//! to a passphrase (scrypt) or to the public keys of its readers (X25519, `age1…`).
//!
//! The file is a standard binary age file whose plaintext is the bundle JSON, byte for byte as
//! `pantau export --format json` writes it; `age -d` opens it as well as `pantau import`. A
//! laptop that seals to the central office's public key cannot read the bundle back: only the
//! holder of the identity (`AGE-SECRET-KEY-1…`) can. No cryptography is written here.

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use crate::i18n::{Lang, tf};

/// How an age file starts (the binary form; Pantau writes no armour but reads it).
const MAGIC: &[u8] = b"age-encryption.org/v1\n";
const ARMOR: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// Whether `bytes` are an age file.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC) || bytes.starts_with(ARMOR)
}

/// Whether the age file `bytes` is sealed to a passphrase (else to public keys).
pub fn needs_passphrase(bytes: &[u8]) -> bool {
    reader(bytes).is_ok_and(|d| d.is_scrypt())
}

/// Whom a bundle is sealed for.
pub enum Seal {
    /// Whoever knows this passphrase.
    Passphrase(Zeroizing<String>),
    /// The holders of these identities (at least one).
    Recipients(Vec<age::x25519::Recipient>),
}

/// What may open sealed bundles: a passphrase, identities, or both.
#[derive(Default)]
pub struct Keys {
    pub passphrase: Option<Zeroizing<String>>,
    pub identities: Vec<age::x25519::Identity>,
}

/// Why a sealed bundle does not open, or a seal cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealError {
    /// Sealed to a passphrase and none was given.
    NeedPassphrase,
    /// Sealed to public keys and no identity file was given.
    NeedIdentity,
    /// The passphrase or identities given do not open it.
    WrongKey,
    /// Not a readable age file, or its content was altered.
    Damaged(String),
    /// A recipient (`age1…`) or identity file that cannot be read.
    BadKey(String),
}

impl SealError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SealError::NeedPassphrase => tf(lang, "sealed.need_passphrase", &[]),
            SealError::NeedIdentity => tf(lang, "sealed.need_identity", &[]),
            SealError::WrongKey => tf(lang, "sealed.wrong_key", &[]),
            SealError::Damaged(d) => tf(lang, "sealed.damaged", &[d]),
            SealError::BadKey(d) => tf(lang, "sealed.bad_key", &[d]),
        }
    }
}

type Reader<'a> = age::armor::ArmoredReader<std::io::BufReader<&'a [u8]>>;

fn reader(bytes: &[u8]) -> Result<age::Decryptor<Reader<'_>>, SealError> {
    age::Decryptor::new(age::armor::ArmoredReader::new(bytes))
        .map_err(|e| SealError::Damaged(e.to_string()))
}

/// The bundle `bytes` sealed as `seal` says.
pub fn seal(bytes: &[u8], seal: &Seal) -> Result<Vec<u8>, SealError> {
    let encryptor = match seal {
        Seal::Passphrase(p) => {
            age::Encryptor::with_user_passphrase(SecretString::from(p.as_str().to_owned()))
        }
        Seal::Recipients(rs) => {
            age::Encryptor::with_recipients(rs.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| SealError::BadKey(e.to_string()))?
        }
    };
    let mut out = Vec::with_capacity(bytes.len() + 256);
    let failed = |e: std::io::Error| SealError::Damaged(e.to_string());
    let mut w = encryptor.wrap_output(&mut out).map_err(failed)?;
    w.write_all(bytes).map_err(failed)?;
    w.finish().map_err(failed)?;
    Ok(out)
}

/// The plain bundle inside the sealed `bytes`, opened with `keys`.
pub fn open(bytes: &[u8], keys: &Keys) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let decryptor = reader(bytes)?;
    let scrypt;
    let mut identities: Vec<&dyn age::Identity> = Vec::new();
    if decryptor.is_scrypt() {
        let p = keys.passphrase.as_ref().ok_or(SealError::NeedPassphrase)?;
        scrypt = age::scrypt::Identity::new(SecretString::from(p.as_str().to_owned()));
        identities.push(&scrypt);
    } else {
        if keys.identities.is_empty() {
            return Err(SealError::NeedIdentity);
        }
        identities.extend(keys.identities.iter().map(|i| i as &dyn age::Identity));
    }
    let mut plain = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut r = decryptor
        .decrypt(identities.into_iter())
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => {
                SealError::WrongKey
            }
            other => SealError::Damaged(other.to_string()),
        })?;
    r.read_to_end(&mut plain)
        .map_err(|e| SealError::Damaged(e.to_string()))?;
    Ok(plain)
}

/// A recipient as the central office hands it out (`age1…`).
pub fn parse_recipient(s: &str) -> Result<age::x25519::Recipient, SealError> {
    s.trim()
        .parse()
        .map_err(|e: &str| SealError::BadKey(format!("{s}: {e}")))
}

/// The identities in an identity file as `age-keygen` or `pantau keygen` writes it (one
/// `AGE-SECRET-KEY-1…` per line; `#` comments).
pub fn read_identities(path: &Path) -> Result<Vec<age::x25519::Identity>, SealError> {
    let bad = |d: String| SealError::BadKey(format!("{}: {d}", path.display()));
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?);
    let ids: Vec<age::x25519::Identity> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.parse().map_err(|e: &str| bad(e.to_owned())))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(bad("no AGE-SECRET-KEY-1 line".to_owned()));
    }
    Ok(ids)
}

/// A new identity: the file's text (secret) and its public recipient.
pub fn generate(now: &str) -> (Zeroizing<String>, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let public = id.to_public().to_string();
    let text = Zeroizing::new(format!(
        "# created: {now}\n# public key: {public}\n{}\n",
        id.to_string().expose_secret()
    ));
    (text, public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_sealed_to_a_passphrase_opens_with_it_only() {
        let plain = br#"{"format":"pantau-bundle"}"#;
        let sealed = seal(plain, &Seal::Passphrase(Zeroizing::new("kunci".into()))).unwrap();
        assert!(is_sealed(&sealed) && needs_passphrase(&sealed));
        assert!(!sealed.windows(6).any(|w| w == b"pantau"));
        let keys = |p: &str| Keys {
            passphrase: Some(Zeroizing::new(p.into())),
            ..Keys::default()
        };
        assert_eq!(&open(&sealed, &keys("kunci")).unwrap()[..], plain);
        assert_eq!(
            open(&sealed, &keys("salah")).unwrap_err(),
            SealError::WrongKey
        );
        assert_eq!(
            open(&sealed, &Keys::default()).unwrap_err(),
            SealError::NeedPassphrase
        );
    }

    #[test]
    fn a_bundle_sealed_to_a_recipient_opens_with_its_identity_and_an_altered_byte_is_caught() {
        let (text, public) = generate("now");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pusat.key");
        std::fs::write(&file, text.as_bytes()).unwrap();
        let ids = read_identities(&file).unwrap();
        let plain = b"isi bundel";
        let sealed = seal(
            plain,
            &Seal::Recipients(vec![parse_recipient(&public).unwrap()]),
        )
        .unwrap();
        assert!(!needs_passphrase(&sealed));
        let keys = Keys {
            identities: ids,
            ..Keys::default()
        };
        assert_eq!(&open(&sealed, &keys).unwrap()[..], plain);
        let other = Keys {
            identities: vec![age::x25519::Identity::generate()],
            ..Keys::default()
        };
        assert_eq!(open(&sealed, &other).unwrap_err(), SealError::WrongKey);
        let mut altered = sealed.clone();
        let last = altered.len() - 3;
        altered[last] ^= 1;
        assert!(matches!(
            open(&altered, &keys).unwrap_err(),
            SealError::Damaged(_) | SealError::WrongKey
        ));
        assert!(parse_recipient("age1bukan").is_err());
    }
}
