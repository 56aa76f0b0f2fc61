//! Throttling as token buckets: the account (10,000 rps, burst 5,000 by default), then the
//! stage's per-method limits from `MethodSettings` (`/*` `*` applies to every method,
//! a specific `ResourcePath`/`HttpMethod` overrides it). A request takes one token from each
//! bucket that applies; an empty bucket is the THROTTLED gateway response.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html>

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use localcloud_wire::clock::Clock;

/// A rate and a burst.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// Steady-state requests per second.
    pub rate: f64,
    /// Bucket size.
    pub burst: f64,
}

/// One `MethodSettings` entry's throttling part.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodThrottle {
    /// `ResourcePath` as in the template (`/*`, or `/~1orders~1{id}`).
    pub resource_path: String,
    /// `HttpMethod` (`*` for all).
    pub http_method: String,
    /// `ThrottlingRateLimit`.
    pub rate: Option<f64>,
    /// `ThrottlingBurstLimit`.
    pub burst: Option<u64>,
}

/// What the throttler is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct ThrottleSettings {
    /// The account-level limit (AWS default 10,000 rps, burst 5,000).
    pub account: Limit,
    /// The stage's method settings.
    pub methods: Vec<MethodThrottle>,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            account: Limit {
                rate: 10_000.0,
                burst: 5_000.0,
            },
            methods: Vec::new(),
        }
    }
}

#[derive(Debug)]
struct Bucket {
    limit: Limit,
    tokens: f64,
    at: Duration,
}

impl Bucket {
    fn new(limit: Limit, now: Duration) -> Self {
        Self {
            limit,
            tokens: limit.burst,
            at: now,
        }
    }

    fn refill(&mut self, now: Duration) {
        let dt = now.saturating_sub(self.at).as_secs_f64();
        self.tokens = (self.tokens + dt * self.limit.rate).min(self.limit.burst);
        self.at = now;
    }
}

struct Buckets {
    account: Bucket,
    methods: HashMap<(String, String), Bucket>,
}

/// The stage's buckets.
pub struct Throttler {
    clock: Arc<dyn Clock>,
    settings: ThrottleSettings,
    state: Mutex<Buckets>,
}

impl std::fmt::Debug for Throttler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttler")
            .field("settings", &self.settings)
            .finish()
    }
}

/// `/~1orders~1{id}` -> `/orders/{id}` (the template escapes slashes as JSON pointers do).
fn decode_resource_path(p: &str) -> String {
    if p == "/*" {
        return p.to_string();
    }
    let inner = p.strip_prefix('/').unwrap_or(p);
    inner.replace("~1", "/").replace("~0", "~")
}

impl Throttler {
    /// Builds the buckets; they start full.
    pub fn new(settings: ThrottleSettings, clock: Arc<dyn Clock>) -> Self {
        let now = clock.elapsed();
        let account = Bucket::new(settings.account, now);
        Self {
            clock,
            settings,
            state: Mutex::new(Buckets {
                account,
                methods: HashMap::new(),
            }),
        }
    }

    /// The limit for one method, if any setting applies (specific over `/*` `*`).
    pub fn method_limit(&self, resource_path: &str, verb: &str) -> Option<Limit> {
        let mut best: Option<(u8, &MethodThrottle)> = None;
        for m in &self.settings.methods {
            let path = decode_resource_path(&m.resource_path);
            let path_ok = path == "/*" || path == resource_path;
            let verb_ok = m.http_method == "*" || m.http_method.eq_ignore_ascii_case(verb);
            if !(path_ok && verb_ok) || (m.rate.is_none() && m.burst.is_none()) {
                continue;
            }
            let specificity = u8::from(path != "/*") * 2 + u8::from(m.http_method != "*");
            if best.is_none_or(|(s, _)| specificity >= s) {
                best = Some((specificity, m));
            }
        }
        best.map(|(_, m)| Limit {
            rate: m.rate.unwrap_or(self.settings.account.rate),
            burst: m.burst.map_or(self.settings.account.burst, |b| b as f64),
        })
    }

    /// Takes a token for a request to `resource_path`/`verb`; `false` means throttle it.
    pub fn admit(&self, resource_path: &str, verb: &str) -> bool {
        let limit = self.method_limit(resource_path, verb);
        let now = self.clock.elapsed();
        let Ok(mut guard) = self.state.lock() else {
            return true;
        };
        let Buckets { account, methods } = &mut *guard;
        account.refill(now);
        if account.tokens < 1.0 {
            return false;
        }
        if let Some(limit) = limit {
            let b = methods
                .entry((resource_path.to_string(), verb.to_string()))
                .or_insert_with(|| Bucket::new(limit, now));
            b.refill(now);
            if b.tokens < 1.0 {
                return false;
            }
            b.tokens -= 1.0;
        }
        account.tokens -= 1.0;
        true
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    use localcloud_wire::clock::ManualClock;

    #[test]
    fn burst_then_rate() {
        let clock = Arc::new(ManualClock::default());
        let t = Throttler::new(
            ThrottleSettings {
                account: Limit {
                    rate: 10_000.0,
                    burst: 5_000.0,
                },
                methods: vec![MethodThrottle {
                    resource_path: "/*".into(),
                    http_method: "*".into(),
                    rate: Some(10.0),
                    burst: Some(5),
                }],
            },
            clock.clone(),
        );
        let admitted = (0..20).filter(|_| t.admit("/health", "GET")).count();
        assert_eq!(admitted, 5, "the burst");
        // Ten seconds at 100 attempts per second: 10 rps get through.
        let mut ok = 0;
        for _ in 0..1000 {
            clock.advance(Duration::from_millis(10));
            ok += usize::from(t.admit("/health", "GET"));
        }
        assert!((95..=105).contains(&ok), "{ok}");
        assert!(t.admit("/orders", "GET"), "each method has its own bucket");
    }

    #[test]
    fn specific_settings_override_the_stage_default() {
        let t = Throttler::new(
            ThrottleSettings {
                account: Limit {
                    rate: 100.0,
                    burst: 50.0,
                },
                methods: vec![
                    MethodThrottle {
                        resource_path: "/*".into(),
                        http_method: "*".into(),
                        rate: Some(10.0),
                        burst: Some(5),
                    },
                    MethodThrottle {
                        resource_path: "/~1orders~1{id}".into(),
                        http_method: "GET".into(),
                        rate: Some(1.0),
                        burst: None,
                    },
                ],
            },
            Arc::new(ManualClock::default()),
        );
        assert_eq!(
            t.method_limit("/orders/{id}", "GET"),
            Some(Limit {
                rate: 1.0,
                burst: 50.0
            })
        );
        assert_eq!(
            t.method_limit("/health", "GET"),
            Some(Limit {
                rate: 10.0,
                burst: 5.0
            })
        );
    }
}
