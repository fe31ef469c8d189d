import { css } from 'lit';

/** The box every video element draws, themable from outside. */
export const videoStyles = css`
  :host {
    display: block;
    position: relative;
    aspect-ratio: var(--rtc-video-aspect-ratio, 4 / 3);
    background: var(--rtc-video-background, #111);
    border-radius: var(--rtc-video-radius, 8px);
    overflow: hidden;
  }
  :host([hidden]) {
    display: none;
  }
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: var(--rtc-video-object-fit, cover);
  }
`;
