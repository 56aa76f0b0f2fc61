//! Buckets as folders: `<root>/<bucket>/<key>` holds the bytes, `<root>/.meta/<bucket>/<key>.json`
//! the object's metadata (content type, ETag, user metadata, last modified).
//!
//! Writes go to a temporary file that is synced and then renamed over the target, so a crash
//! leaves either the old object or the new one, never half of one; the metadata is written after
//! the data, and a missing sidecar is rebuilt from the bytes on read. A folder tree cannot hold
//! both `a` and `a/b` as objects (a file cannot also be a directory), nor a key ending in `/`:
//! those puts fail with `InvalidArgument` naming the reason (S3 itself allows them).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::S3Error;

const META_DIR: &str = ".meta";

/// A bucket as `ListBuckets` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketInfo {
    /// The bucket name.
    pub name: String,
    /// When the bucket's folder was created.
    pub created: DateTime<Utc>,
}

/// What S3 remembers about an object besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectMeta {
    /// The object key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// The MD5 of the bytes in hex, in double quotes, as S3 sends it for single-part uploads.
    pub etag: String,
    /// `Content-Type` given at upload (S3's default is `binary/octet-stream`).
    pub content_type: String,
    /// Upload time.
    pub last_modified: DateTime<Utc>,
    /// `x-amz-meta-*` headers, names lower-cased without the prefix.
    #[serde(default)]
    pub user_metadata: BTreeMap<String, String>,
}

/// Optional attributes of a put.
#[derive(Debug, Clone, Default)]
pub struct PutOptions {
    /// `Content-Type`; `None` stores S3's default.
    pub content_type: Option<String>,
    /// User metadata, names without the `x-amz-meta-` prefix.
    pub user_metadata: BTreeMap<String, String>,
}

/// The object store. Cheap to clone; every clone works on the same root folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: Arc<PathBuf>,
}

/// S3's bucket naming rules (the general-purpose subset: 3-63 characters, lower-case letters,
/// digits, dots and hyphens, starting and ending with a letter or digit).
pub fn valid_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && b.first().is_some_and(|c| c.is_ascii_alphanumeric())
        && b.last().is_some_and(|c| c.is_ascii_alphanumeric())
        && !name.contains("..")
}

/// Checks that a key maps onto a relative path inside the bucket folder.
fn key_path(key: &str) -> Result<PathBuf, S3Error> {
    if key.is_empty() || key.len() > 1024 {
        return Err(S3Error::InvalidArgument(
            "Object keys must be 1 to 1024 bytes long".into(),
        ));
    }
    if key.ends_with('/') {
        return Err(S3Error::InvalidArgument(format!(
            "The local S3 stores objects as files and cannot hold the folder marker {key:?}"
        )));
    }
    let mut path = PathBuf::new();
    for seg in key.split('/') {
        if seg.is_empty()
            || seg == "."
            || seg == ".."
            || localcloud_wire::fs::is_temporary(seg)
            || seg.contains('\0')
        {
            return Err(S3Error::InvalidArgument(format!(
                "The local S3 stores objects as files and cannot hold the key {key:?} (empty, '.', '..' or reserved path segment)"
            )));
        }
        path.push(seg);
    }
    match path.components().all(|c| matches!(c, Component::Normal(_))) {
        true => Ok(path),
        false => Err(S3Error::InvalidArgument(format!("Invalid key {key:?}"))),
    }
}

/// The ETag S3 gives a single-part upload: the MD5 hex digest in double quotes.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:x}\"", md5::compute(bytes))
}

impl Store {
    /// Opens (creating if needed) a store rooted at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, S3Error> {
        let root = root.into();
        fs::create_dir_all(root.join(META_DIR))?;
        Ok(Self {
            root: Arc::new(root),
        })
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn bucket_dir(&self, bucket: &str) -> Result<PathBuf, S3Error> {
        if !valid_bucket_name(bucket) {
            return Err(S3Error::InvalidBucketName {
                bucket: bucket.into(),
            });
        }
        Ok(self.root.join(bucket))
    }

    fn existing_bucket_dir(&self, bucket: &str) -> Result<PathBuf, S3Error> {
        let dir = self.bucket_dir(bucket)?;
        if dir.is_dir() {
            Ok(dir)
        } else {
            Err(S3Error::NoSuchBucket {
                bucket: bucket.into(),
            })
        }
    }

