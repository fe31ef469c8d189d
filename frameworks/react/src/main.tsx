import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Call } from './Call.js';

const channel = new URLSearchParams(location.search).get('channel') ?? 'react-sample';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Call channel={channel} />
  </StrictMode>,
);
