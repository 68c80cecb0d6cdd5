// Registers the slash commands.
import type { App } from '@slack/bolt';
import { COMMAND_STATUS } from '../../ids.js';
import type { Services } from '../../services.js';
import { trailStatus } from './trail-status.js';

export function register(app: App, services: Services): void {
  app.command(COMMAND_STATUS, trailStatus(services));
}
