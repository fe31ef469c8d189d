// TURN goes away in the middle of a relay-only call, and comes back. The call says `reconnecting`,
// keeps trying ICE restarts with fresh credentials from the hub, and is `connected` again through
// the restarted coturn within 15 s of its return.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/index.js';
import type { CallVariant, RtcCall } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, recordEvents, remoteVideoOf, waitForDecodedFrames, waitForFrames, waitForState } from './helpers/call-helpers.js';

interface Started {
  id: string;
  url: string;
  secret?: string;
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`relay loss, variant="${variant}"`, function () {
    this.timeout(90_000);
    const started: Array<[string, string]> = [];

    afterEach(async () => {
      await cleanUpCalls();
      for (const [command, id] of started.splice(0).reverse()) await executeServerCommand(command, { id });
    });

    it('coturn restarts: reconnecting, then connected again through relay within 15 s of its return', async () => {
      const coturn = (await executeServerCommand<Started, unknown>('start-coturn'))!;
      started.push(['stop-coturn', coturn.id]);
      const hub = (await executeServerCommand<Started, unknown>('start-hub', {
        args: ['--turn-url', `${coturn.url}?transport=udp`, '--turn-secret', coturn.secret!],
      }))!;
      started.push(['stop-hub', hub.id]);

      const channel = newChannel(`relay-loss-${variant}`);
      const calls: RtcCall[] = [createCall(variant, channel), createCall(variant, channel)];
      for (const call of calls) {
        call.hubUrl = `${hub.url}/messagehub`;
        call.iceServersUrl = `${hub.url}/ice-servers`;
        call.iceTransportPolicy = 'relay';
        await call.start();
      }
      const [a, b] = calls;
      await a.call();
      await waitForState(a, 'connected');
      await waitForState(b, 'connected');
      await waitForFrames(remoteVideoOf(a));
      const logs = calls.map((call) => recordEvents(call, ['rtc-state-change', 'rtc-error']));

      // TURN dies: every path of a relay-only call goes with it.
      await executeServerCommand('pause-service', { id: coturn.id, signal: 'SIGKILL' });
      await Promise.all(calls.map((call) => waitForState(call, 'reconnecting', 20_000)));

      await executeServerCommand('resume-service', { id: coturn.id });
      const back = Date.now();
      await Promise.all(calls.map((call) => waitForState(call, 'connected', 15_000)));
      const took = Date.now() - back;
      console.log(`relay loss (${variant}): connected again ${took} ms after coturn returned`);
      expect(took).to.be.below(15_000);

      for (const call of calls) {
        await waitForDecodedFrames(call, 10);
        const pair = await call.service.selectedCandidatePair();
        expect(pair?.local).to.equal('relay');
        expect(pair?.remote).to.equal('relay');
      }
      for (const log of logs) {
        expect(log.get('rtc-error')!.map((e) => (e as CustomEvent).detail.code)).to.deep.equal([]);
        const states = log.get('rtc-state-change')!.map((e) => (e as CustomEvent).detail.state);
        expect(states).to.include('reconnecting');
        expect(states.at(-1)).to.equal('connected');
        expect(states).to.not.include('ended');
      }
    });
  });
}
