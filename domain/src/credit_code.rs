//! The unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V); the
//! last is a check character computed from the first 17 with fixed weights, modulo 31. Codes are
//! often typed on phones or pasted from Excel, so input is normalised first: surrounding and inner
//! spaces removed, full-width characters folded to ASCII, letters upper-cased.

use crate::error::FieldError;
use crate::i18n::K;
use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (which must be in the alphabet).
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

/// Folds full-width forms (Ａ, １, the ideographic space) to ASCII and drops all white space.
pub fn normalise(input: &str) -> String {
    input
        .chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                other => other,
            };
            (!c.is_whitespace()).then(|| c.to_ascii_uppercase())
        })
        .collect()
}

impl CreditCode {
    pub fn parse(input: &str) -> Result<CreditCode, FieldError> {
        let code = normalise(input);
        let field = "credit_code";
        if code.is_empty() {
            return Err(FieldError::new(field, K::ErrRequired));
        }
        if code.chars().count() != 18 {
            return Err(FieldError::new(field, K::ErrCreditLength));
        }
        if !code.bytes().all(|b| value_of(b).is_some()) {
            return Err(FieldError::new(field, K::ErrCreditChars));
        }
        let bytes = code.as_bytes();
        if check_char(&bytes[..17]) != Some(bytes[17] as char) {
            return Err(FieldError::new(field, K::ErrCreditCheck));
        }
        Ok(CreditCode(code))
    }

    /// Completes 17 valid characters with their check character (used by the demo generator).
    pub fn complete(first17: &str) -> Option<CreditCode> {
        let c = check_char(first17.as_bytes())?;
        Some(CreditCode(format!("{first17}{c}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 3 to 8: the administrative division code of the registering authority.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&s).map_err(|e| e.text(crate::Locale::En))
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Codes of real, registered firms (published on their own sites) and the standard's example.
    const VALID: &[&str] = &[
        "91350100M000100Y43",
        "91110000600037341L",
        "91440300MA5EEJUR92",
        "91110108551385082Q",
    ];

    #[test]
    fn real_codes_are_accepted() {
        for code in VALID {
            let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e:?}"));
            assert_eq!(parsed.as_str(), *code);
        }
    }

    #[test]
    fn a_wrong_check_character_is_refused() {
        for code in VALID {
            let last = code.as_bytes()[17];
            for &other in ALPHABET.iter().filter(|&&c| c != last) {
                let mut bad = code.as_bytes()[..17].to_vec();
                bad.push(other);
                let bad = String::from_utf8(bad).unwrap_or_default();
                let err = CreditCode::parse(&bad).expect_err(&bad);
                assert_eq!(err.key, K::ErrCreditCheck, "{bad}");
            }
        }
    }

    #[test]
    fn a_single_typo_is_caught() {
        // Changing any one of the first 17 characters changes the check character.
        let code = VALID[1].as_bytes();
        for i in 0..17 {
            for &c in ALPHABET.iter().filter(|&&c| c != code[i]) {
                let mut typo = code.to_vec();
                typo[i] = c;
                let typo = String::from_utf8(typo).unwrap_or_default();
                assert!(CreditCode::parse(&typo).is_err(), "{typo} was accepted");
            }
        }
    }

    #[test]
    fn input_is_normalised() {
        let full_width = "９１３５０１００Ｍ０００１００Ｙ４３";
        assert_eq!(
            CreditCode::parse(full_width).map(String::from),
            Ok(VALID[0].to_owned())
        );
        assert!(CreditCode::parse(" 91350100m000100y43 ").is_ok());
        assert!(CreditCode::parse("9135 0100 M000 100Y 43").is_ok());
    }

    #[test]
    fn length_and_alphabet_are_checked() {
        assert_eq!(
            CreditCode::parse("").map_err(|e| e.key),
            Err(K::ErrRequired)
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y4").map_err(|e| e.key),
            Err(K::ErrCreditLength)
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y433").map_err(|e| e.key),
            Err(K::ErrCreditLength)
        );
        // I, O, Z, S and V are excluded to avoid confusion with 1, 0, 2, 5 and U.
        assert_eq!(
            CreditCode::parse("91350100I000100Y43").map_err(|e| e.key),
            Err(K::ErrCreditChars)
        );
        assert_eq!(
            CreditCode::parse("9135010OM000100Y43").map_err(|e| e.key),
            Err(K::ErrCreditChars)
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y4—").map_err(|e| e.key),
            Err(K::ErrCreditChars)
        );
    }

    #[test]
    fn complete_makes_valid_codes() {
        let code = CreditCode::complete("91630100MA7ABCDE1").expect("valid prefix");
        assert!(CreditCode::parse(code.as_str()).is_ok());
        assert_eq!(code.division_code(), "630100");
        assert!(CreditCode::complete("91630100MA7ABCDEI").is_none());
    }

    #[test]
    fn serde_refuses_invalid_codes() {
        let ok: Result<CreditCode, _> = serde_json::from_str("\"91350100M000100Y43\"");
        assert!(ok.is_ok());
        let bad: Result<CreditCode, _> = serde_json::from_str("\"91350100M000100Y44\"");
        assert!(bad.is_err());
    }
}
