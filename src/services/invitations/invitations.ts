import type { CallState } from '../rtc/call-state.js';
import { RtcError } from '../rtc/rtc-error.js';
import type { RtcService } from '../rtc/rtc-service.js';
import type { InvitationEndReason, RtcServiceEventMap } from '../rtc/service-events.js';
import type { HubClient } from '../signaling/hub-client.js';
import { HubEvent, HubMethod } from '../signaling/hub-contract.js';

/** The invitation a call is ringing with, or being rung with (contract section 9). */
export interface CurrentInvitation {
  /** The hub's id; null for our own while the hub has not answered `Invite` yet. */
  readonly id: string | null;
  readonly direction: 'incoming' | 'outgoing';
  /** The other person's user id: who rings us, or whom we ring. */
  readonly from: string;
  /** The other person's display name, where the hub knows it (the caller's token `name`). */
  readonly name: string | null;
  readonly info: unknown;
  /** The fresh channel both join when it is accepted. */
  readonly channel: string;
}

type Emit = <K extends keyof RtcServiceEventMap>(type: K, detail: RtcServiceEventMap[K]) => boolean;

/**
 * The invitations of `service`, which hands over what only it may do: move its own state, and announce
 * its events (false if the page called preventDefault()). The rest goes through its public API. (Made
 * here, in the chunk, so that the initial bundle carries only this call.)
 */
export function invitationsOf(service: RtcService, moveTo: (state: CallState) => void, emit: Emit): Invitations {
  return new Invitations(service, moveTo, emit);
}

/** An `info` of the caller's own: JSON text, at most 1 KB on the hub's side. */
const MAX_INFO_BYTES = 1024;

/**
 * Calling a person, not a channel: the client side of `Invite`, `AnswerInvitation` and `CancelInvitation`
 * and of the events the hub sends for them. Loaded on first use (an invitation rung or heard), as most
 * calls use channels only.
 */
export class Invitations {
  current: CurrentInvitation | null = null;
  /** Answers that came for an id before `Invite` returned it, by id. */
  readonly #early = new Map<string, string>();
  readonly #service: RtcService;
  readonly #moveTo: (state: CallState) => void;
  readonly #emit: Emit;

  constructor(service: RtcService, moveTo: (state: CallState) => void, emit: Emit) {
    this.#service = service;
    this.#moveTo = moveTo;
    this.#emit = emit;
  }

  /** Rings `userId`; resolves with the invitation's id once the hub has it. The answer comes as events. */
  async invite(userId: string, info?: unknown): Promise<string> {
    if (this.current) throw new RtcError('invalid-state', 'An invitation is already ringing; cancel() it first.');
    const text = JSON.stringify(info ?? null);
    if (new TextEncoder().encode(text).length > MAX_INFO_BYTES) throw new RtcError('invalid-state', `The invitation's info is longer than ${MAX_INFO_BYTES} bytes of JSON.`);
    const hub = await this.#hub();
    const channel = `call-${crypto.randomUUID()}`;
    this.#set({ id: null, direction: 'outgoing', from: userId, name: null, info: info ?? null, channel });
    // The Invite goes out first: `calling` redraws the screen and starts the ring tone, which should not
    // stand between the click and the callee's phone.
    const inviting = hub.invoke(HubMethod.Invite, userId, channel, text);
    this.#moveTo('calling');
    let id: string;
    try {
      id = String(await inviting);
    } catch (cause) {
      this.#set(null);
      this.#moveTo('ended');
      throw cause;
    }
    const now = this.current as CurrentInvitation | null;
    if (now?.channel !== channel) return id; // cancelled meanwhile
    this.#set({ ...now, id });
    const early = this.#early.get(id);
    this.#early.clear();
    if (early) void this.answered(id, early);
    return id;
  }

