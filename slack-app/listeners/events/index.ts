// Events API listeners: App Home.
import type { App } from '@slack/bolt';
import type { Services } from '../../services.js';
import { appHomeOpened } from './app-home.js';

export function register(app: App, services: Services): void {
  app.event('app_home_opened', appHomeOpened(services));
}
