// The scale-out, connections and invitations benchmarks, each once at a tiny size (smoke.ts says why, and why in three files).
import { smokeTest } from './smoke.js';

smokeTest(['scale-out', 'connections', 'invitations']);
