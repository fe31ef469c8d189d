import type { LocalMedia } from './local-media.js';
import { mediaError } from './media-errors.js';

// Switching what a call sends: another camera or microphone, a track of the page's, or a screen. Loaded
// on first use (a device picked, a track given, a device unplugged, a screen shared), as most calls keep
// sending what they started with.

/**
 * Switches to the camera (`videoinput`) or microphone (`audioinput`) with this device id, during a call
 * too, with `replaceTrack` (no renegotiation); or plays the peers on this speaker (`audiooutput`). An
 * empty id means the default device. A failure leaves the device in use as it was.
 */
export async function select(media: LocalMedia, kind: MediaDeviceKind, deviceId: string): Promise<void> {
  if (kind === 'audiooutput') {
    // setSinkId would refuse an unknown speaker only inside the media elements; refuse it here, loudly.
    if (deviceId && !media.devices.some((d) => d.kind === kind && d.deviceId === deviceId)) throw mediaError({ name: 'NotFoundError' });
    media.sinkId = deviceId;
    return media.apply();
  }
  const type = kind === 'audioinput' ? 'audio' : 'video';
  let stream: MediaStream;
  try {
    // The configured constraints (a `true` spreads to nothing), for this device.
    const constraints = { ...(media.constraints()[type] as MediaTrackConstraints), deviceId: deviceId ? { exact: deviceId } : undefined };
    stream = await navigator.mediaDevices.getUserMedia({ [type]: constraints });
  } catch (cause) {
    throw mediaError(cause);
  }
  await useTrack(media, stream.getTracks()[0]!);
}

/** Puts `track` in place of the local track of its kind, here and on every connection. The old one is stopped. */
export async function useTrack(media: LocalMedia, track: MediaStreamTrack): Promise<void> {
  const stream = (media.stream ??= new MediaStream());
  for (const old of stream.getTracks()) {
    if (old.kind !== track.kind || old === track) continue;
    stream.removeTrack(old);
    old.stop();
  }
  stream.addTrack(track);
  await media.apply();
}

/** After `devicechange`: the list is read again, and a device in use that is gone is replaced by the default one. */
export async function devicesChanged(media: LocalMedia): Promise<void> {
  await media.listDevices();
  await media.apply();
  for (const track of media.stream?.getTracks() ?? []) {
    const id = track.getSettings().deviceId;
    // Tracks that are not from a device (a canvas given to useTrack) have no id and stay.
    if (id && (track.readyState === 'ended' || !media.devices.some((d) => d.deviceId === id))) {
      await select(media, track.kind === 'audio' ? 'audioinput' : 'videoinput', '');
    }
  }
}

/** Sends `stream` (a screen) in place of the camera, until `stopScreenShare()` or the browser's "Stop sharing". */
export async function shareScreen(media: LocalMedia, stream: MediaStream): Promise<void> {
  await media.stopScreenShare();
  media.screen = stream;
  stream.getVideoTracks()[0]?.addEventListener('ended', () => media.screen === stream && media.stopScreenShare());
  await media.apply();
}
