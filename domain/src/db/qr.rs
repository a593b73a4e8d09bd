//! QR codes drawn as SVG on the server: no script needed to show them, and they print sharp
//! (the second factor's enrolment, the firm's confirmation link).

use crate::error::Error;

/// The QR code of `text` as an SVG document, at least `size` pixels square.
pub fn svg(text: &str, size: u32) -> Result<String, Error> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "cannot draw a QR code");
        Error::Internal
    })?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(size, size)
        .build())
}
