//! Data sealed at rest (等保 level 3, 数据保密性): phone numbers and second-factor secrets are
//! stored encrypted with AES-256-GCM under a key from the environment (`ZHUQI_DATA_KEY`), and
//! looked up by an HMAC-SHA-256 of their normalised form, which matches exactly and reveals
//! nothing without the key. The key never reaches the database: a dump or a stolen backup holds
//! only ciphertext.
//!
//! The server installs the key once at start ([`install`]); every seal and open reads it from
//! there, so no caller passes keys around.

use crate::error::Error;
use aes_gcm::aead::{Aead, AeadCore, OsRng};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::OnceLock;

/// What sealed text starts with; text without it was stored before sealing and reads as it is
/// (the server seals such rows at start, [`super::sealing::seal_existing`]).
const PREFIX: &str = "enc1:";
const NONCE_LEN: usize = 12;

/// The two keys derived from the configured one: one encrypts, one hashes for lookups, so
/// neither use can be turned against the other.
pub struct DataKey {
    seal: [u8; 32],
    lookup: [u8; 32],
}

/// Why a configured key was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the data key must be 32 bytes, written as 44 characters of base64 or 64 of hex")]
    Malformed,
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // An HMAC takes a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl DataKey {
    /// The key from its 32 bytes.
    pub fn from_bytes(master: &[u8; 32]) -> Self {
        DataKey {
            seal: hmac(master, b"zhuqi seal v1"),
            lookup: hmac(master, b"zhuqi lookup v1"),
        }
    }

    /// The key as configured: 32 bytes in base64 or in hex.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[i * 2..i * 2 + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| KeyError::Malformed)?
        } else {
            B64.decode(text).map_err(|_| KeyError::Malformed)?
        };
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(DataKey::from_bytes(&master))
    }

    /// A new random key, in the base64 form [`DataKey::parse`] reads.
    pub fn generate_text() -> String {
        let key = Aes256Gcm::generate_key(OsRng);
        B64.encode(&key[..])
    }
}

/// The key tests seal with (never a deployment's: the server reads its key from the environment).
#[cfg(any(test, feature = "test-util"))]
pub const TEST_KEY: [u8; 32] = [7; 32];

static KEY: OnceLock<DataKey> = OnceLock::new();

/// Installs the process's data key. The first key stays: a second call (tests open many
/// databases in one process) changes nothing, and says whether the key was already there.
pub fn install(key: DataKey) -> bool {
    KEY.set(key).is_err()
}

fn key() -> Result<&'static DataKey, Error> {
    KEY.get().ok_or_else(|| {
        tracing::error!("no data key installed: sealed data can be neither read nor written");
        Error::Internal
    })
}

/// Encrypts `plain` with a fresh random nonce: the same number sealed twice gives two texts.
pub fn seal(plain: &str) -> Result<String, Error> {
    let cipher = Aes256Gcm::new((&key()?.seal).into());
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let sealed = cipher.encrypt(&nonce, plain.as_bytes()).map_err(|_| {
        tracing::error!("sealing failed");
        Error::Internal
    })?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{}", B64.encode(out)))
}

/// Decrypts what [`seal`] wrote; text stored before sealing comes back as it is. Text that was
/// sealed under another key, or altered, is an error (logged), never garbage.
pub fn open(stored: &str) -> Result<String, Error> {
    let Some(body) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_owned());
    };
    let refuse = || {
        tracing::error!("a sealed value cannot be opened: altered, or sealed under another key");
        Error::Internal
    };
    let bytes = B64.decode(body).map_err(|_| refuse())?;
    if bytes.len() < NONCE_LEN {
        return Err(refuse());
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| refuse())?;
    let cipher = Aes256Gcm::new((&key()?.seal).into());
    let plain = cipher
        .decrypt(&Nonce::from(nonce), sealed)
        .map_err(|_| refuse())?;
    String::from_utf8(plain).map_err(|_| refuse())
}

/// Opens a sealed value read into a plain `String` field (a row type shared with the browser,
/// which cannot name [`Sealed`]).
pub fn open_in_place(field: &mut String) -> Result<(), Error> {
    if is_sealed(field) {
        *field = open(field)?;
    }
    Ok(())
}

/// Opens one sealed field of every row of a query ([`open_in_place`] for each).
pub fn open_rows<T>(rows: &mut [T], field: impl Fn(&mut T) -> &mut String) -> Result<(), Error> {
    rows.iter_mut().try_for_each(|r| open_in_place(field(r)))
}

