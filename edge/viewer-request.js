// CloudFront Function (runtime cloudfront-js-2.0), viewer-request event of the docs behaviour.
// The template inlines this file byte for byte (scripts/check-edge-inline.py keeps them equal);
// localcloud runs this same file.
//
// - `/` answers 301 to `/docs/` (a real redirect, so browsers and caches learn the docs URL).
// - a URI ending in `/` is rewritten to its `index.html`, and an extension-less last segment
//   (`/docs`) to `<uri>/index.html`: S3 with origin access control has no index documents.
// Security headers are added by the managed SecurityHeadersPolicy on the response, not here.
function handler(event) {
    var request = event.request;
    var uri = request.uri;

    if (uri === '/') {
        return {
            statusCode: 301,
            statusDescription: 'Moved Permanently',
            headers: {
                location: { value: '/docs/' },
                'cache-control': { value: 'max-age=3600' }
            }
        };
    }

    if (uri.endsWith('/')) {
        request.uri = uri + 'index.html';
    } else if (uri.split('/').pop().indexOf('.') === -1) {
        request.uri = uri + '/index.html';
    }
    return request;
}
