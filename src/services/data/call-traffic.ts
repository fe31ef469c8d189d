// Chat and files for a whole call: the entry of the data chunk, loaded at the first message or file,
// sent or received (CallData.traffic()). Everything goes to every peer with the `rtc-kit` channel.
import type { RtcError } from '../rtc/rtc-error.js';
import type { CallData } from './call-data.js';
import { checkChat, sendChat } from './chat.js';
import type { DataLink } from './data-link.js';
import { FileTransfers } from './files.js';

export class CallTraffic {
  readonly files: FileTransfers;

  constructor(private readonly data: CallData) {
    const { host } = data;
    this.files = new FileTransfers({
      // The call's `max-file-size` as it is now, whenever an offer is checked or a file sent.
      get maxFileSize() {
        return host.maxFileSize();
      },
      onprogress: ({ id, name, size, sent, from, received }) => host.announce('fileprogress', from === undefined ? { id, name, size, sent } : { id, name, size, from, received }),
      onfile: (file) => host.announce('file', file),
      onerror: ({ id, peerId, error }) => host.announce('error', { error: error as RtcError, fileId: id, peerId: peerId ?? undefined }),
      onchat: (link, { text, at }) => host.announce('message', { from: link.id, name: link.peer?.name ?? null, text, at }),
    });
  }

  /** Takes over a link's chat and file traffic. */
  attach(link: DataLink): void {
    this.files.attach(link);
  }

  /** Sends a chat message to every peer; throws `message-too-large` before sending to any. */
  sendMessage(text: string): void {
    checkChat(text);
    for (const link of this.data.links) sendChat(link, text);
  }

  /** Sends a file to every peer; resolves with its id once every peer verified it. */
  async sendFile(file: Blob): Promise<string> {
    const { id, done } = this.files.send(file, this.data.links);
    await done;
    return id;
  }

  /** Cancels a transfer, sent or being received. */
  cancel(id: string): void {
    this.files.cancel(id);
  }
}
