// Reads trailguard.yml for the CLI: a missing file says how to make one instead of a bare ENOENT.
import { readFileSync } from 'node:fs';
import { parseConfig, type Config } from './core/config.js';
import { errorCode, errorText, TrailGuardError } from './core/errors.js';

/** The config file cannot be read at all (missing, a folder, no permission); the message says what the user can do. */
export class ConfigFileError extends TrailGuardError {}

/**
 * Reads and parses the config at `path` (YAML 1.2, checked in full by `parseConfig`). Throws ConfigFileError when the
 * file is missing (`<path> not found: create one with \`trailguard init\``) or unreadable (`cannot read <path>: <why>`),
 * and ConfigError naming every bad field.
 */
export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT')
      throw new ConfigFileError(`${path} not found: create one with \`trailguard init\` (or pass --config <path>)`, { cause: error });
    throw new ConfigFileError(`cannot read ${path}: ${errorText(error)}`, { cause: error });
  }
  return parseConfig(text, path);
}
