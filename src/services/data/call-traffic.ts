// Chat and files for a whole call: the entry of the data chunk, loaded at the first message or file,
// sent or received (CallData.traffic()). Everything goes to every peer with the `rtc-kit` channel.
import type { CallData } from './call-data.js';
import { sendChat } from './chat.js';
import { FileTransfers } from './files.js';

/** The call's file transfers (attach and cancel are FileTransfers'), and its chat; each reported as the call's events. */
export class CallTraffic extends FileTransfers {
  readonly #data: CallData;

  constructor(data: CallData) {
    const { host } = data;
    super({
      // The call's `max-file-size` as it is now, whenever an offer is checked or a file sent.
      get maxFileSize() {
        return host.maxFileSize();
      },
      onprogress: (progress) => host.announce('fileprogress', progress),
      onfile: (file) => host.announce('file', file),
      onerror: ({ id, peerId, error }) => host.announce('error', { error, fileId: id, peerId: peerId ?? undefined }),
      onchat: (link, { text, at }) => host.announce('message', { from: link.id, name: link.peer?.name ?? null, text, at }),
    });
    this.#data = data;
  }

  /** Sends a chat message to every peer; throws `message-too-large` before sending to any. */
  sendMessage(text: string): void {
    sendChat(this.#data.links, text);
  }

  /** Sends a file to every peer; resolves with its id once every peer verified it. */
  async sendFile(file: Blob): Promise<string> {
    const { id, done } = this.send(file, this.#data.links);
    await done;
    return id;
  }
}
