import { css } from 'lit';

/** Side by side on a wide box, stacked on a narrow one; the same custom properties as the call screen. */
export const styles = css`
:host{--_fg:var(--rtc-call-color,light-dark(#111,#eee));--_bg:var(--rtc-call-background,light-dark(#eee,#222));--_s:var(--rtc-call-surface,light-dark(#fff,#444));--_a:var(--rtc-call-accent,light-dark(#1d4ed8,#93c5fd));--_gap:var(--rtc-call-gap,.75rem);--_r:var(--rtc-call-radius,12px);display:block;container-type:inline-size;color-scheme:var(--rtc-call-color-scheme,light dark)}
:host([hidden]){display:none}
.base{display:grid;gap:var(--_gap);padding:var(--_gap);color:var(--_fg);background:var(--_bg);border-radius:var(--_r);font:var(--rtc-call-font,1rem/1.5 system-ui,sans-serif)}
@container (width >= 40rem){.base{grid-template-columns:1fr 1fr}}
.media,.side{display:grid;gap:var(--_gap);align-content:start;min-inline-size:0}
video{inline-size:100%;aspect-ratio:4/3;object-fit:cover;background:#000;border-radius:var(--_r);transform:scaleX(-1)}
.meter{block-size:.5rem;border-radius:.25rem;background:var(--_s);overflow:hidden}
.meter span{display:block;block-size:100%;inline-size:var(--level,0%);background:var(--_a);transition:inline-size .1s}
.field{display:grid;gap:.25rem;font-size:.875rem}
select,button{font:inherit;color:inherit;background:var(--_s);border:1px solid #8888;border-radius:.5rem;padding:.5rem .75rem}
button{cursor:pointer}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.primary{border:0;font-weight:600;color:var(--rtc-call-on-accent,light-dark(#fff,#000));background:var(--_a)}
button:disabled{opacity:.6;cursor:default}
:focus-visible{outline:3px solid var(--_a);outline-offset:2px}
ul{display:grid;gap:.5rem;margin:0;padding:0;list-style:none}
li{padding:.5rem .75rem;border-radius:.5rem;background:var(--_s);border-inline-start:.25rem solid var(--_mark,#8888)}
[data-status=ok]{--_mark:var(--rtc-call-success,#15803d)}
[data-status=failed]{--_mark:var(--rtc-call-danger,#dc2626)}
li p{margin:.25rem 0 0;font-size:.875rem}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
`;
