import { playStyles, videoStyles } from '../shared.styles.js';

/** The video box, and the "click to play" button over it when the browser blocked autoplay. */
export const styles = [videoStyles, playStyles];
