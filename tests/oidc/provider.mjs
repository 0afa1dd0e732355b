// A real OpenID provider (panva's certified oidc-provider) for the tests of the pages' 统一身份认证 sign-in.
//
//   node tests/oidc/provider.mjs <config.json>
//
// It listens on 127.0.0.1 (an ephemeral port), prints {"issuer": "http://127.0.0.1:<port>"} as its first line and
// serves until killed. The config (written by tests/oidc/provider.py) holds:
//   clients:  [{client_id, client_secret, redirect_uris, post_logout_redirect_uris,
//               id_token_ttl?      seconds the ID tokens given to this client live (default one hour),
//               token_delay_ms?    the token endpoint answers this client this much later (after issuing),
//               audience_of?       the ID tokens given to this client are issued for that other client instead}]
//   accounts: {sub: {name, role, county, department, city}}  the claims of the scope "org" (and profile's name)
// The dev interactions (its own login and consent forms, any password) sign an account in.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byClient = Object.fromEntries(config.clients.map((c) => [c.client_id, c]));

const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [{ ...key, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name'],
    org: ['role', 'county', 'department', 'city'],
  },
  scopes: ['openid', 'profile', 'org'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: {
    IdToken: (ctx, token, client) => byClient[client.clientId]?.id_token_ttl ?? 3600,
  },
  async findAccount(ctx, sub) {
    const account = config.accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
});

// A misbehaving provider, on purpose: the ID tokens of a client configured with audience_of are issued (and signed
// by the provider's own key) for that other client.
const issue = provider.IdToken.prototype.issue;
provider.IdToken.prototype.issue = async function issueFor(options) {
  const other = this.client && byClient[this.client.clientId]?.audience_of;
  if (options?.use === 'idtoken' && other) this.client = await provider.Client.find(other);
  return issue.call(this, options);
};

// A slow token endpoint for a client with token_delay_ms: the tokens are issued first, then the answer waits.
provider.use(async (ctx, next) => {
  await next();
  const delay = ctx.path === '/token' ? byClient[ctx.oidc?.client?.clientId]?.token_delay_ms : undefined;
  if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
