import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    font: var(--rtc-call-font, inherit);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: grid;
    gap: var(--rtc-call-gap, 0.75rem);
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: var(--rtc-call-gap, 0.75rem);
  }
  .channel {
    display: grid;
    gap: 0.25rem;
  }
  input {
    font: inherit;
    padding: 0.4rem 0.5rem;
    border: 1px solid #767676;
    border-radius: 6px;
  }
  button {
    font: inherit;
    padding: 0.45rem 1rem;
    border: 0;
    border-radius: 6px;
    color: #fff;
    background: var(--rtc-call-accent, #2563eb);
    cursor: pointer;
  }
  button[part='hangup-button'] {
    background: var(--rtc-call-danger, #dc2626);
  }
  [aria-pressed] {
    color: var(--rtc-call-accent, #2563eb);
    background: #fff;
    box-shadow: inset 0 0 0 1px currentColor;
  }
  [aria-pressed='true'] {
    color: #fff;
    background: #374151;
  }
  select {
    font: inherit;
    padding: 0.4rem;
  }
  .remote {
    position: relative;
  }
  button:disabled {
    background: #6b7280;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--rtc-call-accent, #2563eb);
    outline-offset: 2px;
  }
  .status {
    margin: 0;
  }
  .videos {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: var(--rtc-call-gap, 0.75rem);
  }
  .video {
    display: block;
    width: 100%;
    aspect-ratio: var(--rtc-video-aspect-ratio, 4 / 3);
    object-fit: var(--rtc-video-object-fit, cover);
    background: var(--rtc-video-background, #111);
    border-radius: var(--rtc-video-radius, 8px);
  }
  [part='error'] {
    margin: 0;
    color: var(--rtc-call-error-color, #b91c1c);
  }
`;
