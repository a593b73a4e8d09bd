//! The error that crosses from server functions to pages.
//!
//! It wraps the domain's error and, for forms, echoes what the user typed: when a form is posted
//! without JavaScript and refused, the browser is sent back to the form with only this error in
//! the URL, and the echo lets the form show the user's input again instead of an empty form.

use domain::{Error, Locale};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{error}")]
    Domain {
        error: Error,
        echo: BTreeMap<String, String>,
    },
    /// The request never reached the domain: network down, bad encoding, server restarted.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::Domain { error, .. } => error.message(locale),
            AppError::Transport(_) => domain::K::ErrNetwork.t(locale).to_owned(),
        }
    }

    /// The message for one field, if the domain refused that field.
    pub fn field(&self, name: &str, locale: Locale) -> Option<String> {
        match self {
            AppError::Domain { error, .. } => error
                .field_errors()
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.text(locale)),
            AppError::Transport(_) => None,
        }
    }

    pub fn echo(&self, name: &str) -> Option<String> {
        match self {
            AppError::Domain { echo, .. } => echo.get(name).cloned(),
            AppError::Transport(_) => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Domain { error, .. } => error.status(),
            AppError::Transport(_) => 503,
        }
    }
}

impl From<Error> for AppError {
    fn from(error: Error) -> Self {
        AppError::Domain {
            error,
            echo: BTreeMap::new(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A malformed request body is bad input, not a transport failure.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => AppError::from(
                Error::Validation(vec![domain::FieldError::new("", domain::K::ErrValidation)]),
            ),
            other => AppError::Transport(other.to_string()),
        }
    }
}
