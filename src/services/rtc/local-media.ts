import { chunk, RtcError } from './rtc-error.js';

/**
 * Switching what a call sends (another device, a track of the page's, a screen), and following device
 * changes: a chunk, loaded on first use, as most calls keep sending what they started with.
 */
export const mediaSwitching = () => chunk('media switching', import('./media-switching.js'));

/**
 * The error for a camera or microphone that could not be opened, from its chunk, with what it means for
 * the call; if the chunk itself cannot load, that `load-failed` error says so instead.
 */
const openFailed = (cause?: unknown): Promise<RtcError> =>
  chunk('the media error messages', import('./media-errors.js')).then(
    (m) => {
      const error = cause === undefined ? m.noMediaHere() : m.mediaError(cause);
      error.message += ' This side can only receive.';
      return error;
    },
    (error: RtcError) => error,
  );

/**
 * What local media tells its owner: a new or no local stream; a change of mute, device or screen; or a
 * device that could not be switched to on its own (a camera unplugged, and the default one failing too).
 */
export type LocalMediaChange = 'localstream' | 'mediachange' | RtcError;

/**
 * The camera, the microphone and the shared screen of one call, and what each peer connection sends of
 * them. It is the one place that applies the media settings: each local track enabled unless muted, and
 * every sender carrying what it should (nothing when muted, the screen while sharing, else the camera).
 */
export class LocalMedia {
  stream: MediaStream | null = null;
  /** Whether the microphone is muted: no peer gets audio. Kept across calls. */
  audioMuted = false;
  /** Whether the camera is off: no peer gets video frames at all. Kept across calls. */
  videoMuted = false;
  /** The shared screen, while screen sharing; it goes out in place of the camera. */
  screen: MediaStream | null = null;
  /** The cameras, microphones and speakers the browser lists; refreshed on start and on `devicechange`. */
  devices: MediaDeviceInfo[] = [];
  /** The speaker chosen with `select(media, 'audiooutput', id)` (media-switching.ts); '' is the system default. */
  sinkId = '';
  /** The connections our media is on, with their sender for each kind (found even while it sends nothing). */
  readonly #senders = new Map<RTCPeerConnection, Map<string, RTCRtpSender>>();
  /** The cap each video sender was last given (shareBitrate), so that an unchanged one is not read again. */
  readonly #caps = new WeakMap<RTCRtpSender, number>();
  #applying: Promise<unknown> = Promise.resolve();
  #unfollow: (() => void) | null = null;
  readonly #changed: (change: LocalMediaChange) => void;
  /** What to ask getUserMedia for. */
  readonly constraints: () => MediaStreamConstraints;

  constructor(
    changed: (change: LocalMediaChange) => void,
    constraints: () => MediaStreamConstraints,
  ) {
    this.#changed = changed;
    this.constraints = constraints;
}

