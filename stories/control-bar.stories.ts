// The call screen's control bar, operated: each story presses its buttons the way a person does and checks
// what follows (the names, aria-pressed and aria-expanded, the element's attributes and events, what
// reaches the service). Its `play` function runs in Storybook's Interactions panel and in `npm test`.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor } from 'storybook/test';
import screenMeta, { PEOPLE, type CallScreenArgs } from './call-screen.stories.js';
import type { FakeCallService } from './fake-call-service.js';
import { announced, callIn, controlBar, focusedIn, stateChanges } from './play.js';

const meta: Meta<CallScreenArgs> & { args: CallScreenArgs } = {
  title: 'Call screen/Control bar',
  args: screenMeta.args,
  argTypes: screenMeta.argTypes,
  // A 1:1 call, connected: the bar shows all five buttons.
  parameters: { rtc: { state: 'connected', people: PEOPLE.slice(0, 1) } },
  loaders: screenMeta.loaders,
  beforeEach: screenMeta.beforeEach,
  render: screenMeta.render,
};
export default meta;

type Story = StoryObj<CallScreenArgs>;

/** The fake service the story's loader made. */
const serviceOf = (loaded: Record<string, unknown>) => loaded.service as FakeCallService;

/** Five buttons in this order, each named by its tooltip; the toggles say whether they are on. */
export const Buttons: Story = {
  play: async ({ canvasElement }) => {
    const { call } = await callIn(canvasElement);
    const bar = await controlBar(call);
    const buttons = bar.getAllByRole('button');
    await expect(buttons.map((button) => button.textContent!.trim())).toEqual(['Mute microphone', 'Turn camera off', 'Share screen', 'Devices', 'Hang up']);
    await expect(bar.getByRole('button', { name: 'Mute microphone', pressed: false })).toBe(buttons[0]);
    await expect(bar.getByRole('button', { name: 'Turn camera off', pressed: false })).toBe(buttons[1]);
    await expect(bar.getByRole('button', { name: 'Share screen', pressed: false })).toBe(buttons[2]);
    // The devices button opens a menu: it says whether it is open, and is not a toggle.
    await expect(bar.getByRole('button', { name: 'Devices', expanded: false })).toBe(buttons[3]);
    await expect(buttons[3]).not.toHaveAttribute('aria-pressed');
    await expect(buttons[4]).not.toHaveAttribute('aria-pressed');
  },
};

/** Mute microphone: pressed once the microphone is off, `audio-muted` on the element; pressed again, back on. */
export const MuteMicrophone: Story = {
  play: async ({ canvasElement, loaded }) => {
    const service = serviceOf(loaded);
    const { call } = await callIn(canvasElement);
    const bar = await controlBar(call);
    const mic = bar.getByRole('button', { name: 'Mute microphone', pressed: false });
    await userEvent.click(mic);
    await waitFor(() => expect(mic).toHaveAttribute('aria-pressed', 'true'));
    await expect(service.audioMuted).toBe(true);
    await expect(call).toHaveAttribute('audio-muted');
    // Only the microphone: the camera stays on.
    await expect(service.videoMuted).toBe(false);
    await expect(bar.getByRole('button', { name: 'Turn camera off' })).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(mic);
    await waitFor(() => expect(mic).toHaveAttribute('aria-pressed', 'false'));
    await expect(service.audioMuted).toBe(false);
    await expect(call).not.toHaveAttribute('audio-muted');
  },
};

/** Turn camera off: pressed once the camera's track is off, `video-muted` on the element; pressed again, back on. */
export const TurnCameraOff: Story = {
  play: async ({ canvasElement, loaded }) => {
    const service = serviceOf(loaded);
    const camera = () => service.localStream!.getVideoTracks()[0]!;
    const { call } = await callIn(canvasElement);
    const bar = await controlBar(call);
    const button = bar.getByRole('button', { name: 'Turn camera off', pressed: false });
    await expect(camera().enabled).toBe(true);
    await userEvent.click(button);
    await waitFor(() => expect(button).toHaveAttribute('aria-pressed', 'true'));
    await expect(camera().enabled).toBe(false);
    await expect(call).toHaveAttribute('video-muted');
    await expect(bar.getByRole('button', { name: 'Mute microphone' })).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(button);
    await waitFor(() => expect(button).toHaveAttribute('aria-pressed', 'false'));
    await expect(camera().enabled).toBe(true);
    await expect(call).not.toHaveAttribute('video-muted');
  },
};

