import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { decode, encode } from '@msgpack/msgpack';
import { Redis, type RedisOptions } from 'ioredis';
import { HubError } from '../hub/hub.js';
import { silentLogger, type Logger } from '../logger.js';
import { hubProtocols } from '../protocol/index.js';
import type { HubProtocol } from '../protocol/messages.js';
import { SerializedHubMessage } from '../protocol/serialized-message.js';
import type { HubLifetimeManager, LifetimeConnection, RemoteDisconnectListener } from './hub-lifetime-manager.js';
import { InMemoryHubLifetimeManager, invocation, notHere } from './in-memory-hub-lifetime-manager.js';

export interface RedisHubLifetimeManagerOptions {
  /** The Redis server, as `redis://[user:password@]host:port[/db]` or `rediss://...`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Put in front of every channel name, so several hubs can share one Redis. Default `MessageHub`, as ASP.NET uses the hub's name. */
  channelPrefix?: string;
  /** The protocols a message is written in before it goes to the other servers. Default: every protocol this server speaks. */
  protocols?: ReadonlyMap<string, HubProtocol>;
  /**
   * How often this server tells the others it is alive, in ms. A server not heard from for three times
   * this is taken for dead: the others tell their connections that its connections left their groups
   * (see onRemoteDisconnected), between three and four intervals after it last spoke. Its record in Redis
   * expires after six. Default 5 000.
   */
  heartbeatInterval?: number;
  /** How long adding or removing a connection on another server waits for that server's ack, in ms. Default 30 000, as ASP.NET. */
  ackTimeout?: number;
  /** Where outages and recoveries are logged. Default: nowhere. */
  logger?: Logger;
  /** Passed to both ioredis connections, over rtc-kit's own settings (for example `tls`, or `connectTimeout`). */
  redisOptions?: RedisOptions;
}

/** What a sender hears when some receivers are on other servers and Redis cannot be reached. */
export const BACKPLANE_UNAVAILABLE = 'The message could not reach the other servers: the backplane is unavailable.';
const GROUP_CHANGE_UNAVAILABLE = 'The group change could not reach the other servers: the backplane is unavailable.';
const GROUP_CHANGE_TIMEOUT = 'The server that holds the connection did not confirm the group change in time.';
const GROUP_READ_UNAVAILABLE = 'The members on the other servers could not be read: the backplane is unavailable.';

/** The first item of every payload: what it is. */
const Kind = {
  /** `[kind, serverId, excludedIds, bytesByProtocol]` on `{prefix}:all`. */
  All: 1,
  /** `[kind, serverId, excludedIds, bytesByProtocol, groups, batchId]` on `{prefix}:group:{name}`. */
  Groups: 2,
  /** `[kind, serverId, bytesByProtocol]` on `{prefix}:connection:{id}`. */
  Connection: 3,
  /** `[kind, serverId, ackId, action, group]` on `{prefix}:connection:{id}`: add or remove that connection. */
  GroupCommand: 4,
  /** `[kind, serverId, ackId]` on `{prefix}:internal:ack:{serverId}`. */
  Ack: 5,
  /** `[kind, serverId, excludedIds, bytesByProtocol]` on `{prefix}:user:{userId}`. */
  User: 6,
  // Presence, on `{prefix}:internal:servers`, all `[kind, serverId, seq, ...]`:
  /** `[..., groups]`: a server (re)joins the cluster with its groups, and asks the others for theirs. */
  Hello: 10,
  /** `[..., groups]`: the answer to Hello, or to a gap in the sequence numbers. */
  State: 11,
  /** `[..., group, present]`: this server now has (or no longer has) connections in the group. */
  Group: 12,
  /** `[...]`: still alive. */
  Heartbeat: 13,
  /** `[...]`: closing; forget me. */
  Bye: 14,
} as const;

const Action = { Add: 1, Remove: 2 } as const;

/** One subscribe command carries at most this many channels (a resubscription can hold thousands). */
const SUBSCRIBE_BATCH = 500;
/** How long a server stays on a group's channel after its last connection there left. */
const UNSUBSCRIBE_DELAY_MS = 1_000;
/** After a (re)connection, how long to wait for the other servers to answer Hello before serving as healthy anyway. */
const HELLO_ANSWER_TIMEOUT_MS = 1_000;
/**
 * After this server's own link to Redis comes back, how much longer than three heartbeats the others get
 * to come back too before they are taken for dead: ioredis retries every second at most (retryStrategy).
 */
const RECONNECT_GRACE_MS = 2_000;
/** A server's membership record in Redis lives this many heartbeats past its last refresh. */
const RECORD_TTL_HEARTBEATS = 6;
/** What joinGroup passes to Redis for "no cap". */
const NO_CAP = 2 ** 31;

/**
 * joinGroup, in one step on Redis, so that of two servers racing for a group's last place one wins.
 * KEYS[1] is the group's member set, whose entries are "<serverId> <connectionId>"; KEYS[2] this server's
 * membership record. ARGV: this entry, the connection id, the cap, the record key prefix, the connection's
 * groups (encoded, for the record), and the record's expiry in ms.
 * An entry whose connection is not in its server's record is a leftover (of a server that died, or a leave
 * lost in an outage) and is removed on the way. Replies {0} when full, else {1, other member ids...}.
 */
const JOIN_GROUP_SCRIPT = `
local others = {}
local present = false
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if member == ARGV[1] then
    present = true
  else
    local server, id = string.match(member, '^(.*) ([^ ]*)$')
    if server and redis.call('HEXISTS', ARGV[4] .. server, id) == 1 then
      others[#others + 1] = id
    else
      redis.call('SREM', KEYS[1], member)
    end
  end
end
if not present and #others >= tonumber(ARGV[3]) then
  return {0}
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
table.insert(others, 1, 1)
return others
`;

/**
 * The members of a group on every server, read-only: the entries of its member set whose connection is in its
 * server's record (see JOIN_GROUP_SCRIPT). KEYS[1] the set; ARGV[1] the record key prefix.
 */
const GROUP_MEMBERS_SCRIPT = `
local members = {}
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local server, id = string.match(member, '^(.*) ([^ ]*)$')
  if server and redis.call('HEXISTS', ARGV[1] .. server, id) == 1 then members[#members + 1] = id end
end
return members
`;

type GroupMembersCommand = (groupKey: string, recordPrefix: string) => Promise<string[]>;

