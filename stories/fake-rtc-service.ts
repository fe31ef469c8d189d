// A fake RtcService for stories and element tests: no hub, no camera, no RTCPeerConnection.
//
// It is a fake for UI tests only. It never signals, never negotiates and never opens a device, so it
// proves nothing about calls: integration tests (test/call-behaviour.test.ts and the like) must use the
// real RtcService against the real hub.
import type { CallState } from '../src/services/rtc/call-state.js';
import type { CallStats } from '../src/services/rtc/call-stats.js';
import { RtcError, type RtcErrorCode } from '../src/services/rtc/rtc-error.js';
import { RtcService, type PeerInfo } from '../src/services/rtc/rtc-service.js';

export interface FakeRtcServiceOptions {
  /** The state it starts in. Default `idle`. */
  state?: CallState;
  /** The error it holds in `failed`, and the one a `failOn` step fails with. */
  error?: RtcError | { code: RtcErrorCode; message: string };
  /**
   * Whether it starts with streams. `true`: a local stream and one remote stream per peer, whatever the
   * state. `false`: none. Default: what the real service would hold in `state` (local media in `ready`,
   * `connecting` and `connected`; remote streams in `connected`).
   */
  withStreams?: boolean;
  /** The peers in the channel, by connection id. Default `['peer-1']`. */
  peers?: string[];
  /** Makes `start()` or `call()` fail with `error`, the way the real one fails. */
  failOn?: 'start' | 'call';
  /** Milliseconds each step of `start()` and `call()` takes. Default 0 (the next task). */
  stepMs?: number;
  /** The quality report it holds, as a connected call's last `rtc-stats`. */
  stats?: CallStats;
  /** Starts with the microphone and the camera muted. */
  muted?: boolean;
}

const DEFAULT_ERROR = { code: 'ice-failed', message: 'No network path to the peer was found. A TURN relay may be needed; see ice-servers-url.' } as const;

interface Source {
  stream: MediaStream;
  canvas: HTMLCanvasElement;
  label: string;
  hue: number;
}

const FPS = 15;

/**
 * An RtcService that keeps its state itself and makes its media from animated canvases
 * (`captureStream()`), so frames really flow. `start()`, `call()` and `hangup()` move through the
 * same states, and emit the same service events, as the real service's, without any network.
 */
