import { html } from 'lit';

// Inline SVG icons: one shared wrapper, and only path data per icon (a 24-unit grid, drawn with a
// 2-unit round stroke in the current text color). No icon font, no request. The names say what the
// icon shows, not what its button does.
const mic = 'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3';
const camera = 'M3 7h12v10H3zM15 10l6-3v10l-6-3';
const slash = 'M3 3l18 18';
const handset = 'M3 15v-2c5-4 13-4 18 0v2l-4 1-1-3c-2-.7-6-.7-8 0l-1 3z';

export const icons = {
  mic,
  micOff: mic + slash,
  camera,
  cameraOff: camera + slash,
  // A screen with an arrow up; pressed (sharing), the button shows it inverted, as every toggle.
  screen: 'M3 4h18v12H3zM8 20h8M12 16v4M12 13V7M9 10l3-3 3 3',
  devices: 'M4 6h16M4 12h16M4 18h16M9 4v4M15 10v4M7 16v4',
  hangUp: handset,
  // The same handset, turned in CSS (`.accept svg`), as a green "answer" button shows it.
  phone: handset,
};

/** An icon as inline SVG, hidden from assistive technology: the control it sits in carries the name. */
export const icon = (d: string) => html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d} /></svg>`;
