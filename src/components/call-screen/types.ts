// What the call screen reads and does, written against the shape of the service that <rtc-call> gives
// it (contract sections 7, 9 and 10). Structural types: the real service and the test fakes both fit.
import type { CallState, PeerState } from '../../services/rtc/call-state.js';
import type { CallStats } from '../../services/rtc/call-stats.js';
import type { LocalizeController } from '../../localize/localize-controller.js';
import type { CurrentInvitation } from '../../services/invitations/invitations.js';

/** Where the call is, with the invitation states (section 9). */
export type ScreenState = CallState | 'calling' | 'ringing';

/** One remote peer, as `service.peers` lists it. */
export interface ScreenPeer {
  readonly id: string;
  readonly state: PeerState;
  /** The display name the peer sent over the data channel, once it has. */
  readonly name?: string | null;
  readonly stream: MediaStream | null;
  readonly audioMuted?: boolean;
  readonly videoMuted?: boolean;
  readonly stats: CallStats | null;
}

/** The invitation shown while `calling` (outgoing) or `ringing` (incoming): what the screen reads of the service's. */
export type Invitation = Pick<CurrentInvitation, 'direction' | 'name' | 'from'>;

/** What the call screen reads from the service. */
export interface CallScreenService {
  readonly state: ScreenState;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly peers: readonly ScreenPeer[];
  readonly localStream: MediaStream | null;
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
  readonly screenStream: MediaStream | null;
  readonly devices: readonly MediaDeviceInfo[];
  readonly sinkId: string;
  readonly invitation?: Invitation | null;
}

/** What the call screen's controls do. The host runs each and reports a failure as `rtc-error`. */
export interface CallScreenActions {
  start(): void;
  call(): void;
  hangup(): void;
  setMuted(kind: 'audio' | 'video', muted: boolean): void;
  /** Starts sharing a screen, or stops it. */
  shareScreen(on: boolean): void;
  selectDevice(kind: MediaDeviceKind, deviceId: string): void;
  /** Opens or closes the devices menu (the host keeps `menu` in its view). */
  menu(open: boolean): void;
  accept(): void;
  decline(): void;
  cancel(): void;
}

/** The strings and formats a template uses: a LocalizeController. */
export type Localize = Pick<LocalizeController, 't' | 'number' | 'duration' | 'lang' | 'dir'>;
