// The sound half of the pre-call check, with Web Audio: how loud the microphone is, and a test tone
// for the speaker (made here, no audio file).

/** Above this level (0–1) the microphone counts as hearing something. */
export const HEARD = 0.02;

/** Reads the loudness of a microphone track, from an AnalyserNode. */
export class LevelMeter {
  readonly #context = new AudioContext();
  readonly #analyser = this.#context.createAnalyser();
  readonly #samples: Float32Array<ArrayBuffer>;

  constructor(stream: MediaStream) {
    // About 85 ms of sound at 48 kHz: read every 80 ms, no short sound slips between two reads.
    this.#analyser.fftSize = 4096;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#context.createMediaStreamSource(stream).connect(this.#analyser);
  }

  /** The loudness now: the root mean square of the last samples, 0 (silence) to 1. */
  level(): number {
    // Made before a user gesture, the context may start suspended; the page's next click resumes it.
    if (this.#context.state === 'suspended') void this.#context.resume();
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    return Math.sqrt(sum / this.#samples.length);
  }

  close(): void {
    void this.#context.close();
  }
}

/**
 * Plays a short two-note chime on the speaker `sinkId` ('' is the default), through an `<audio>` element
 * so the speaker can be chosen (`setSinkId`). Resolves when it has played.
 */
export async function playTone(sinkId: string): Promise<void> {
  const context = new AudioContext();
  const out = context.createMediaStreamDestination();
  const audio = new Audio();
  try {
    const gain = context.createGain();
    gain.connect(out);
    const now = context.currentTime;
    for (const [i, frequency] of [660, 880].entries()) {
      const start = now + i * 0.35;
      const note = context.createOscillator();
      note.frequency.value = frequency;
      note.connect(gain);
      // A soft attack and release, so the tone does not click.
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(0.3, start + 0.03);
      gain.gain.linearRampToValueAtTime(0, start + 0.3);
      note.start(start);
      note.stop(start + 0.3);
    }
    audio.srcObject = out.stream;
    if (sinkId && audio.setSinkId) await audio.setSinkId(sinkId);
    await audio.play();
    await new Promise((resolve) => setTimeout(resolve, 750));
  } finally {
    audio.srcObject = null;
    await context.close();
  }
}
