// Every way a file transfer fails, as the `file-failed` RtcError each side shows. One place for the
// texts, so the sender's and the receiver's words for one failure stay in step.
import { RtcError } from '../rtc/rtc-error.js';
import type { DataLink } from './data-link.js';

/**
 * Why a transfer ended early. The first five also go on the wire in `file-cancel` (wire.ts); a reason a
 * peer does not know reads as `error`.
 */
export type FailReason = 'cancelled' | 'too-large' | 'checksum' | 'malformed' | 'error' | 'left' | 'no-answer' | 'unreadable' | 'insecure';

const WIRE_REASONS: readonly string[] = ['cancelled', 'too-large', 'checksum', 'malformed', 'error'];

/** A reason from a peer's `file-cancel`, narrowed to the ones we know. */
export function wireReason(reason: unknown): FailReason {
  return WIRE_REASONS.includes(reason as string) ? (reason as FailReason) : 'error';
}

/** The peer as a person reads it: its name, else its id. */
export function who(link: DataLink): string {
  return link.peer?.name || `peer ${link.id}`;
}

/** Bytes as megabytes (2^20), one decimal. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/** The sender's error: its copy to `peer` (or, with no peer, the whole send) failed for `reason`. */
export function sendError(reason: FailReason, file: string, peer: string | null, { cause, size = 0, limit = 0 }: { cause?: unknown; size?: number; limit?: number } = {}): RtcError {
  const to = peer ?? 'the call';
  const text: Record<FailReason, string> = {
    cancelled: peer ? `${peer} cancelled "${file}".` : `Sending "${file}" was cancelled.`,
    'too-large': peer
      ? `${peer} refused "${file}": it is over their file size limit.`
      : `"${file}" is ${megabytes(size)}, over the ${megabytes(limit)} limit for files, so it was not sent.`,
    checksum: `"${file}" arrived damaged at ${to} (its SHA-256 did not match), so it was dropped there.`,
    malformed: `${to} could not read "${file}" as sent.`,
    error: `${to} could not receive "${file}".`,
    left: `The connection to ${to} closed before "${file}" arrived.`,
    'no-answer': `${to} did not answer the offer of "${file}" (it may run an rtc-kit without file transfer).`,
    unreadable: `"${file}" could not be read, so it was not sent${cause instanceof Error ? ` (${cause.message})` : ''}.`,
    insecure: `"${file}" was not sent: files can only be sent from a secure page (https or localhost).`,
  };
  return new RtcError('file-failed', text[reason], { cause });
}

/**
 * The receiver's error: the file from `peer` failed for `reason`, and what had arrived was dropped.
 * With no peer, we cancelled it here.
 */
export function receiveError(reason: FailReason, file: string, peer: string | null, limit = 0): RtcError {
  const text: Record<FailReason, string> = {
    cancelled: peer ? `${peer} cancelled "${file}".` : `Receiving "${file}" was cancelled.`,
    'too-large': `"${file}" from ${peer} is over the ${megabytes(limit)} limit for files, so it was refused.`,
    checksum: `"${file}" from ${peer} arrived damaged (its SHA-256 did not match), so it was dropped.`,
    malformed: `"${file}" from ${peer} did not arrive as announced, so it was dropped.`,
    error: `${peer} could not send "${file}"; what had arrived was dropped.`,
    left: `The connection to ${peer} closed before "${file}" arrived; what had arrived was dropped.`,
    'no-answer': `${peer} stopped sending "${file}"; what had arrived was dropped.`,
    unreadable: `${peer} could not read "${file}", so it was not sent.`,
    insecure: `"${file}" from ${peer} was refused: files can only be received on a secure page (https or localhost).`,
  };
  return new RtcError('file-failed', text[reason]);
}
