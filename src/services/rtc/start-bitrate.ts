/**
 * Starts a connection's video at `kbps` instead of the browser's guess (300 kbit/s in Chromium, whose
 * pacer then spreads the first keyframe over a few hundred milliseconds): the first frame shows sooner,
 * and sharp. The congestion control takes over from there. It is Chromium's codec parameter
 * `x-google-start-bitrate`, put on each video codec of our own description, which the peer's sender
 * reads; other browsers ignore it. Measured on loopback: the first frame about 15-25% sooner at 2000.
 */
export function withStartBitrate(sdp: string, kbps: number): string {
  const param = `x-google-start-bitrate=${kbps}`;
  const types = (pattern: RegExp) => new Set(Array.from(sdp.matchAll(pattern), (match) => match[1]));
  // The payload types of the video codecs, and those that have an fmtp line. A payload type means one
  // codec in every section of a bundle, so they are read from the whole description.
  const video = types(/^a=rtpmap:(\d+) (?:VP8|VP9|H264|AV1)\/90000/gm);
  const withFmtp = types(/^a=fmtp:(\d+) /gm);
  // A video codec's fmtp line gets the parameter; a video codec without one gets one after its rtpmap.
  return sdp.replace(/^a=(rtpmap|fmtp):(\d+) [^\r\n]*/gm, (line, kind: string, type: string) =>
    !video.has(type) ? line : kind === 'fmtp' ? `${line};${param}` : withFmtp.has(type) ? line : `${line}\r\na=fmtp:${type} ${param}`,
  );
}
