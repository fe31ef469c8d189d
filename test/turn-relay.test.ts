// Relay-only calls through a real coturn, with credentials minted by the hub's /ice-servers.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/index.js';
import type { CallVariant, RtcCall, RtcErrorEvent } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';

interface Started {
  id: string;
  url: string;
  secret?: string;
}

let coturn: Started;
const started: Array<[string, string]> = [];

before(async () => {
  coturn = await executeServerCommand<Started, unknown>('start-coturn');
  started.push(['stop-coturn', coturn.id]);
});

after(async () => {
  for (const [command, id] of started.reverse()) await executeServerCommand(command, { id });
});

/** A hub that mints TURN credentials for coturn with `secret`. */
async function hubWithTurn(secret: string): Promise<string> {
  const hub = await executeServerCommand<Started, unknown>('start-hub', {
    args: ['--turn-url', `${coturn.url}?transport=udp`, '--turn-secret', secret],
  });
  started.push(['stop-hub', hub.id]);
  return hub.url;
}

function relayCall(variant: CallVariant, channel: string, hubUrl: string): RtcCall {
  const call = createCall(variant, channel);
  call.hubUrl = `${hubUrl}/messagehub`;
  call.iceServersUrl = `${hubUrl}/ice-servers`;
  call.iceTransportPolicy = 'relay';
  return call;
}

function nextError(call: RtcCall): Promise<RtcErrorEvent> {
  return new Promise((resolve) => call.addEventListener('rtc-error', (e) => resolve(e as RtcErrorEvent), { once: true }));
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`TURN relay, variant="${variant}"`, () => {
    afterEach(cleanUpCalls);

    it('a relay-only call connects through coturn, frames arrive, and both sides use relay candidates', async () => {
      const hub = await hubWithTurn(coturn.secret!);
      const channel = newChannel(`relay-${variant}`);
      const a = relayCall(variant, channel, hub);
      const b = relayCall(variant, channel, hub);
      await a.start();
      await b.start();
      await a.call();
      await waitForState(b, 'connected');
      await waitForFrames(remoteVideoOf(a));
      await waitForFrames(remoteVideoOf(b));
      const pairA = await a.service.selectedCandidatePair();
      const pairB = await b.service.selectedCandidatePair();
      expect(pairA?.local).to.equal('relay');
      expect(pairA?.remote).to.equal('relay');
      expect(pairB?.local).to.equal('relay');
      expect(pairB?.remote).to.equal('relay');
    });

    it('with the hub given a wrong secret, the relay-only call fails with ice-failed within 15 s', async () => {
      const hub = await hubWithTurn('not-the-secret');
      const channel = newChannel(`wrong-${variant}`);
      const a = relayCall(variant, channel, hub);
      const b = relayCall(variant, channel, hub);
      await a.start();
      await b.start();
      const startedAt = Date.now();
      const error = nextError(a);
      await a.call().catch(() => {});
      const event = await error;
      expect(Date.now() - startedAt).to.be.below(15_000);
      expect(event.detail.code).to.equal('ice-failed');
      expect(a.state).to.equal('failed');
    });

    it('an expired credential is refused by coturn the same way', async () => {
      const iceServers = await executeServerCommand<RTCIceServer[], unknown>('mint-turn-credential', {
        url: `${coturn.url}?transport=udp`,
        secret: coturn.secret,
        ttl: -60,
      });
      const channel = newChannel(`expired-${variant}`);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      for (const call of [a, b]) {
        call.iceServers = iceServers;
        call.iceTransportPolicy = 'relay';
      }
      await a.start();
      await b.start();
      const startedAt = Date.now();
      const error = nextError(a);
      await a.call().catch(() => {});
      const event = await error;
      expect(Date.now() - startedAt).to.be.below(15_000);
      expect(event.detail.code).to.equal('ice-failed');
      expect(a.state).to.equal('failed');
    });
  });
}
