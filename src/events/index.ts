export { RtcErrorEvent } from './rtc-error.js';
export { RtcPeerJoinEvent } from './rtc-peer-join.js';
export { RtcPeerLeaveEvent } from './rtc-peer-leave.js';
export { RtcPeerStateEvent } from './rtc-peer-state.js';
export { RtcRemoteStreamEvent } from './rtc-remote-stream.js';
export { RtcSignalingStateEvent } from './rtc-signaling-state.js';
export { RtcStateChangeEvent } from './rtc-state-change.js';
export { RtcStatsEvent } from './rtc-stats.js';
