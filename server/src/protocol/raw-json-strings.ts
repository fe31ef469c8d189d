// Relaying a long string argument without writing it again.
//
// The hub's busiest work is relaying: SignalWebRtc(channel, type, payload) comes in, and the same three
// strings go out to the other members. The payload is an SDP of about 4 KB. Parsing it is unavoidable,
// but stringifying it again for the way out is not: the text it arrived as is already valid JSON for the
// very same string. The relay benchmark spent about a fifth of the hub's CPU on that second
// JSON.stringify for SDP-sized messages (docs/benchmarks.md).
//
// So the parser remembers the source bytes of the last few long string arguments, and the writer copies
// them when an argument is that same string: no stringify, and no UTF-8 encoding, of the payload. A
// string equal to a remembered one has, by definition, that JSON text; nothing else is assumed. The
// bytes are valid UTF-8, since the decoder that read them is fatal on anything else. Their escaping may
// differ from JSON.stringify's (a .NET client escapes non-ASCII, for example); every JSON reader
// decodes both to the same string.

/** Strings shorter than this are cheap to stringify; only longer ones are remembered. */
export const RAW_MIN_LENGTH = 512;
/** How many strings are remembered. A relay writes a string right after parsing it, so a few suffice. */
const RING_SIZE = 8;

const ringValues: string[] = [];
const ringRaw: Uint8Array[] = [];
let ringNext = 0;

/**
 * Remembers the source bytes of the long string arguments of an invocation. `json` is the message's
 * UTF-8 JSON (no record separator), already accepted by JSON.parse, and `args` is its parsed `arguments`.
 */
export function rememberRawArguments(json: Uint8Array, args: unknown[]): void {
  let any = false;
  for (const arg of args) if (typeof arg === 'string' && arg.length >= RAW_MIN_LENGTH) any = true;
  if (!any) return;
  const spans = argumentSpans(json);
  if (!spans || spans.length !== args.length) return;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const span = spans[i];
    if (typeof arg !== 'string' || arg.length < RAW_MIN_LENGTH || !span) continue;
    ringValues[ringNext] = arg;
    // A copy: the frame's buffer belongs to the transport.
    ringRaw[ringNext] = json.slice(span[0], span[1]);
    ringNext = (ringNext + 1) % RING_SIZE;
  }
}

/** The remembered UTF-8 JSON of `value`, or undefined. */
export function rawJsonOf(value: string): Uint8Array | undefined {
  if (value.length < RAW_MIN_LENGTH) return undefined;
  for (let i = 0; i < ringValues.length; i++) if (ringValues[i] === value) return ringRaw[i];
  return undefined;
}

/** Forgets every remembered string (for tests). */
export function forgetRawStrings(): void {
  ringValues.length = ringRaw.length = 0;
  ringNext = 0;
}

// Scanning ------------------------------------------------------------------------------------------
// These read UTF-8 JSON that JSON.parse has already accepted, so they only need to find where things
// end, not to check them. Every byte they look for is ASCII, and no byte of a multi-byte UTF-8 sequence
// is, so bytes work as characters would. Long strings are crossed with indexOf, not byte by byte.

/**
 * The [start, end) span of each element of the top-level `arguments` array, for string elements; null
 * for others. With duplicate keys JSON.parse keeps the last, and so does this. Null if not found, or if
 * a top-level key is escaped.
 */
export function argumentSpans(text: Uint8Array): Array<[number, number] | null> | null {
  let spans: Array<[number, number] | null> | null = null;
  let pos = skipSpace(text, 0);
  if (text[pos] !== 0x7b /* { */) return null;
  pos = skipSpace(text, pos + 1);
  while (text[pos] === 0x22 /* " */) {
    const keyEnd = stringEnd(text, pos);
    // An escaped key could spell "arguments" in a way this would not see; then trust nothing here.
    if (text.subarray(pos + 1, keyEnd).includes(0x5c /* \ */)) return null;
    const isArguments = keyEnd - pos - 1 === ARGUMENTS.length && ARGUMENTS.every((byte, i) => text[pos + 1 + i] === byte);
    pos = skipSpace(text, keyEnd + 1); // at ':'
    pos = skipSpace(text, pos + 1);
    if (isArguments && text[pos] === 0x5b /* [ */) {
      spans = [];
      pos = skipSpace(text, pos + 1);
      while (text[pos] !== 0x5d /* ] */) {
        const end = skipValue(text, pos);
        spans.push(text[pos] === 0x22 ? [pos, end] : null);
        pos = skipSpace(text, end);
        if (text[pos] === 0x2c /* , */) pos = skipSpace(text, pos + 1);
      }
      pos++;
    } else {
      pos = skipValue(text, pos);
    }
    pos = skipSpace(text, pos);
    if (text[pos] !== 0x2c) break;
    pos = skipSpace(text, pos + 1);
  }
  return spans;
}

const ARGUMENTS = [...'arguments'].map((c) => c.charCodeAt(0));

function skipSpace(text: Uint8Array, pos: number): number {
  for (;;) {
    const c = text[pos];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return pos;
    pos++;
  }
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: Uint8Array, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf(0x22, from);
    let backslashes = 0;
    while (text[quote - 1 - backslashes] === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** The index just past the value that starts at `pos`. */
function skipValue(text: Uint8Array, pos: number): number {
  const c = text[pos];
  if (c === 0x22) return stringEnd(text, pos) + 1;
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (;;) {
      const d = text[pos];
      if (d === 0x22) pos = stringEnd(text, pos);
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return pos + 1;
      pos++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  for (;;) {
    const d = text[pos];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || d === undefined) return pos;
    pos++;
  }
}