/** Share screen: pressed while a screen is shared, `screen-sharing` on the element; pressed again, the sharing stops. */
export const ShareScreen: Story = {
  play: async ({ canvasElement, loaded }) => {
    const service = serviceOf(loaded);
    const { call } = await callIn(canvasElement);
    const bar = await controlBar(call);
    const button = bar.getByRole('button', { name: 'Share screen', pressed: false });
    await userEvent.click(button);
    await waitFor(() => expect(button).toHaveAttribute('aria-pressed', 'true'));
    const shared = service.screenStream!;
    await expect(shared).toBeInstanceOf(MediaStream);
    await waitFor(() => expect(call).toHaveAttribute('screen-sharing'));
    await userEvent.click(button);
    await waitFor(() => expect(button).toHaveAttribute('aria-pressed', 'false'));
    await expect(service.screenStream).toBeNull();
    await expect(shared.getTracks().map((track) => track.readyState)).toEqual(['ended']);
    await waitFor(() => expect(call).not.toHaveAttribute('screen-sharing'));
  },
};

/** Devices: the menu opens with a camera, microphone and speaker select; a choice reaches the service; Escape closes it. */
export const ChooseDevices: Story = {
  play: async ({ canvasElement, loaded }) => {
    const service = serviceOf(loaded);
    const { call, screen } = await callIn(canvasElement);
    const bar = await controlBar(call);
    const button = bar.getByRole('button', { name: 'Devices', expanded: false });
    await userEvent.click(button);
    await expect(button).toHaveAttribute('aria-expanded', 'true');
    // The menu's content is a chunk of its own, loaded the first time it opens.
    const menu = await screen.findByRole('group', { name: 'Devices' });
    await expect(button).toHaveAttribute('aria-controls', menu.id);
    const camera = await screen.findByRole('combobox', { name: 'Camera' });
    await expect([camera, screen.getByRole('combobox', { name: 'Microphone' }), screen.getByRole('combobox', { name: 'Speaker' })].every((select) => menu.contains(select))).toBe(true);
    // By value (the device id): USB camera, Headset microphone, Headphones.
    await userEvent.selectOptions(camera, 'cam-2');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Microphone' }), 'mic-2');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Speaker' }), 'spk-2');
    await waitFor(() => expect(service.selected).toEqual(['videoinput:cam-2', 'audioinput:mic-2', 'audiooutput:spk-2']));
    await expect(service.sinkId).toBe('spk-2');
    // Escape closes the menu and gives focus back to its button.
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('group', { name: 'Devices' })).toBeNull());
    await expect(button).toHaveAttribute('aria-expanded', 'false');
    await expect(focusedIn(call)).toBe(button);
  },
};

/** Hang up: `rtc-state-change` to `ended`, the bar goes, and focus moves to Start again. */
export const HangUp: Story = {
  play: async ({ canvasElement, loaded }) => {
    const service = serviceOf(loaded);
    const { call, screen } = await callIn(canvasElement);
    const changes = stateChanges(call);
    const bar = await controlBar(call);
    await userEvent.click(bar.getByRole('button', { name: 'Hang up' }));
    await announced(changes, 'ended');
    await expect(changes).toHaveBeenCalledWith({ state: 'ended', previous: 'connected' });
    await expect(service.state).toBe('ended');
    await expect(service.localStream).toBeNull();
    await waitFor(() => expect(call).toHaveAttribute('state', 'ended'));
    await expect(screen.queryByRole('group', { name: 'Call controls' })).toBeNull();
    await expect(screen.getByRole('heading', { name: 'Call ended' })).toBeVisible();
    // The button that was pressed has gone: focus is not lost, it moves to what replaced it.
    await waitFor(() => expect(focusedIn(call)).toBe(screen.getByRole('button', { name: 'Start again' })));
  },
};
