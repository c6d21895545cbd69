//! Secrets at rest. The passwords Patchbay must read back in clear (a trunk's, to answer its
//! carrier's digest challenge; a desk phone's SIP account's, to check the phone's digest answer)
//! are sealed with ChaCha20-Poly1305 under a 256-bit key kept outside the database
//! (`secret.key` in the data directory, mode 0600). A copy of the database alone (a dump, a
//! stolen backup) holds none of them in clear; web passwords are argon2 hashes as before.
//!
//! Sealed text is `sealed:v1:` followed by base64 (standard alphabet, no padding) of the 12-byte
//! random nonce, then the ciphertext with its tag. The column it belongs to is bound in as
//! associated data, so a sealed trunk password does not open as a SIP account's. Text without
//! the prefix is a password written before sealing existed: it is read as it is, and sealed by
//! [`Store::seal_stored_secrets`](crate::Store::seal_stored_secrets) at start-up.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

/// What sealed text starts with.
const PREFIX: &str = "sealed:v1:";
/// Bytes of a nonce.
const NONCE_LEN: usize = 12;

/// The columns secrets are sealed for (the associated data of each).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Column {
    TrunkPassword,
    SipAccountPassword,
}

impl Column {
    fn aad(self) -> &'static [u8] {
        match self {
            Column::TrunkPassword => b"trunks.password",
            Column::SipAccountPassword => b"sip_accounts.password",
        }
    }
}

/// The key secrets are sealed with.
#[derive(Clone)]
pub struct SecretKey(Key);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> SecretKey {
        SecretKey(ChaCha20Poly1305::generate_key(&mut OsRng))
    }

    /// Reads the key file at `path` (64 hex digits), or creates it with a new key, readable by
    /// its owner only, when there is none.
    pub fn load_or_create(path: &Path) -> io::Result<SecretKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => SecretKey::from_hex(text.trim()).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} is not a Patchbay secret key (64 hex digits)",
                        path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let key = SecretKey::generate();
                let mut file = owner_only_new_file(path)?;
                writeln!(file, "{}", hex::encode(key.0))?;
                file.sync_all()?;
                Ok(key)
            }
            Err(e) => Err(e),
        }
    }

    fn from_hex(text: &str) -> Option<SecretKey> {
        let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
        Some(SecretKey(bytes.into()))
    }
}

#[cfg(unix)]
fn owner_only_new_file(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn owner_only_new_file(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Seals and opens secrets with one key.
#[derive(Clone)]
pub(crate) struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer(..)")
    }
}

/// A sealed secret that does not open with this key (another key sealed it, or it was altered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unopenable;

impl Sealer {
    pub(crate) fn new(key: &SecretKey) -> Sealer {
        Sealer {
            cipher: ChaCha20Poly1305::new(&key.0),
        }
    }

    /// `plain` sealed for `column`.
    pub(crate) fn seal(&self, column: Column, plain: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: column.aad(),
        };
        // Encryption fails only for messages beyond ChaCha20's 256 GiB.
        let sealed = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD_NO_PAD.encode(bytes))
    }

    /// The secret in `stored`: opened when sealed, as it is when written before sealing.
    pub(crate) fn open(&self, column: Column, stored: &str) -> Result<String, Unopenable> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let bytes = STANDARD_NO_PAD.decode(encoded).map_err(|_| Unopenable)?;
        if bytes.len() < NONCE_LEN {
            return Err(Unopenable);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| Unopenable)?;
        let payload = Payload {
            msg: sealed,
            aad: column.aad(),
        };
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), payload)
            .map_err(|_| Unopenable)?;
        String::from_utf8(plain).map_err(|_| Unopenable)
    }

    /// Whether `stored` is sealed already.
    #[cfg(test)]
    pub(crate) fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_column_only() {
        let key = SecretKey::generate();
        let sealer = Sealer::new(&key);
        let sealed = sealer.seal(Column::TrunkPassword, "s3cret-密码");
        assert!(Sealer::is_sealed(&sealed));
        assert!(!sealed.contains("s3cret"));
        assert_eq!(
            sealer.open(Column::TrunkPassword, &sealed).unwrap(),
            "s3cret-密码"
        );
        assert_eq!(
            sealer.open(Column::SipAccountPassword, &sealed),
            Err(Unopenable)
        );
        let other = Sealer::new(&SecretKey::generate());
        assert_eq!(other.open(Column::TrunkPassword, &sealed), Err(Unopenable));
        // Two seals of one secret differ (a fresh nonce each).
        assert_ne!(sealed, sealer.seal(Column::TrunkPassword, "s3cret-密码"));
    }

    #[test]
    fn a_password_stored_before_sealing_reads_as_it_is_and_garbage_does_not_open() {
        let sealer = Sealer::new(&SecretKey::generate());
        assert_eq!(
            sealer
                .open(Column::SipAccountPassword, "plain-old")
                .unwrap(),
            "plain-old"
        );
        for bad in ["sealed:v1:", "sealed:v1:!!!", "sealed:v1:AAAA"] {
            assert_eq!(
                sealer.open(Column::SipAccountPassword, bad),
                Err(Unopenable),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_key_file_is_created_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let first = SecretKey::load_or_create(&path).unwrap();
        let again = SecretKey::load_or_create(&path).unwrap();
        let sealed = Sealer::new(&first).seal(Column::TrunkPassword, "x");
        assert_eq!(
            Sealer::new(&again)
                .open(Column::TrunkPassword, &sealed)
                .unwrap(),
            "x"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").unwrap();
        let err = SecretKey::load_or_create(&path).unwrap_err();
        assert!(err.to_string().contains("64 hex digits"), "{err}");
    }
}
