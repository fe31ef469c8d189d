// #region page
// A server component: it runs on the server for each request, and renders <rtc-call> with its attributes
// into the HTML. The hub's URL comes from the server's environment.
import { Call } from './call';

export default async function Page({ searchParams }: { searchParams: Promise<{ channel?: string }> }) {
  const { channel = 'nextjs-sample' } = await searchParams;
  return <Call hubUrl={process.env.HUB_URL ?? '/messagehub'} channel={channel} />;
}
// #endregion page
