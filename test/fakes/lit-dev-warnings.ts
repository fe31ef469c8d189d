// A stand-in for console.warn that catches Lit's dev-mode warnings, so a test can fail on them
// (spectrum-web-components' testForLitDevWarnings). Lit prints each warning once per page and remembers
// it in `globalThis.litIssuedWarnings`; that memory is set aside while a check runs, so a warning
// already printed by an earlier test is caught again here.
import { expect } from '@open-wc/testing';

type LitGlobal = typeof globalThis & { litIssuedWarnings?: Set<string> };

/** True for a message from Lit's dev mode, other than the one-time "Lit is in dev mode" notice. */
export function isLitDevWarning(text: string): boolean {
  return text.includes('lit.dev/msg/') && !text.includes('lit.dev/msg/dev-mode');
}

/** Runs `action` and returns the Lit dev-mode warnings it caused. Throws if Lit is not in dev mode. */
export async function captureLitDevWarnings(action: () => Promise<unknown>): Promise<string[]> {
  const issued = (globalThis as LitGlobal).litIssuedWarnings;
  if (!issued) throw new Error('Lit is not in dev mode here, so its warnings cannot be checked.');
  const earlier = new Set(issued);
  issued.clear();
  issued.add('dev-mode'); // the notice is by code; it was printed when Lit loaded
  const original = console.warn;
  const caught: string[] = [];
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (isLitDevWarning(text)) caught.push(text);
    else original.apply(console, args);
  };
  try {
    await action();
  } finally {
    console.warn = original;
    for (const warning of earlier) issued.add(warning);
  }
  return caught;
}

/**
 * Declares the test that every element has: making it (and, with `exercise`, using it) raises no Lit
 * dev-mode warning.
 */
export function testForLitDevWarnings<T extends Element>(make: () => Promise<T>, exercise?: (el: T) => Promise<unknown>): void {
  it('raises no Lit dev-mode warning while created, updated and removed', async () => {
    const warnings = await captureLitDevWarnings(async () => {
      const el = await make();
      await exercise?.(el);
      el.remove();
    });
    expect(warnings).to.deep.equal([]);
  });
}
