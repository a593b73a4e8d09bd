//! The client's address behind a reverse proxy. zhuqi is deployed behind a TLS proxy, so every
//! connection comes from the proxy; the address the login throttle and the audit trail need is
//! the one the proxy saw. A forwarding header is believed only when the connection comes from a
//! proxy the operator named (`ZHUQI_TRUSTED_PROXIES`), and then only up to the first address
//! that is not itself a trusted proxy, read from the right: whatever a client writes into the
//! header itself lies to the left of that and is never reached.

use http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The proxies whose forwarding headers are believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// From a comma-separated list of addresses and CIDR blocks (`10.0.0.0/8, ::1`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("ZHUQI_TRUSTED_PROXIES: “{s}” is not an address or CIDR block")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a connection from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // The hops, nearest last: `Forwarded` (RFC 7239) if sent, else `X-Forwarded-For`.
        let hops = forwarded(headers).unwrap_or_else(|| x_forwarded_for(headers));
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = canonical(*ip);
                    if !self.trusts(client) {
                        return client;
                    }
                }
                // A hop that is no address (`unknown`, garbage): nothing beyond it is believed.
                None => return client,
            }
        }
        client
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn header_values<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    header_values(headers, "x-forwarded-for")
        .map(|h| h.parse().ok())
        .collect()
}

/// The `for=` of each element of `Forwarded`, None when the header is absent.
fn forwarded(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let hops: Vec<Option<IpAddr>> = header_values(headers, "forwarded")
        .map(|element| {
            let node = element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| v.trim().trim_matches('"'))
            })?;
            // `[2001:db8::1]:4711`, `192.0.2.60:8080` or a bare address.
            let host = match node.strip_prefix('[') {
                Some(rest) => rest.split(']').next()?,
                None if node.matches(':').count() == 1 => node.split(':').next()?,
                None => node,
            };
            host.parse().ok()
        })
        .collect();
    (!hops.is_empty()).then_some(hops)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap_or_else(|_| panic!("{k}")),
                v.parse().unwrap_or_else(|_| panic!("{v}")),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|_| panic!("{s}"))
    }

    #[test]
    fn a_trusted_proxy_is_believed_up_to_the_first_untrusted_hop() {
        let t = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5, ::1").unwrap_or_default();
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.1.2.3")]);
        assert_eq!(t.client(ip("10.0.0.1"), &xff), ip("203.0.113.9"));
        // An address the client wrote itself lies left of the real one and is not reached.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9")]);
        assert_eq!(t.client(ip("192.168.1.5"), &spoofed), ip("203.0.113.9"));
        // Two header lines count as one list.
        let split = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.7"),
        ]);
        assert_eq!(t.client(ip("::ffff:10.9.9.9"), &split), ip("203.0.113.7"));
        // Garbage where the proxy's hop should be: the proxy is the client.
        let junk = headers(&[("x-forwarded-for", "203.0.113.9, not-an-ip")]);
        assert_eq!(t.client(ip("10.0.0.1"), &junk), ip("10.0.0.1"));
        // No header: the proxy itself.
        assert_eq!(t.client(ip("::1"), &HeaderMap::new()), ip("::1"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap_or_default();
        let h = headers(&[
            ("x-forwarded-for", "10.0.0.7"),
            ("forwarded", "for=10.0.0.8"),
        ]);
        assert_eq!(t.client(ip("198.51.100.4"), &h), ip("198.51.100.4"));
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &h),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn rfc_7239_forwarded_wins_and_is_parsed_with_ports_and_brackets() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap_or_default();
        let h = headers(&[
            (
                "forwarded",
                r#"for="[2001:db8::7]:4711";proto=https, for=10.0.0.3:8080"#,
            ),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("2001:db8::7"));
        let hidden = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(t.client(ip("10.0.0.1"), &hidden), ip("10.0.0.1"));
    }

    #[test]
    fn the_list_is_checked() {
        assert!(TrustedProxies::parse("10.0.0.0/8, 2001:db8::/32, 127.0.0.1").is_ok());
        assert!(TrustedProxies::parse("").is_ok_and(|t| t.0.is_empty()));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
    }
}
