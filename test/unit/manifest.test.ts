import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMAND_STATUS } from '../../slack-app/ids.js';

describe('slack-app/manifest.yml', () => {
  const manifest = parse(readFileSync('slack-app/manifest.yml', 'utf8')) as {
    features: { slash_commands: { command: string; url: string }[]; app_home?: { home_tab_enabled?: boolean } };
    oauth_config: { scopes: { bot: string[] } };
    settings: {
      interactivity: { is_enabled: boolean; request_url: string };
      event_subscriptions?: { request_url: string; bot_events: string[] };
    };
  };

  it('enables the Home tab and subscribes to app_home_opened on the Bolt route', () => {
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings.event_subscriptions?.request_url).toMatch(/^https:\/\/.+\/slack\/events$/);
  });

  it('declares the slash command and interactivity on the Bolt route', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND_STATUS]);
    expect(manifest.features.slash_commands[0]!.url).toMatch(/^https:\/\/.+\/slack\/events$/);
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true, request_url: expect.stringMatching(/\/slack\/events$/) });
  });

  it('asks for the least scopes: posting and updating messages, the command, and reading its channel to find its own posts', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['channels:history', 'chat:write', 'commands', 'groups:history']);
  });
});
