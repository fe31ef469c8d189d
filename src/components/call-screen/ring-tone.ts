// The ring tone, made with Web Audio: no sound file to download or host. A chunk of its own, loaded the
// first time a call rings. Two sine tones at 440 and 480 Hz, the ringing sound most people know:
// - incoming (`ringing`): two short rings, then a pause, so that it is heard across a room;
// - outgoing (`calling`): one long ring, then a longer pause, the "ringback" a caller hears.

export type RingKind = 'incoming' | 'outgoing';

/** Seconds of sound and of silence in one cycle, repeated until stopped. */
const PATTERNS: Record<RingKind, number[][]> = {
  incoming: [
    [0, 0.4],
    [0.6, 1.0],
  ],
  outgoing: [[0, 1.5]],
};
const CYCLE_SECONDS: Record<RingKind, number> = { incoming: 3, outgoing: 4.5 };
const VOLUME = 0.15;
/** How far ahead the cycles are scheduled: the audio thread plays them even when the page is busy. */
const AHEAD_CYCLES = 4;

export class RingTone {
  #context: AudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #kind: RingKind | null = null;

  /** Rings until `stop()`. Asking for the kind already ringing does nothing. */
  start(kind: RingKind): void {
    if (this.#kind === kind) return;
    this.stop();
    if (typeof AudioContext === 'undefined') return;
    this.#kind = kind;
    const context = (this.#context = new AudioContext());
    // Without a click on the page first, the browser may keep the context suspended: then the ring is
    // silent, and the panel and the live region still say that a call is ringing.
    context.resume().catch(() => {});
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    for (const frequency of [440, 480]) {
      const tone = context.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start();
    }
    const cycle = CYCLE_SECONDS[kind];
    let scheduledUntil = context.currentTime;
    const schedule = () => {
      while (scheduledUntil < context.currentTime + AHEAD_CYCLES * cycle) {
        for (const [on, off] of PATTERNS[kind]) {
          gain.gain.setValueAtTime(VOLUME, scheduledUntil + on);
          gain.gain.setValueAtTime(0, scheduledUntil + off);
        }
        scheduledUntil += cycle;
      }
    };
    schedule();
    this.#timer = setInterval(schedule, cycle * 1000);
  }

  /** Silence, at once; the audio context is closed, so nothing is left running. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#kind = null;
    void this.#context?.close().catch(() => {});
    this.#context = null;
  }

  get ringing(): RingKind | null {
    return this.#kind;
  }
}
