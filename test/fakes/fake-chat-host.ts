// A ChatHost with no call behind it, for <rtc-chat>'s tests: it records what the element asks for, and
// the test plays the peers' side (messages, progress, files, failures) through its methods.
import type { ChatHost, ChatHostEventMap } from '../../src/services/data/chat-host.js';
import { RtcError } from '../../src/services/rtc/rtc-error.js';
import { CountingEventTarget } from '../../src/services/rtc/service-events.js';

/** An event with `detail`, as the service's own events carry it. */
class HostEvent<K extends keyof ChatHostEventMap> extends Event {
  constructor(
    type: K,
    readonly detail: ChatHostEventMap[K],
  ) {
    super(type);
  }
}

export class FakeChatHost extends CountingEventTarget implements ChatHost {
  peers: Array<{ id: string; name: string | null }> = [
    { id: 'p-ana', name: 'Ana' },
    { id: 'p-bo', name: 'Bo' },
  ];
  readonly messages: string[] = [];
  readonly files: Array<{ id: string; file: Blob; resolve: () => void; reject: (error: RtcError) => void }> = [];
  readonly cancelled: string[] = [];
  #ids = 0;

  async sendMessage(text: string): Promise<void> {
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > 16384) throw new RtcError('message-too-large', `A chat message can be at most 16 KB (16384 bytes of UTF-8); this one is ${bytes} bytes.`);
    this.messages.push(text);
  }

  sendFile(file: Blob | File): Promise<string> {
    const id = `file-${++this.#ids}`;
    return new Promise((resolve, reject) => {
      this.files.push({ id, file, resolve: () => resolve(id), reject });
      this.fire('fileprogress', { id, name: (file as File).name || 'file', size: file.size, sent: 0 });
    });
  }

  cancelFile(id: string): void {
    this.cancelled.push(id);
  }

  fire<K extends keyof ChatHostEventMap>(type: K, detail: ChatHostEventMap[K]): void {
    this.dispatchEvent(new HostEvent(type, detail));
  }
}
