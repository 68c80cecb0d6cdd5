// Notices in Slack: what the topic's publisher chose is shown as text, within Block Kit's limits, and says what is wrong.
import { describe, expect, it } from 'vitest';
import { parseAlert } from '#core/alert.js';
import { schemaProblem, unreadableNotice } from '../../slack-app/sns/notices.js';
import { EXCERPT_CHARS, noticeMessage } from '../../slack-app/views/notice.js';
import { makeAlert } from '../support/alerts.js';

const TOPIC = 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts';

const problemOf = (body: string) => {
  try {
    parseAlert(body);
  } catch (error) {
    return error;
  }
  throw new Error('expected a parse error');
};

/** Every mrkdwn text of a message: what Slack parses for mentions and links. */
function mrkdwn(message: { text: string; blocks: unknown[] }): string[] {
  const out = [message.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(message.blocks);
  return out;
}

describe('unreadable-alert notice', () => {
  it('escapes mentions, links and code fences in the subject, the error and the excerpt, and clips the excerpt', () => {
    const evil = '<!channel> <https://evil.example|Click to restore> ``` end of code ```';
    const notice = unreadableNotice(
      { messageId: 'm-1', topic: TOPIC, subject: evil, timestamp: '2026-11-29T12:00:00Z', message: `${evil}${'x'.repeat(5000)}` },
      new Error(evil),
      new Date(),
    );

    const message = noticeMessage(notice);
    const texts = mrkdwn(message);

    for (const text of texts) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil');
      expect(text.length).toBeLessThanOrEqual(3000);
    }
    const excerpt = texts.find((t) => t.startsWith('```'))!;
    expect(excerpt.match(/```/g)).toHaveLength(2);
    expect(excerpt.length).toBeLessThan(EXCERPT_CHARS + 200);
    expect(excerpt).toContain('…');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it('names the field a newer alert carries that this app cannot read, and says when it is not JSON', () => {
    const newer = JSON.stringify({ ...makeAlert(), outcome: 'some-future-outcome' });
    const { account: _a, ...noAccount } = makeAlert();

    expect(schemaProblem(problemOf(newer))).toMatch(/^outcome: /);
    expect(schemaProblem(problemOf(JSON.stringify(noAccount)))).toMatch(/^account: /);
    expect(schemaProblem(problemOf('StopLogging!'))).toMatch(/^not JSON: /);
  });

  it('has one id per SNS message, so a redelivery is the same notice', () => {
    const delivery = { messageId: 'm-2', topic: TOPIC, subject: null, timestamp: undefined, message: 'x' };
    const without = { ...delivery, messageId: undefined };

    expect(unreadableNotice(delivery, new Error('e'), new Date()).id).toBe(unreadableNotice(delivery, new Error('f'), new Date()).id);
    expect(unreadableNotice(without, new Error('e'), new Date()).id).toBe(unreadableNotice(without, new Error('e'), new Date()).id);
  });
});

describe('subscription notices', () => {
  it('say that no alert will arrive, naming the topic escaped', () => {
    const topic = 'arn:aws:sns:us-east-1:111111111111:<!here>';
    for (const kind of ['unsubscribed', 'unconfirmed'] as const) {
      const message = noticeMessage({ id: `${kind}#1`, kind, topic, at: '2026-11-29T12:00:00Z', error: '<!channel> ETIMEDOUT' });

      expect(message.text).toMatch(/no (further )?alert will arrive/);
      for (const text of mrkdwn(message)) {
        expect(text).not.toContain('<!here>');
        expect(text).not.toContain('<!channel>');
      }
    }
  });
});

describe('non-member-alert notice', () => {
  it('names the account and what the alert said, escaped, and has no button', () => {
    const message = noticeMessage({
      id: 'non-member-alert#a-1',
      kind: 'non-member-alert',
      topic: TOPIC,
      at: '2026-11-29T12:00:00Z',
      alert: {
        id: 'a-1',
        account: '444444444444',
        region: 'us-east-1',
        outcome: 'restarted',
        eventName: 'StopLogging',
        trail: '<!channel>',
      },
    });

    const texts = mrkdwn(message).join('\n');
    expect(texts).toContain('444444444444');
    expect(texts).toContain('restarted: StopLogging on &lt;!channel&gt;');
    expect(texts).not.toContain('<!channel>');
    expect(JSON.stringify(message.blocks)).not.toContain('"actions"');
  });
});
