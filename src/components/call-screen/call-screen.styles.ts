import { css } from 'lit';
import { tileStyles } from './peer-tile.js';

// Written short, one rule to a line: these styles are in the initial bundle. Logical properties only
// (inline/block, start/end), so right-to-left languages mirror the layout by themselves. Colors default
// to light-dark() pairs, picked by `color-scheme` from prefers-color-scheme; each has a custom property.
// The self-view sits above the tiles' name row (2.25rem), so that on a phone it covers no peer's name.
export const callScreenStyles = [
  tileStyles,
  css`.screen{--_fg:var(--rtc-call-color,light-dark(#111,#eee));--_bg:var(--rtc-call-background,light-dark(#eee,#222));--_s:var(--rtc-call-surface,light-dark(#fff,#444));--_a:var(--rtc-call-accent,light-dark(#1d4ed8,#93c5fd));--_gap:var(--rtc-call-gap,.75rem);--_r:var(--rtc-call-radius,12px);--_stage:var(--rtc-call-stage,light-dark(#ccc,#000));--_scrim:var(--rtc-call-scrim,#000a);color-scheme:var(--rtc-call-color-scheme,light dark);position:relative;display:flex;flex-direction:column;gap:var(--_gap);box-sizing:border-box;block-size:100%;min-block-size:var(--rtc-call-min-height,26rem);padding:var(--_gap);overflow:hidden;color:var(--_fg);background:var(--_bg);font:var(--rtc-call-font,1rem/1.5 system-ui,sans-serif)}
.stage{position:relative;flex:1;min-block-size:0;display:grid;grid-template:minmax(0,1fr)/minmax(0,1fr);border-radius:var(--_r);background:var(--_stage)}
.stage>*{grid-area:1/1}
.self{position:absolute;inset-block-end:calc(var(--_gap) + 2.25rem);inset-inline-end:var(--_gap);inline-size:var(--rtc-call-self-size,clamp(5rem,25%,11rem));transform:scaleX(-1);box-shadow:0 0 0 2px var(--_s)}
.panel,.overlay{position:absolute;inset:0;z-index:2;display:grid;place-content:center;justify-items:center;gap:var(--_gap);text-align:center}
.panel{margin:auto;box-sizing:border-box;block-size:fit-content;inline-size:min(100% - 2rem,24rem);padding:1.25rem;background:var(--_s);border-radius:var(--_r);box-shadow:0 .5rem 2rem #0004}
.overlay{color:#fff;background:var(--_scrim);border-radius:var(--_r)}
.panel>*{margin:0}
.actions,.bar{position:relative;display:flex;flex-wrap:wrap;justify-content:center;gap:var(--_gap)}
button{display:flex;align-items:center;justify-content:center;gap:.5rem;padding:.6em 1.2em;border:0;border-radius:2em;font:inherit;font-weight:600;color:inherit;background:var(--_s);cursor:pointer}
button:disabled{opacity:.6;cursor:not-allowed}
.primary{color:var(--rtc-call-on-accent,light-dark(#fff,#000));background:var(--_a)}
.danger,.accept,.bar>:last-child{color:#fff;background:var(--rtc-call-danger,#dc2626)}
.accept{background:var(--rtc-call-success,#15803d)}
.accept svg{rotate:-135deg}
.spinner{inline-size:2rem;block-size:2rem;border:3px solid;border-inline-end-color:#0000;border-radius:50%;animation:spin 1s linear infinite}
@keyframes spin{to{rotate:1turn}}
.bar>button{position:relative;inline-size:var(--rtc-call-button-size,3rem);aspect-ratio:1;padding:0}
.bar svg{inline-size:1.5rem;block-size:1.5rem}
[aria-pressed=true],[aria-expanded=true]{color:var(--_s);background:var(--_fg)}
.tip{position:absolute;inset-block-end:110%;padding:.2em .5em;border-radius:4px;white-space:nowrap;font-size:.75rem;font-weight:400;color:var(--_bg);background:var(--_fg);opacity:0;pointer-events:none;transition:opacity .2s}
:first-child>.tip{inset-inline-start:0}
:last-child>.tip{inset-inline-end:0}
:hover>.tip,:focus-visible>.tip{opacity:1}
:focus-visible{outline:3px solid var(--_a);outline-offset:2px}
.stage>.error{position:absolute;inset-block-start:var(--_gap);inset-inline:var(--_gap);z-index:3;margin:0;padding:.5rem 1rem;border-radius:var(--_r);color:#fff;background:var(--rtc-call-danger,#dc2626)}
.sr{position:absolute;clip-path:inset(50%)}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
`,
];
