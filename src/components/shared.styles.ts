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

/** The "click to play" button over a video whose autoplay the browser blocked. */
export const playStyles = css`
  .play {
    position: absolute;
    inset: 0;
    margin: auto;
    width: fit-content;
    height: fit-content;
    font: inherit;
    padding: 0.6rem 1.2rem;
    border: 0;
    border-radius: 6px;
    color: #fff;
    background: #1d4ed8;
    cursor: pointer;
  }
`;
