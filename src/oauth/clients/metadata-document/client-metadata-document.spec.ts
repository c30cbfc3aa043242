import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidMetadataDocumentError,
  isMetadataDocumentUrl,
  parseClientMetadataDocument,
} from './client-metadata-document';

const CLIENT_ID = 'https://claude.ai/oauth/claude-code-client-metadata';

function document(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: CLIENT_ID,
    client_name: 'Claude Code',
    redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...overrides,
  };
}

function assertInvalid(body: unknown, reason: RegExp, url = CLIENT_ID): void {
  assert.throws(
    () => parseClientMetadataDocument(url, body),
    (error) => error instanceof InvalidMetadataDocumentError && reason.test(error.reason),
  );
}

describe('isMetadataDocumentUrl', () => {
  for (const url of [
    CLIENT_ID,
    'https://chatgpt.com/oauth/abc/client.json',
    'https://example.com:8443/client',
    'https://example.com/client?version=2',
    'https://example.com/a/.well-known/client',
  ]) {
    it(`accepts ${url}`, () => {
      assert.equal(isMetadataDocumentUrl(url), true);
    });
  }

  for (const [url, why] of [
    ['https://example.com', 'no path'],
    ['https://example.com/', 'path is only "/"'],
    ['https://example.com/?client=1', 'path is only "/"'],
    ['http://example.com/client', 'not https'],
    ['ftp://example.com/client', 'not https'],
    ['https://example.com/client#frag', 'fragment'],
    ['https://example.com/client#', 'empty fragment'],
    ['https://user@example.com/client', 'user-info'],
    ['https://user:pw@example.com/client', 'user-info'],
    ['https://@example.com/client', 'empty user-info'],
    ['https://example.com/a/../client', 'double-dot segment'],
    ['https://example.com/./client', 'single-dot segment'],
    ['https://example.com/a/%2E%2e/client', 'encoded double-dot segment'],
    ['https://example.com/a/..', 'trailing double-dot segment'],
    ['https:example.com/client', 'missing "//"'],
    ['https://example.com\\client', 'backslash'],
    ['https://exa\tmple.com/client', 'tab that WHATWG URL would drop'],
    [' https://example.com/client', 'leading space'],
    ['client-123', 'not a URL'],
    [`https://example.com/${'a'.repeat(2000)}`, 'too long'],
    ['http://127.0.0.1:3000/client', 'loopback http without the test flag'],
  ]) {
    it(`refuses ${url.slice(0, 60)} (${why})`, () => {
      assert.equal(isMetadataDocumentUrl(url), false);
    });
  }

  it('accepts loopback http only when the test flag is set', () => {
    assert.equal(isMetadataDocumentUrl('http://127.0.0.1:3000/client', true), true);
    assert.equal(isMetadataDocumentUrl('http://localhost:3000/client', true), true);
    assert.equal(isMetadataDocumentUrl('http://example.com/client', true), false);
    assert.equal(isMetadataDocumentUrl('http://10.0.0.1:3000/client', true), false);
  });
});

