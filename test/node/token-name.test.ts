// The name peers see when <rtc-call> has no display-name: the access token's `name` claim (contract section 10).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenName } from '../../src/services/signaling/access-token.js';

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: object) => `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;

describe('tokenName', () => {
  it('reads the name claim, UTF-8 included, from a base64url payload without padding', () => {
    assert.equal(tokenName(token({ sub: 'u1', name: 'Ana' })), 'Ana');
    assert.equal(tokenName(token({ sub: 'u2', name: '김민준 🎉 ~~??>>' })), '김민준 🎉 ~~??>>');
  });

  it('is null for no token, no name, a name that is not a string, or a token that is not a JWT', () => {
    assert.equal(tokenName(null), null);
    assert.equal(tokenName(undefined), null);
    assert.equal(tokenName(token({ sub: 'u3' })), null);
    assert.equal(tokenName(token({ name: { first: 'Ana' } })), null);
    assert.equal(tokenName('opaque-token'), null);
    assert.equal(tokenName('a.%%%.c'), null);
  });
});