  /**
   * Opens the camera and microphone, once, and follows device changes. Resolves with the reason when
   * there is none to open (the call then only receives), or null.
   */
  async open(): Promise<RtcError | null> {
    this.#follow();
    const constraints = this.constraints();
    if (this.stream || !(constraints.audio || constraints.video)) return null;
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) return openFailed();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia(constraints);
    } catch (cause) {
      return openFailed(cause);
    }
    this.#changed('localstream');
    await this.listDevices();
    await this.apply();
    return null;
  }

  /** Stops the camera, the microphone and the screen. Mute settings stay for the next call. */
  close(): void {
    this.#unfollow?.();
    this.#unfollow = null;
    this.stopScreenShare();
    if (!this.stream) return;
    for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.#changed('localstream');
  }

  /**
   * Puts our media on `pc`: each local track, once. Without local media, an offering side asks for the
   * peer's audio and video anyway, with receive-only transceivers; an answering side needs none, as the
   * offer brings its own.
   */
  attach(pc: RTCPeerConnection, offering: boolean): void {
    const stream = this.stream;
    if (stream) for (const track of stream.getTracks()) pc.addTrack(track, stream);
    else if (offering) for (const kind of ['audio', 'video']) pc.addTransceiver(kind, { direction: 'recvonly' });
    this.#senders.set(pc, new Map(pc.getSenders().flatMap((s) => (s.track ? [[s.track.kind, s]] : []))));
    // The settings reach the new senders; nothing the peers are told of (mute state) changed.
    void this.apply(false);
  }

  detach(pc: RTCPeerConnection): void {
    this.#senders.delete(pc);
  }

  setMuted(kind: 'audio' | 'video', muted: boolean): Promise<void> {
    if (kind === 'audio') this.audioMuted = muted;
    else this.videoMuted = muted;
    return this.apply();
  }

  /** Sends the camera again. Harmless when not sharing. */
  async stopScreenShare(): Promise<void> {
    const stream = this.screen;
    if (!stream) return;
    this.screen = null;
    for (const track of stream.getTracks()) track.stop();
    await this.apply();
  }

  /** Applies the settings to the local tracks and to every connection's senders; `announce` tells the call. */
  async apply(announce = true): Promise<void> {
    const muted = (kind: string) => (kind === 'audio' ? this.audioMuted : this.videoMuted);
    for (const track of this.stream?.getTracks() ?? []) track.enabled = !muted(track.kind);
    // One change at a time: `sender.track` changes only once a replaceTrack settles, so a mute and an
    // unmute in quick succession must not both compare against the track from before either.
    const applied = this.#applying.then(() =>
      Promise.all(
        [...this.#senders].flatMap(([pc, senders]) =>
          ['audio', 'video'].map((kind) => {
            const stream = (kind === 'video' && this.screen) || this.stream;
            const track = muted(kind) ? null : (stream?.getTracks().find((t) => t.kind === kind) ?? null);
            const sender = senders.get(kind);
            // A kind the call has not sent yet (a receive-only side that picks a camera or shares a
            // screen) is added as a track, and perfect negotiation renegotiates.
            if (!sender) return track && pc.signalingState !== 'closed' && senders.set(kind, pc.addTrack(track, stream!));
            // A connection closed meanwhile refuses; the next call starts from these settings anyway.
            return sender.track === track ? null : sender.replaceTrack(track).catch(() => {});
          }),
        ),
      ),
    );
    this.#applying = applied.catch(() => {});
    await applied;
    if (announce) this.#changed('mediachange');
  }

  /**
   * Shares the upstream video budget (`max-bitrate`, bits per second) among the connected peers: each
   * video sender is capped at `total / peers` with `setParameters`, without renegotiation, and sends a
   * smaller picture where its share is low (half the size under 500 kbit/s, a quarter under 150 kbit/s),
   * so that a low budget buys a sharp small picture rather than a blurred large one.
   */
  async shareBitrate(total: number, peers: RTCPeerConnection[]): Promise<void> {
    const share = Math.floor(total / Math.max(1, peers.length));
    await Promise.all(
      peers.map((pc) => {
        const sender = this.#senders.get(pc)?.get('video');
        // getParameters() waits on the browser's WebRTC thread: not asked again for a cap already set.
        if (!sender || this.#caps.get(sender) === share) return;
        const parameters = sender.getParameters();
        const encoding = parameters.encodings?.[0];
        if (!encoding) return;
        encoding.maxBitrate = share;
        encoding.scaleResolutionDownBy = share < 150_000 ? 4 : share < 500_000 ? 2 : 1;
        return sender.setParameters(parameters).then(
          () => void this.#caps.set(sender, share),
          () => {},
        );
      }),
    );
  }

  /** Reads the list of devices again: after the camera opened (names show once it is allowed), and on `devicechange`. */
  async listDevices(): Promise<void> {
    this.devices = (await navigator.mediaDevices?.enumerateDevices?.().catch(() => null)) ?? this.devices;
  }

  /** While open: on `devicechange`, refresh the list, and if a device in use is gone, fall back to the default one. */
  #follow(): void {
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!media?.addEventListener || this.#unfollow) return;
    const onChange = () => mediaSwitching().then((m) => m.devicesChanged(this)).catch((error: RtcError) => this.#changed(error));
    media.addEventListener('devicechange', onChange);
    this.#unfollow = () => media.removeEventListener('devicechange', onChange);
  }
}
