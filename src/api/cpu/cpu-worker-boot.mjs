// A worker thread of the API's CPU pool, when strata runs from its TypeScript sources:
// tsx is registered in this thread before the worker module is loaded.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./cpu-worker.ts');
export default worker.default;
