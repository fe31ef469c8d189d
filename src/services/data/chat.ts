// Chat over the `rtc-kit` data channel: part of the data chunk (files.ts is its entry).
import { RtcError } from '../rtc/rtc-error.js';
import type { DataLink } from './data-link.js';
import type { WireMessage } from './wire.js';

/** The most a chat message may be: 16 KB of UTF-8. */
export const MAX_CHAT_BYTES = 16384;

/** A chat message from the peer; `at` is when it arrived here (Date.now()), not the peer's clock. */
export interface ChatMessage {
  text: string;
  at: number;
}

/** Sends a chat message on every one of `links`; throws an RtcError `message-too-large` if `text` is over 16 KB of UTF-8, and sends nothing then. */
export function sendChat(links: readonly DataLink[], text: string): void {
  const bytes = utf8Length(text);
  if (bytes > MAX_CHAT_BYTES) {
    throw new RtcError('message-too-large', `A chat message can be at most 16 KB (${MAX_CHAT_BYTES} bytes of UTF-8); this one is ${bytes} bytes.`);
  }
  for (const link of links) link.send('chat', { text });
}

/** A peer's chat message, checked; null if it is not one or is over the limit. */
export function readChat(message: WireMessage): ChatMessage | null {
  const { text } = message;
  return typeof text === 'string' && utf8Length(text) <= MAX_CHAT_BYTES ? { text, at: Date.now() } : null;
}

/** The bytes of `text` in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD, as it is sent). */
function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
