// How a getUserMedia rejection becomes the error a user reads. The browser tests produce the denied and
// the missing camera for real; Chromium's fake devices cannot be busy, so every name is checked here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mediaError } from '../../src/services/rtc/media-errors.js';
import { RtcError } from '../../src/services/rtc/rtc-error.js';

const cases: Array<[string, RtcError['code'], RegExp]> = [
  ['NotAllowedError', 'media-permission-denied', /denied/],
  ['SecurityError', 'media-permission-denied', /denied/],
  ['NotFoundError', 'media-device-not-found', /No camera or microphone/],
  ['OverconstrainedError', 'media-device-not-found', /No camera or microphone/],
  ['NotReadableError', 'media-device-busy', /in use by another application/],
  ['AbortError', 'media-device-busy', /in use by another application/],
  ['TypeError', 'media-failed', /could not be opened/],
];

describe('mediaError', () => {
  for (const [name, code, message] of cases) {
    it(`${name} gives ${code}`, () => {
      const cause = new DOMException('browser text', name);
      const error = mediaError(cause);
      assert.ok(error instanceof RtcError);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.equal(error.cause, cause);
    });
  }

  it('takes anything with a name, and anything without one as media-failed', () => {
    assert.equal(mediaError({ name: 'NotReadableError' }).code, 'media-device-busy');
    assert.equal(mediaError(null).code, 'media-failed');
    assert.equal(mediaError('text').code, 'media-failed');
  });
});
