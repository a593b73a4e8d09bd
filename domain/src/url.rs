//! Percent-encoding for the links and headers zhuqi writes (query values carrying firm names
//! and filters, `next=` paths, RFC 5987 file names), with the `percent-encoding` crate. Only
//! RFC 3986's unreserved characters pass unencoded, so Chinese, spaces, `&` and `#` in a name
//! never break a URL.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A path given as a query value (`/login?next=/firms/3`): slashes may stay readable.
const PATH_IN_QUERY: &AsciiSet = &UNRESERVED.remove(b'/');

/// One query value (or an RFC 5987 `filename*` value).
pub fn query_value(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// A local path with its query, carried as a query value (`next=`, `back=`).
pub fn path_value(s: &str) -> String {
    utf8_percent_encode(s, PATH_IN_QUERY).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_survive_a_url() {
        assert_eq!(query_value("西宁 A&B#1"), "%E8%A5%BF%E5%AE%81%20A%26B%231");
        assert_eq!(query_value("a-b_c.d~e/f"), "a-b_c.d~e%2Ff");
        assert_eq!(path_value("/firms?q=x&y=1"), "/firms%3Fq%3Dx%26y%3D1");
    }
}
