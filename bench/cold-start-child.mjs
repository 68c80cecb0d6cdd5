// One cold start of a remediator bundle, alone in its process: import it, hand it one event, print the outcome.
// Usage: node bench/cold-start-child.mjs <bundle index.js> <event.json>   (environment: the remediator's)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const context = {
  awsRequestId: 'bench-cold-start',
  functionName: 'trailguard-remediator',
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
};
const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
process.stderr.write(`RESULT ${JSON.stringify({ outcome: result.outcome, error: result.error ?? null })}\n`);
