// Every element under a root, through open shadow roots: what stories, their play functions and the tests
// around them look through, since rtc-kit's elements render into shadow roots.

/** Every element under `root` (not `root` itself), through open shadow roots: `root`'s own shadow root too. */
export function deepElements(root: Element | ShadowRoot): Element[] {
  const found: Element[] = [];
  const visit = (node: Element | ShadowRoot) => {
    for (const child of node.querySelectorAll('*')) {
      found.push(child);
      if (child.shadowRoot) visit(child.shadowRoot);
    }
  };
  if (root instanceof Element && root.shadowRoot) visit(root.shadowRoot);
  visit(root);
  return found;
}
