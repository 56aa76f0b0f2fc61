//! Browser attacks on the local ports. Every listener is on 127.0.0.1, but a web page the
//! developer visits can still reach it: by DNS rebinding (the page's own name resolves to
//! 127.0.0.1, so the browser sends `Host: evil.example:4566` and lets the page read the
//! answers), or by a plain cross-site request (`Origin: https://evil.example`, which the page
//! cannot read but which still runs: a Lambda invoke, a table write). AWS's endpoints do not need
//! this; a local emulator without credentials does.
//!
//! Every listener accepts only loopback `Host` names (`127.0.0.1`, `localhost`, `[::1]`, any
//! port) plus `allowed_hosts` from `localcloud.toml`; the service endpoint also refuses any
//! request whose `Origin` is not such a host, since SDKs and the CLI send no `Origin`. The
//! API stage keeps cross-origin calls (browsers call it through CORS, with a Cognito token),
//! and the hosted UI's own forms are same-origin. A refusal is a 403 naming what was refused.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use localcloud_wire::error::EndpointError;
use std::sync::Arc;

/// What a listener checks.
#[derive(Debug, Clone)]
pub struct Guard {
    extra_hosts: Arc<Vec<String>>,
    same_origin_only: bool,
}

impl Guard {
    /// `Host` checks only (API stages, hosted UI).
    pub fn hosts(extra_hosts: &[String]) -> Self {
        Guard {
            extra_hosts: Arc::new(extra_hosts.iter().map(|h| h.to_ascii_lowercase()).collect()),
            same_origin_only: false,
        }
    }

    /// `Host` and `Origin` checks (the service endpoint).
    pub fn hosts_and_origin(extra_hosts: &[String]) -> Self {
        Guard {
            same_origin_only: true,
            ..Guard::hosts(extra_hosts)
        }
    }

    fn allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        is_loopback(&host) || self.extra_hosts.contains(&host)
    }

    /// Why `headers` are refused, if they are.
    pub fn refusal(&self, headers: &HeaderMap) -> Option<String> {
        // HTTP/1.0 clients may send no Host; browsers always do.
        if let Some(host) = headers.get(header::HOST) {
            let name = host.to_str().ok().map(host_name);
            if !name.is_some_and(|n| self.allowed(n)) {
                return Some(format!(
                    "Host {:?} is not a loopback name or one of localcloud.toml's allowed_hosts",
                    String::from_utf8_lossy(host.as_bytes())
                ));
            }
        }
        if self.same_origin_only {
            if let Some(origin) = headers.get(header::ORIGIN) {
                let name = origin.to_str().ok().and_then(origin_host);
                if !name.is_some_and(|n| self.allowed(n)) {
                    return Some(format!(
                        "cross-origin browser requests to the service endpoint are refused (Origin {:?})",
                        String::from_utf8_lossy(origin.as_bytes())
                    ));
                }
            }
        }
        None
    }

    /// The axum middleware.
    pub async fn layer(self, req: Request<Body>, next: Next) -> Response {
        match self.refusal(req.headers()) {
            Some(why) => EndpointError::Forbidden(why).into_response(),
            None => next.run(req).await,
        }
    }

    /// `router` with this guard in front.
    pub fn wrap(self, router: axum::Router) -> axum::Router {
        router.layer(axum::middleware::from_fn(move |req, next| {
            self.clone().layer(req, next)
        }))
    }
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1")
}

/// `name[:port]` or `[v6][:port]` -> the name.
fn host_name(value: &str) -> &str {
    if value.starts_with('[') {
        return value.find(']').map_or(value, |end| &value[..=end]);
    }
    value.rsplit_once(':').map_or(value, |(name, _)| name)
}

/// `scheme://host[:port]` -> the host; `None` for `null` and anything else.
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))?;
    Some(host_name(rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn loopback_hosts_pass_and_rebound_names_do_not() {
        let g = Guard::hosts(&["dev.internal".into()]);
        for ok in [
            "127.0.0.1:4566",
            "localhost:3000",
            "[::1]:9229",
            "LOCALHOST",
            "dev.internal:4566",
        ] {
            assert_eq!(g.refusal(&headers(&[("host", ok)])), None, "{ok}");
        }
        for bad in [
            "evil.example:4566",
            "127.0.0.1.evil.example",
            "[::2]:4566",
            "localhost.evil:80",
        ] {
            assert!(g.refusal(&headers(&[("host", bad)])).is_some(), "{bad}");
        }
        assert_eq!(g.refusal(&HeaderMap::new()), None);
    }

    #[test]
    fn the_endpoint_refuses_cross_origin_browsers() {
        let g = Guard::hosts_and_origin(&[]);
        let local = [("host", "127.0.0.1:4566")];
        assert_eq!(g.refusal(&headers(&local)), None, "SDKs send no Origin");
        for ok in ["http://localhost:8080", "http://127.0.0.1:9229"] {
            let h = headers(&[local[0], ("origin", ok)]);
            assert_eq!(g.refusal(&h), None, "{ok}");
        }
        for bad in [
            "https://evil.example",
            "null",
            "http://127.0.0.1.evil.example",
        ] {
            let h = headers(&[local[0], ("origin", bad)]);
            assert!(g.refusal(&h).is_some(), "{bad}");
        }
        // The API stage allows CORS callers.
        let api = Guard::hosts(&[]);
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://app.example"),
        ]);
        assert_eq!(api.refusal(&h), None);
    }
}
