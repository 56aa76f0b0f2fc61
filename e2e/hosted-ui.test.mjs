// The hosted UI in a real browser: `localcloud up` (the debug binary, as `cargo test` leaves it)
// and headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) go through
// authorize -> sign up -> confirm (code read from up's stdout) -> a wrong password -> sign in ->
// redirect with code and state -> token exchange with the PKCE verifier -> the API stage with the
// ID token. Everything talks to 127.0.0.1 only; the callback (localhost:8080, where nothing
// listens) is answered by the browser's request interception.
//
//   node --test e2e/      (after `cargo build -p localcloud`; scripts/test.sh runs it)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOCALCLOUD = join(resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target'), 'debug/localcloud');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const REDIRECT_URI = 'http://localhost:8080/docs/';

/** `localcloud up` on free ports; resolves once it printed its Ready line. */
async function startUp() {
  assert.ok(existsSync(LOCALCLOUD), `${LOCALCLOUD} is missing: run cargo build -p localcloud`);
  const child = spawn(
    LOCALCLOUD,
    ['up', '--ephemeral', '--no-build', '--port', '0', '--api-port', '0', '--auth-port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = [];
  const waiters = new Set();
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters) w.check(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  /** The first stdout line (already printed or still to come) matching `re`. */
  const waitForLine = (re, ms) => new Promise((resolve, reject) => {
    const seen = lines.find((l) => re.test(l));
    if (seen !== undefined) return resolve(seen.match(re));
    const w = {
      check(line) {
        if (re.test(line)) { done(); resolve(line.match(re)); }
      },
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no line matching ${re} within ${ms} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
    }, ms);
    const done = () => { clearTimeout(timer); waiters.delete(w); };
    waiters.add(w);
    exited.then(({ code, signal }) => {
      if (!waiters.has(w)) return;
      done();
      reject(new Error(`localcloud up exited (${code ?? signal}); stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
    });
  });

  /** Ctrl-C (up stops its functions), then SIGKILL if it takes too long. */
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(late);
  };
  // Also when the test process itself is torn down.
  process.once('exit', () => { if (child.exitCode === null) child.kill('SIGKILL'); });

  try {
    await waitForLine(/^Ready in \d+ ms/, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  const value = (prefix) => {
    const line = lines.find((l) => l.startsWith(prefix));
    assert.ok(line, `no "${prefix}" line in the banner:\n${lines.join('\n')}`);
    return line.slice(prefix.length);
  };
  const endpoint = value('Endpoint: ').split(/\s+/)[0];
  const api = value('API: ').split(/\s+/)[0];
  const pool = value('User pool: ').match(/^(\S+) \(issuer (\S+)\)$/);
  assert.ok(pool, `User pool line: ${value('User pool: ')}`);
  const hosted = new URL(value('Hosted UI: ').split(/\s+/)[0]);
  const clientId = hosted.searchParams.get('client_id');
  for (const url of [endpoint, api, pool[2], hosted.origin]) {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+/, 'up serves on 127.0.0.1 only');
  }
  assert.equal(hosted.searchParams.get('redirect_uri'), REDIRECT_URI);
  assert.ok(clientId, 'client_id in the Hosted UI URL');
  return {
    api, poolId: pool[1], issuer: pool[2], authBase: hosted.origin, clientId,
    waitForLine, stop,
  };
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const jwtPart = (jwt, i) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url').toString('utf8'));

/** The token's RS256 signature against the issuer's JWKS (what the API's authorizer trusts). */
async function verifySignature(jwt, issuer) {
  const header = jwtPart(jwt, 0);
  const res = await fetch(`${issuer}/.well-known/jwks.json`);
  assert.equal(res.status, 200, 'JWKS on the issuer');
  const { keys } = await res.json();
  const jwk = keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} in the JWKS`);
  assert.equal(header.alg, 'RS256');
  const [h, p, s] = jwt.split('.');
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(s, 'base64url'));
  assert.ok(ok, 'ID token signature verifies with the JWKS key');
}

const tokenRequest = (up, fields) => fetch(`${up.authBase}/oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

test('hosted UI: sign up, confirm, sign in, code + PKCE for tokens, the API accepts the ID token',
  { timeout: 180_000 }, async (t) => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
    const up = await startUp();
    let browser;
    t.after(async () => {
      await browser?.close().catch(() => {});
      await up.stop();
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // No name resolution but localhost: the pages are on 127.0.0.1 and the callback is on
      // localhost, so nothing can leave the machine.
      args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'],
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);

    // Every request the pages make: 127.0.0.1 goes through, a routed callback is answered here,
    // anything else is a failure. Playwright does not route the hops of a redirect, so the
    // login's 302 to the callback is recorded by the request listener below; the browser then
    // finds nothing on localhost:8080 (loopback either way), which is fine: the code is in the URL.
    const callbacks = [];
    const foreign = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      if (url.href.startsWith(REDIRECT_URI)) {
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>callback</h1>' });
      }
      foreign.push(url.href);
      return route.abort();
    });
    page.on('request', (req) => {
      if (req.url().startsWith(REDIRECT_URI)) callbacks.push(new URL(req.url()));
    });

    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash('sha256').update(verifier).digest());
    const authorize = new URL('/oauth2/authorize', up.authBase);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: up.clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();

    const user = `ui-${randomBytes(4).toString('hex')}`;
    const email = `${user}@example.com`;
    const password = 'Correct-Horse-9';

    // authorize -> the sign-in page, then its sign-up link.
    await page.goto(authorize.href);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Sign up' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('code_challenge'), challenge,
      'the sign-up link keeps the flow parameters');

    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();

    // The confirmation page, with the code `up` logged instead of mailing it.
    await page.getByRole('heading', { name: 'Confirm your account' }).waitFor();
    const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const [, code] = await up.waitForLine(new RegExp(
      `^\\[Cognito\\] confirmation code for ${esc(user)} in ${esc(up.poolId)} \\(AWS would mail it to ${esc(email)}\\): (\\S+)$`),
    10_000);
    assert.equal(await page.getByLabel('Username').inputValue(), user, 'username carried to the confirm form');
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();

    // Back on the sign-in page: a wrong password first shows an error and redirects nowhere.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill('Wrong-Horse-9');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.deepEqual(callbacks, [], 'no redirect after a wrong password');

    // The right password: 302 to the callback with code and state.
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(password);
    const [callbackRequest] = await Promise.all([
      page.waitForRequest((req) => req.url().startsWith(REDIRECT_URI)),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    const from = callbackRequest.redirectedFrom();
    assert.equal(from?.method(), 'POST', 'the callback is the redirect of the sign-in POST');
    assert.equal(new URL(from.url()).pathname, '/login');
    assert.equal(callbacks.length, 1, `one callback: ${callbacks.map(String)}`);
    const callback = callbacks[0];
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
    assert.equal(callback.searchParams.get('state'), 'xyz');
    const authCode = callback.searchParams.get('code');
    assert.match(authCode ?? '', /^[\w-]{16,}$/, 'an authorization code');
    assert.deepEqual(foreign, [], 'the browser asked for nothing but 127.0.0.1 and the callback');

    // Code + verifier -> tokens (as the SPA would, with plain HTTP).
    const grant = {
      grant_type: 'authorization_code',
      client_id: up.clientId,
      code: authCode,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    };
    const res = await tokenRequest(up, grant);
    const tokens = await res.json();
    assert.equal(res.status, 200, JSON.stringify(tokens));
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.access_token && tokens.id_token && tokens.refresh_token, Object.keys(tokens).join());

    const claims = jwtPart(tokens.id_token, 1);
    assert.equal(claims.token_use, 'id');
    assert.equal(claims['cognito:username'], user);
    assert.equal(claims.email, email);
    assert.equal(claims.aud, up.clientId);
    assert.equal(claims.iss, up.issuer);
    assert.match(claims.sub, /^[0-9a-f-]{36}$/);
    assert.ok(claims.exp > Date.now() / 1000, 'not expired');
    await verifySignature(tokens.id_token, up.issuer);

    // The code is single use.
    const again = await tokenRequest(up, grant);
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error, 'invalid_grant');

    // userInfo with the access token.
    const info = await fetch(`${up.authBase}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(info.status, 200);
    const infoBody = await info.json();
    assert.equal(infoBody.sub, claims.sub);
    assert.equal(infoBody.email, email);

    // The API stage's Cognito authorizer accepts the ID token: a new user has no profile yet (404,
    // not 401), then creates one and reads it back.
    const auth = { authorization: `Bearer ${tokens.id_token}` };
    const profileUrl = `${up.api}profiles/${claims.sub}`;
    const missing = await fetch(profileUrl, { headers: auth });
    const missingBody = await missing.json();
    assert.equal(missing.status, 404, `GET profile before creating it: ${JSON.stringify(missingBody)}`);
    assert.deepEqual(missingBody, { message: 'Not Found' });
    const created = await fetch(`${up.api}profiles`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada from the hosted UI' }),
    });
    assert.equal(created.status, 200, `POST profiles: ${await created.clone().text()}`);
    const found = await fetch(profileUrl, { headers: auth });
    const profile = await found.json();
    assert.equal(found.status, 200, JSON.stringify(profile));
    assert.equal(profile.userId, claims.sub);
    assert.equal(profile.email, email);
    assert.equal(profile.name, 'Ada from the hosted UI');
  });
