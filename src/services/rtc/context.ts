import { createContext } from '@lit/context';
import { RtcService } from './rtc-service.js';

/** The service of the surrounding call, for `<rtc-local-video>`, `<rtc-remote-video>` and your own elements. */
export const rtcServiceContext = createContext<RtcService>(Symbol('rtc-service'));

let pageDefault: RtcService | null = null;

/** The page's default service, made on first use: elements with no `<rtc-call>` around them share it. */
export function getDefaultRtcService(): RtcService {
  return (pageDefault ??= new RtcService());
}
