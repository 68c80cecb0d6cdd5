#!/usr/bin/env node
// The `trailguard` executable: runs the CLI on this process's arguments and exits with its code.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
  env: process.env,
});
