// A fake service for the call screen's stories and tests: FakeRtcService (no hub, no camera, canvas
// streams) plus what the call screen reads beyond it: named peers with mute state, per-peer stats and
// connection states, peers joining and leaving, the invitation states `calling` and `ringing`, a device
// list, device choice and screen sharing.
//
// A fake for UI tests only: it proves nothing about calls.
import type { ScreenPeer, ScreenState } from '../src/components/call-screen/types.js';
import type { CurrentInvitation } from '../src/services/invitations/invitations.js';

/** An invitation as a story gives it: who, and which way; the rest is made up. */
type Invitation = Pick<CurrentInvitation, 'direction' | 'name' | 'from'>;
import type { CallState, PeerState } from '../src/services/rtc/call-state.js';
import type { CallStats } from '../src/services/rtc/call-stats.js';
import type { PeerInfo } from '../src/services/rtc/rtc-service.js';
import type { RtcServiceEventMap } from '../src/services/rtc/service-events.js';
import { FakeRtcService, type FakeRtcServiceOptions } from './fake-rtc-service.js';

/** A remote person: their id, and what the call screen shows about them. */
export interface FakePeer {
  id: string;
  name?: string | null;
  state?: PeerState;
  audioMuted?: boolean;
  videoMuted?: boolean;
  stats?: CallStats | null;
}

export interface FakeCallServiceOptions extends Omit<FakeRtcServiceOptions, 'state' | 'peers'> {
  /** The state it starts in, the invitation states included. Default `idle`. */
  state?: ScreenState;
  /** The people in the channel (in the call once connected). Default one, Alex. */
  people?: FakePeer[];
  /** The invitation it holds while `calling` or `ringing`. */
  invitation?: Invitation | null;
}

/** Good quality, as a connected peer on a LAN reports it. */
export const GOOD_STATS: CallStats = { rtt: 12, bitrateIn: 1_200_000, bitrateOut: 1_150_000, packetLoss: 0, fps: 30, width: 640, height: 480, candidateType: 'host' };

const DEVICES = [
  ['videoinput', 'cam-1', 'Front camera'],
  ['videoinput', 'cam-2', 'USB camera'],
  ['audioinput', 'mic-1', 'Built-in microphone'],
  ['audioinput', 'mic-2', 'Headset microphone'],
  ['audiooutput', 'spk-1', 'Speakers'],
  ['audiooutput', 'spk-2', 'Headphones'],
].map(([kind, deviceId, label]) => ({ kind, deviceId, label, groupId: deviceId, toJSON: () => ({}) }) as MediaDeviceInfo);

export class FakeCallService extends FakeRtcService {
  /** Every device choice made, in order, as `kind:id`. */
  readonly selected: string[] = [];
  #people = new Map<string, FakePeer>();
  /** A state the base fake cannot hold (ringing, calling, reconnecting), until the base moves on. */
  #override: ScreenState | null = null;
  #invitation: CurrentInvitation | null = null;
  #screen: MediaStream | null = null;
  #sinkId = '';

  constructor(options: FakeCallServiceOptions = {}) {
    const people = options.people ?? [{ id: 'peer-1', name: 'Alex' }];
    const state = options.state ?? 'idle';
    const base: CallState = state === 'ringing' || state === 'calling' ? 'idle' : state === 'reconnecting' ? 'connected' : state;
    super({ ...options, state: base, peers: people.map((p) => p.id) });
    for (const person of people) this.#people.set(person.id, person);
    if (base !== state) this.#override = state;
    this.#invitation = options.invitation ? invitation(options.invitation) : null;
  }

  override get state(): CallState {
    return (this.#override ?? super.state) as CallState;
  }

  /** The people in the call: those with a stream, as the base fake lists them, with their names and state. */
  override get peers(): PeerInfo[] {
    return super.peers.flatMap((p) => {
      const person = this.#people.get(p.id);
      return person ? [{ ...p, name: null, audioMuted: false, videoMuted: false, state: 'connected', stats: p.stats, ...person } as PeerInfo & ScreenPeer] : [];
    });
  }

  override get invitation(): CurrentInvitation | null {
    return this.#invitation;
  }

  override get devices(): MediaDeviceInfo[] {
    return this.localStream ? DEVICES : [];
  }

  override get sinkId(): string {
    return this.#sinkId;
  }

  override get screenStream(): MediaStream | null {
    return this.#screen;
  }

  /** Moves to any state, the ones the base fake cannot hold included, and says so. */
  moveTo(state: ScreenState): void {
    const previous = this.state;
    this.#override = state;
    this.emit('statechange', { state: state as CallState, previous });
  }

  /** Someone joins the call (with a stream), as a peer's arrival would show. */
  join(person: FakePeer): void {
    this.#people.set(person.id, person);
    const canvas = document.createElement('canvas');
    canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
    this.setRemoteStream(person.id, canvas.captureStream(1));
  }

  /** Someone leaves the call. */
  leave(id: string): void {
    this.#people.delete(id);
    this.setRemoteStream(id, null);
  }

  /** A peer's name, mute state, connection state or stats change. */
  updatePeer(id: string, change: Partial<FakePeer>): void {
    this.#people.set(id, { ...this.#people.get(id)!, ...change });
    this.emit('peerschange', null);
  }

  /** An invitation arrives: `ringing`. */
  ring(invite: Omit<Invitation, 'direction'>): void {
    this.#invitation = invitation({ ...invite, direction: 'incoming' });
    this.moveTo('ringing');
  }

  override async accept(): Promise<void> {
    this.#invitation = null;
    this.#override = null;
    await this.call();
  }

  override async decline(): Promise<void> {
    this.#invitation = null;
    this.moveTo('idle');
  }

  override async cancel(): Promise<void> {
    this.#invitation = null;
    this.moveTo('idle');
  }

  override async selectDevice(kind: MediaDeviceKind, deviceId: string): Promise<void> {
    this.selected.push(`${kind}:${deviceId}`);
    if (kind === 'audiooutput') this.#sinkId = deviceId;
    this.emit('mediachange', null);
  }

  override async shareScreen(stream?: MediaStream): Promise<void> {
    this.#screen = stream ?? document.createElement('canvas').captureStream(1);
    this.emit('mediachange', null);
  }

  override async stopScreenShare(): Promise<void> {
    for (const track of this.#screen?.getTracks() ?? []) track.stop();
    this.#screen = null;
    this.emit('mediachange', null);
  }

  // The base fake's own moves (start, call, hangup, fail) end any state set here.
  protected override emit<K extends keyof RtcServiceEventMap>(type: K, detail: RtcServiceEventMap[K]): boolean {
    if (type === 'statechange' && this.#override && (detail as RtcServiceEventMap['statechange']).state !== this.#override) this.#override = null;
    return super.emit(type, detail);
  }
}

function invitation(given: Invitation): CurrentInvitation {
  return { id: 'invitation-1', info: null, channel: 'call-1', ...given };
}
