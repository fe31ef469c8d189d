// bench/file-transfer, in the page (bundled by in-namespace.mjs with esbuild, minified). Each page holds
// two peer connections to the other page: `kit` carries the rtc-kit data channel with DataLink and
// FileTransfers; `bare` carries a plain channel of the same kind. The runner passes descriptions between
// the pages (no hub), and drives the sends:
//
//   kit(bytes)    FileTransfers.send() of a Blob; done when the receiver verified its SHA-256 (file-done).
//   bare(bytes)   the same Blob, read in the same segments and sent in frames of the same size with the same
//                 backpressure bound (HIGH_WATER_MARK), with no checksum, no header and no copy kept;
//                 done when the receiver has counted every byte and said so.
// Both report the time and the sender's JS heap growth (performance.memory, precise with
// --enable-precise-memory-info): its peak during the send over the heap just before it (after a GC).
import { DataLink } from '../../../src/services/data/data-link.ts';
import { CHUNK_SIZE, HIGH_WATER_MARK } from '../../../src/services/data/file-send.ts';
import { FileTransfers } from '../../../src/services/data/files.ts';
import { createDataChannel } from '../../../src/services/data/wire.ts';

const pcs = {};
const channels = {};
let link = null;
let files = null;
let block = null;
const received = { kit: null, bareBytes: 0, bareTarget: 0 };

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()));
}

function opened(channel) {
  return channel.readyState === 'open' ? Promise.resolve() : new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
}

/** Makes both connections; on the offering page, resolves with the offers to pass on. */
window.offer = async () => {
  const offers = {};
  for (const name of ['kit', 'bare']) {
    const pc = (pcs[name] = new RTCPeerConnection());
    channels[name] = name === 'kit' ? createDataChannel(pc) : pc.createDataChannel('bare', { negotiated: true, id: 0 });
    await pc.setLocalDescription();
    await gathered(pc);
    offers[name] = pc.localDescription.toJSON();
  }
  return offers;
};

window.answer = async (offers) => {
  const answers = {};
  for (const name of ['kit', 'bare']) {
    const pc = (pcs[name] = new RTCPeerConnection());
    channels[name] = name === 'kit' ? createDataChannel(pc) : pc.createDataChannel('bare', { negotiated: true, id: 0 });
    await pc.setRemoteDescription(offers[name]);
    await pc.setLocalDescription();
    await gathered(pc);
    answers[name] = pc.localDescription.toJSON();
  }
  return answers;
};

window.accept = async (answers) => {
  for (const name of ['kit', 'bare']) await pcs[name].setRemoteDescription(answers[name]);
};

/** Once both channels are open: the kit's link and file transfers, and the bare receiver. */
window.ready = async () => {
  await Promise.all(Object.values(channels).map(opened));
  files = new FileTransfers({ maxFileSize: 2 ** 40, onfile: (file) => (received.kit = file) });
  link = new DataLink(channels.kit, { id: () => 'peer', presence: () => ({ name: null, audioMuted: false, videoMuted: false }), ontraffic: (l) => files.attach(l) });
  files.attach(link);
  const bare = channels.bare;
  bare.binaryType = 'arraybuffer';
  bare.addEventListener('message', ({ data }) => {
    if (typeof data === 'string') {
      received.bareTarget = Number(data);
      received.bareBytes = 0;
      return;
    }
    received.bareBytes += data.byteLength;
    if (received.bareBytes === received.bareTarget) bare.send('done');
  });
  // One random megabyte, repeated: the file is a Blob of copies, never all in the heap.
  block = new Uint8Array(1024 * 1024);
  for (let i = 0; i < block.length; i += 65536) crypto.getRandomValues(block.subarray(i, i + 65536));
  return { chunk: CHUNK_SIZE, highWaterMark: HIGH_WATER_MARK, preciseMemory: !!performance.memory };
};

const heap = () => performance.memory?.usedJSHeapSize ?? 0;

/**
 * Runs `send` and returns {ms, heapGrowth}: the heap's peak (ArrayBuffers included) over its level after a
 * GC just before. Garbage counts too: the peak is where V8 chose to collect, so compare it with the bare
 * sender's, which reads the same 1 MiB segments.
 */
async function measure(send) {
  window.gc?.();
  const before = heap();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, heap())), 20);
  const t0 = performance.now();
  await send();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, heap());
  return { ms, heapGrowth: peak - before };
}

window.kit = (megabytes) => {
  const file = new Blob(Array.from({ length: megabytes }, () => block));
  return measure(() => files.send(file, [link]).done);
};

/** The receiving page: the last kit file's size, checked by FileTransfers; cleared for the next run. */
window.takeKitFile = () => {
  const size = received.kit?.blob.size ?? -1;
  received.kit = null;
  return size;
};

window.bare = (megabytes) => {
  const file = new Blob(Array.from({ length: megabytes }, () => block));
  const channel = channels.bare;
  const frame = CHUNK_SIZE;
  const high = HIGH_WATER_MARK;
  return measure(async () => {
    const done = new Promise((resolve) => channel.addEventListener('message', resolve, { once: true }));
    channel.send(String(file.size));
    // The same segments as the kit's sender (16 frames a read), the same frame size, the same bound.
    for (let offset = 0; offset < file.size; ) {
      const segment = new Uint8Array(await file.slice(offset, offset + frame * 16).arrayBuffer());
      for (let at = 0; at < segment.length; at += frame) {
        while (channel.bufferedAmount + frame > high) {
          channel.bufferedAmountLowThreshold = high / 2;
          await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
        }
        channel.send(segment.subarray(at, at + frame));
      }
      offset += segment.length;
    }
    await done;
  });
};

window.benchReady = true;
