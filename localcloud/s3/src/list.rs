//! ListObjectsV2 (and the original ListObjects): prefix, delimiter with `CommonPrefixes`,
//! `max-keys`, `start-after` and continuation tokens over the sorted keys of a bucket.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::S3Error;
use crate::store::{ObjectMeta, Store};

/// S3's default and maximum page size.
pub const MAX_KEYS: usize = 1000;

/// The parameters of one list call.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    /// Only keys starting with this.
    pub prefix: String,
    /// Roll keys up to the first occurrence of this after the prefix.
    pub delimiter: Option<String>,
    /// Page size (capped at 1000).
    pub max_keys: Option<usize>,
    /// Only keys after this one (V2 `start-after`, V1 `marker`).
    pub start_after: Option<String>,
    /// A `NextContinuationToken` from an earlier page.
    pub continuation_token: Option<String>,
    /// `encoding-type=url`: keys and prefixes are percent-encoded in the answer.
    pub url_encoding: bool,
}

/// One page of results, ready for [`crate::xml::list_objects`].
#[derive(Debug, Clone)]
pub struct ListPage {
    /// The bucket listed.
    pub bucket: String,
    /// The request's prefix.
    pub prefix: String,
    /// The request's delimiter.
    pub delimiter: Option<String>,
    /// The page size used.
    pub max_keys: usize,
    /// The request's start-after.
    pub start_after: Option<String>,
    /// The token this page continued from.
    pub continuation_token: Option<String>,
    /// The token for the next page, when truncated.
    pub next_token: Option<String>,
    /// Whether more results follow.
    pub is_truncated: bool,
    /// Objects on this page.
    pub contents: Vec<ObjectMeta>,
    /// Rolled-up prefixes on this page.
    pub common_prefixes: Vec<String>,
    /// Echo `EncodingType=url`.
    pub url_encoding: bool,
}

impl ListPage {
    /// The last key or prefix on the page (the V1 `NextMarker`).
    pub fn last_returned(&self) -> Option<String> {
        let k = self.contents.last().map(|o| o.key.clone());
        let p = self.common_prefixes.last().cloned();
        match (k, p) {
            (Some(k), Some(p)) => Some(if k > p { k } else { p }),
            (k, p) => k.or(p),
        }
    }
}

const KEY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a key the way S3 does for `encoding-type=url` (keeping `/`).
pub fn url_encode(s: &str) -> String {
    utf8_percent_encode(s, KEY_ENCODE).to_string()
}

/// Where a continuation token resumes: after a key, or after a whole rolled-up prefix.
enum Resume {
    After(String),
    AfterPrefix(String),
}

fn encode_token(r: &Resume) -> String {
    let raw = match r {
        Resume::After(k) => format!("k{k}"),
        Resume::AfterPrefix(p) => format!("p{p}"),
    };
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(t: &str) -> Result<Resume, S3Error> {
    let invalid =
        || S3Error::InvalidArgument("The continuation token provided is incorrect".into());
    if !t.len().is_multiple_of(2) {
        return Err(invalid());
    }
    let bytes = (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(t.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| invalid())?;
    let s = String::from_utf8(bytes).map_err(|_| invalid())?;
    match s.split_at_checked(1) {
        Some(("k", k)) => Ok(Resume::After(k.into())),
        Some(("p", p)) => Ok(Resume::AfterPrefix(p.into())),
        _ => Err(invalid()),
    }
}

enum Entry {
    Key(String),
    Prefix(String),
}

/// Runs one list call against the store.
pub fn list_objects(store: &Store, bucket: &str, req: ListRequest) -> Result<ListPage, S3Error> {
    let max_keys = req.max_keys.unwrap_or(MAX_KEYS).min(MAX_KEYS);
    let resume = req
        .continuation_token
        .as_deref()
        .map(decode_token)
        .transpose()?;
    let keys = store.all_keys(bucket)?;

    let mut entries: Vec<Entry> = Vec::new();
    let mut is_truncated = false;
    for key in keys {
        if !key.starts_with(&req.prefix) {
            continue;
        }
        if let Some(sa) = &req.start_after {
            if key.as_str() <= sa.as_str() {
                continue;
            }
        }
        match &resume {
            Some(Resume::After(k)) if key.as_str() <= k.as_str() => continue,
            Some(Resume::AfterPrefix(p))
                if key.as_str() <= p.as_str() || key.starts_with(p.as_str()) =>
            {
                continue
            }
            _ => {}
        }
        let entry = match &req.delimiter {
            Some(d) if !d.is_empty() => {
                let rest = &key[req.prefix.len()..];
                match rest.find(d.as_str()) {
                    Some(i) => Entry::Prefix(format!("{}{}", req.prefix, &rest[..i + d.len()])),
                    None => Entry::Key(key),
                }
            }
            _ => Entry::Key(key),
        };
        if let (Entry::Prefix(p), Some(Entry::Prefix(last))) = (&entry, entries.last()) {
            if p == last {
                continue;
            }
        }
        if entries.len() == max_keys {
            is_truncated = true;
            break;
        }
        entries.push(entry);
    }

    let next_token = match (is_truncated, entries.last()) {
        (true, Some(Entry::Key(k))) => Some(encode_token(&Resume::After(k.clone()))),
        (true, Some(Entry::Prefix(p))) => Some(encode_token(&Resume::AfterPrefix(p.clone()))),
        _ => None,
    };
    let mut contents = Vec::new();
    let mut common_prefixes = Vec::new();
    for e in entries {
        match e {
            Entry::Key(k) => contents.push(store.head_object(bucket, &k)?),
            Entry::Prefix(p) => common_prefixes.push(p),
        }
    }
    Ok(ListPage {
        bucket: bucket.to_string(),
        prefix: req.prefix,
        delimiter: req.delimiter,
        max_keys,
        start_after: req.start_after,
        continuation_token: req.continuation_token,
        next_token,
        is_truncated,
        contents,
        common_prefixes,
        url_encoding: req.url_encoding,
    })
}
