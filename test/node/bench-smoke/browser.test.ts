// The browser benchmarks, each once at a tiny size (smoke.ts says why, and why in three files).
import { smokeTest } from './smoke.js';

smokeTest(['call-setup', 'group-setup', 'file-transfer']);
