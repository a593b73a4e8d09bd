//! Which language a page is in. The server reads the `zhuqi_lang` cookie (Chinese by default);
//! the browser reads the `lang` attribute the server rendered, so both sides agree during
//! hydration. Texts themselves live in `domain::i18n`.

use domain::Locale;
use leptos::prelude::*;

pub const COOKIE: &str = "zhuqi_lang";

/// The locale of the request being rendered (server) or of the loaded document (browser).
pub fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get_all(http::header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(|cookies| {
                        cookies.split(';').find_map(|c| {
                            c.trim()
                                .strip_prefix(COOKIE)
                                .and_then(|v| v.strip_prefix('='))
                                .map(Locale::from_tag)
                        })
                    })
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document_locale()
    }
}

#[cfg(not(feature = "ssr"))]
fn document_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .map(|l| Locale::from_tag(&l))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Locale::default()
    }
}

pub fn provide_locale() {
    provide_context(request_locale());
}

/// The page's locale. An island hydrating in the browser has no server-provided context above
/// it, so it reads the document's `lang` (which the server rendered from the same cookie).
pub fn locale() -> Locale {
    use_context::<Locale>().unwrap_or_else(request_locale)
}