/// Whether a stored value is sealed already.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// The exact-match lookup hash of a normalised value (hex HMAC-SHA-256 under the lookup key).
pub fn lookup_hash(normalised: &str) -> Result<String, Error> {
    let mac = hmac(&key()?.lookup, normalised.as_bytes());
    Ok(mac.iter().map(|b| format!("{b:02x}")).collect())
}

/// The lookup hash of a phone number: its digits only, without China's country code before
/// a mobile number, so "0971-6123456" and "09716123456", "+86 139 0979 0003" and
/// "13909790003" find the same row (sealed phone columns are matched by this, never by text).
pub fn phone_hash(phone: &str) -> Result<String, Error> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 && rest.starts_with('1') => rest,
        _ => &digits,
    };
    lookup_hash(national)
}

/// A text column stored sealed: the program sees the plain text, the database only ever the
/// ciphertext. Writing seals it (with a fresh nonce, so it can never be matched by value: use
/// the column's lookup hash for that); reading opens it, and text stored before sealing reads
/// as it is. Entities and query rows name this type for every sealed column, so no reader can
/// forget to open one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Sealed(pub String);

impl Sealed {
    pub fn new(plain: impl Into<String>) -> Self {
        Sealed(plain.into())
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::ops::Deref for Sealed {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

impl std::fmt::Display for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Sealed> for sea_orm::Value {
    fn from(value: Sealed) -> Self {
        match seal(&value.0) {
            Ok(sealed) => sea_orm::Value::String(Some(sealed)),
            // No key (a deployment error, logged by `key`): a NULL the NOT NULL column refuses,
            // so the write fails whole instead of storing the number in clear.
            Err(_) => sea_orm::Value::String(None),
        }
    }
}

impl sea_orm::TryGetable for Sealed {
    fn try_get_by<I: sea_orm::ColIdx>(
        res: &sea_orm::QueryResult,
        idx: I,
    ) -> Result<Self, sea_orm::TryGetError> {
        let stored = String::try_get_by(res, idx)?;
        open(&stored).map(Sealed).map_err(|_| {
            sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(
                "a sealed column could not be opened".to_owned(),
            ))
        })
    }
}

impl sea_orm::sea_query::ValueType for Sealed {
    fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
        let stored = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
        open(&stored)
            .map(Sealed)
            .map_err(|_| sea_orm::sea_query::ValueTypeErr)
    }

    fn type_name() -> String {
        "Sealed".to_owned()
    }

    fn array_type() -> sea_orm::sea_query::ArrayType {
        sea_orm::sea_query::ArrayType::String
    }

    fn column_type() -> sea_orm::sea_query::ColumnType {
        sea_orm::sea_query::ColumnType::Text
    }
}

impl sea_orm::sea_query::Nullable for Sealed {
    fn null() -> sea_orm::Value {
        sea_orm::Value::String(None)
    }
}

impl sea_orm::sea_query::postgres_array::NotU8 for Sealed {}

impl sea_orm::IntoActiveValue<Sealed> for Sealed {
    fn into_active_value(self) -> sea_orm::ActiveValue<Sealed> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_in_both_forms_and_refuse_anything_else() {
        let hex = "00".repeat(32);
        assert!(DataKey::parse(&hex).is_ok());
        assert!(DataKey::parse(&DataKey::generate_text()).is_ok());
        assert_eq!(DataKey::parse("short").err(), Some(KeyError::Malformed));
        assert_eq!(
            DataKey::parse(&B64.encode([1u8; 31])).err(),
            Some(KeyError::Malformed)
        );
    }

    #[test]
    fn sealed_text_opens_to_the_original_and_differs_each_time() {
        install(DataKey::from_bytes(&TEST_KEY));
        let a = seal("13900001234").unwrap_or_default();
        let b = seal("13900001234").unwrap_or_default();
        assert!(is_sealed(&a));
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("1234"));
        assert_eq!(open(&a).ok().as_deref(), Some("13900001234"));
        assert_eq!(open("13900001234").ok().as_deref(), Some("13900001234"));
        // One bit changed in the ciphertext: refused, not garbage.
        let mut altered = a.into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap_or_default();
        assert!(open(&altered).is_err());
        assert_eq!(lookup_hash("139").ok(), lookup_hash("139").ok());
        assert_ne!(lookup_hash("139").ok(), lookup_hash("138").ok());
    }
}
