// Runs the CloudFront Function as CloudFront does: the file defines a global `handler`, with no
// module system, and receives the viewer-request event shape documented at
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const source = readFileSync(new URL('./viewer-request.js', import.meta.url), 'utf8');

function run(uri) {
  const context = vm.createContext({});
  vm.runInContext(source, context);
  const event = {
    version: '1.0',
    context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', eventType: 'viewer-request', requestId: 'r-1' },
    viewer: { ip: '198.51.100.11' },
    request: { method: 'GET', uri, querystring: {}, headers: { host: { value: 'd111111abcdef8.cloudfront.net' } }, cookies: {} },
  };
  return context.handler(event);
}

test('root redirects to /docs/ with 301', () => {
  const res = run('/');
  assert.equal(res.statusCode, 301);
  assert.equal(res.statusDescription, 'Moved Permanently');
  assert.equal(res.headers.location.value, '/docs/');
});

test('a directory URI is rewritten to its index.html', () => {
  assert.equal(run('/docs/').uri, '/docs/index.html');
  assert.equal(run('/docs/guide/').uri, '/docs/guide/index.html');
});

test('an extension-less URI is treated as a directory', () => {
  assert.equal(run('/docs').uri, '/docs/index.html');
});

test('files pass through unchanged, with their headers', () => {
  const req = run('/docs/style.css');
  assert.equal(req.uri, '/docs/style.css');
  assert.equal(req.headers.host.value, 'd111111abcdef8.cloudfront.net');
  assert.equal(req.method, 'GET');
});

test('uses only cloudfront-js-2.0 features (no require, no module system)', () => {
  assert.doesNotMatch(source, /\brequire\(|\bimport\s|\bexport\s|module\.exports/);
});
