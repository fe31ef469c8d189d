import type { RtcError } from '../rtc/rtc-error.js';

/**
 * What `<rtc-chat>` needs of the call: the service implements it. Messages and files go to every peer in
 * the call over the `rtc-kit` data channel (docs/data-channel.md).
 */
export interface ChatHost extends EventTarget {
  /** Sends a chat message to every peer in the call; rejects with an RtcError (`message-too-large`). */
  sendMessage(text: string): Promise<void>;
  /**
   * Sends a file to every peer in the call; resolves with the transfer id once every peer has verified it,
   * rejects with an RtcError (`file-failed`). Its first `fileprogress` (with `sent: 0`) comes before any
   * byte is sent, and carries the id, so a page can show and cancel the transfer at once.
   */
  sendFile(file: Blob | File): Promise<string>;
  /** Cancels a transfer, sent or being received; both sides get `file-failed`. */
  cancelFile(id: string): void;
  /** The peers in the call, with their display names once they said hello. */
  readonly peers: ReadonlyArray<{ id: string; name: string | null }>;
}

/**
 * The events a ChatHost dispatches, with `event.detail` (as RtcServiceEvent). `message` is for peers'
 * messages only: our own are not echoed (the sendMessage promise says they went).
 */
export interface ChatHostEventMap {
  message: { from: string; name: string | null; text: string; at: number };
  /**
   * A transfer moved on: `sent` on the sender (once per whole percent, from 0), `from` and `received` on a
   * receiver. `name` is the file's name.
   */
  fileprogress: { id: string; name: string; size: number; from?: string; sent?: number; received?: number };
  /** A file arrived whole, its SHA-256 checked. */
  file: { id: string; from: string; name: string; size: number; type: string; blob: Blob };
  /**
   * A failure. For `file-failed`, `fileId` names the transfer and `peerId` the peer whose copy failed
   * (none when the whole send failed, for example when it was cancelled here).
   */
  error: { error: RtcError; fileId?: string; peerId?: string };
}
