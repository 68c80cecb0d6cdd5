// Registers the slash commands.
import type { App } from '@slack/bolt';
import { ACTION_REFRESH, COMMAND_STATUS } from '../../ids.js';
import type { Services } from '../../services.js';
import { refreshStatus } from './snapshot.js';
import { trailStatus } from './trail-status.js';

export function register(app: App, services: Services): void {
  app.command(COMMAND_STATUS, trailStatus(services));
  // The Refresh button of /trail-status's answer belongs with the command.
  app.action(ACTION_REFRESH, refreshStatus(services));
}
