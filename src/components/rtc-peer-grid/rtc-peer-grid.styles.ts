import { css } from 'lit';

/**
 * One column for one peer; two side by side for two; two by two for three or four (the third spans
 * the row); three across for five or six. In a narrow box (a phone), two peers stack and five or six
 * take two columns.
 */
export const styles = css`
:host{--_r:var(--rtc-call-radius,12px);--_stage:var(--rtc-call-stage,light-dark(#ccc,#000));--_scrim:var(--rtc-call-scrim,#000a);display:block;container-type:inline-size}
:host([hidden]){display:none}
.grid{--cols:1;display:grid;grid-template-columns:repeat(var(--cols),minmax(0,1fr));grid-auto-rows:minmax(var(--rtc-peer-grid-tile-min-height,6rem),1fr);gap:var(--rtc-call-gap,.75rem);block-size:100%}
[data-count='2'],[data-count='3'],[data-count='4']{--cols:2}
.grid:not([data-count='1'],[data-count='2'],[data-count='3'],[data-count='4']){--cols:3}
[data-count='3'] .tile:last-child{grid-column:span 2}
@container (width < 36rem){[data-count='2']{--cols:1}.grid:not([data-count='1'],[data-count='2']){--cols:2}[data-count='5'] .tile:last-child{grid-column:span 2}}
`;
