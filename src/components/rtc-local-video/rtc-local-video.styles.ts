import { videoStyles } from '../shared.styles.js';

/** The video box every rtc-kit video draws. */
export const styles = videoStyles;