type JoinGroupCommand = (
  groupKey: string,
  recordKey: string,
  entry: string,
  connectionId: string,
  maxMembers: string,
  recordPrefix: string,
  groups: Buffer,
  ttl: number,
) => Promise<Array<number | string>>;

interface RemoteServer {
  groups: Set<string>;
  /** The sequence number of the last presence message from it; a gap means one was missed. */
  seq: number;
  lastSeen: number;
}

interface PendingAck {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Connections and groups across several hub servers that share one Redis, in the shape of ASP.NET's
 * RedisHubLifetimeManager (signalr-wire.md F.2): channels `{prefix}:all`, `{prefix}:group:{name}` and
 * `{prefix}:connection:{id}`; a server subscribes to a group's channel while it has connections in the
 * group; a message is written once per protocol, and the payload carries those bytes and the excluded ids.
 *
 * Where it differs from ASP.NET, on purpose:
 * - Receivers on this server get a message straight from memory, never through Redis, and a message that
 *   has no receiver on another server is not published at all. To know that, the servers tell each other
 *   which groups they have connections in (presence, on `{prefix}:internal:servers`). The publishing server
 *   ignores its own publications, by the server id in the payload, so nobody receives a message twice.
 * - A group change for a connection on another server is published on that connection's channel, so
 *   PUBLISH's receiver count says at once whether any server holds it: an unknown id is a no-op, as on one
 *   server, rather than a 30 s wait.
 * - When Redis cannot be reached, local delivery goes on, and a send that also had receivers on other
 *   servers rejects with a HubError instead of being lost in silence. So does a publication that Redis
 *   handed to fewer servers than this one knows to have receivers (PUBLISH's count), for example a server
 *   whose subscriber is down, or not resubscribed yet after an outage. Nothing is queued or resent, so
 *   nothing arrives twice.
 *
 * When a server dies without closing its connections (a crash, SIGKILL, a machine gone), its peers on the
 * other servers must still hear `Leave`. Pub/sub cannot tell them, so this is the one thing kept in Redis:
 * each server writes which of its connections are in which groups to one hash,
 * `{prefix}:internal:members:{serverId}` (field = connection id, value = msgpack list of groups), on every
 * group change, and refreshes the hash's expiry with each heartbeat. Each group also has a set of its members
 * on every server, `{prefix}:internal:group:{name}` (entries `<serverId> <connectionId>`), so that joinGroup
 * can cap a group and name its members in one atomic step (JOIN_GROUP_SCRIPT); an entry counts only while its
 * connection is in its server's record. A server that stops heartbeating is
 * taken for dead by the others after three heartbeats; each of them then reads its hash and runs the
 * RemoteDisconnectListener for the connections in groups that have members on that survivor, which tells
 * its own connections only. The hash is never deleted by the survivors (one might read it after another
 * deleted it); it expires six heartbeats after its owner's last refresh, so nothing is left behind even
 * when every server dies. A server that closes cleanly deletes its own. Redis drops a dead server's
 * subscriptions with its TCP connections. Nothing of this is on the path of a message: a send never
 * touches a key.
 */
export class RedisHubLifetimeManager implements HubLifetimeManager {
  /** `{hostname}_{random}`, as ASP.NET's `{MachineName}_{Guid:N}`. */
  readonly serverId = `${hostname()}_${randomUUID().replace(/-/g, '')}`;

  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly protocols: ReadonlyMap<string, HubProtocol>;
  private readonly logger: Logger;
  private readonly heartbeatInterval: number;
  private readonly ackTimeout: number;
  private readonly where: string;

  /** This server's own connections and groups; messages to them never go through Redis. */
  private readonly local = new InMemoryHubLifetimeManager();
  /** `{prefix}:internal:members:{serverId}`: which of this server's connections are in which groups. */
  private readonly membersKey: string;
  private remoteDisconnected: RemoteDisconnectListener | null = null;
  private readonly remote = new Map<string, RemoteServer>();
  /** group -> the other servers with connections in it. */
  private readonly remoteGroups = new Map<string, Set<string>>();
  /** The last multi-group message seen from each server: one sendGroups is one publication per group. */
  private readonly lastBatch = new Map<string, number>();

  /** Every channel this server wants; `subscribed` is what the current subscriber connection has. */
  private readonly desired = new Set<string>();
  private readonly subscribed = new Set<string>();
  /**
   * Channels whose SUBSCRIBE or UNSUBSCRIBE has been sent and not answered yet: Redis may or may not count this
   * server among their subscribers at this moment (see publishOrFail).
   */
  private readonly changing = new Set<string>();
  /** Group channels to unsubscribe from soon (see leaveLocal). */
  private readonly lingering = new Map<string, NodeJS.Timeout>();
  /** Subscription changes and presence announcements, one at a time, in order. */
  private tasks: Promise<void> = Promise.resolve();

  /** Local deliveries waiting for their turn (see deliverLocally). */
  private localTail: Promise<void> = Promise.resolve();
  private localPending = 0;
  private nextBarrier: Promise<void> | null = null;

  private readonly pendingAcks = new Map<number, PendingAck>();
  private nextAckId = 0;
  private nextBatchId = 0;
  private seq = 0;
  /** Hello was answered (or timed out) on the current subscriber connection. */
  private synced = false;
  private helloAnswers: { expected: number; from: Set<string>; done: () => void } | null = null;
  private helloScheduled = false;
  private outageSince: number | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  /** When the heartbeat last ran: a tick much later than that means this process stalled. */
  private lastTick = 0;
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private closing: Promise<void> | null = null;

  constructor(options: RedisHubLifetimeManagerOptions = {}) {
    const url = options.url ?? 'redis://127.0.0.1:6379';
    checkRedisUrl(url, 'url');
    const prefix = options.channelPrefix ?? 'MessageHub';
    if (typeof prefix !== 'string' || prefix === '') {
      throw new TypeError('The "channelPrefix" option must be a non-empty string.');
    }
    for (const name of ['heartbeatInterval', 'ackTimeout'] as const) {
      const value = options[name];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
        throw new TypeError(`The "${name}" option must be a positive number of milliseconds.`);
      }
    }
    this.prefix = prefix;
    this.protocols = options.protocols ?? hubProtocols;
    this.logger = options.logger ?? silentLogger;
    this.heartbeatInterval = options.heartbeatInterval ?? 5_000;
    this.ackTimeout = options.ackTimeout ?? 30_000;
    this.where = redactUrl(url);
    this.membersKey = this.membersKeyOf(this.serverId);
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));

