//! One error story for the whole application.
//!
//! Services return [`Error`]; pages render it, the JSON API maps it to `application/problem+json`.
//! It is serialisable because it crosses the wire from server functions to the browser, which is
//! also why a database failure carries no text: that text is logged where it happens
//! (see `db::internal`) and the user only learns that something went wrong.

use crate::i18n::{K, Locale};
use serde::{Deserialize, Serialize};

/// A message about one input field (or about the request as a whole when `field` is empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub key: K,
    pub args: Vec<(String, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: K) -> Self {
        FieldError {
            field: field.into(),
            key,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }

    pub fn text(&self, locale: Locale) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        self.key.fill(locale, &args)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Error {
    #[error("{entity:?} not found")]
    NotFound { entity: K },
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("not logged in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// Too many attempts (logins): try again later.
    #[error("too many requests")]
    Throttled,
    /// Too many failed logins: the account is locked for `minutes` (or until unlocked).
    #[error("locked")]
    Locked { minutes: u32 },
    /// The user must set a new password (set by an administrator, or expired) before anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The policy requires a second factor of the user and they have not set one up yet.
    #[error("second factor required")]
    SecondFactorRequired,
    /// A sensitive action, and the session last proved who it is too long ago: ask again.
    #[error("re-authentication required")]
    ReauthRequired,
    #[error("conflict: {0:?}")]
    Conflict(FieldError),
    /// The database is unreachable or too busy to take the change now (after retries): nothing
    /// was saved, and trying again later will work. Answered 503.
    #[error("service unavailable")]
    Unavailable,
    /// Another writer was in the way. Services return it only to `db::write::retry`, which runs
    /// the action again; should one escape, it reads like [`Error::Unavailable`].
    #[error("busy")]
    Busy,
    #[error("internal error")]
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(field: &str, key: K) -> Error {
        Error::Validation(vec![FieldError::new(field, key)])
    }

    pub fn not_found(entity: K) -> Error {
        Error::NotFound { entity }
    }

    /// The HTTP status this error stands for, shared by pages and the API.
    pub fn status(&self) -> u16 {
        match self {
            Error::NotFound { .. } => 404,
            Error::Validation(_) => 422,
            Error::Unauthorized => 401,
            Error::Forbidden => 403,
            Error::Throttled => 429,
            Error::Locked { .. } => 423,
            Error::PasswordChangeRequired => 403,
            Error::SecondFactorRequired => 403,
            Error::ReauthRequired => 401,
            Error::Conflict(_) => 409,
            Error::Unavailable | Error::Busy => 503,
            Error::Internal => 500,
        }
    }

    /// One sentence for the whole error, in the reader's language.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Error::NotFound { entity } => {
                K::ErrNotFound.fill(locale, &[("entity", entity.t(locale).to_owned())])
            }
            Error::Validation(errors) => match errors.as_slice() {
                [only] if only.field.is_empty() => only.text(locale),
                _ => K::ErrValidation.t(locale).to_owned(),
            },
            Error::Unauthorized => K::ErrLoginRequired.t(locale).to_owned(),
            Error::Forbidden => K::ErrForbidden.t(locale).to_owned(),
            Error::Throttled => K::LoginThrottled.t(locale).to_owned(),
            Error::Locked { minutes } => {
                K::LoginLocked.fill(locale, &[("minutes", minutes.to_string())])
            }
            Error::PasswordChangeRequired => K::ErrPasswordChangeRequired.t(locale).to_owned(),
            Error::SecondFactorRequired => K::ErrSecondFactorRequired.t(locale).to_owned(),
            Error::ReauthRequired => K::ErrReauthRequired.t(locale).to_owned(),
            Error::Conflict(e) => e.text(locale),
            Error::Unavailable | Error::Busy => K::ErrUnavailable.t(locale).to_owned(),
            Error::Internal => K::ErrInternal.t(locale).to_owned(),
        }
    }

    /// The messages for individual fields, for forms that mark them.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation(errors) => errors,
            Error::Conflict(e) => std::slice::from_ref(e),
            _ => &[],
        }
    }
}

/// Collects field errors while a whole form is checked, so the user sees every problem at once.
#[derive(Default, Debug)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Keeps the value when it parsed, records the error otherwise.
    pub fn take<T>(&mut self, r: std::result::Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}

/// Whether text holds a control character other than the line breaks and tabs people type:
/// NUL (which PostgreSQL cannot store in text at all), escapes, bells, C1 controls. Such text
/// comes from scripts or broken copies, never from a keyboard, and would also break the
/// spreadsheets and pages it is shown in.
pub fn has_control_chars(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Checks free text typed by a user: no control characters, trimmed, optionally required,
/// bounded in characters.
pub fn text(
    field: &str,
    value: &str,
    required: bool,
    max_chars: usize,
) -> std::result::Result<String, FieldError> {
    if has_control_chars(value) {
        return Err(FieldError::new(field, K::ErrControlChars));
    }
    let value = value.trim();
    if required && value.is_empty() {
        return Err(FieldError::new(field, K::ErrRequired));
    }
    if value.chars().count() > max_chars {
        return Err(FieldError::new(field, K::ErrTooLong).with("max", max_chars));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_required_and_bounded() {
        assert_eq!(text("f", "  hi ", true, 10), Ok("hi".to_owned()));
        assert_eq!(
            text("f", "   ", true, 10).map_err(|e| e.key),
            Err(K::ErrRequired)
        );
        assert_eq!(text("f", "", false, 10), Ok(String::new()));
        // Counted in characters, not bytes: ten Chinese characters are 30 bytes.
        assert!(text("f", "走访走访走访走访走访", true, 10).is_ok());
        let err = text("f", "走访走访走访走访走访走", true, 10).unwrap_err();
        assert_eq!(err.text(Locale::Zh), "不能超过 10 个字");
    }

    #[test]
    fn control_characters_are_refused_line_breaks_are_not() {
        for bad in ["a\0b", "\u{1b}[31m", "x\u{7f}", "\u{85}", "bell\u{7}"] {
            assert_eq!(
                text("f", bad, false, 100).map_err(|e| e.key),
                Err(K::ErrControlChars),
                "{bad:?}"
            );
        }
        assert_eq!(
            text("f", "第一行\r\n第二行\t完", true, 100),
            Ok("第一行\r\n第二行\t完".to_owned())
        );
    }

    #[test]
    fn messages_are_bilingual() {
        let e = Error::not_found(K::EntityFirm);
        assert_eq!(e.message(Locale::Zh), "企业不存在");
        assert_eq!(e.message(Locale::En), "Firm not found");
        assert_eq!(e.status(), 404);
    }
}