  /** A hub event of invitations, with its arguments. */
  hear(event: string, args: string[]): Promise<void> | void {
    const [id, a, b, c, d] = args as [string, string, string, string, string];
    if (event === HubEvent.Invitation) return this.incoming(id, a, b, c, d);
    if (event === HubEvent.InvitationAnswered) return this.answered(id, a);
    if (event === HubEvent.InvitationClosed) return this.closed(id, a);
  }

  /** `InvitationAnswered(id, answer)`, to the caller. */
  async answered(id: string, answer: string): Promise<void> {
    const current = this.current;
    if (current?.direction !== 'outgoing') return;
    if (current.id === null) return void this.#early.set(id, answer);
    if (current.id !== id) return;
    this.#end(answer as InvitationEndReason);
    if (answer === 'accept') await this.#enter(current.channel);
  }

  /** `Invitation(id, from, name, channel, info)`, to every connection of the invited user. */
  async incoming(id: string, from: string, name: string | null, channel: string, infoText: string): Promise<void> {
    let info: unknown = infoText;
    try {
      info = JSON.parse(infoText);
    } catch {
      // Not JSON (a client of another kind): handed on as the text it is.
    }
    const atRest = !this.current && !['connecting', 'connected', 'reconnecting', 'calling', 'ringing'].includes(this.#service.state);
    // The page may take it over (preventDefault); else a busy side says so, and a free one rings.
    const handled = !this.#emit('invitation', { invitationId: id, from, name, info });
    if (!atRest && !handled) {
      await this.#answer(id, 'busy');
      this.#emit('invitationend', { invitationId: id, reason: 'busy' });
      return;
    }
    if (this.current) return; // the page takes this one over, beside the one already ringing
    this.#set({ id, direction: 'incoming', from, name, info, channel });
    if (atRest) this.#moveTo('ringing');
  }

  /** `InvitationClosed(id, reason)`, to the invited user: answered elsewhere, cancelled, or timed out. */
  closed(id: string, reason: string): void {
    if (this.current?.direction === 'incoming' && this.current.id === id) this.#end(reason as InvitationEndReason);
  }

  async accept(): Promise<void> {
    const current = this.#incoming();
    await this.#answer(current.id!, 'accept');
    this.#end('accept');
    await this.#enter(current.channel);
  }

  async decline(): Promise<void> {
    const current = this.#incoming();
    this.#end('decline');
    await this.#answer(current.id!, 'decline');
  }

  async cancel(): Promise<void> {
    const current = this.current;
    if (current?.direction !== 'outgoing') return;
    this.#end('cancelled');
    if (current.id !== null) await (await this.#hub()).invoke(HubMethod.CancelInvitation, current.id);
  }

  #incoming(): CurrentInvitation {
    const current = this.current;
    if (current?.direction !== 'incoming') throw new RtcError('invalid-state', 'No invitation is ringing.');
    return current;
  }

  async #answer(id: string, answer: 'accept' | 'decline' | 'busy'): Promise<void> {
    await (await this.#hub()).invoke(HubMethod.AnswerInvitation, id, answer);
  }

  /** The hub link, connected (without joining a channel). */
  async #hub(): Promise<HubClient> {
    await this.#service.connect();
    return this.#service.signaling!;
  }

  /** Joins the accepted invitation's fresh channel and calls whoever is in it; a failure is the call's rtc-error. */
  async #enter(channel: string): Promise<void> {
    const service = this.#service;
    try {
      service.configure({ channel });
      await service.start();
      await service.call();
    } catch (error) {
      this.#emit('error', { error: error as RtcError });
    }
  }

  /** The invitation is over: said once, and the call leaves `calling` or `ringing`. */
  #end(reason: InvitationEndReason): void {
    const current = this.current;
    if (!current) return;
    this.#set(null);
    const { state } = this.#service;
    if ((state === 'calling' || state === 'ringing') && reason !== 'accept') this.#moveTo('ended');
    this.#emit('invitationend', { invitationId: current.id ?? '', reason });
  }

  #set(current: CurrentInvitation | null): void {
    this.current = current;
    // The element renders again.
    this.#emit('mediachange', null);
  }
}
