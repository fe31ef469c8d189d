// dist/rtc-kit.js, the module a page loads: a 1:1 call in full, and the elements that not every call uses
// defined from chunks the first time the page holds one (contract section 12).
export * from './core.js';
import './internal/autoload.js';
