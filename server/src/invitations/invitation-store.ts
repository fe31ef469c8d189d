/** How an invitation ended (product.md section 9). `answered` carries the answer itself. */
export type InvitationAnswer = 'accept' | 'decline' | 'busy';
export type InvitationEnd = InvitationAnswer | 'cancelled' | 'timeout' | 'unavailable';

/** An invitation as the store keeps it: who rings whom, into which channel, until when. */
export interface InvitationRecord {
  readonly id: string;
  /** The caller's user id (`sub`), name, and the connection that invited. */
  readonly fromUserId: string;
  readonly fromName: string | null;
  readonly fromConnectionId: string;
  /** The invited user's id. */
  readonly toUserId: string;
  readonly channel: string;
  readonly info: string | null;
  /** When it times out, in ms since the epoch. */
  readonly deadline: number;
}

/** Why an answer or a cancel changed nothing. */
export type InvitationRefusal = 'unknown' | 'ended' | 'not-yours';

export type StoreResult = { ok: true; invitation: InvitationRecord } | { ok: false; refusal: InvitationRefusal };

/**
 * Where invitations live while they ring, and the channel grants of accepted ones, shared by every hub server
 * (in memory for one server, in Redis for several). Every change of state is one atomic step, so that of two
 * answers, or of an answer and a time-out, on any servers, exactly one wins.
 *
 * An ended invitation is kept for a while (a minute, or the invite timeout if longer), so that a late answer is
 * told it came too late rather than that the invitation never existed.
 */
export interface InvitationStore {
  /** Stores a new, ringing invitation. */
  open(invitation: InvitationRecord): Promise<void>;
  /** How many invitations the connection has ringing. */
  ringingFrom(connectionId: string): Promise<number>;
  /**
   * Ends a ringing invitation with `answer`, if `userId` is the invited user. On `accept`, the answering
   * connection and the calling one may both join the channel from then on (see isGranted), before this resolves.
   */
  answer(id: string, userId: string, connectionId: string, answer: InvitationAnswer): Promise<StoreResult>;
  /** Ends a ringing invitation as cancelled, if `userId` is the caller. */
  cancel(id: string, userId: string): Promise<StoreResult>;
  /** Ends a ringing invitation as `unavailable`: nobody was there to ring. */
  unavailable(id: string): Promise<void>;
  /** Ends, as cancelled, every invitation still ringing that the connection made; returns them. */
  cancelAllFrom(connectionId: string): Promise<InvitationRecord[]>;
  /**
   * Ends, as timed out, the ringing invitations whose deadline is past `now`, and returns them. Each is returned
   * to one caller only, on any server: the one that sends its time-out.
   */
  takeExpired(now: number): Promise<InvitationRecord[]>;
  /** Whether an accepted invitation lets the connection join the channel. */
  isGranted(connectionId: string, channel: string): Promise<boolean>;
  /** The connection is gone: its grants go too. */
  forgetConnection(connectionId: string): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  invitation: InvitationRecord;
  /** null while it rings. */
  ended: InvitationEnd | null;
  /** When this entry may be forgotten (the deadline while it rings, later once it ended). */
  keepUntil: number;
}

/** The invitations of one server, in memory. Time-outs are found by takeExpired, on the hub's heartbeat. */
export class InMemoryInvitationStore implements InvitationStore {
  private readonly entries = new Map<string, Entry>();
  private readonly grants = new Map<string, Set<string>>();

  /** `linger`: how long an ended invitation is remembered, in ms. */
  constructor(private readonly linger: number) {}

  async open(invitation: InvitationRecord): Promise<void> {
    this.entries.set(invitation.id, { invitation, ended: null, keepUntil: invitation.deadline });
  }

  async ringingFrom(connectionId: string): Promise<number> {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.ended === null && entry.invitation.fromConnectionId === connectionId) count++;
    return count;
  }

  async answer(id: string, userId: string, connectionId: string, answer: InvitationAnswer): Promise<StoreResult> {
    const result = this.ringing(id, (invitation) => invitation.toUserId === userId);
    if (!result.ok) return result;
    this.end(id, answer);
    if (answer === 'accept') {
      this.grant(connectionId, result.invitation.channel);
      this.grant(result.invitation.fromConnectionId, result.invitation.channel);
    }
    return result;
  }

  async cancel(id: string, userId: string): Promise<StoreResult> {
    const result = this.ringing(id, (invitation) => invitation.fromUserId === userId);
    if (result.ok) this.end(id, 'cancelled');
    return result;
  }

  async unavailable(id: string): Promise<void> {
    if (this.entries.get(id)?.ended === null) this.end(id, 'unavailable');
  }

  async cancelAllFrom(connectionId: string): Promise<InvitationRecord[]> {
    const cancelled: InvitationRecord[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.ended !== null || entry.invitation.fromConnectionId !== connectionId) continue;
      this.end(id, 'cancelled');
      cancelled.push(entry.invitation);
    }
    return cancelled;
  }

  async takeExpired(now: number): Promise<InvitationRecord[]> {
    const expired: InvitationRecord[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.keepUntil > now) continue;
      if (entry.ended === null) {
        this.end(id, 'timeout');
        expired.push(entry.invitation);
      } else {
        this.entries.delete(id);
      }
    }
    return expired;
  }

  async isGranted(connectionId: string, channel: string): Promise<boolean> {
    return this.grants.get(connectionId)?.has(channel) ?? false;
  }

  async forgetConnection(connectionId: string): Promise<void> {
    this.grants.delete(connectionId);
  }

  async close(): Promise<void> {}

  private ringing(id: string, mayChange: (invitation: InvitationRecord) => boolean): StoreResult {
    const entry = this.entries.get(id);
    if (!entry) return { ok: false, refusal: 'unknown' };
    if (entry.ended !== null) return { ok: false, refusal: 'ended' };
    if (!mayChange(entry.invitation)) return { ok: false, refusal: 'not-yours' };
    return { ok: true, invitation: entry.invitation };
  }

  private end(id: string, how: InvitationEnd): void {
    const entry = this.entries.get(id)!;
    entry.ended = how;
    entry.keepUntil = Date.now() + this.linger;
  }

  private grant(connectionId: string, channel: string): void {
    let channels = this.grants.get(connectionId);
    if (!channels) this.grants.set(connectionId, (channels = new Set()));
    channels.add(channel);
  }
}
