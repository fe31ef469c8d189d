import { Redis, type RedisOptions } from 'ioredis';
import type { InvitationAnswer, InvitationRecord, InvitationStore, StoreResult } from './invitation-store.js';

export interface RedisInvitationStoreOptions {
  url: string;
  /** Put in front of every key, as the lifetime manager's channels are: the hub's name. */
  prefix: string;
  /** How long an ended invitation is remembered, in ms. */
  linger: number;
  redisOptions?: RedisOptions;
}

/** A grant outlives any call; it goes with its connection, and this is only the bound for one lost with its server. */
const GRANT_TTL_MS = 24 * 3600 * 1000;
/** At most this many time-outs are taken in one heartbeat; the rest in the next. */
const EXPIRED_BATCH = 100;

/**
 * Ends a ringing invitation, in one step. KEYS: the invitation's hash, the deadlines. ARGV: the id, how it ends,
 * the field that must equal ARGV[4] (`to` for an answer, `from` for a cancel; '' for none), the user id, how long
 * to remember it, the grants key prefix ('' for no grant), the answering connection, the grants' expiry, and the
 * key prefix of the sets of invitations by calling connection. Replies {'ok', json} or {refusal}.
 */
const END_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'unknown'} end
if state ~= '' then return {'ended'} end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], ARGV[3]) ~= ARGV[4] then return {'not-yours'} end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[1])
local caller = redis.call('HGET', KEYS[1], 'fromConnection')
redis.call('SREM', ARGV[9] .. caller, ARGV[1])
if ARGV[6] ~= '' then
  local channel = redis.call('HGET', KEYS[1], 'channel')
  for _, connection in ipairs({ARGV[7], caller}) do
    redis.call('SADD', ARGV[6] .. connection, channel)
    redis.call('PEXPIRE', ARGV[6] .. connection, ARGV[8])
  end