describe('parseClientMetadataDocument', () => {
  it('maps a valid public-client document', () => {
    const parsed = parseClientMetadataDocument(
      CLIENT_ID,
      document({ client_uri: 'https://claude.ai', logo_uri: 'https://claude.ai/logo.png', scope: 'read' }),
    );
    assert.deepEqual(parsed, {
      clientId: CLIENT_ID,
      clientName: 'Claude Code',
      redirectUris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
      clientUri: 'https://claude.ai',
      logoUri: 'https://claude.ai/logo.png',
      scope: 'read',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
    });
  });

  it('defaults grant types, response types and the auth method when absent', () => {
    const parsed = parseClientMetadataDocument(CLIENT_ID, {
      client_id: CLIENT_ID,
      client_name: 'Minimal',
      redirect_uris: ['https://app.example.com/cb'],
      logo_uri: null,
    });
    assert.deepEqual(parsed.grantTypes, ['authorization_code']);
    assert.deepEqual(parsed.responseTypes, ['code']);
    assert.equal(parsed.tokenEndpointAuthMethod, 'none');
    assert.equal('logoUri' in parsed, false, 'null optional fields are treated as absent');
  });

  it('ignores metadata it does not use', () => {
    const parsed = parseClientMetadataDocument(
      CLIENT_ID,
      document({ application_type: 'native', software_id: 'x' }),
    );
    assert.equal(parsed.clientName, 'Claude Code');
  });

  it('refuses a body that is not a JSON object', () => {
    assertInvalid([document()], /must be a JSON object/);
    assertInvalid(null, /must be a JSON object/);
    assertInvalid('{}', /must be a JSON object/);
  });

  it('refuses a client_id that differs from the URL, even by a trailing slash', () => {
    assertInvalid(document({ client_id: `${CLIENT_ID}/` }), /must equal the URL/);
    assertInvalid(
      document({ client_id: 'https://evil.example/oauth/claude-code-client-metadata' }),
      /must equal/,
    );
    assertInvalid(document({ client_id: CLIENT_ID.toUpperCase() }), /must equal/);
    assertInvalid(document({ client_id: undefined }), /must equal/);
  });

  it('refuses a document without client_name', () => {
    assertInvalid(document({ client_name: undefined }), /client_name as a non-empty string/);
    assertInvalid(document({ client_name: '   ' }), /client_name as a non-empty string/);
    assertInvalid(document({ client_name: 42 }), /client_name as a non-empty string/);
    assertInvalid(document({ client_name: 'x'.repeat(201) }), /client_name must be at most 200/);
  });

  it('refuses redirect_uris that are missing, not an array, empty or malformed', () => {
    assertInvalid(document({ redirect_uris: undefined }), /redirect_uris must be a non-empty array/);
    assertInvalid(
      document({ redirect_uris: 'https://app.example.com/cb' }),
      /redirect_uris must be a non-empty array/,
    );
    assertInvalid(document({ redirect_uris: [] }), /redirect_uris must be a non-empty array/);
    assertInvalid(document({ redirect_uris: [42] }), /every redirect_uris entry/);
    assertInvalid(document({ redirect_uris: [''] }), /every redirect_uris entry/);
    assertInvalid(
      document({ redirect_uris: [`https://a.example/${'x'.repeat(2000)}`] }),
      /every redirect_uris entry/,
    );
    const many = Array.from({ length: 21 }, (_, index) => `https://app.example.com/cb${index}`);
    assertInvalid(document({ redirect_uris: many }), /at most 20/);
  });

  it('refuses a document that carries a client secret', () => {
    assertInvalid(document({ client_secret: 'hunter2' }), /must not contain client_secret/);
    assertInvalid(document({ client_secret_expires_at: 0 }), /must not contain client_secret_expires_at/);
  });

  it('treats a private_key_jwt document as a public client (we do not advertise that method)', () => {
    assert.equal(
      parseClientMetadataDocument(CLIENT_ID, document({ token_endpoint_auth_method: 'private_key_jwt' }))
        .tokenEndpointAuthMethod,
      'none',
    );
  });

  it('refuses secret-based auth methods with a reason naming the method', () => {
    assertInvalid(document({ token_endpoint_auth_method: 'client_secret_basic' }), /only "none" is accepted/);
    assertInvalid(document({ token_endpoint_auth_method: 7 }), /non-string value/);
  });

  it('refuses grant types other than authorization_code and refresh_token', () => {
    assertInvalid(
      document({ grant_types: ['authorization_code', 'password'] }),
      /"password" is not supported/,
    );
    assertInvalid(document({ grant_types: ['client_credentials'] }), /"client_credentials" is not supported/);
    assertInvalid(document({ grant_types: 'authorization_code' }), /grant_types must be a non-empty array/);
    assertInvalid(document({ grant_types: [] }), /grant_types must be a non-empty array/);
  });

  it('refuses response types other than code', () => {
    assertInvalid(document({ response_types: ['token'] }), /response_types must be \["code"\]/);
    assertInvalid(document({ response_types: ['code', 'id_token'] }), /response_types must be/);
  });

  it('refuses consent-screen links that are not web URLs', () => {
    assertInvalid(document({ client_uri: 'javascript:alert(1)' }), /client_uri must be an http or https URL/);
    assertInvalid(
      document({ logo_uri: 'data:image/png;base64,AAAA' }),
      /logo_uri must be an http or https URL/,
    );
  });
});
