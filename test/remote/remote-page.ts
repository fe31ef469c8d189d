// What a remote page offers the functions a test runs in it (RemotePage.run): the kit, the call helpers,
// and a place to keep the page's calls between runs.
import * as kit from '../../src/index.js';
import * as helpers from '../helpers/call-helpers.js';
import * as group from '../helpers/group-helpers.js';
import * as media from '../helpers/media-helpers.js';
import type { RtcCall } from '../../src/index.js';

export interface RemoteGlobals {
  kit: typeof kit;
  helpers: typeof helpers;
  group: typeof group;
  media: typeof media;
  /** The page's calls, by a name the test picks. */
  calls: Record<string, RtcCall>;
  /** Whatever else a test wants to keep in the page between runs. */
  store: Record<string, unknown>;
}

const globals: RemoteGlobals = { kit, helpers, group, media, calls: {}, store: {} };
Object.assign(window, { remote: globals, remoteReady: true });
