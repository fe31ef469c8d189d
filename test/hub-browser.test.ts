// Real Chromium against the real hub, cross-origin: the page comes from the test runner's port and the
// hub listens on another, so every transport goes through CORS, with credentials.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr';
import { hubUrl } from '/__rtc-test-env.js';

const CHANNEL = 'browser-test';
const OFFER = '{"type":"offer","sdp":"v=0"}';

function connect(baseUrl: string, transport: HttpTransportType, logLevel = LogLevel.Warning): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(`${baseUrl}/messagehub`, { transport })
    .configureLogging(logLevel)
    .build();
}

/** Resolves with the arguments of the next `method` call the hub sends to `connection`. */
function nextCall(connection: HubConnection, method: string, timeoutMs = 5_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const handler = (...args: unknown[]) => {
      clearTimeout(timer);
      connection.off(method, handler);
      resolve(args);
    };
    const timer = setTimeout(() => {
      connection.off(method, handler);
      reject(new Error(`no ${method} within ${timeoutMs} ms`));
    }, timeoutMs);
    connection.on(method, handler);
  });
}

const transports = [
  ['WebSockets', HttpTransportType.WebSockets],
  ['ServerSentEvents', HttpTransportType.ServerSentEvents],
  ['LongPolling', HttpTransportType.LongPolling],
] as const;

describe('hub from a browser on another origin', () => {
  it('runs on another origin than the hub', () => {
    expect(new URL(hubUrl).origin).to.not.equal(location.origin);
  });

  for (const [name, transport] of transports) {
    describe(name, () => {
      let first: HubConnection;
      let second: HubConnection;

      beforeEach(() => {
        first = connect(hubUrl, transport);
        second = connect(hubUrl, transport);
      });

      afterEach(async () => {
        await Promise.all([first.stop(), second.stop()]);
      });

      it('joins a channel and relays SignalWebRtc', async () => {
        await first.start();
        await second.start();
        expect(first.state).to.equal(HubConnectionState.Connected);
        expect(second.state).to.equal(HubConnectionState.Connected);
        expect(first.connectionId).to.be.a('string').and.not.equal(second.connectionId);

        await second.invoke('Join', CHANNEL);
        const joined = nextCall(second, 'Join');
        await first.invoke('Join', CHANNEL);
        expect(await joined).to.deep.equal([first.connectionId]);

        const signalled = nextCall(second, 'SignalWebRtc');
        await first.invoke('SignalWebRtc', CHANNEL, 'offer', OFFER);
        expect(await signalled).to.deep.equal([CHANNEL, 'offer', OFFER]);

        await first.stop();
        await second.stop();
        expect(first.state).to.equal(HubConnectionState.Disconnected);
        expect(second.state).to.equal(HubConnectionState.Disconnected);
      });
    });
  }

  it('refuses a page whose origin is not allowed', async () => {
    const other = (await executeServerCommand('start-hub', {
      args: ['--allowed-origin', 'http://example.invalid'],
    })) as { id: string; url: string };
    try {
      expect(other.url).to.not.equal(hubUrl);
      const connection = connect(other.url, HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling, LogLevel.None);
      let error: unknown = null;
      try {
        await connection.start();
      } catch (e) {
        error = e;
      }
      expect(error, 'start() should reject').to.be.instanceOf(Error);
      expect(connection.state).to.equal(HubConnectionState.Disconnected);
      await connection.stop();
    } finally {
      await executeServerCommand('stop-hub', { id: other.id });
    }
  });
});
