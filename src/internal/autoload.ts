// The elements that not every call uses are defined from chunks, the first time the page holds one:
// the bundle stays small for a 1:1 call, and `<rtc-precall>` in plain HTML still works (contract
// section 12). An element that is already in the page upgrades in place once its chunk has run.
// Elements inside another element's shadow root are not seen from here; whoever renders them imports
// their module (the call screen does so for the grid).

const lazyElements: Record<string, () => Promise<unknown>> = {
  'rtc-precall': () => import('../components/rtc-precall/rtc-precall.js'),
  'rtc-peer-grid': () => import('../components/rtc-peer-grid/rtc-peer-grid.js'),
  'rtc-chat': () => import('../components/rtc-chat/rtc-chat.js'),
};

function defineWhatThePageHolds(): void {
  for (const [tag, load] of Object.entries(lazyElements)) {
    if (customElements.get(tag) || !document.querySelector(tag)) continue;
    delete lazyElements[tag];
    load().catch((error) => console.error(`rtc-kit: could not load <${tag}>`, error));
  }
  if (!Object.keys(lazyElements).length) observer.disconnect();
}

const observer = new MutationObserver(defineWhatThePageHolds);
if (typeof document !== 'undefined') {
  observer.observe(document, { childList: true, subtree: true });
  defineWhatThePageHolds();
}
