import { ContextConsumer } from '@lit/context';
import { html, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcElement } from '../../internal/rtc-element.js';
import type { ChatHost, ChatHostEventMap } from '../../services/data/chat-host.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import type { RtcError } from '../../services/rtc/rtc-error.js';
import { fallbackService } from '../service-lookup.js';
import { linkify } from './linkify.js';
import { styles } from './rtc-chat.styles.js';

/** Every visible string, in one place for the string tables to come. */
const strings = {
  log: 'Chat messages',
  you: 'You',
  someone: 'Someone',
  message: 'Message',
  placeholder: 'Write a message',
  send: 'Send',
  file: 'Send a file',
  drop: 'Drop files here to send them to everyone in the call',
  cancel: (name: string) => `Cancel ${name}`,
  sending: (name: string) => `Sending ${name}`,
  receiving: (name: string) => `Receiving ${name}`,
  save: 'Save',
  sent: 'Sent',
};

/** How many messages and files the list keeps; older ones drop off the top. */
const MAX_ENTRIES = 500;

type Detail<K extends keyof ChatHostEventMap> = ChatHostEventMap[K];

interface MessageEntry {
  kind: 'message';
  key: string;
  /** The sender's name; null for us. */
  name: string | null;
  own: boolean;
  text: string;
  at: number;
}

interface FileEntry {
  kind: 'file';
  key: string;
  id: string;
  name: string;
  size: number;
  own: boolean;
  /** The peer's name, for a file we receive. */
  from: string | null;
  done: number;
  status: 'active' | 'done' | 'failed';
  blob?: Blob;
  error?: string;
}

type Entry = MessageEntry | FileEntry;

/**
 * @summary Chat and file sharing for the surrounding call: a message list, a text field, a file button and
 * a drop zone, with progress. Peers' text is shown as text, never as HTML; only http(s) addresses become links.
 *
 * Load it on first use: `import('rtc-kit/lib/components/rtc-chat/rtc-chat.js')`. It takes the call's
 * service from the nearest `<rtc-call>` (context), or set `service` to any ChatHost.
 *
 * Enter sends the message; Shift+Enter starts a new line.
 *
 * @csspart base - The wrapper, and the drop zone (`data-dragging` while a file is dragged over it).
 * @csspart messages - The scrolling message list, a live region (`role="log"`).
 * @csspart message - One message; `data-own` on ours.
 * @csspart sender - The sender's name in a message or file.
 * @csspart time - The time a message came.
 * @csspart text - A message's text.
 * @csspart link - An http(s) address in a message.
 * @csspart file - One file, sent or received; `data-status` is `active`, `done` or `failed`.
 * @csspart progress - The `<progress>` of a file under way.
 * @csspart cancel-button - Cancels a file under way.
 * @csspart download - The link that saves a received file.
 * @csspart file-error - Why a file failed.
 * @csspart form - The row with the text field and the buttons.
 * @csspart input - The text field.
 * @csspart send-button - The Send button.
 * @csspart file-button - The button that picks files to send.
 * @csspart drop-hint - The hint shown while a file is dragged over the element.
 * @csspart error - The last error (a message too large, a file that failed).
 *
 * @cssproperty [--rtc-chat-gap=0.5rem] - Space between the parts.
 * @cssproperty [--rtc-chat-accent=#2563eb] - The color of the buttons, links and the focus ring.
 * @cssproperty [--rtc-chat-own-background=#dbeafe] - The background of our own messages.
 * @cssproperty [--rtc-chat-background=#f8fafc] - The background of the message list.
 * @cssproperty [--rtc-chat-error-color=#b91c1c] - The color of errors.
 * @cssproperty [--rtc-chat-height=20rem] - The height of the message list.
 */
export default class RtcChat extends RtcElement {
  static override styles = styles;
  // Declared here rather than with @property/@state: the decorator module costs bundle bytes (see docs/bundles.md).
  static override properties = {
    service: { attribute: false },
    entries: { state: true },
    draft: { state: true },
    error: { state: true },
    dragging: { state: true },
  };

