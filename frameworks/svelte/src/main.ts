import { mount } from 'svelte';
import Call from './Call.svelte';

const channel = new URLSearchParams(location.search).get('channel') ?? 'svelte-sample';

mount(Call, { target: document.getElementById('app')!, props: { channel } });
