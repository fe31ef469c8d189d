import { Hub } from '../../src/index.js';

/**
 * A test hub that records the numbers each connection sends it (`Record`), in the connection's own items,
 * and gives them back (`Received`): what arrived, how often and in what order, for as long as the
 * connection lives. For tests of delivery across a cut socket.
 */
export class RecordingHub extends Hub {
  static override readonly methods = { Record: ['number'], Received: [] } as const;

  Record(n: number): void {
    let list = this.context.items.get('received') as number[] | undefined;
    if (!list) this.context.items.set('received', (list = []));
    list.push(n);
  }

  Received(): number[] {
    return (this.context.items.get('received') as number[] | undefined) ?? [];
  }
}
