// The coturn configuration the browser tests and the call-setup benchmark run: loopback only, with
// `use-auth-secret` (the TURN REST rule the hub's /ice-servers mints for), no TLS, and its pidfile and
// user database in `dir`. `allow-loopback-peers` is there only because both peers are on 127.0.0.1;
// a production config never has it (docs/turn.md).
import { join } from 'node:path';

/** The text of a turnserver.conf for coturn on 127.0.0.1:`port` with `secret`. */
export function coturnConfig({ port, secret, dir, realm = 'rtc-kit.test' }) {
  return [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    'min-port=49152',
    'max-port=49352',
    `realm=${realm}`,
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    'no-software-attribute',
    'simple-log',
    'log-file=stdout',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'allow-loopback-peers',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turn.pid')}`,
    '',
  ].join('\n');
}
