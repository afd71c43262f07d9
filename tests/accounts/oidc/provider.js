// A real OpenID Connect provider for the single sign-on tests: oidc-provider on a loopback port, one static client,
// the test accounts given in OIDC_ACCOUNTS, RS256 keys made at start-up. It prints "READY <issuer>" once listening.
//
// OIDC_ACCOUNTS: {"<login>": {"claims": {"email": ..., "email_verified": true, ...}, "tamper": "<mode>"}}
// An account with a "tamper" mode has its ID token rewritten on the way out of the token endpoint, as a hostile or
// broken provider would send it: "bad_signature" (signed with another key under the same key id), "wrong_audience"
// (for another client), "wrong_issuer", "expired" (exp an hour ago) — the last three signed with the real key.
import http from 'node:http';

import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const redirectUris = JSON.parse(process.env.OIDC_REDIRECT_URIS || '[]');
const clientId = process.env.OIDC_CLIENT_ID || 's55-tracker';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'test-client-secret';

async function signingKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

const realJwk = await signingKey('test-key-1');
const otherJwk = await signingKey('test-key-1'); // same key id, another key: a forged signature
const realKey = await importJWK(realJwk, 'RS256');
const otherKey = await importJWK(otherJwk, 'RS256');

async function tampered(idToken, mode, issuer) {
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  let key = realKey;
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'bad_signature') key = otherKey;
  if (mode === 'wrong_audience') claims.aud = 'another-application';
  if (mode === 'wrong_issuer') claims.iss = `${issuer}/not-this-one`;
  if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [realJwk] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const { sub } = decodeJwt(ctx.body.id_token);
      const mode = accounts[sub] && accounts[sub].tamper;
      if (mode) ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token, mode, issuer) };
    }
  });
  server.on('request', provider.callback());
  process.stdout.write(`READY ${issuer}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
