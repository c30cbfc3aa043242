import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackRedirect, redirectHost, redirectUriMatches, redirectUriProblem } from './redirect-uris';

const SCHEMES = ['cursor'];

describe('redirect URI registration rules', () => {
  it('accepts https, loopback http and allowlisted custom schemes (the real clients)', () => {
    for (const uri of [
      'https://claude.ai/api/mcp/auth_callback',
      'http://localhost:8787/callback',
      'http://127.0.0.1/callback',
      'http://[::1]:3000/cb',
      'cursor://anysphere.cursor-mcp/oauth/callback',
    ]) {
      assert.equal(redirectUriProblem(uri, SCHEMES), undefined, uri);
    }
  });

  it('rejects fragments, dangerous schemes, non-loopback http, https loopback and unlisted schemes', () => {
    for (const uri of [
      'https://client.example/cb#frag',
      'javascript:alert(1)',
      'data:text/html,hi',
      'file:///etc/passwd',
      'http://evil.example/cb',
      'https://localhost/cb',
      'myapp://callback',
      'not a uri',
      'https://user:pw@client.example/cb',
    ]) {
      assert.notEqual(redirectUriProblem(uri, SCHEMES), undefined, uri);
    }
  });
});

describe('redirect URI matching (RFC 9700 §4.1.3, RFC 8252 §7.3)', () => {
  const registered = ['https://client.example/cb', 'http://127.0.0.1/cb', 'http://localhost:8787/callback'];

  it('matches exactly', () => {
    assert.equal(redirectUriMatches(registered, 'https://client.example/cb'), true);
  });

  it('rejects every near miss of an https URI (security.md A1)', () => {
    for (const uri of [
      'https://client.example/cb/extra',
      'https://client.example/cb?x',
      'https://CLIENT.EXAMPLE/cb',
      'https://client.example:443/cb',
      'https://client.example/cb%20',
      'https://client.example/cb#f',
      'http://client.example/cb',
    ]) {
      assert.equal(redirectUriMatches(registered, uri), false, uri);
    }
  });

  it('lets only the port vary on loopback (security.md A3)', () => {
    assert.equal(redirectUriMatches(registered, 'http://127.0.0.1:51234/cb'), true);
    assert.equal(redirectUriMatches(registered, 'http://localhost:9999/callback'), true);
    assert.equal(redirectUriMatches(registered, 'http://127.0.0.1:51234/cb2'), false);
    assert.equal(redirectUriMatches(registered, 'http://localhost:51234/cb'), false);
    assert.equal(redirectUriMatches(registered, 'http://evil.example/cb'), false);
    assert.equal(redirectUriMatches(registered, 'javascript:alert(1)'), false);
  });

  it('tells loopback redirects and the host to show', () => {
    assert.equal(isLoopbackRedirect('http://localhost:3000/cb'), true);
    assert.equal(isLoopbackRedirect('https://claude.ai/cb'), false);
    assert.equal(redirectHost('https://claude.ai/api/mcp/auth_callback'), 'claude.ai');
    assert.equal(redirectHost('cursor://anysphere.cursor-mcp/oauth/callback'), 'anysphere.cursor-mcp');
  });
});