end
return {'ok', redis.call('HGET', KEYS[1], 'data')}
`;

/**
 * Takes the ringing invitations past their deadline, in one step, so that each is taken by one server only.
 * KEYS: the deadlines. ARGV: now, the invitations' key prefix, how long to remember them, the by-connection prefix,
 * the batch size. Replies with their JSON.
 */
const TAKE_EXPIRED_SCRIPT = `
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[5]))) do
  redis.call('ZREM', KEYS[1], id)
  local key = ARGV[2] .. id
  if redis.call('HGET', key, 'state') == '' then
    redis.call('HSET', key, 'state', 'timeout')
    redis.call('PEXPIRE', key, ARGV[3])
    redis.call('SREM', ARGV[4] .. redis.call('HGET', key, 'fromConnection'), id)
    out[#out + 1] = redis.call('HGET', key, 'data')
  end
end
return out
`;

/**
 * Cancels what a connection still has ringing, in one step. KEYS: its set of invitations, the deadlines. ARGV:
 * the invitations' key prefix, how long to remember them. Replies with their JSON.
 */
const CANCEL_FROM_SCRIPT = `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. id
  if redis.call('HGET', key, 'state') == '' then
    redis.call('HSET', key, 'state', 'cancelled')
    redis.call('PEXPIRE', key, ARGV[2])
    redis.call('ZREM', KEYS[2], id)
    out[#out + 1] = redis.call('HGET', key, 'data')
  end
end
redis.call('DEL', KEYS[1])
return out
`;

type Commands = {
  rtcEndInvitation(...args: Array<string | number>): Promise<string[]>;
  rtcTakeExpired(...args: Array<string | number>): Promise<string[]>;
  rtcCancelFrom(...args: Array<string | number>): Promise<string[]>;
};

/**
 * Invitations in Redis, for several hub servers: a hash per invitation (`{prefix}:internal:invitation:{id}`),
 * one sorted set of the ringing ones by deadline (`{prefix}:internal:invitations`), a set of the ringing ones of
 * each calling connection (`{prefix}:internal:invitations-from:{connectionId}`), and a set of granted channels per
 * connection (`{prefix}:internal:grants:{connectionId}`). Every key expires on its own.
 *
 * The deadlines are in the servers' wall-clock time: keep the servers' clocks in step (NTP), as for the tokens'
 * `exp`. Any server takes an expired invitation: so a time-out still happens, once, when the server that made the
 * invitation is gone.
 */
export class RedisInvitationStore implements InvitationStore {
  private readonly redis: Redis & Commands;
  private readonly prefix: string;

  constructor(private readonly options: RedisInvitationStoreOptions) {
    this.prefix = options.prefix;
    this.redis = new Redis(options.url, {
      // As the lifetime manager's links: fail fast instead of queueing, and never resend.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectionName: `${options.prefix}:invitations`.replace(/\s/g, '_'),
      ...options.redisOptions,
    }) as Redis & Commands;
    // Errors reach the callers of each command; the link reconnects by itself.
    this.redis.on('error', () => {});
    this.redis.defineCommand('rtcEndInvitation', { numberOfKeys: 2, lua: END_SCRIPT });
    this.redis.defineCommand('rtcTakeExpired', { numberOfKeys: 1, lua: TAKE_EXPIRED_SCRIPT });
    this.redis.defineCommand('rtcCancelFrom', { numberOfKeys: 2, lua: CANCEL_FROM_SCRIPT });
  }

  /** Resolves once the link to Redis is up (commands before that fail: nothing is queued). */
  ready(): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.redis.once('ready', () => resolve()));
  }

  async open(invitation: InvitationRecord): Promise<void> {
    const key = this.key(invitation.id);
    const ttl = Math.max(1, invitation.deadline - Date.now()) + this.options.linger;
    await this.redis
      .multi()
      .hset(key, {
        state: '',
        to: invitation.toUserId,
        from: invitation.fromUserId,
        fromConnection: invitation.fromConnectionId,
        channel: invitation.channel,
        data: JSON.stringify(invitation),
      })
      .pexpire(key, ttl)
      .zadd(this.deadlines, invitation.deadline, invitation.id)
      .sadd(this.fromKey(invitation.fromConnectionId), invitation.id)
      .pexpire(this.fromKey(invitation.fromConnectionId), ttl)
      .exec()
      .then(failedIfAny);
  }

  ringingFrom(connectionId: string): Promise<number> {
    return this.redis.scard(this.fromKey(connectionId));
  }

  answer(id: string, userId: string, connectionId: string, answer: InvitationAnswer): Promise<StoreResult> {
    return this.end(id, answer, 'to', userId, answer === 'accept' ? this.grantsKey('') : '', connectionId);
  }

  cancel(id: string, userId: string): Promise<StoreResult> {
    return this.end(id, 'cancelled', 'from', userId, '', '');
  }

  async unavailable(id: string): Promise<void> {
    await this.end(id, 'unavailable', '', '', '', '');
  }

  async cancelAllFrom(connectionId: string): Promise<InvitationRecord[]> {
    const data = await this.redis.rtcCancelFrom(this.fromKey(connectionId), this.deadlines, this.key(''), this.options.linger);
    return data.map((json) => JSON.parse(json) as InvitationRecord);
  }

  async takeExpired(now: number): Promise<InvitationRecord[]> {
    const data = await this.redis.rtcTakeExpired(this.deadlines, now, this.key(''), this.options.linger, this.fromKey(''), EXPIRED_BATCH);
    return data.map((json) => JSON.parse(json) as InvitationRecord);
  }

  async isGranted(connectionId: string, channel: string): Promise<boolean> {
    return (await this.redis.sismember(this.grantsKey(connectionId), channel)) === 1;
  }

  async forgetConnection(connectionId: string): Promise<void> {
    await this.redis.del(this.grantsKey(connectionId));
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      const timer = setTimeout(() => this.redis.disconnect(), 1_000);
      await this.redis.quit().catch(() => this.redis.disconnect());
      clearTimeout(timer);
    } else {
      this.redis.disconnect();
    }
  }

  private async end(id: string, how: string, field: string, userId: string, grants: string, connectionId: string): Promise<StoreResult> {
    const [status, json] = await this.redis.rtcEndInvitation(
      this.key(id),
      this.deadlines,
      id,
      how,
      field,
      userId,
      this.options.linger,
      grants,
      connectionId,
      GRANT_TTL_MS,
      this.fromKey(''),
    );
    if (status === 'ok') return { ok: true, invitation: JSON.parse(json!) as InvitationRecord };
    return { ok: false, refusal: status as 'unknown' | 'ended' | 'not-yours' };
  }

  private get deadlines(): string {
    return `${this.prefix}:internal:invitations`;
  }

  private key(id: string): string {
    return `${this.prefix}:internal:invitation:${id}`;
  }

  private fromKey(connectionId: string): string {
    return `${this.prefix}:internal:invitations-from:${connectionId}`;
  }

  private grantsKey(connectionId: string): string {
    return `${this.prefix}:internal:grants:${connectionId}`;
  }
}

/** A MULTI resolves with each command's error in place; any error fails the whole. */
function failedIfAny(results: Array<[Error | null, unknown]> | null): void {
  const error = results?.find(([e]) => e)?.[0];
  if (error) throw error;
  if (!results) throw new Error('The transaction was aborted.');
}
