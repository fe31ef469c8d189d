import { randomBytes } from 'node:crypto';
import type { HubUser } from '../auth/access-tokens.js';
import { channelsClaimAllows } from '../auth/channel-rights.js';
import { HubError } from '../hub/hub.js';
import type { HubLifetimeManager } from '../lifetime/hub-lifetime-manager.js';
import type { Logger } from '../logger.js';
import type { InvitationAnswer, InvitationRecord, InvitationRefusal, InvitationStore } from './invitation-store.js';

/** The events a client receives (product.md section 9). */
export const InvitationEvent = {
  Invitation: 'Invitation',
  InvitationAnswered: 'InvitationAnswered',
  InvitationClosed: 'InvitationClosed',
} as const;

/** The caller's own JSON text travels with the invitation; at most this many UTF-8 bytes of it. */
export const MAX_INFO_BYTES = 1024;
/**
 * Invitations one connection may have ringing at once. A person rings one or two; the bound keeps a client from
 * filling the store (and everyone's phones) within its rate limit.
 */
export const MAX_RINGING_PER_CONNECTION = 10;

const ANSWERS: ReadonlySet<string> = new Set(['accept', 'decline', 'busy']);

export const NEEDS_SIGNED_IN_USERS = 'Invitations need signed-in users.';
const UNAVAILABLE = 'Invitations are unavailable: the backplane cannot be reached.';

/** The connection that calls a method: who it is, and which channels it is in. */
export interface InvitationParty {
  readonly connectionId: string;
  readonly user: HubUser | null;
  readonly groups: ReadonlySet<string>;
}

export interface InvitationsOptions {
  store: InvitationStore;
  lifetime: HubLifetimeManager;
  /** How long an invitation rings before it times out, in ms. */
  timeout: number;
  logger: Logger;
}

/**
 * Calling a person, not a channel (product.md section 9): Invite, AnswerInvitation and CancelInvitation, and
 * the events they send, to every connection of a user on every server (the lifetime manager's sendUser). The
 * state lives in the InvitationStore, where each change is atomic; the time-outs are taken on the hub's
 * heartbeat (tick), by whichever server comes first.
 *
 * Every refusal is a HubError thrown before anything is sent.
 */
export class Invitations {
  constructor(private readonly options: InvitationsOptions) {}

  /**
   * Rings every connection of `userId` but the caller's own, and returns the new invitation's id, and whether
   * nobody was there to ring (the caller is then told `unavailable`, after it has the id).
   *
   * The caller may invite into a channel its token allows, a channel it is in, or a channel nobody is in: an
   * accepted invitation lets both sides join whatever their claims say, and must not let a user into someone
   * else's call.
   */
  async invite(caller: InvitationParty, userId: string, channel: string, info: string | null): Promise<{ id: string; unavailable: boolean }> {
    const user = signedIn(caller);
    if (typeof userId !== 'string' || userId === '') throw new HubError('The user id must be a non-empty string.');
    if (info !== null && Buffer.byteLength(info, 'utf8') > MAX_INFO_BYTES) {
      throw new HubError(`The invitation's info must be at most ${MAX_INFO_BYTES} bytes.`);
    }
    const allowed =
      (user.channels !== null && channelsClaimAllows(user.channels, channel)) ||
      caller.groups.has(channel) ||
      (await this.options.lifetime.groupMembers(channel)).length === 0;
    if (!allowed) throw new HubError(`Cannot invite into '${channel}': others are in it.`);
    if ((await stored(this.options.store.ringingFrom(caller.connectionId))) >= MAX_RINGING_PER_CONNECTION) {
      throw new HubError(`Cannot invite: ${MAX_RINGING_PER_CONNECTION} invitations of this connection are ringing already.`);
    }

    const invitation: InvitationRecord = {
      id: randomBytes(16).toString('base64url'),
      fromUserId: user.id,
      fromName: user.name,
      fromConnectionId: caller.connectionId,
      toUserId: userId,
      channel,
      info,
      deadline: Date.now() + this.options.timeout,
    };
    await stored(this.options.store.open(invitation));
    const rang = await this.options.lifetime.sendUser(
      userId,
      InvitationEvent.Invitation,
      [invitation.id, invitation.fromUserId, invitation.fromName, channel, info],
      [caller.connectionId],
    );
    if (!rang) await stored(this.options.store.unavailable(invitation.id));
    return { id: invitation.id, unavailable: !rang };
  }

