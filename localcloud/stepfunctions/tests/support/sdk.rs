//! Using the Rust SDK (`aws-sdk-sfn`) against the local cloud, for the tests (included with
//! `#[path]`, so no feature of the library turns it on and the library builds the same for `up`
//! as for the tests).
//!
//! `StartSyncExecution` is modelled with the endpoint host prefix `sync-`, so the SDK sends it
//! to `sync-<endpoint host>`: against `http://127.0.0.1:4566` that is `sync-127.0.0.1`, which
//! does not resolve. [`StripSyncPrefix`] removes the prefix again before signing, for local
//! endpoints only (`127.*`, `localhost`, `[::1]`); any other host is left alone, so the same
//! client still reaches `sync-states.<region>.amazonaws.com` on AWS.
//!
//! ```ignore
//! use aws_sdk_sfn::config::{BehaviorVersion, Credentials, Region};
//! let config = aws_sdk_sfn::Config::builder()
//!     .behavior_version(BehaviorVersion::latest())
//!     .region(Region::new("us-east-1"))
//!     .credentials_provider(Credentials::new("local", "local", None, None, "localcloud"))
//!     .endpoint_url("http://127.0.0.1:4566")
//!     .interceptor(StripSyncPrefix)
//!     .build();
//! let client = aws_sdk_sfn::Client::from_conf(config);
//! ```

use aws_sdk_sfn::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_sfn::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sfn::error::BoxError;

/// The interceptor; add it with `Config::builder().interceptor(StripSyncPrefix)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripSyncPrefix;

fn is_local(host: &str) -> bool {
    host == "localhost" || host == "[::1]" || host.starts_with("127.")
}

/// The URI without the `sync-` host prefix, when it names a local endpoint; `None` otherwise.
pub fn strip_sync_prefix(uri: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once("://")?;
    let host_port_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(host_port_end);
    let stripped = authority.strip_prefix("sync-")?;
    let host = match stripped.rfind(':') {
        Some(i) if !stripped.ends_with(']') => &stripped[..i],
        _ => stripped,
    };
    is_local(host).then(|| format!("{scheme}://{stripped}{path}"))
}

impl Intercept for StripSyncPrefix {
    fn name(&self) -> &'static str {
        "localcloud::StripSyncPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        if let Some(uri) = strip_sync_prefix(request.uri()) {
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::strip_sync_prefix;

    #[test]
    fn strips_only_local_hosts() {
        assert_eq!(
            strip_sync_prefix("http://sync-127.0.0.1:4566/").as_deref(),
            Some("http://127.0.0.1:4566/")
        );
        assert_eq!(
            strip_sync_prefix("http://sync-localhost:4566").as_deref(),
            Some("http://localhost:4566")
        );
        assert_eq!(
            strip_sync_prefix("http://sync-[::1]:4566/x").as_deref(),
            Some("http://[::1]:4566/x")
        );
        assert_eq!(
            strip_sync_prefix("https://sync-states.us-east-1.amazonaws.com/"),
            None
        );
        assert_eq!(strip_sync_prefix("http://127.0.0.1:4566/"), None);
    }
}