    const common: RedisOptions = {
      // Reconnect quickly and forever: the hub serves its own connections meanwhile, and should be back
      // within a second of Redis (ioredis's default backs off to 5 s).
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      // Fail fast instead of queueing: a message queued during an outage would be sent late, or twice, and
      // its sender would never know. A command in flight when the link drops fails too, for the same reason
      // (0 retries), and is never resent after reconnecting.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      ...options.redisOptions,
    };
    // CLIENT SETNAME takes no spaces; the names show who is who in `redis-cli CLIENT LIST`.
    const name = `${prefix}:${this.serverId}`.replace(/\s/g, '_');
    this.publisher = new Redis(url, { ...common, connectionName: `${name}:pub` });
    // ioredis sends the script by its hash, and the script itself the first time Redis does not know it.
    this.publisher.defineCommand('rtcJoinGroup', { numberOfKeys: 2, lua: JOIN_GROUP_SCRIPT });
    this.publisher.defineCommand('rtcGroupMembers', { numberOfKeys: 1, lua: GROUP_MEMBERS_SCRIPT });
    // The subscriber does not use ioredis's autoResubscribe: it would restore only the channels of the
    // previous connection, not those subscribed (and failed) during the outage. This manager resubscribes
    // everything it wants on every `ready` instead (sync below), which covers both.
    this.subscriber = new Redis(url, {
      ...common,
      autoResubscribe: false,
      connectionName: `${name}:sub`,
    });
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel, message));
    for (const redis of [this.publisher, this.subscriber]) {
      redis.on('ready', () => this.onReady());
      redis.on('close', () => this.onLinkDown(redis));
      redis.on('error', (error: Error) => this.onLinkDown(redis, error));
    }

    this.desired.add(this.channel('all'));
    this.desired.add(this.channel('internal:servers'));
    this.desired.add(this.channel(`internal:ack:${this.serverId}`));

    this.lastTick = Date.now();
    this.heartbeat = setInterval(() => this.tick(), this.heartbeatInterval);
    this.heartbeat.unref();
  }

  /** Whether both Redis connections are up, every channel is subscribed, and the other servers have answered. */
  get healthy(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready' && this.synced && !this.closing;
  }

  /** Resolves the first time the manager is healthy. */
  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * Resolves once this server's pending subscription changes are done and everything Redis delivered to it
   * before now has been handled (a PING round trip on the subscriber, whose answer comes after them).
   */
  async flush(): Promise<void> {
    await this.tasks;
    await this.barrier();
  }

  // -------------------------------------------------------------------------------------------------
  // HubLifetimeManager

  async onConnected(connection: LifetimeConnection): Promise<void> {
    await this.local.onConnected(connection);
    this.desired.add(this.connectionChannel(connection.connectionId));
    // A server listens on a user's channel while it holds connections of the user (ASP.NET does the same).
    if (connection.userId) this.desired.add(this.userChannel(connection.userId));
    await this.enqueue(() => this.syncSubscriptions());
  }

  async onDisconnected(connection: LifetimeConnection): Promise<void> {
    if (!this.local.remove(connection)) return;
    this.desired.delete(this.connectionChannel(connection.connectionId));
    const userId = connection.userId;
    if (userId && this.local.userConnections(userId).length === 0) this.desired.delete(this.userChannel(userId));
    const groups = [...connection.groups];
    const emptied = groups.filter((group) => this.local.leave(connection, group));
    const done = emptied.map((group) => this.lastMemberLeft(group));
    if (groups.length > 0) done.push(this.recordMembership(connection, groups, false));
    done.push(this.enqueue(() => this.syncSubscriptions()));
    await Promise.all(done);
  }

  onRemoteDisconnected(listener: RemoteDisconnectListener): void {
    this.remoteDisconnected = listener;
  }

  async sendAll(method: string, args: readonly unknown[]): Promise<void> {
    await this.sendAllExcept(method, args, []);
  }

  async sendAllExcept(method: string, args: readonly unknown[], excluded: readonly string[]): Promise<void> {
    const message = invocation(method, args);
    const local = this.deliverLocally(() => writeTo(this.local.allConnections(), message, excluded));
    if (this.remote.size === 0) return local;
    await Promise.all([
      local,
      this.publishOrFail(
        [{ channel: this.channel('all'), expected: this.remote.size }],
        encodePayload([Kind.All, this.serverId, [...excluded], this.bytesOf(message)]),
      ),
    ]);
  }

  async sendConnection(connectionId: string, method: string, args: readonly unknown[]): Promise<void> {
    await this.sendConnections([connectionId], method, args);
  }

  async sendConnections(connectionIds: readonly string[], method: string, args: readonly unknown[]): Promise<void> {
    const message = invocation(method, args);
    const localIds: string[] = [];
    const remoteIds: string[] = [];
    for (const id of new Set(connectionIds)) (this.local.connection(id) ? localIds : remoteIds).push(id);
    const local =
      localIds.length === 0
        ? undefined
        : this.deliverLocally(() => {
            for (const id of localIds) this.local.connection(id)?.write(message);
          });
    // An id that is not here may be on another server, if there is one; Redis knows who subscribed to it.
    if (remoteIds.length === 0 || this.remote.size === 0) return local;
    const payload = encodePayload([Kind.Connection, this.serverId, this.bytesOf(message)]);
    // Expecting no receiver: an id that no server holds is a no-op, as on one server.
    const targets = remoteIds.map((id) => ({ channel: this.connectionChannel(id), expected: 0 }));
    await Promise.all([local, this.publishOrFail(targets, payload)]);
  }

  async sendUser(userId: string, method: string, args: readonly unknown[], excluded: readonly string[] = []): Promise<boolean> {
    const message = invocation(method, args);
    const targets = this.local.userConnections(userId, excluded);
    const local = targets.length === 0 ? undefined : this.deliverLocally(() => writeTo(targets, message, []));
    if (this.remote.size === 0) {
      await local;
      return targets.length > 0;
    }
    // Which other servers hold connections of the user, nobody keeps track of: Redis's count says it.
    const payload = encodePayload([Kind.User, this.serverId, [...excluded], this.bytesOf(message)]);
    const [others] = await Promise.all([this.publishCounting([this.userChannel(userId)], payload), local]);
    return targets.length > 0 || others![0]! > 0;
  }

  async sendGroup(groupName: string, method: string, args: readonly unknown[]): Promise<void> {
    await this.sendToGroups([groupName], method, args, []);
  }

  async sendGroups(groupNames: readonly string[], method: string, args: readonly unknown[]): Promise<void> {
    await this.sendToGroups(groupNames, method, args, []);
  }

  async sendGroupExcept(
    groupName: string,
    method: string,
    args: readonly unknown[],
    excluded: readonly string[],
  ): Promise<void> {
    await this.sendToGroups([groupName], method, args, excluded);
  }

  async addToGroup(connectionId: string, groupName: string): Promise<void> {
    const connection = this.local.connection(connectionId);
    if (connection) return this.joinLocal(connection, groupName);
    await this.changeRemoteGroup(connectionId, groupName, Action.Add);
  }

  async removeFromGroup(connectionId: string, groupName: string): Promise<void> {
    const connection = this.local.connection(connectionId);
    if (connection) return this.leaveLocal(connection, groupName);
    await this.changeRemoteGroup(connectionId, groupName, Action.Remove);
  }

  async groupMembers(groupName: string): Promise<string[]> {
    if (this.publisher.status !== 'ready' || this.closing) {
      // This server knows its own members; the others' only Redis knows.
      if ((this.remoteGroups.get(groupName)?.size ?? 0) > 0) throw new HubError(GROUP_READ_UNAVAILABLE);
      return [...this.local.membersOf([groupName])].map((member) => member.connectionId);
    }
    try {
      return await (this.publisher as unknown as { rtcGroupMembers: GroupMembersCommand }).rtcGroupMembers(
        this.groupMembersKey(groupName),
        this.membersKeyOf(''),
      );
    } catch {
      throw new HubError(GROUP_READ_UNAVAILABLE);
    }
  }

  async joinGroup(connectionId: string, groupName: string, maxMembers: number): Promise<string[] | null> {
    const connection = this.local.connection(connectionId);
    if (!connection) throw new Error(notHere(connectionId));
    if (this.publisher.status !== 'ready' || this.closing) {
      // Without Redis nobody can count the other servers' members. This server can count its own, and does
      // when no other server has members in the group; otherwise the join waits for Redis.
      if ((this.remoteGroups.get(groupName)?.size ?? 0) > 0) throw new HubError(GROUP_CHANGE_UNAVAILABLE);
      const members = this.local.membersOf([groupName]);
      if (!connection.groups.has(groupName) && members.size >= maxMembers) return null;
      await this.joinLocal(connection, groupName);
      return [...members].filter((member) => member !== connection).map((member) => member.connectionId);
    }
    const groups = new Set(connection.groups).add(groupName);
    let reply: Array<number | string>;
    try {
      reply = await (this.publisher as unknown as { rtcJoinGroup: JoinGroupCommand }).rtcJoinGroup(
        this.groupMembersKey(groupName),
        this.membersKey,
        this.memberEntry(connectionId),
        connectionId,
        String(Number.isFinite(maxMembers) ? maxMembers : NO_CAP),
        this.membersKeyOf(''),
        encodePayload([...groups]),
        this.recordTtl,
      );
    } catch {
      throw new HubError(GROUP_CHANGE_UNAVAILABLE);
    }
    if (reply[0] === 0) return null;
    await this.joinLocal(connection, groupName, true);
    return reply.slice(1) as string[];
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.heartbeat);
      for (const timer of this.lingering.values()) clearTimeout(timer);
      this.lingering.clear();
      for (const [id, pending] of this.pendingAcks) {
        clearTimeout(pending.timer);
        pending.reject(new HubError(GROUP_CHANGE_UNAVAILABLE));
        this.pendingAcks.delete(id);
      }
      this.helloAnswers?.done();
      // Tell the others to forget this server now rather than after its heartbeat stops.
      // Its connections were closed before this (and told their peers Leave), so its record goes too, and
      // its entries in the groups' member sets.
      if (this.publisher.status === 'ready') {
        const multi = this.publisher.multi().del(this.membersKey);
        for (const connection of this.local.allConnections()) {
          for (const group of connection.groups) multi.srem(this.groupMembersKey(group), this.memberEntry(connection.connectionId));
        }
        await multi.exec().catch(() => {});
        await this.publishPresence(Kind.Bye, []).catch(() => {});
      }
      await Promise.all([quit(this.publisher), quit(this.subscriber)]);
      this.resolveReady();
    })();
    return this.closing;
  }

  // -------------------------------------------------------------------------------------------------
  // Sending

  private async sendToGroups(
    groupNames: readonly string[],
    method: string,
    args: readonly unknown[],
    excluded: readonly string[],
  ): Promise<void> {
    const message = invocation(method, args);
    // A connection in two of the groups receives the message once.
    const targets = this.local.membersOf(groupNames);
    const local = targets.size === 0 ? undefined : this.deliverLocally(() => writeTo(targets, message, excluded));

    const remoteGroups = [...new Set(groupNames)].filter((name) => (this.remoteGroups.get(name)?.size ?? 0) > 0);
    if (remoteGroups.length === 0) return local;
    // One publication per group channel, all carrying every group and one batch id, so a server with
    // connections in several of the groups delivers the first and skips the rest.
    const batchId = remoteGroups.length > 1 ? ++this.nextBatchId : 0;
    const payload = encodePayload([Kind.Groups, this.serverId, [...excluded], this.bytesOf(message), remoteGroups, batchId]);
    const channels = remoteGroups.map((name) => ({
      channel: this.groupChannel(name),
      expected: this.remoteGroups.get(name)!.size,
    }));
    await Promise.all([local, this.publishOrFail(channels, payload)]);
  }

  /**
   * Writes to connections on this server, straight from memory, but in Redis's order: when other servers
   * exist, it first waits for a PING round trip on the subscriber, so that anything another server had
   * already published to these connections (a send that had returned before this one started) is written
   * first. Concurrent callers share one PING. Deliveries stay in call order. Without Redis, it writes now.
   */
  private deliverLocally(deliver: () => void): Promise<void> | undefined {
    const sequenced = this.remote.size > 0 && this.subscriber.status === 'ready';
    if (this.localPending === 0 && !sequenced) {
      deliver();
      return undefined;
    }
    this.localPending++;
    const gate = sequenced ? this.sharedBarrier() : undefined;
    const previous = this.localTail;
    const done = (async () => {
      try {
        await previous;
        await gate;
      } finally {
        this.localPending--;
      }
      deliver();
    })();
    this.localTail = done.catch(() => {});
    return done;
  }

  /** One PING for every caller in this tick, sent after all of them arrived. Never rejects. */
  private sharedBarrier(): Promise<void> {
    if (!this.nextBarrier) {
      this.nextBarrier = new Promise<void>((resolve) => {
        queueMicrotask(() => {
          this.nextBarrier = null;
          this.barrier().then(resolve, resolve);
        });
      });
    }
    return this.nextBarrier;
  }

  /** The message in every protocol, each written once (and shared with the local connections' writes). */
  private bytesOf(message: SerializedHubMessage): Record<string, Uint8Array> {
    const bytes: Record<string, Uint8Array> = {};
    for (const protocol of this.protocols.values()) bytes[protocol.name] = message.bytesFor(protocol);
    return bytes;
  }

  /**
   * Publishes one payload on each channel, and rejects with a HubError unless Redis handed each to at least
   * `expected` other servers (the ones this server knows to have receivers there) besides this one. So a
   * server whose subscriber is down, or not resubscribed yet after an outage, is reported to the sender,
   * not skipped in silence. Servers join a group's channel before they announce it and leave it a while
   * after they announce leaving (see leaveLocal), so a stale view errs towards expecting fewer.
   *
   * PUBLISH's count includes this server when its own subscriber is on the channel, so this server counts
   * itself out, and must never count itself out when Redis did not count it in: that would take its own copy
   * for another server's and report a message as delivered that another server never got. While a SUBSCRIBE
   * or UNSUBSCRIBE is on its way (it reaches Redis on the subscriber's link, the PUBLISH on the publisher's,
   * in no order this server can know), this server is taken as subscribed. The error of that guess is a send
   * reported as failed that may have arrived, never the other way round. (Taking the count only after the
   * SUBSCRIBE's answer lost messages: a publication right after a Redis restart reached only its own server,
   * whose subscription Redis had and this server did not know of yet, and was reported as delivered.)
   */
  private async publishOrFail(targets: Array<{ channel: string; expected: number }>, payload: Buffer): Promise<void> {
    const others = await this.publishCounting(
      targets.map(({ channel }) => channel),
      payload,
    );
    if (others.some((count, i) => count < targets[i]!.expected)) throw new HubError(BACKPLANE_UNAVAILABLE);
  }

  /**
   * Publishes one payload on each channel, and resolves with how many other servers Redis handed each to: its
   * count less this server, wherever this server may be counted (see publishOrFail). Rejects with a HubError
   * when Redis cannot be reached.
   */
  private async publishCounting(channels: readonly string[], payload: Buffer): Promise<number[]> {
    if (this.publisher.status !== 'ready' || this.closing) throw new HubError(BACKPLANE_UNAVAILABLE);
    const maybeHere = (channel: string) => this.subscribed.has(channel) || this.changing.has(channel);
    // Whether Redis may count this server, read before the PUBLISH goes out: a SUBSCRIBE sent after that
    // reaches Redis after it, and does not count.
    const maySelf = channels.map(maybeHere);
    // Issued together, so the publications of one call are next to each other in Redis's order.
    const results = await Promise.allSettled(channels.map((channel) => this.publisher.publish(channel, payload)));
    return results.map((result, i) => {
      if (result.status === 'rejected') throw new HubError(BACKPLANE_UNAVAILABLE);
      // And whether it may still be counted now: a SUBSCRIBE answered meanwhile was sent before the PUBLISH
      // was answered, so it may have reached Redis first.
      const self = maySelf[i]! || maybeHere(channels[i]!) ? 1 : 0;
      return result.value - self;
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Groups

  /** `recorded`: Redis has the membership already (joinGroup's script wrote it). */
  private async joinLocal(connection: LifetimeConnection, group: string, recorded = false): Promise<void> {
    if (connection.groups.has(group)) return;
    const lingering = this.lingering.get(group);
    if (lingering) {
      clearTimeout(lingering);
      this.lingering.delete(group);
    }
    const first = this.local.join(connection, group);
    const record = recorded ? undefined : this.recordMembership(connection, [group], true);
    if (!first) return record;
    this.desired.add(this.groupChannel(group));
    // Subscribe first, then announce, then wait until every announcement Redis had before ours has been
    // handled here. Of two servers whose first members join one group at the same moment, at least one
    // then knows of the other before its Join notification goes out, and that one publishes it.
    await Promise.all([
      record,
      this.enqueue(async () => {
        await this.syncSubscriptions();
        await this.announceGroup(group);
        await this.barrier();
      }),
    ]);
  }

  private async leaveLocal(connection: LifetimeConnection, group: string): Promise<void> {
    if (!connection.groups.has(group)) return;
    const emptied = this.local.leave(connection, group);
    await Promise.all([this.recordMembership(connection, [group], false), emptied ? this.lastMemberLeft(group) : undefined]);
  }

  private async lastMemberLeft(group: string): Promise<void> {
    // Announce at once, but stay on the channel a while: a server that publishes before it hears the
    // announcement still finds this one subscribed, and does not report a receiver missing.
    const timer = setTimeout(() => {
      this.lingering.delete(group);
      if (this.local.hasGroup(group)) return;
      this.desired.delete(this.groupChannel(group));
      void this.enqueue(() => this.syncSubscriptions());
    }, UNSUBSCRIBE_DELAY_MS);
    timer.unref();
    this.lingering.set(group, timer);
    await this.enqueue(() => this.announceGroup(group));
  }

  /** A group change for a connection this server does not hold (ASP.NET's internal group channel, with acks). */
  private async changeRemoteGroup(connectionId: string, group: string, action: number): Promise<void> {
    if (this.remote.size === 0 && this.synced) return; // no other server holds any connection
    if (this.publisher.status !== 'ready' || this.closing) {
      if (this.remote.size === 0) return;
      throw new HubError(GROUP_CHANGE_UNAVAILABLE);
    }
    const ackId = ++this.nextAckId;
    const acked = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(ackId);
        reject(new HubError(GROUP_CHANGE_TIMEOUT));
      }, this.ackTimeout);
      timer.unref();
      this.pendingAcks.set(ackId, { resolve, reject, timer });
    });
    acked.catch(() => {});
    let receivers: number;
    try {
      receivers = await this.publisher.publish(
        this.connectionChannel(connectionId),
        encodePayload([Kind.GroupCommand, this.serverId, ackId, action, group]),
      );
    } catch {
      this.settleAck(ackId, new HubError(GROUP_CHANGE_UNAVAILABLE));
      return acked;
    }
    // Nobody subscribes to that connection's channel: no server holds it, so there is nothing to change.
    if (receivers === 0) this.settleAck(ackId);
    return acked;
  }

  private settleAck(ackId: number, error?: Error): void {
    const pending = this.pendingAcks.get(ackId);
    if (!pending) return;
    this.pendingAcks.delete(ackId);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve();
  }

  // -------------------------------------------------------------------------------------------------
  // Receiving

  private onMessage(channelBytes: Buffer, data: Buffer): void {
    let payload: unknown[];
    try {
      payload = decode(data) as unknown[];
      if (!Array.isArray(payload) || typeof payload[1] !== 'string') throw new Error('not a payload');
    } catch {
      this.logger.warn(`Ignored a malformed message on Redis channel ${channelBytes.toString()}.`);
      return;
    }
    const [kind, from] = payload as [number, string];
    // This server delivered its own messages locally when it sent them.
    if (from === this.serverId) return;
    switch (kind) {
      case Kind.All: {
        const [, , excluded, bytes] = payload as [number, string, string[], Record<string, Uint8Array>];
        writeTo(this.local.allConnections(), this.fromPayload(bytes), excluded);
        return;
      }
      case Kind.Groups: {
        const [, , excluded, bytes, groups, batchId] = payload as [
          number, string, string[], Record<string, Uint8Array>, string[], number,
        ];
        if (batchId !== 0) {
          if (this.lastBatch.get(from) === batchId) return;
          this.lastBatch.set(from, batchId);
        }
        const targets = this.local.membersOf(groups);
        if (targets.size > 0) writeTo(targets, this.fromPayload(bytes), excluded);
        return;
      }
      case Kind.Connection: {
        const connection = this.local.connection(this.connectionIdOf(channelBytes));
        if (connection) connection.write(this.fromPayload(payload[2] as Record<string, Uint8Array>));
        return;
      }
      case Kind.User: {
        const [, , excluded, bytes] = payload as [number, string, string[], Record<string, Uint8Array>];
        const userId = channelBytes.toString('utf8').slice(this.prefix.length + ':user:'.length);
        const targets = this.local.userConnections(userId, excluded);
        if (targets.length > 0) writeTo(targets, this.fromPayload(bytes), []);
        return;
      }
      case Kind.GroupCommand: {
        const [, , ackId, action, group] = payload as [number, string, number, number, string];
        void this.applyGroupCommand(this.connectionIdOf(channelBytes), from, ackId, action, group);
        return;
      }
      case Kind.Ack:
        this.settleAck(payload[2] as number);
        return;
      default:
        this.onPresence(kind, from, payload);
    }
  }

  private async applyGroupCommand(connectionId: string, from: string, ackId: number, action: number, group: string) {
    const connection = this.local.connection(connectionId);
    if (connection) {
      if (action === Action.Add) await this.joinLocal(connection, group);
      else await this.leaveLocal(connection, group);
    }
    try {
      await this.publisher.publish(this.channel(`internal:ack:${from}`), encodePayload([Kind.Ack, this.serverId, ackId]));
    } catch {
      // The requester's wait ends with its timeout: it cannot know whether the change happened.
    }
  }

  /** A message from another server, in bytes per protocol; parsed back only if a protocol is missing. */
  private fromPayload(bytes: Record<string, Uint8Array>): SerializedHubMessage {
    const entries = Object.entries(bytes);
    return SerializedHubMessage.fromSerialized(entries, () => {
      for (const [name, data] of entries) {
        const message = this.protocols.get(name)?.parse(data);
        if (message) return message;
      }
      throw new Error('A backplane message arrived in no protocol this server speaks.');
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Presence: which other servers exist, and which groups they have connections in

  private onPresence(kind: number, from: string, payload: unknown[]): void {
    const seq = payload[2] as number;
    if (kind === Kind.Bye) return this.forget(from);
    let server = this.remote.get(from);
    if (kind === Kind.Hello || kind === Kind.State) {
      if (!server) this.remote.set(from, (server = { groups: new Set(), seq, lastSeen: Date.now() }));
      this.setRemoteGroups(from, server, new Set(payload[3] as string[]));
      server.seq = seq;
      server.lastSeen = Date.now();
      if (kind === Kind.Hello) void this.publishPresence(Kind.State, [[...this.local.groupNames()]]).catch(() => {});
      const answers = this.helloAnswers;
      if (kind === Kind.State && answers) {
        answers.from.add(from);
        if (answers.from.size >= answers.expected) answers.done();
      }
      return;
    }
    if (!server || seq !== server.seq + 1) {
      // A server we missed the start of, or a gap: we may have lost a group change. Ask for everything.
      this.scheduleHello();
      if (!server) return;
    }
    server.seq = seq;
    server.lastSeen = Date.now();
    if (kind === Kind.Group) {
      const [, , , group, present] = payload as [number, string, number, string, boolean];
      const groups = new Set(server.groups);
      if (present) groups.add(group);
      else groups.delete(group);
      this.setRemoteGroups(from, server, groups);
    }
  }

  private setRemoteGroups(serverId: string, server: RemoteServer, groups: Set<string>): void {
    for (const group of server.groups) {
      if (groups.has(group)) continue;
      const servers = this.remoteGroups.get(group);
      servers?.delete(serverId);
      if (servers?.size === 0) this.remoteGroups.delete(group);
    }
    for (const group of groups) {
      let servers = this.remoteGroups.get(group);
      if (!servers) this.remoteGroups.set(group, (servers = new Set()));
      servers.add(serverId);
    }
    server.groups = groups;
  }

  private forget(serverId: string): void {
    const server = this.remote.get(serverId);
    if (!server) return;
    this.setRemoteGroups(serverId, server, new Set());
    this.remote.delete(serverId);
    this.lastBatch.delete(serverId);
  }

  private async announceGroup(group: string): Promise<void> {
    // Until this server has said Hello (with all its groups) on this link, the Hello tells it.
    if (!this.synced || this.publisher.status !== 'ready') return;
    await this.publishPresence(Kind.Group, [group, this.local.hasGroup(group)]).catch(() => {});
  }

  private async publishPresence(kind: number, rest: unknown[]): Promise<number> {
    const payload = encodePayload([kind, this.serverId, ++this.seq, ...rest]);
    return this.publisher.publish(this.channel('internal:servers'), payload);
  }

  /** Announces this server with all its groups; every other server answers with its own. */
  private scheduleHello(): void {
    if (this.helloScheduled || this.closing) return;
    this.helloScheduled = true;
    setImmediate(() => {
      this.helloScheduled = false;
      if (this.closing || this.publisher.status !== 'ready') return;
      void this.enqueue(async () => {
        await this.publishPresence(Kind.Hello, [[...this.local.groupNames()]]).catch(() => {});
      });
    });
  }

  private tick(): void {
    const now = Date.now();
    const late = now - this.lastTick > 2 * this.heartbeatInterval;
    this.lastTick = now;
    if (this.publisher.status === 'ready' && !this.closing) {
      // Keep this server's membership record alive. If it had expired (a missed refresh, an eviction)
      // while this server has members, write it again whole: a partial record would leave peers untold.
      void this.publisher
        .pexpire(this.membersKey, this.recordTtl)
        .then((kept) => (kept === 0 && this.hasMembers() ? this.rewriteMembership() : undefined))
        .catch(() => {});
    }
    if (!this.healthy) return;
    void this.publishPresence(Kind.Heartbeat, []).catch(() => {});
    // This process stalled (a long GC, a busy loop, a suspended VM): the others' heartbeats are waiting
    // unread behind this timer. Judge no one on stale news; start counting again.
    if (late) {
      for (const server of this.remote.values()) server.lastSeen = Math.max(server.lastSeen, now);
      return;
    }
    // While this server hears Redis, a server it has not heard from for three heartbeats is dead.
    const limit = now - 3 * this.heartbeatInterval;
    for (const [id, server] of this.remote) {
      if (server.lastSeen < limit) {
        this.logger.warn(`Hub server ${id} has not been heard from on Redis for ${3 * this.heartbeatInterval} ms; taking it for dead.`);
        this.forget(id);
        void this.serverDied(id);
      }
    }
  }

  /**
   * A server died without closing its connections: for each of them in a group that has members here,
   * run the listener (the hub's onDisconnected, which tells the members here `Leave`). Its record is left
   * to expire, since the other survivors read it too.
   */
  private async serverDied(serverId: string): Promise<void> {
    const listener = this.remoteDisconnected;
    let record: Record<string, Buffer>;
    try {
      record = await this.publisher.hgetallBuffer(this.membersKeyOf(serverId));
    } catch {
      this.logger.warn(`Could not read the connections of dead hub server ${serverId} from Redis; their peers here are not told.`);
      return;
    }
    const local = this.local;
    let told = 0;
    // Its connections leave the groups' member sets at once, so they no longer count towards a cap. Every
    // survivor does this; removing twice is harmless.
    const cleanup = this.publisher.multi();
    const lost: Array<[string, string[]]> = [];
    for (const [connectionId, encoded] of Object.entries(record)) {
      let groups: unknown;
      try {
        groups = decode(encoded);
      } catch {
        continue;
      }
      if (!Array.isArray(groups)) continue;
      const names = groups.filter((group): group is string => typeof group === 'string');
      for (const group of names) cleanup.srem(this.groupMembersKey(group), `${serverId} ${connectionId}`);
      lost.push([connectionId, names]);
    }
    await cleanup.exec().catch(() => {});
    if (!listener) return;
    for (const [connectionId, groups] of lost) {
      const shared = new Set(groups.filter((group) => local.hasGroup(group)));
      if (shared.size === 0) continue;
      told++;
      try {
        await listener(connectionId, shared, local);
      } catch (error) {
        this.logger.error(`Telling this server's connections that ${connectionId} is gone failed`, error);
      }
    }
    if (told > 0) this.logger.info(`Told this server's connections that ${told} connections of dead hub server ${serverId} left.`);
  }

  /**
   * Writes the connection's groups to this server's record in Redis, or removes it from the record when it
   * has none; adds it to (`joined`) or removes it from the member sets of `changed` groups; and (re)sets the
   * record's expiry. Never throws: while Redis is away this fails, and the whole record, member sets included,
   * is written again when it returns (onReady). Commands on one link run in order, so the last write for a
   * connection is its current state.
   */
  private async recordMembership(connection: LifetimeConnection, changed: readonly string[], joined: boolean): Promise<void> {
    if (this.publisher.status !== 'ready' || this.closing) return;
    const multi = this.publisher.multi();
    const entry = this.memberEntry(connection.connectionId);
    for (const group of changed) {
      if (joined) multi.sadd(this.groupMembersKey(group), entry);
      else multi.srem(this.groupMembersKey(group), entry);
    }
    if (connection.groups.size > 0 && this.local.connection(connection.connectionId) === connection) {
      multi.hset(this.membersKey, connection.connectionId, encodePayload([...connection.groups]));
    } else {
      multi.hdel(this.membersKey, connection.connectionId);
    }
    await multi.pexpire(this.membersKey, this.recordTtl).exec().catch(() => {});
  }

  private hasMembers(): boolean {
    for (const connection of this.local.allConnections()) if (connection.groups.size > 0) return true;
    return false;
  }

  /**
   * Replaces this server's record in Redis with what it holds now, and puts its members back in the groups'
   * member sets (a Redis that restarted has none), in one transaction.
   */
  private async rewriteMembership(): Promise<void> {
    const multi = this.publisher.multi().del(this.membersKey);
    const fields: Array<string | Buffer> = [];
    for (const connection of this.local.allConnections()) {
      if (connection.groups.size === 0) continue;
      fields.push(connection.connectionId, encodePayload([...connection.groups]));
      for (const group of connection.groups) multi.sadd(this.groupMembersKey(group), this.memberEntry(connection.connectionId));
    }
    if (fields.length > 0) multi.hset(this.membersKey, ...fields).pexpire(this.membersKey, this.recordTtl);
    await multi.exec();
  }

  private get recordTtl(): number {
    return RECORD_TTL_HEARTBEATS * this.heartbeatInterval;
  }

  private membersKeyOf(serverId: string): string {
    return this.channel(`internal:members:${serverId}`);
  }

  /** The set of a group's members on every server. */
  private groupMembersKey(group: string): string {
    return this.channel(`internal:group:${group}`);
  }

  /** This server's entry for a connection in a group's member set. */
  private memberEntry(connectionId: string): string {
    return `${this.serverId} ${connectionId}`;
  }

  // -------------------------------------------------------------------------------------------------
  // The Redis connections

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tasks.then(task).catch((error: unknown) => {
      this.logger.error('Redis backplane task failed', error);
    });
    this.tasks = run;
    return run;
  }

  /** Brings the subscriber's channels in line with `desired`. Never throws: a link that is down is retried on `ready`. */
  private async syncSubscriptions(): Promise<void> {
    if (this.subscriber.status !== 'ready') return;
    const add = [...this.desired].filter((channel) => !this.subscribed.has(channel));
    const remove = [...this.subscribed].filter((channel) => !this.desired.has(channel));
    // `changing` holds each batch while its command is on its way, so that publishOrFail never counts this
    // server out of a channel Redis may count it in.
    let batch: string[] = [];
    try {
      for (let i = 0; i < add.length; i += SUBSCRIBE_BATCH) {
        batch = add.slice(i, i + SUBSCRIBE_BATCH);
        for (const channel of batch) this.changing.add(channel);
        await this.subscriber.subscribe(...batch);
        for (const channel of batch) {
          this.subscribed.add(channel);
          this.changing.delete(channel);
        }
      }
      for (let i = 0; i < remove.length; i += SUBSCRIBE_BATCH) {
        batch = remove.slice(i, i + SUBSCRIBE_BATCH);
        for (const channel of batch) {
          this.changing.add(channel);
          this.subscribed.delete(channel);
        }
        await this.subscriber.unsubscribe(...batch);
        for (const channel of batch) this.changing.delete(channel);
      }
    } catch {
      // The link dropped, and Redis dropped its subscriptions with it; `ready` runs this again with everything.
      for (const channel of batch) this.changing.delete(channel);
    }
  }

  private async barrier(): Promise<void> {
    if (this.subscriber.status !== 'ready') return;
    await this.subscriber.ping().catch(() => {});
  }

  private onReady(): void {
    if (this.closing || this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
    void this.enqueue(async () => {
      if (this.closing || this.publisher.status !== 'ready' || this.subscriber.status !== 'ready' || this.synced) return;
      // Group changes made while Redis was away, or a Redis that restarted empty: write the record anew.
      try {
        await this.rewriteMembership();
      } catch {
        return; // the link dropped again; the next `ready` starts over
      }
      await this.syncSubscriptions();
      // Hello goes to every server subscribed to the presence channel, this one included, and each of the
      // others answers with its groups. A server we knew that does not answer is kept, with its groups:
      // after a Redis restart it may simply not be back yet, and until it is, a send to its members must
      // fail loudly rather than be delivered here only. It says Hello itself when it is back; if it never
      // is, the heartbeat check takes it for dead. Its clock restarts now (while we could not hear, nobody
      // could be heard), with a grace for its own reconnection backoff.
      const now = Date.now();
      for (const server of this.remote.values()) server.lastSeen = now + RECONNECT_GRACE_MS;
      let receivers = 0;
      const answered = new Promise<void>((resolve) => {
        this.helloAnswers = { expected: Infinity, from: new Set(), done: resolve };
      });
      try {
        receivers = await this.publishPresence(Kind.Hello, [[...this.local.groupNames()]]);
      } catch {
        this.helloAnswers = null;
        return; // the link dropped again; the next `ready` starts over
      }
      const answers = this.helloAnswers!;
      answers.expected = receivers - 1;
      if (answers.from.size >= answers.expected) answers.done();
      const timer = setTimeout(answers.done, HELLO_ANSWER_TIMEOUT_MS);
      await answered;
      clearTimeout(timer);
      this.helloAnswers = null;
      if (this.subscriber.status !== 'ready' || this.publisher.status !== 'ready' || this.closing) return;
      this.synced = true;
      if (this.outageSince !== null) {
        this.logger.info(
          `Redis backplane at ${this.where} is reachable again after ${Date.now() - this.outageSince} ms; ` +
            `resubscribed to ${this.subscribed.size} channels. Messages other servers published meanwhile did not reach this server.`,
        );
        this.outageSince = null;
      }
      this.resolveReady();
    });
  }

  private onLinkDown(redis: Redis, error?: Error): void {
    if (redis === this.subscriber && redis.status !== 'ready') this.subscribed.clear();
    if (redis.status === 'ready' || this.closing) return;
    this.synced = false;
    if (this.outageSince === null) {
      this.outageSince = Date.now();
      const reason = error ? ` (${error.message})` : '';
      this.logger.warn(
        `Redis backplane at ${this.where} is unreachable${reason}: serving this server's connections only, ` +
          'and sends that need another server fail until it returns.',
      );
    }
  }

  private channel(name: string): string {
    return `${this.prefix}:${name}`;
  }

  private groupChannel(group: string): string {
    return `${this.prefix}:group:${group}`;
  }

  private connectionChannel(connectionId: string): string {
    return `${this.prefix}:connection:${connectionId}`;
  }

  private userChannel(userId: string): string {
    return `${this.prefix}:user:${userId}`;
  }

  private connectionIdOf(channel: Buffer): string {
    return channel.toString('utf8').slice(this.prefix.length + ':connection:'.length);
  }
}

function writeTo(targets: Iterable<LifetimeConnection>, message: SerializedHubMessage, excluded: readonly string[]): void {
  for (const connection of targets) {
    if (excluded.length > 0 && excluded.includes(connection.connectionId)) continue;
    connection.write(message);
  }
}

function encodePayload(payload: unknown[]): Buffer {
  const bytes = encode(payload);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  const timer = setTimeout(() => redis.disconnect(), 1_000);
  await redis.quit().catch(() => redis.disconnect());
  clearTimeout(timer);
}

/** Checks a Redis URL up front, with an exact message (ws style). */
export function checkRedisUrl(url: unknown, option: string): asserts url is string {
  let parsed: URL | null = null;
  try {
    parsed = typeof url === 'string' ? new URL(url) : null;
  } catch {}
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || !parsed.hostname) {
    throw new TypeError(`The "${option}" option must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379.`);
  }
}

/** The URL without its password, for the log. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