export class FakeRtcService extends RtcService {
  private readonly options: FakeRtcServiceOptions;
  private readonly sources: Source[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private frame = 0;
  /** In the channel: after `start()`, until `hangup()`. The real service's hub link, minus the hub. */
  private joined: boolean;
  #state: CallState;
  #error: RtcError | null = null;
  #stats: CallStats | null;
  #muted = { audio: false, video: false };
  #local: MediaStream | null = null;
  /** The peers in the channel, and the stream of each once in a call. */
  #members: string[];
  #streams = new Map<string, MediaStream>();

  constructor(options: FakeRtcServiceOptions = {}) {
    super();
    this.options = options;
    const state = (this.#state = options.state ?? 'idle');
    if (state === 'failed') this.#error = toError(options.error ?? DEFAULT_ERROR);
    this.#stats = options.stats ?? null;
    this.#muted.audio = this.#muted.video = options.muted ?? false;
    this.#members = options.peers ?? ['peer-1'];
    this.joined = state === 'ready' || state === 'connecting' || state === 'connected';
    const local = options.withStreams ?? (state === 'ready' || state === 'connecting' || state === 'connected');
    const remote = options.withStreams ?? state === 'connected';
    if (local) this.#local = this.makeStream('local');
    if (remote) for (const peer of this.#members) this.#streams.set(peer, this.makeStream(peer));
  }

  override get state(): CallState {
    return this.#state;
  }
  override get error(): RtcError | null {
    return this.#error;
  }
  override get stats(): CallStats | null {
    return this.#stats;
  }
  override get localStream(): MediaStream | null {
    return this.#local;
  }
  override get audioMuted(): boolean {
    return this.#muted.audio;
  }
  override get videoMuted(): boolean {
    return this.#muted.video;
  }
  override get peerId(): string | null {
    return this.joined ? (this.#members[0] ?? null) : null;
  }
  /** The peers with a stream, as the real service lists the peers it is in a call with. */
  override get peers(): PeerInfo[] {
    return [...this.#streams].map(([id, stream]) => ({ id, state: 'connected', stream, stats: this.#stats, connection: null, name: null, audioMuted: false, videoMuted: false }));
  }

  /** For tests: the stream of a peer, if it has one. */
  streamOf(peerId: string): MediaStream | null {
    return this.#streams.get(peerId) ?? null;
  }

  /** For tests: a peer's stream arrives (or goes, with null), as a real peer's would. */
  setRemoteStream(peerId: string, stream: MediaStream | null): void {
    if (stream) this.#streams.set(peerId, stream);
    else this.#streams.delete(peerId);
    this.emit('remotestream', { stream, peerId });
    this.emit('peerschange', null);
  }

  override async setMuted(kind: 'audio' | 'video', muted: boolean): Promise<void> {
    this.#muted[kind] = muted;
    // As the real one: the preview shows it too, and the change is announced once it is applied, later.
    for (const track of this.#local?.getTracks() ?? []) if (track.kind === kind) track.enabled = !muted;
    await this.step();
    this.emit('mediachange', null);
  }

  /** Like the real one: local media, then `ready`; or `failed` and a rejection with `failOn: 'start'`. */
  override async start(): Promise<void> {
    if (this.state === 'ready' || this.state === 'connecting' || this.state === 'connected') return;
    await this.step();
    if (this.options.failOn === 'start') {
      const error = toError(this.options.error ?? { code: 'media-permission-denied', message: 'Camera or microphone access was denied. Allow it in the browser and try again.' });
      this.fail(error);
      throw error;
    }
    if (!this.#local) {
      this.#local = this.makeStream('local');
      this.emit('localstream', { stream: this.#local });
    }
    this.joined = true;
    this.setState('ready');
    for (const peerId of this.#members) this.emit('peerjoin', { peerId });
  }

  /** Like the real one: `connecting`, the peers' streams, then `connected`; or `failed` with `failOn: 'call'`. */
  override async call(): Promise<void> {
    if (this.state === 'idle' || this.state === 'failed') await this.start();
    if (this.state === 'connecting' || this.state === 'connected') return;
    this.setState('connecting');
    await this.step();
    // As the real one: after hangup() the hub link is gone, so a call fails until start() runs again.
    const failure = !this.joined
      ? new RtcError('signaling-unavailable', 'The call is not connected to the hub.')
      : this.options.failOn === 'call'
        ? toError(this.options.error ?? DEFAULT_ERROR)
        : null;
    if (failure) {
      this.fail(failure);
      throw failure;
    }
    for (const peerId of this.#members) {
      const stream = this.#streams.get(peerId) ?? this.makeStream(peerId);
      this.#streams.set(peerId, stream);
      this.emit('remotestream', { stream, peerId });
    }
    this.emit('peerschange', null);
    this.setState('connected');
  }

  /** Like the real one: the streams go, the camera stops, and the state is `ended`. */
  override async hangup(): Promise<void> {
    this.joined = false;
    this.clearStreams();
    if (this.#local) {
      for (const track of this.#local.getTracks()) track.stop();
      this.#local = null;
      this.emit('localstream', { stream: null });
    }
    if (this.state !== 'ended') this.setState('ended');
  }

  override fail(error: RtcError): void {
    this.clearStreams();
    this.setState('failed', error);
    this.emit('error', { error });
  }

  private setState(state: CallState, error: RtcError | null = null): void {
    const previous = this.#state;
    this.#error = error;
    if (previous === state) return;
    this.#state = state;
    this.emit('statechange', { state, previous });
  }

  private clearStreams(): void {
    for (const peerId of [...this.#streams.keys()]) {
      this.#streams.delete(peerId);
      this.emit('remotestream', { stream: null, peerId });
    }
    this.emit('peerschange', null);
  }

  /** Stops every canvas track and the animation. The service is unusable for media afterwards. */
  dispose(): void {
    for (const source of this.sources.splice(0)) for (const track of source.stream.getTracks()) track.stop();
    this.stopAnimation();
  }

  private step(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.options.stepMs ?? 0));
  }

  /** A live video stream from a canvas that changes every frame, labelled so a person can tell them apart. */
  private makeStream(label: string): MediaStream {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const stream = canvas.captureStream(FPS);
    const source = { stream, canvas, label, hue: (this.sources.length * 137) % 360 };
    this.sources.push(source);
    draw(source, this.frame);
    this.timer ??= setInterval(() => this.animate(), 1000 / FPS);
    return stream;
  }

  private animate(): void {
    this.frame++;
    const inUse = new Set<MediaStream>(this.#streams.values());
    if (this.#local) inUse.add(this.#local);
    for (let i = this.sources.length - 1; i >= 0; i--) {
      const source = this.sources[i];
      const live = source.stream.getTracks().some((track) => track.readyState === 'live');
      // A stream the service let go of (hangup, fail) is stopped, as a closed peer connection's would be.
      if (!live || !inUse.has(source.stream)) {
        for (const track of source.stream.getTracks()) track.stop();
        this.sources.splice(i, 1);
        continue;
      }
      draw(source, this.frame);
    }
    if (this.sources.length === 0) this.stopAnimation();
  }

  private stopAnimation(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

function toError(error: RtcError | { code: RtcErrorCode; message: string }): RtcError {
  return error instanceof RtcError ? error : new RtcError(error.code, error.message);
}

function draw({ canvas, label, hue }: Source, frame: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.fillStyle = `hsl(${hue} 45% 25%)`;
  ctx.fillRect(0, 0, width, height);
  const x = (frame * 6) % (width + 40) - 40;
  ctx.fillStyle = `hsl(${(hue + 40) % 360} 70% 60%)`;
  ctx.fillRect(x, 0, 40, height);
  ctx.fillStyle = '#fff';
  ctx.font = '20px sans-serif';
  ctx.fillText(`${label} #${frame}`, 12, height - 16);
}
