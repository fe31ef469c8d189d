// Relaying a long string argument without writing it again.
//
// The hub's busiest work is relaying: SignalWebRtc(channel, type, payload) comes in, and the same three
// strings go out to the other members. The payload is an SDP of about 4 KB. Parsing it is unavoidable,
// but stringifying it again for the way out is not: the text it arrived as is already valid JSON for the
// very same string. The relay benchmark spent about a fifth of the hub's CPU on that second
// JSON.stringify for SDP-sized messages (docs/benchmarks.md).
//
// So the parser remembers the source text of the last few long string arguments, and the writer reuses
// it when an argument is that same string. A string that is equal to a remembered one has, by
// definition, that JSON text; nothing else is assumed. The source escaping may differ from
// JSON.stringify's (a .NET client escapes non-ASCII, for example), and every JSON reader decodes both
// to the same string.

/** Strings shorter than this are cheap to stringify; only longer ones are remembered. */
export const RAW_MIN_LENGTH = 512;
/** How many strings are remembered. A relay writes a string right after parsing it, so a few suffice. */
const RING_SIZE = 8;

const ringValues: string[] = [];
const ringRaw: string[] = [];
let ringNext = 0;

/**
 * Remembers the source text of the long string arguments of an invocation. `text` is the whole message,
 * already accepted by JSON.parse, and `args` is its parsed `arguments`.
 */
export function rememberRawArguments(text: string, args: unknown[]): void {
  let any = false;
  for (const arg of args) if (typeof arg === 'string' && arg.length >= RAW_MIN_LENGTH) any = true;
  if (!any) return;
  const spans = argumentSpans(text);
  if (!spans || spans.length !== args.length) return;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const span = spans[i];
    if (typeof arg !== 'string' || arg.length < RAW_MIN_LENGTH || !span) continue;
    ringValues[ringNext] = arg;
    ringRaw[ringNext] = text.slice(span[0], span[1]);
    ringNext = (ringNext + 1) % RING_SIZE;
  }
}

/** The remembered JSON text of `value`, or undefined. */
export function rawJsonOf(value: string): string | undefined {
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
// These read text that JSON.parse has already accepted, so they only need to find where things end, not
// to check them. Long strings are crossed with indexOf, not character by character.

/**
 * The [start, end) span of each element of the top-level `arguments` array, for string elements; null
 * for others. With duplicate keys JSON.parse keeps the last, and so does this. Null if not found, or if
 * a top-level key is escaped.
 */
export function argumentSpans(text: string): Array<[number, number] | null> | null {
  let spans: Array<[number, number] | null> | null = null;
  let pos = skipSpace(text, 0);
  if (text.charCodeAt(pos) !== 0x7b /* { */) return null;
  pos = skipSpace(text, pos + 1);
  while (text.charCodeAt(pos) === 0x22 /* " */) {
    const keyEnd = stringEnd(text, pos);
    const key = text.slice(pos + 1, keyEnd);
    // An escaped key could spell "arguments" in a way this would not see; then trust nothing here.
    if (key.includes('\\')) return null;
    const isArguments = key === 'arguments';
    pos = skipSpace(text, keyEnd + 1); // at ':'
    pos = skipSpace(text, pos + 1);
    if (isArguments && text.charCodeAt(pos) === 0x5b /* [ */) {
      spans = [];
      pos = skipSpace(text, pos + 1);
      while (text.charCodeAt(pos) !== 0x5d /* ] */) {
        const end = skipValue(text, pos);
        spans.push(text.charCodeAt(pos) === 0x22 ? [pos, end] : null);
        pos = skipSpace(text, end);
        if (text.charCodeAt(pos) === 0x2c /* , */) pos = skipSpace(text, pos + 1);
      }
      pos++;
    } else {
      pos = skipValue(text, pos);
    }
    pos = skipSpace(text, pos);
    if (text.charCodeAt(pos) !== 0x2c) break;
    pos = skipSpace(text, pos + 1);
  }
  return spans;
}

function skipSpace(text: string, pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return pos;
    pos++;
  }
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** The index just past the value that starts at `pos`. */
function skipValue(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  if (c === 0x22) return stringEnd(text, pos) + 1;
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (;;) {
      const d = text.charCodeAt(pos);
      if (d === 0x22) pos = stringEnd(text, pos);
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return pos + 1;
      pos++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  for (;;) {
    const d = text.charCodeAt(pos);
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || Number.isNaN(d)) return pos;
    pos++;
  }
}
