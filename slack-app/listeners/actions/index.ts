// Registers the alert message's buttons.
import type { App } from '@slack/bolt';
import { ACTION_ACK, ACTION_RECHECK } from '../../ids.js';
import type { Services } from '../../services.js';
import { acknowledge } from './acknowledge.js';
import { recheck } from './recheck.js';

export function register(app: App, services: Services): void {
  app.action(ACTION_ACK, acknowledge(services) as never);
  app.action(ACTION_RECHECK, recheck(services) as never);
}
