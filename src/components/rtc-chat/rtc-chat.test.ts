// <rtc-chat> against a fake ChatHost (no call): rendering, accessibility, the keyboard, peers' text as
// text, file progress, and cleanup.
import { ContextProvider } from '@lit/context';
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { rtcServiceContext } from '../../services/rtc/context.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';
import { RtcError } from '../../services/rtc/rtc-error.js';
import { FakeChatHost } from '../../../test/fakes/fake-chat-host.js';
import { testForLitDevWarnings } from '../../../test/fakes/lit-dev-warnings.js';
import type RtcChat from './rtc-chat.js';
import './rtc-chat.js';

async function chat(host = new FakeChatHost()): Promise<{ el: RtcChat; host: FakeChatHost; root: ShadowRoot }> {
  const el = await fixture<RtcChat>(html`<rtc-chat .service=${host}></rtc-chat>`);
  await el.updateComplete;
  return { el, host, root: el.shadowRoot! };
}

const part = (root: ShadowRoot, name: string) => root.querySelector<HTMLElement>(`[part~="${name}"]`)!;
const parts = (root: ShadowRoot, name: string) => [...root.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];

describe('<rtc-chat>', () => {
  it('renders a message log, a labelled text field, Send and a file button', async () => {
    const { root } = await chat();
    const log = part(root, 'messages');
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-label')).to.equal('Chat messages');
    const input = part(root, 'input') as HTMLTextAreaElement;
    expect(input.labels![0].textContent).to.equal('Message');
    expect(part(root, 'send-button').textContent).to.equal('Send');
    expect(part(root, 'file-button').textContent).to.equal('Send a file');
    expect(root.querySelector('input[type=file]')!.hasAttribute('hidden')).to.equal(true);
  });

  it('passes axe, empty and with messages, files under way, done and failed', async () => {
    const { el, host } = await chat();
    await expect(el).to.be.accessible();
    host.fire('message', { from: 'p-ana', name: 'Ana', text: 'see https://example.com', at: Date.now() });
    host.fire('fileprogress', { id: 'in-1', name: 'a.pdf', size: 1000, from: 'p-bo', received: 0 });
    host.fire('fileprogress', { id: 'in-2', name: 'b.pdf', size: 10, from: 'p-bo', received: 0 });
    host.fire('file', { id: 'in-2', from: 'p-bo', name: 'b.pdf', size: 10, type: 'application/pdf', blob: new Blob(['0123456789']) });
    host.fire('fileprogress', { id: 'in-3', name: 'c.pdf', size: 10, from: 'p-bo', received: 0 });
    host.fire('error', { error: new RtcError('file-failed', 'It broke.'), fileId: 'in-3' });
    await el.service!.sendMessage('mine');
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('shows a peer\'s message with its name and time, in the live region', async () => {
    const { el, host, root } = await chat();
    const at = new Date(2030, 0, 2, 14, 5).getTime();
    host.fire('message', { from: 'p-ana', name: 'Ana', text: '안녕하세요 👋', at });
    await el.updateComplete;
    const message = part(root, 'message');
    expect(message.closest('[role=log]')).to.equal(part(root, 'messages'));
    expect(part(root, 'sender').textContent).to.equal('Ana');
    expect(part(root, 'text').textContent).to.equal('안녕하세요 👋');
    expect(part(root, 'time').getAttribute('datetime')).to.equal(new Date(at).toISOString());
    host.fire('message', { from: 'p-x', name: null, text: 'who am I', at });
    await el.updateComplete;
    expect(parts(root, 'sender').map((each) => each.textContent)).to.deep.equal(['Ana', 'Someone']);
  });

  it('shows a peer\'s HTML as text: <img onerror> runs nothing and makes no element', async () => {
    const { el, host, root } = await chat();
    const hostile = '<img src=x onerror="window.__rtcChatXss=1"><script>window.__rtcChatXss=2</script><a href="javascript:alert(1)">x</a>';
    host.fire('message', { from: 'p-ana', name: '<b>Ana</b>', text: hostile, at: Date.now() });
    await el.updateComplete;
    // Give an error event from a broken <img> a chance to fire, if one had been made.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const text = part(root, 'text');
    expect(text.textContent).to.equal(hostile);
    expect(text.querySelector('img, script, a, b')).to.equal(null);
    expect(part(root, 'sender').textContent).to.equal('<b>Ana</b>');
    expect((window as { __rtcChatXss?: number }).__rtcChatXss).to.equal(undefined);
  });

  it('makes only http and https addresses links, with rel="noopener noreferrer", leaving trailing punctuation out', async () => {
    const { el, host, root } = await chat();
    const text = 'docs: https://example.com/a?b=1&c=2, also (http://test.example/x). not javascript:alert(1) nor data:text/html,hi nor xhttp://no.example';
    host.fire('message', { from: 'p-ana', name: 'Ana', text, at: Date.now() });
    await el.updateComplete;
    const links = parts(root, 'link') as HTMLAnchorElement[];
    expect(links.map((a) => [a.getAttribute('href'), a.textContent, a.rel, a.target])).to.deep.equal([
      ['https://example.com/a?b=1&c=2', 'https://example.com/a?b=1&c=2', 'noopener noreferrer', '_blank'],
      ['http://test.example/x', 'http://test.example/x', 'noopener noreferrer', '_blank'],
    ]);
    expect(part(root, 'text').textContent).to.equal(text);
  });

  it('sends with Enter from the keyboard, Shift+Enter starts a new line, and our message shows as ours', async () => {
    const { el, host, root } = await chat();
    const input = part(root, 'input') as HTMLTextAreaElement;
    input.focus();
    await sendKeys({ type: 'hello' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'world' });
    expect(host.messages).to.deep.equal([]);
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(host.messages).to.deep.equal(['hello\nworld']);
    expect(input.value).to.equal('');
    const message = part(root, 'message');
    expect(message.hasAttribute('data-own')).to.equal(true);
    expect(part(root, 'sender').textContent).to.equal('You');
    expect(part(root, 'text').textContent).to.equal('hello\nworld');
  });

  it('moves focus in order with Tab: the log, the field, Send, the file button', async () => {
    const { el, root } = await chat();
    const before = document.createElement('button');
    before.textContent = 'before';
    el.before(before);
    before.focus();
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await sendKeys({ press: 'Tab' });
      order.push(root.activeElement?.getAttribute('part') ?? 'outside');
    }
    before.remove();
    expect(order).to.deep.equal(['messages', 'input', 'send-button', 'file-button']);
  });

  it('a message over 16 KB shows the clear error, sends nothing, and keeps the text', async () => {
    const { el, host, root } = await chat();
    const input = part(root, 'input') as HTMLTextAreaElement;
    const text = '가'.repeat(5462);
    input.value = text;
    input.dispatchEvent(new Event('input'));
    await el.send();
    await el.updateComplete;
    expect(host.messages).to.deep.equal([]);
    expect(part(root, 'error').getAttribute('role')).to.equal('alert');
    expect(part(root, 'error').textContent).to.equal('A chat message can be at most 16 KB (16384 bytes of UTF-8); this one is 16386 bytes.');
    expect(input.value).to.equal(text);
    expect(parts(root, 'message')).to.deep.equal([]);
  });

  it('shows a received file\'s progress, then a link that saves it', async () => {
    const { el, host, root } = await chat();
    host.fire('fileprogress', { id: 'in-1', name: 'photo.jpg', size: 2000, from: 'p-bo', received: 0 });
    host.fire('fileprogress', { id: 'in-1', name: 'photo.jpg', size: 2000, from: 'p-bo', received: 500 });
    await el.updateComplete;
    const progress = part(root, 'progress') as HTMLProgressElement;
    expect([progress.max, progress.value, progress.getAttribute('aria-label')]).to.deep.equal([2000, 500, 'Receiving photo.jpg']);
    expect(part(root, 'file').getAttribute('data-status')).to.equal('active');
    expect(part(root, 'sender').textContent).to.equal('Bo');
    const blob = new Blob(['x'.repeat(2000)], { type: 'image/jpeg' });
    host.fire('file', { id: 'in-1', from: 'p-bo', name: 'photo.jpg', size: 2000, type: 'image/jpeg', blob });
    await el.updateComplete;
    expect(parts(root, 'progress')).to.deep.equal([]);
    const link = part(root, 'download') as HTMLAnchorElement;
    expect(link.getAttribute('download')).to.equal('photo.jpg');
    expect(link.href).to.match(/^blob:/);
    expect(await (await fetch(link.href)).text()).to.equal('x'.repeat(2000));
  });

  it('sends picked and dropped files, shows their progress, and cancels one with its button', async () => {
    const { el, host, root } = await chat();
    const input = root.querySelector<HTMLInputElement>('input[type=file]')!;
    const picked = new DataTransfer();
    picked.items.add(new File(['abc'], 'picked.txt'));
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    const dropped = new DataTransfer();
    dropped.items.add(new File(['defg'], 'dropped.txt'));
    const base = part(root, 'base');
    base.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(base.hasAttribute('data-dragging')).to.equal(true);
    expect(part(root, 'drop-hint').hidden).to.equal(false);
    const drop = new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true });
    base.dispatchEvent(drop);
    expect(drop.defaultPrevented, 'the browser does not open the dropped file').to.equal(true);
    await el.updateComplete;
    expect(base.hasAttribute('data-dragging')).to.equal(false);
    expect(host.files.map(({ file }) => (file as File).name)).to.deep.equal(['picked.txt', 'dropped.txt']);

    const rows = parts(root, 'file');
    expect(rows.map((row) => row.querySelector('[part=progress]')!.getAttribute('aria-label'))).to.deep.equal(['Sending picked.txt', 'Sending dropped.txt']);
    host.fire('fileprogress', { id: 'file-1', name: 'picked.txt', size: 3, sent: 2 });
    await el.updateComplete;
    expect((rows[0].querySelector('[part=progress]') as HTMLProgressElement).value).to.equal(2);

    (rows[1].querySelector('[part=cancel-button]') as HTMLButtonElement).click();
    expect(host.cancelled).to.deep.equal(['file-2']);
    const error = new RtcError('file-failed', 'Sending "dropped.txt" was cancelled.');
    host.fire('error', { error, fileId: 'file-2' });
    host.files[1].reject(error);
    host.files[0].resolve();
    await Promise.resolve();
    await el.updateComplete;
    expect(rows.map((row) => row.getAttribute('data-status'))).to.deep.equal(['done', 'failed']);
    expect(rows[1].querySelector('[part=file-error]')!.textContent).to.equal('Sending "dropped.txt" was cancelled.');
    expect(part(root, 'error').textContent, 'the failure shows once, on its row').to.equal('');
  });

  it('inside a provider of rtcServiceContext, takes the call\'s service', async () => {
    const host = new FakeChatHost();
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    new ContextProvider(wrapper, { context: rtcServiceContext, initialValue: host as unknown as RtcService });
    const el = document.createElement('rtc-chat');
    wrapper.append(el);
    await el.updateComplete;
    expect(el.service === (host as unknown), 'the provided service').to.equal(true);
    host.fire('message', { from: 'p-ana', name: 'Ana', text: 'through context', at: Date.now() });
    await el.updateComplete;
    expect(part(el.shadowRoot!, 'text').textContent).to.equal('through context');
  });

  it('ignores the call\'s other errors; they belong to the call\'s own UI', async () => {
    const { el, host, root } = await chat();
    host.fire('error', { error: new RtcError('ice-failed', 'The connection failed.') });
    await el.updateComplete;
    expect(part(root, 'error').textContent).to.equal('');
  });

  describe('no Lit dev-mode warnings', () => {
    testForLitDevWarnings(
      async () => (await chat()).el,
      async (el) => {
        const host = el.service as FakeChatHost;
        host.fire('message', { from: 'p-ana', name: 'Ana', text: 'hi https://example.com', at: Date.now() });
        host.fire('fileprogress', { id: 'in-1', name: 'a.txt', size: 3, from: 'p-ana', received: 1 });
        host.fire('file', { id: 'in-1', from: 'p-ana', name: 'a.txt', size: 3, type: 'text/plain', blob: new Blob(['abc']) });
        await el.updateComplete;
      },
    );
  });

  describe('cleanup on disconnect', () => {
    it('removing it leaves no listener on the host; put back, it listens again', async () => {
      const { el, host, root } = await chat();
      expect(host.listenerCount()).to.equal(4);
      const parent = el.parentElement!;
      el.remove();
      expect(host.listenerCount()).to.equal(0);
      parent.append(el);
      await el.updateComplete;
      expect(host.listenerCount()).to.equal(4);
      host.fire('message', { from: 'p-ana', name: 'Ana', text: 'back', at: Date.now() });
      await el.updateComplete;
      expect(part(root, 'text').textContent).to.equal('back');
    });

    it('changing the service moves its listeners to the new one', async () => {
      const { el, host } = await chat();
      const next = new FakeChatHost();
      el.service = next;
      await el.updateComplete;
      expect(host.listenerCount()).to.equal(0);
      expect(next.listenerCount()).to.equal(4);
    });
  });
});