  /** The call's service (any ChatHost); taken from the surrounding `<rtc-call>`, or the page's default. */
  service?: ChatHost;

  // The service implements ChatHost (src/services/data/chat-host.ts).
  readonly #consumer = new ContextConsumer(this, {
    context: rtcServiceContext,
    subscribe: true,
    callback: (service) => (this.service = service as unknown as ChatHost),
  });

  private entries: Entry[] = [];
  private draft = '';
  private error = '';
  private dragging = false;
  /** Object URLs of received files, made when shown and revoked when the element leaves the page. */
  readonly #urls = new Map<string, string>();
  /** Errors already shown from an event, so the same error's rejection is not shown twice. */
  readonly #shown = new WeakSet<object>();
  #keys = 0;

  readonly #subscription = new ServiceSubscriptionController(this, {
    message: ({ detail }) => this.#onMessage(detail),
    fileprogress: ({ detail }) => this.#onProgress(detail),
    file: ({ detail }) => this.#onFile(detail),
    error: ({ detail }) => this.#onError(detail),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.service ??= fallbackService(this) as unknown as ChatHost;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const url of this.#urls.values()) URL.revokeObjectURL(url);
    this.#urls.clear();
    // Shown again if the element comes back: the render makes new URLs.
    this.requestUpdate();
  }

  /** Sends the text in the field to everyone in the call. */
  async send(): Promise<void> {
    const text = this.draft;
    if (!text.trim() || !this.service) return;
    try {
      await this.service.sendMessage(text);
    } catch (error) {
      this.#showError(error as RtcError);
      return;
    }
    if (this.draft === text) this.draft = '';
    this.error = '';
    this.#add({ kind: 'message', key: this.#key(), name: null, own: true, text, at: Date.now() });
  }

  /** Sends files to everyone in the call; progress shows in the list. */
  sendFiles(files: Iterable<File>): void {
    for (const file of files) this.service?.sendFile(file).then((id) => this.#update(id, { status: 'done', done: file.size }), (error) => this.#showError(error));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) this.#subscription.setService(this.service);
  }

  protected override updated(changed: PropertyValues): void {
    if (!changed.has('entries')) return;
    // Follow new entries, unless the reader scrolled up to read older ones.
    const list = this.renderRoot.querySelector('[part="messages"]');
    const last = list?.querySelector('li:last-child')?.clientHeight ?? 0;
    if (list && list.scrollHeight - list.scrollTop - list.clientHeight < 80 + last) list.scrollTop = list.scrollHeight;
  }

  protected override render() {
    return html`<div
      part="base"
      ?data-dragging=${this.dragging}
      @dragenter=${this.#onDrag}
      @dragover=${this.#onDrag}
      @dragleave=${this.#onDragLeave}
      @drop=${this.#onDrop}
    >
      <div part="messages" role="log" aria-label=${strings.log} tabindex="0">
        <ol>
        ${repeat(
          this.entries,
          (entry) => entry.key,
          (entry) => (entry.kind === 'message' ? this.#message(entry) : this.#file(entry)),
        )}
        </ol>
      </div>
      <p part="error" role="alert">${this.error}</p>
      <form part="form" @submit=${this.#onSubmit}>
        <label for="input" class="visually-hidden">${strings.message}</label>
        <textarea
          id="input"
          part="input"
          rows="2"
          placeholder=${strings.placeholder}
          .value=${this.draft}
          @input=${(event: Event) => (this.draft = (event.target as HTMLTextAreaElement).value)}
          @keydown=${this.#onKeyDown}
        ></textarea>
        <button part="send-button" type="submit">${strings.send}</button>
        <button part="file-button" type="button" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}>${strings.file}</button>
        <input type="file" multiple hidden tabindex="-1" @change=${this.#onPick} />
      </form>
      <p part="drop-hint" ?hidden=${!this.dragging}>${strings.drop}</p>
    </div>`;
  }

  #message(entry: MessageEntry) {
    const when = new Date(entry.at);
    return html`<li part="message" ?data-own=${entry.own}>
      <span part="sender">${entry.own ? strings.you : entry.name || strings.someone}</span>
      <time part="time" datetime=${when.toISOString()}>${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
      <div part="text">${linkify(entry.text)}</div>
    </li>`;
  }

  #file(entry: FileEntry) {
    const label = entry.own ? strings.sending(entry.name) : strings.receiving(entry.name);
    let state;
    if (entry.status === 'active') {
      state = html`<progress part="progress" max=${entry.size || 1} .value=${entry.size ? entry.done : 1} aria-label=${label}></progress>
        <button part="cancel-button" type="button" @click=${() => this.service?.cancelFile(entry.id)}>${strings.cancel(entry.name)}</button>`;
    } else if (entry.status === 'failed') {
      state = html`<span part="file-error">${entry.error}</span>`;
    } else if (entry.blob) {
      let url = this.#urls.get(entry.id);
      if (!url) this.#urls.set(entry.id, (url = URL.createObjectURL(entry.blob)));
      state = html`<a part="download" href=${url} download=${entry.name}>${strings.save} ${entry.name}</a>`;
    } else state = html`<span>${strings.sent}</span>`;
    return html`<li part="file" data-status=${entry.status}>
      <span part="sender">${entry.own ? strings.you : entry.from || strings.someone}</span>
      <span class="file-name">${entry.name}</span> <span class="file-size">(${size(entry.size)})</span>
      ${state}
    </li>`;
  }

  #onMessage(detail: Detail<'message'>): void {
    this.#add({ kind: 'message', key: this.#key(), name: detail.name, own: false, text: detail.text, at: detail.at });
  }

  #onProgress(detail: Detail<'fileprogress'>): void {
    const done = detail.sent ?? detail.received ?? 0;
    if (this.#find(detail.id)) return this.#update(detail.id, { done });
    const from = detail.from === undefined ? null : (this.service?.peers.find((peer) => peer.id === detail.from)?.name ?? null);
    this.#add({ kind: 'file', key: detail.id, id: detail.id, name: detail.name, size: detail.size, own: detail.from === undefined, from, done, status: 'active' });
  }

  #onFile(detail: Detail<'file'>): void {
    this.#update(detail.id, { status: 'done', done: detail.size, blob: detail.blob });
  }

  #onError({ error, fileId }: Detail<'error'>): void {
    if (error.code !== 'file-failed' && error.code !== 'message-too-large') return; // the call's own errors are for the call's UI
    this.#shown.add(error);
    if (fileId && this.#find(fileId)) this.#update(fileId, { status: 'failed', error: error.message });
    else this.error = error.message;
  }

  #showError(error: RtcError): void {
    if (!this.#shown.has(error)) this.error = error?.message ?? String(error);
  }

  #onSubmit(event: Event): void {
    event.preventDefault();
    void this.send();
  }

  #onKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    void this.send();
  }

  #onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.sendFiles(input.files ?? []);
    input.value = '';
  }

  #onDrag(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  #onDragLeave(event: DragEvent): void {
    // Leaving for a child is not leaving the zone.
    if (!(event.currentTarget as Element).contains(event.relatedTarget as Node | null)) this.dragging = false;
  }

  #onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    this.sendFiles(event.dataTransfer?.files ?? []);
  }

  #find(id: string): FileEntry | undefined {
    return this.entries.find((entry): entry is FileEntry => entry.kind === 'file' && entry.id === id);
  }

  #update(id: string, change: Partial<FileEntry>): void {
    const entry = this.#find(id);
    // A file that ended keeps its end: a late report does not revive it or change how it ended.
    if (!entry || entry.status !== 'active') return;
    this.entries = this.entries.map((each) => (each === entry ? { ...entry, ...change } : each));
  }

  #add(entry: Entry): void {
    const entries = [...this.entries, entry];
    for (const dropped of entries.splice(0, Math.max(0, entries.length - MAX_ENTRIES))) {
      const url = dropped.kind === 'file' ? this.#urls.get(dropped.id) : undefined;
      if (url) URL.revokeObjectURL(url);
    }
    this.entries = entries;
  }

  #key(): string {
    return `m${++this.#keys}`;
  }
}

/** Bytes for people: B, KB or MB. */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}
