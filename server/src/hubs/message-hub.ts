import { channelsClaimAllows } from '../auth/channel-rights.js';
import { Hub, HubError } from '../hub/hub.js';
import { NEEDS_SIGNED_IN_USERS } from '../invitations/invitations.js';

/** `SignalWebRtc` carries one of these types, as the seed's WebRtcService sends them. */
const SIGNAL_TYPES = new Set(['offer', 'answer', 'candidate']);

/** Channel names longer than this are refused: a channel is a name, not a payload. */
export const MAX_CHANNEL_LENGTH = 256;

/**
 * The seed's MessageHub, with its method names and meaning unchanged (product.md section 3), and
 * additions that its clients cannot tell apart from the original:
 * - when a connection drops, the others in each of its channels receive `Leave(connectionId)`;
 * - only a member of a channel may signal to it;
 * - a repeated `Join` is harmless (the seed's first page calls it before every send), while the
 *   others still receive `Join` each time, as they do from ASP.NET;
 * - `Join` returns the ids of the members already in the channel (product.md section 7; the seed's
 *   clients send it without waiting for a result);
 * - with auth, `Join` keeps to the token's `channels` claim and the invitations accepted, and every
 *   `Join` to the server's limits: the size of a channel, and the channels of one connection (section 8);
 * - `Invite`, `AnswerInvitation` and `CancelInvitation` ring a signed-in user, not a channel (section 9,
 *   docs/invitations.md).
 */
export class MessageHub extends Hub {
  static override readonly methods = {
    Join: ['string'],
    Leave: ['string'],
    SignalWebRtc: ['string', 'string', 'string'],
    Offer: ['string', 'string'],
    Answer: ['string', 'string'],
    Candidate: ['string', 'string'],
    Invite: ['string', 'string', 'string'],
    AnswerInvitation: ['string', 'string'],
    CancelInvitation: ['string'],
  } as const;

  async Join(channel: string): Promise<string[]> {
    checkChannel(channel);
    const { context, settings } = this;
    if (!(await this.mayJoin(channel))) throw new HubError(`Not allowed to join '${channel}'.`);
    if (!context.groups.has(channel) && context.groups.size >= settings.maxChannelsPerConnection) {
      throw new HubError(`Cannot join '${channel}': one connection may be in at most ${settings.maxChannelsPerConnection} channels.`);
    }
    const others = await this.groups.join(context.connectionId, channel, settings.maxChannelMembers);
    if (others === null) throw new HubError(`Channel '${channel}' is full.`);
    await this.clients.othersInGroup(channel).send('Join', context.connectionId);
    return others;
  }

  async Leave(channel: string): Promise<void> {
    checkChannel(channel);
    // Leaving a channel one is not in changes nothing, so nobody is told.
    if (!this.context.groups.has(channel)) return;
    await this.groups.remove(this.context.connectionId, channel);
    await this.clients.othersInGroup(channel).send('Leave', this.context.connectionId);
  }

  async SignalWebRtc(channel: string, type: string, payload: string): Promise<void> {
    this.checkMember(channel);
    if (!SIGNAL_TYPES.has(type)) {
      throw new HubError(`Signal type must be 'offer', 'answer' or 'candidate', not '${String(type).slice(0, 32)}'.`);
    }
    checkPayload(payload);
    await this.clients.othersInGroup(channel).send('SignalWebRtc', channel, type, payload);
  }

  async Offer(channel: string, offer: string): Promise<void> {
    this.checkMember(channel);
    checkPayload(offer);
    await this.clients.othersInGroup(channel).send('ReceiveOffer', offer);
  }

  async Answer(channel: string, answer: string): Promise<void> {
    this.checkMember(channel);
    checkPayload(answer);
    await this.clients.othersInGroup(channel).send('ReceiveAnswer', answer);
  }

  async Candidate(channel: string, candidate: string): Promise<void> {
    this.checkMember(channel);
    checkPayload(candidate);
    await this.clients.othersInGroup(channel).send('ReceiveCandidate', candidate);
  }

  /**
   * Rings every connection of the user `userId`, on every server, and returns the invitation's id
   * (product.md section 9). A user with no connection: the caller hears `InvitationAnswered(id, "unavailable")`
   * at once, after the id.
   */
  async Invite(userId: string, channel: string, info: string): Promise<string> {
    if (this.context.user === null) throw new HubError(NEEDS_SIGNED_IN_USERS);
    checkChannel(channel);
    const { id, unavailable } = await this.invitations!.invite(this.context, userId, channel, info);
    // After this method's Completion, which carries the id the event names: the Completion is written as soon
    // as this returns, and setImmediate runs after that.
    if (unavailable) {
      const invitations = this.invitations!;
      const caller = this.context.connectionId;
      setImmediate(() => void invitations.tellUnavailable(caller, id).catch(() => {}));
    }
    return id;
  }

  /** The invited user answers `accept`, `decline` or `busy`. */
  async AnswerInvitation(invitationId: string, answer: string): Promise<void> {
    await this.invitations!.answer(this.context, invitationId, answer);
  }

  /** The caller gives up ringing. */
  async CancelInvitation(invitationId: string): Promise<void> {
    await this.invitations!.cancel(this.context, invitationId);
  }

  override async onDisconnected(): Promise<void> {
    // The lifetime manager removes the memberships after this; the others learn of it here.
    const id = this.context.connectionId;
    await Promise.all([
      ...[...this.context.groups].map((channel) => this.clients.othersInGroup(channel).send('Leave', id)),
      this.invitations?.connectionClosed(id),
    ]);
  }

  /**
   * Without auth, any channel. With it, a channel the token's `channels` claim allows, or one an accepted
   * invitation granted to this connection (product.md sections 8 and 9).
   */
  private async mayJoin(channel: string): Promise<boolean> {
    const user = this.context.user;
    if (user === null) return true;
    if (user.channels !== null && channelsClaimAllows(user.channels, channel)) return true;
    return this.invitations !== null && (await this.invitations.isGranted(this.context.connectionId, channel));
  }

  private checkMember(channel: string): void {
    checkChannel(channel);
    if (!this.context.groups.has(channel)) {
      throw new HubError(`Join the channel '${channel}' before signaling to it.`);
    }
  }
}

function checkChannel(channel: string | null): asserts channel is string {
  if (typeof channel !== 'string' || channel.length === 0) throw new HubError('The channel must be a non-empty string.');
  if (channel.length > MAX_CHANNEL_LENGTH) {
    throw new HubError(`The channel name is longer than ${MAX_CHANNEL_LENGTH} characters.`);
  }
}

function checkPayload(payload: string | null): void {
  if (typeof payload !== 'string') throw new HubError('The payload must be a string.');
}