  /** Tells the caller, after `invite`, that nobody was there to ring. */
  async tellUnavailable(callerConnectionId: string, id: string): Promise<void> {
    await this.options.lifetime.sendConnection(callerConnectionId, InvitationEvent.InvitationAnswered, [id, 'unavailable']);
  }

  /**
   * The invited user answers. The caller hears the answer, the user's other connections hear
   * `answered-elsewhere`; on `accept` both connections may join the channel from then on.
   */
  async answer(callee: InvitationParty, id: string, answer: string): Promise<void> {
    const user = signedIn(callee);
    checkId(id);
    if (!ANSWERS.has(answer)) throw new HubError("The answer must be 'accept', 'decline' or 'busy'.");
    const result = await stored(this.options.store.answer(id, user.id, callee.connectionId, answer as InvitationAnswer));
    if (!result.ok) throw refusal(result.refusal, id, 'Only the invited user may answer');
    const { invitation } = result;
    const { lifetime } = this.options;
    await Promise.all([
      lifetime.sendConnection(invitation.fromConnectionId, InvitationEvent.InvitationAnswered, [id, answer]),
      lifetime.sendUser(user.id, InvitationEvent.InvitationClosed, [id, 'answered-elsewhere'], [callee.connectionId]),
    ]);
  }

  /** The caller gives up: the invited user's connections hear `cancelled`. */
  async cancel(caller: InvitationParty, id: string): Promise<void> {
    const user = signedIn(caller);
    checkId(id);
    const result = await stored(this.options.store.cancel(id, user.id));
    if (!result.ok) throw refusal(result.refusal, id, 'Only the caller may cancel');
    await this.options.lifetime.sendUser(result.invitation.toUserId, InvitationEvent.InvitationClosed, [id, 'cancelled']);
  }

  /** Whether an accepted invitation lets the connection join the channel. */
  isGranted(connectionId: string, channel: string): Promise<boolean> {
    return stored(this.options.store.isGranted(connectionId, channel));
  }

  /** A connection left: what it still had ringing is cancelled, and its grants go. Never throws. */
  async connectionClosed(connectionId: string): Promise<void> {
    try {
      const cancelled = await this.options.store.cancelAllFrom(connectionId);
      await Promise.all([
        ...cancelled.map((invitation) =>
          this.options.lifetime.sendUser(invitation.toUserId, InvitationEvent.InvitationClosed, [invitation.id, 'cancelled']),
        ),
        this.options.store.forgetConnection(connectionId),
      ]);
    } catch (error) {
      this.options.logger.warn(`Could not cancel the invitations of connection ${connectionId}: ${(error as Error).message}`);
    }
  }

  private ticking = false;

  /**
   * On the hub's heartbeat: the invitations past their deadline end. The caller hears `timeout`, and so do the
   * invited user's connections. One tick at a time; never throws.
   */
  async tick(now: number): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const expired = await this.options.store.takeExpired(now);
      await Promise.all(
        expired.map(async (invitation) => {
          const { lifetime } = this.options;
          await Promise.allSettled([
            lifetime.sendConnection(invitation.fromConnectionId, InvitationEvent.InvitationAnswered, [invitation.id, 'timeout']),
            lifetime.sendUser(invitation.toUserId, InvitationEvent.InvitationClosed, [invitation.id, 'timeout']),
          ]);
        }),
      );
    } catch (error) {
      this.options.logger.warn(`Could not take the invitations that timed out: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  close(): Promise<void> {
    return this.options.store.close();
  }
}

function signedIn(party: InvitationParty): HubUser {
  if (party.user === null) throw new HubError(NEEDS_SIGNED_IN_USERS);
  return party.user;
}

function checkId(id: string): void {
  if (typeof id !== 'string' || id === '') throw new HubError('The invitation id must be a non-empty string.');
}

function refusal(why: InvitationRefusal, id: string, notYours: string): HubError {
  if (why === 'unknown') return new HubError(`There is no invitation '${id.slice(0, 64)}'.`);
  if (why === 'ended') return new HubError(`The invitation '${id}' has already ended.`);
  return new HubError(`${notYours} the invitation '${id}'.`);
}

/** A store that cannot reach Redis fails the call with a hub error, not an unexpected one. */
async function stored<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof HubError) throw error;
    throw new HubError(UNAVAILABLE);
  }
}
