//! The REST-XML documents S3 answers with: escaping and the list results.

use crate::list::ListPage;
use crate::store::BucketInfo;

/// XML-escape text content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// S3's timestamp format inside XML documents (ISO 8601 with milliseconds, `Z`).
pub fn iso8601(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

const OWNER: &str = "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>localcloud</DisplayName></Owner>";

/// `ListAllMyBucketsResult` for `GET /`.
pub fn list_buckets(buckets: &[BucketInfo]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
    );
    out.push_str(OWNER);
    out.push_str("<Buckets>");
    for b in buckets {
        out.push_str(&format!(
            "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate></Bucket>",
            escape(&b.name),
            iso8601(b.created)
        ));
    }
    out.push_str("</Buckets></ListAllMyBucketsResult>");
    out
}

/// `ListBucketResult` for ListObjectsV2 (`v2 = true`) or the original ListObjects.
///
/// With `encoding-type=url` the keys and prefixes are percent-encoded and the
/// document says so, which is what the AWS CLI asks for and then decodes.
pub fn list_objects(page: &ListPage, v2: bool) -> String {
    let enc = |s: &str| -> String {
        if page.url_encoding {
            escape(&crate::list::url_encode(s))
        } else {
            escape(s)
        }
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
    );
    out.push_str(&format!("<Name>{}</Name>", escape(&page.bucket)));
    out.push_str(&format!("<Prefix>{}</Prefix>", enc(&page.prefix)));
    if let Some(d) = &page.delimiter {
        out.push_str(&format!("<Delimiter>{}</Delimiter>", enc(d)));
    }
    out.push_str(&format!("<MaxKeys>{}</MaxKeys>", page.max_keys));
    if page.url_encoding {
        out.push_str("<EncodingType>url</EncodingType>");
    }
    out.push_str(&format!("<IsTruncated>{}</IsTruncated>", page.is_truncated));
    if v2 {
        out.push_str(&format!(
            "<KeyCount>{}</KeyCount>",
            page.contents.len() + page.common_prefixes.len()
        ));
        if let Some(t) = &page.continuation_token {
            out.push_str(&format!(
                "<ContinuationToken>{}</ContinuationToken>",
                escape(t)
            ));
        }
        if let Some(t) = &page.next_token {
            out.push_str(&format!(
                "<NextContinuationToken>{}</NextContinuationToken>",
                escape(t)
            ));
        }
        if let Some(s) = &page.start_after {
            out.push_str(&format!("<StartAfter>{}</StartAfter>", enc(s)));
        }
    } else {
        out.push_str(&format!(
            "<Marker>{}</Marker>",
            enc(page.start_after.as_deref().unwrap_or(""))
        ));
        if page.is_truncated {
            if let Some(last) = page.last_returned() {
                out.push_str(&format!("<NextMarker>{}</NextMarker>", enc(&last)));
            }
        }
    }
    for o in &page.contents {
        out.push_str(&format!(
            "<Contents><Key>{}</Key><LastModified>{}</LastModified><ETag>{}</ETag><Size>{}</Size>{}<StorageClass>STANDARD</StorageClass></Contents>",
            enc(&o.key),
            iso8601(o.last_modified),
            escape(&o.etag),
            o.size,
            if v2 { "" } else { OWNER },
        ));
    }
    for p in &page.common_prefixes {
        out.push_str(&format!(
            "<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
            enc(p)
        ));
    }
    out.push_str("</ListBucketResult>");
    out
}
