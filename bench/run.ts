// `npm run bench [-- name...]`: runs the benchmarks against a fresh moto and prints their figures with the machine they ran on.
import { pinnedMotoVersion, startMoto } from '../scripts/moto.js';
import { benchColdStart } from './cold-start.js';
import { benchMemory } from './memory.js';
import { benchPipeline } from './pipeline.js';
import { benchRemediator } from './remediator.js';
import { benchScale } from './scale.js';
import { benchSlack } from './slack.js';
import { benchSweep } from './sweep.js';
import { machine } from './stats.js';

const benches: Record<string, (motoEndpoint: string) => Promise<string[]>> = {
  remediator: (endpoint) => benchRemediator(endpoint),
  pipeline: (endpoint) => benchPipeline(endpoint),
  slack: (endpoint) => benchSlack(endpoint),
  memory: (endpoint) => benchMemory(endpoint),
  // Simulated AWS answers: moto is started but not used (see bench/sweep.ts).
  sweep: () => benchSweep(),
  'cold-start': (endpoint) => benchColdStart(endpoint),
  scale: (endpoint) => benchScale(endpoint),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = wanted.length > 0 ? wanted : Object.keys(benches);
for (const name of selected) if (!benches[name]) throw new Error(`unknown benchmark ${name}; have ${Object.keys(benches).join(', ')}`);

console.log(`Machine: ${machine()}; moto ${pinnedMotoVersion()}; ${new Date().toISOString()}`);
for (const name of selected) {
  const moto = await startMoto();
  try {
    console.log(`\n## ${name}\n`);
    for (const line of await benches[name]!(moto.endpoint)) console.log(line);
  } finally {
    await moto.stop();
  }
}