    fn meta_path(&self, bucket: &str, rel: &Path) -> PathBuf {
        let mut p = self.root.join(META_DIR).join(bucket).join(rel);
        let mut name = p.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".json");
        p.set_file_name(name);
        p
    }

    /// CreateBucket. Fails with `BucketAlreadyOwnedByYou` when it exists.
    pub fn create_bucket(&self, bucket: &str) -> Result<(), S3Error> {
        let dir = self.bucket_dir(bucket)?;
        match fs::create_dir(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(S3Error::BucketAlreadyOwnedByYou {
                    bucket: bucket.into(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Creates the bucket unless it exists (what `localcloud up` does for template buckets).
    pub fn ensure_bucket(&self, bucket: &str) -> Result<(), S3Error> {
        match self.create_bucket(bucket) {
            Ok(()) | Err(S3Error::BucketAlreadyOwnedByYou { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// HeadBucket.
    pub fn bucket_exists(&self, bucket: &str) -> bool {
        self.existing_bucket_dir(bucket).is_ok()
    }

    /// DeleteBucket; the bucket must be empty.
    pub fn delete_bucket(&self, bucket: &str) -> Result<(), S3Error> {
        let dir = self.existing_bucket_dir(bucket)?;
        if fs::read_dir(&dir)?.next().is_some() {
            return Err(S3Error::BucketNotEmpty {
                bucket: bucket.into(),
            });
        }
        fs::remove_dir(&dir)?;
        let meta = self.root.join(META_DIR).join(bucket);
        if meta.is_dir() {
            fs::remove_dir_all(meta)?;
        }
        Ok(())
    }

    /// ListBuckets, sorted by name.
    pub fn list_buckets(&self) -> Result<Vec<BucketInfo>, S3Error> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&*self.root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type()?.is_dir() || !valid_bucket_name(&name) {
                continue;
            }
            let md = entry.metadata()?;
            let created = md.created().or_else(|_| md.modified())?;
            out.push(BucketInfo {
                name,
                created: created.into(),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// PutObject: stores the bytes durably and returns the new metadata.
    pub fn put_object(
        &self,
        bucket: &str,
        key: &str,
        bytes: &[u8],
        options: PutOptions,
    ) -> Result<ObjectMeta, S3Error> {
        let dir = self.existing_bucket_dir(bucket)?;
        let rel = key_path(key)?;
        let target = dir.join(&rel);
        if target.is_dir() {
            return Err(S3Error::InvalidArgument(format!(
                "The local S3 cannot store {key:?}: other keys already use it as a folder prefix"
            )));
        }
        let mut ancestor = target.parent();
        while let Some(a) = ancestor {
            if a == dir {
                break;
            }
            if a.is_file() {
                return Err(S3Error::InvalidArgument(format!(
                    "The local S3 cannot store {key:?}: a shorter key is stored where its folder would be"
                )));
            }
            ancestor = a.parent();
        }
        localcloud_wire::fs::write_durable(&target, bytes)?;
        let meta = ObjectMeta {
            key: key.to_string(),
            size: bytes.len() as u64,
            etag: etag_of(bytes),
            content_type: options
                .content_type
                .unwrap_or_else(|| "binary/octet-stream".into()),
            last_modified: Utc::now(),
            user_metadata: options.user_metadata,
        };
        let json = serde_json::to_vec(&meta).map_err(|e| S3Error::InternalError(e.to_string()))?;
        localcloud_wire::fs::write_durable(&self.meta_path(bucket, &rel), &json)?;
        Ok(meta)
    }

    /// HeadObject.
    pub fn head_object(&self, bucket: &str, key: &str) -> Result<ObjectMeta, S3Error> {
        let dir = self.existing_bucket_dir(bucket)?;
        let rel = key_path(key).map_err(|_| S3Error::NoSuchKey { key: key.into() })?;
        let path = dir.join(&rel);
        if !path.is_file() {
            return Err(S3Error::NoSuchKey { key: key.into() });
        }
        if let Ok(raw) = fs::read(self.meta_path(bucket, &rel)) {
            if let Ok(meta) = serde_json::from_slice::<ObjectMeta>(&raw) {
                return Ok(meta);
            }
        }
        // No sidecar (a crash between data and metadata, or a file copied in by hand).
        let bytes = fs::read(&path)?;
        let modified = fs::metadata(&path)?.modified()?;
        Ok(ObjectMeta {
            key: key.to_string(),
            size: bytes.len() as u64,
            etag: etag_of(&bytes),
            content_type: "binary/octet-stream".into(),
            last_modified: modified.into(),
            user_metadata: BTreeMap::new(),
        })
    }

    /// GetObject: metadata and the whole body.
    pub fn get_object(&self, bucket: &str, key: &str) -> Result<(ObjectMeta, Vec<u8>), S3Error> {
        let meta = self.head_object(bucket, key)?;
        let rel = key_path(key)?;
        let bytes = fs::read(self.root.join(bucket).join(rel)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => S3Error::NoSuchKey { key: key.into() },
            _ => e.into(),
        })?;
        Ok((meta, bytes))
    }

    /// DeleteObject. Deleting a missing key succeeds, as on S3.
    pub fn delete_object(&self, bucket: &str, key: &str) -> Result<(), S3Error> {
        let dir = self.existing_bucket_dir(bucket)?;
        let Ok(rel) = key_path(key) else {
            return Ok(());
        };
        let path = dir.join(&rel);
        if path.is_file() {
            fs::remove_file(&path)?;
            remove_empty_parents(&path, &dir);
        }
        let meta = self.meta_path(bucket, &rel);
        if meta.is_file() {
            fs::remove_file(&meta)?;
            remove_empty_parents(&meta, &self.root.join(META_DIR).join(bucket));
        }
        Ok(())
    }

    /// Every key in the bucket, sorted in S3's order (UTF-8 byte order).
    pub fn all_keys(&self, bucket: &str) -> Result<Vec<String>, S3Error> {
        let dir = self.existing_bucket_dir(bucket)?;
        let mut keys = Vec::new();
        walk(&dir, String::new(), &mut keys)?;
        keys.sort();
        Ok(keys)
    }
}

fn walk(dir: &Path, prefix: String, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if localcloud_wire::fs::is_temporary(&name) {
            continue;
        }
        let key = format!("{prefix}{name}");
        let ft = entry.file_type()?;
        if ft.is_dir() {
            walk(&entry.path(), format!("{key}/"), out)?;
        } else if ft.is_file() {
            out.push(key);
        }
    }
    Ok(())
}

fn remove_empty_parents(path: &Path, stop: &Path) {
    let mut cur = path.parent();
    while let Some(d) = cur {
        if d == stop || fs::remove_dir(d).is_err() {
            break;
        }
        cur = d.parent();
    }
}
