// The ncc entry point of the action: nothing but the call.
import { run } from './main.js';

await run();
