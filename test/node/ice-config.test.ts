// The ICE server checks that run before RTCPeerConnection, whose own errors name no field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateIceServers } from '../../src/services/rtc/ice-config.js';
import { RtcError } from '../../src/services/rtc/rtc-error.js';

const fails = (servers: unknown, message: RegExp) =>
  assert.throws(() => validateIceServers(servers), (error: unknown) => {
    assert.ok(error instanceof RtcError);
    assert.equal(error.code, 'bad-ice-config');
    assert.match(error.message, message);
    return true;
  });

describe('validateIceServers', () => {
  it('reports the seed\'s "credentials" typo and names the fix', () => {
    fails([{ urls: 'turn:t.example:3478', username: 'u', credentials: 'p' }], /iceServers\[0\] has "credentials"; the RTCIceServer field is "credential" \(singular\)/);
  });

  it('accepts STUN and TURN entries written correctly', () => {
    const servers = [
      { urls: 'stun:s.example:3478' },
      { urls: ['turn:t.example:3478?transport=udp', 'turns:t.example:5349'], username: '1:x', credential: 'c' },
    ];
    assert.deepEqual(validateIceServers(servers), servers);
    assert.deepEqual(validateIceServers([]), []);
  });

  it('names the field for each other mistake', () => {
    fails({ urls: 'stun:s' }, /must be an array/);
    fails([null], /iceServers\[0\] must be an object/);
    fails([{ url: 'stun:s' }], /iceServers\[0\] needs "urls"/);
    fails([{ urls: [] }], /needs "urls"/);
    fails([{ urls: 'http://s' }], /starts? with stun:, stuns:, turn: or turns:/);
    fails([{ urls: 'stun:s' }, { urls: 'turn:t' }], /iceServers\[1\] is a TURN server and needs "username" and "credential"/);
  });
});
