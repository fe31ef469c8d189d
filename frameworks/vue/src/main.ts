import { createApp } from 'vue';
import Call from './Call.vue';

const channel = new URLSearchParams(location.search).get('channel') ?? 'vue-sample';

createApp(Call, { channel }).mount('#app');
