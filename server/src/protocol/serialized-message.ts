import type { HubMessage, HubProtocol } from './messages.js';

/**
 * A message on its way to many connections. It is written at most once per protocol, however many
 * connections receive it: fan-out to 1,000 JSON clients serializes once, not 1,000 times.
 */
export class SerializedHubMessage {
  private jsonBytes: Uint8Array | null = null;
  private otherBytes: Map<string, Uint8Array> | null = null;
  private decoded: HubMessage | null;
  private decode: (() => HubMessage) | null = null;

  constructor(message: HubMessage) {
    this.decoded = message;
  }

  /** The message itself. For one built from bytes, it is parsed from them on first use. */
  get message(): HubMessage {
    return (this.decoded ??= this.decode!());
  }

  /** Seeds the cache with bytes already written elsewhere (for example, received from a backplane). */
  static fromBytes(message: HubMessage, protocolName: string, bytes: Uint8Array): SerializedHubMessage {
    const serialized = new SerializedHubMessage(message);
    serialized.set(protocolName, bytes);
    return serialized;
  }

  /**
   * A message that arrives already written in one or more protocols (a backplane's payload). `decode`
   * parses it back into a message, and runs only if something asks for the message itself.
   */
  static fromSerialized(bytesByProtocol: Iterable<[string, Uint8Array]>, decode: () => HubMessage): SerializedHubMessage {
    const serialized = new SerializedHubMessage(null as unknown as HubMessage);
    serialized.decode = decode;
    for (const [name, bytes] of bytesByProtocol) serialized.set(name, bytes);
    return serialized;
  }

  bytesFor(protocol: HubProtocol): Uint8Array {
    // JSON is by far the common case, so it gets a field rather than a map lookup.
    if (protocol.name === 'json') return (this.jsonBytes ??= protocol.write(this.message));
    let bytes = this.otherBytes?.get(protocol.name);
    if (!bytes) {
      bytes = protocol.write(this.message);
      this.set(protocol.name, bytes);
    }
    return bytes;
  }

  private set(protocolName: string, bytes: Uint8Array): void {
    if (protocolName === 'json') this.jsonBytes = bytes;
    else (this.otherBytes ??= new Map()).set(protocolName, bytes);
  }
}
