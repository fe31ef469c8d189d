import { html } from 'lit';

/**
 * Plays a remote video, and says whether the browser's autoplay policy blocked it (`NotAllowedError`):
 * then the element shows a "click to play" button instead of a silent black box. Other rejections (a
 * new stream interrupting the load) are not a block.
 */
export function play(video: HTMLVideoElement | null | undefined): Promise<boolean> {
  return video ? video.play().then(() => true, (error) => error?.name !== 'NotAllowedError') : Promise.resolve(true);
}

/** The "click to play" button over a blocked video; a click is the user gesture that lets it play. */
export const playButton = (onClick: () => void) =>
  html`<button part="play-button" class="play" type="button" @click=${onClick}>Click to play</button>`;
