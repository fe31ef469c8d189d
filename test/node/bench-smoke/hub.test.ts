// The size, startup and hub-relay benchmarks, each once at a tiny size (smoke.ts says why, and why in three files).
import { smokeTest } from './smoke.js';

smokeTest(['size', 'startup', 'hub-relay']);
