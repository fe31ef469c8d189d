import { getDefaultRtcService } from '../services/rtc/context.js';
import type { RtcService } from '../services/rtc/rtc-service.js';

/**
 * The service for an element that found no provider through context: the nearest `<rtc-call>`
 * around it if there is one (for example one defined after its children upgraded), otherwise the
 * page's default.
 */
export function fallbackService(element: HTMLElement): RtcService {
  const call = element.closest('rtc-call') as (HTMLElement & { service?: RtcService }) | null;
  return call?.service ?? getDefaultRtcService();
}
