import { css } from 'lit';
import { callScreenStyles } from '../call-screen/call-screen.styles.js';

export const styles = [
  css`:host{display:block;block-size:100%}:host([hidden]){display:none}:host>[part=error]{margin:0;color:var(--rtc-call-error-color,#b91c1c)}`,
  callScreenStyles,
];
