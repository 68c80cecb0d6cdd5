// slack.deploy and slack.secrets (issue 13): the Slack app deployed by apply takes its secrets by name, never by value.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.js';
import { desiredState, type Resource, slackAppCode, slackAppConfig } from '#core/desired-state.js';
import { ConfigError } from '#core/errors.js';
import type { PipelineReport } from '#core/pipeline.js';
import { renderSummary } from '../../src/action/report.js';
import { iamDocuments, parseIamArgs } from '../../src/iam-command.js';

const base = `
version: 1
central: { account: "111111111111", region: us-east-1 }
members:
  accounts:
    - { id: "222222222222" }
`;

function issues(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('slack.deploy and slack.secrets', () => {
  it('defaults to server: nothing new to deploy, no secrets needed', () => {
    const config = parseConfig(`${base}slack: { channel: C0123456789 }\n`);

    expect(config.slack?.deploy).toBe('server');
    expect(config.slack?.secrets).toBeUndefined();
  });

  it('takes lambda with an SSM parameter name and a Secrets Manager secret name', () => {
    const config = parseConfig(
      `${base}slack:\n  channel: C0123456789\n  deploy: lambda\n  secrets: { botToken: "ssm:/trailguard/slack/bot-token", signingSecret: "secretsmanager:trailguard/slack-signing" }\n`,
    );

    expect(config.slack?.deploy).toBe('lambda');
    expect(config.slack?.secrets).toEqual({
      botToken: 'ssm:/trailguard/slack/bot-token',
      signingSecret: 'secretsmanager:trailguard/slack-signing',
    });
  });

  it('refuses any other deploy mode, naming slack.deploy', () => {
    expect(issues(`${base}slack: { channel: C0123456789, deploy: ec2 }\n`)).toEqual([
      expect.stringMatching(/^slack\.deploy: .*server.*lambda/),
    ]);
  });

  it('refuses lambda without secrets, naming slack.secrets', () => {
    expect(issues(`${base}slack: { channel: C0123456789, deploy: lambda }\n`)).toEqual([
      expect.stringMatching(/^slack\.secrets: .*botToken.*signingSecret/),
    ]);
  });

  it('refuses a secret given by value (a Slack token), naming the field and never echoing the value', () => {
    const out = issues(
      `${base}slack:\n  channel: C0123456789\n  deploy: lambda\n  secrets: { botToken: "xoxb-1234-5678-abcdefSECRET", signingSecret: "8f14e45fceea167a5a36dedd4bea2543" }\n`,
    );

    expect(out).toEqual([
      expect.stringMatching(/^slack\.secrets\.botToken: .*ssm:\/.*secretsmanager:/),
      expect.stringMatching(/^slack\.secrets\.signingSecret: .*ssm:\/.*secretsmanager:/),
    ]);
    expect(out.join('\n')).not.toMatch(/abcdefSECRET|8f14e45f/);
  });

  it.each([
    ['ssm:trailguard/bot', 'an SSM name without its leading /'],
    ['ssm:/', 'an empty SSM path'],
    ['secretsmanager:', 'an empty secret name'],
    ['arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf', 'an ARN: names only, in the account and region of the function'],
    ['secretsmanager:bad name', 'a space'],
    ['/trailguard/bot', 'no service prefix'],
  ])('refuses %s (%s), naming slack.secrets.botToken', (name) => {
    const out = issues(
      `${base}slack:\n  channel: C0123456789\n  deploy: lambda\n  secrets: { botToken: ${JSON.stringify(name)}, signingSecret: "ssm:/trailguard/slack/signing" }\n`,
    );

    expect(out).toEqual([expect.stringMatching(/^slack\.secrets\.botToken: /)]);
  });

  it('refuses an unknown field under slack.secrets', () => {
    expect(
      issues(
        `${base}slack:\n  channel: C0123456789\n  deploy: lambda\n  secrets: { botToken: "ssm:/a", signingSecret: "ssm:/b", appToken: "ssm:/c" }\n`,
      ),
    ).toEqual(['slack.secrets.appToken: unknown field']);
  });

  it('refuses a slack.roleArn other than the deployed function role with lambda: the members would trust a role the app does not run as', () => {
    expect(
      issues(
        `${base}slack:\n  channel: C0123456789\n  deploy: lambda\n  roleArn: "arn:aws:iam::111111111111:role/other"\n  secrets: { botToken: "ssm:/a", signingSecret: "ssm:/b" }\n`,
      ),
    ).toEqual([expect.stringMatching(/^slack\.roleArn: .*trailguard-slack/)]);
  });
});

describe('what the user sees of the deployed Slack app', () => {
  const lambdaConfig = `${base}slack:\n  channel: C0123456789\n  deploy: lambda\n  secrets: { botToken: "ssm:/tg/bot", signingSecret: "secretsmanager:tg/signing" }\n`;

  it('`trailguard iam slack-role` prints the policy apply gives trailguard-slack: the reader role, its store, the two secrets', () => {
    const docs = iamDocuments(parseConfig(lambdaConfig), parseIamArgs(['slack-role'], {}))['slack-role'];

    expect(docs).toHaveLength(1);
    expect(docs[0]!.title).toMatch(/trailguard-slack \(created by apply, slack\.deploy: lambda\)/);
    const statements = docs[0]!.document!.Statement;
    expect(statements.find((s) => s.Sid === 'AssumeMemberReaderRole')?.Resource).toEqual([
      'arn:aws:iam::222222222222:role/TrailGuardReader',
    ]);
    expect(statements.find((s) => s.Sid === 'ReadSlackParameters')?.Resource).toEqual([
      'arn:aws:ssm:us-east-1:111111111111:parameter/tg/bot',
    ]);
    expect(statements.find((s) => s.Sid === 'ReadSlackSecrets')?.Resource).toEqual([
      'arn:aws:secretsmanager:us-east-1:111111111111:secret:tg/signing-??????',
    ]);
    expect(statements.find((s) => s.Sid === 'InvokeSelfForSlowRequests')?.Resource).toBe(
      'arn:aws:lambda:us-east-1:111111111111:function:trailguard-slack',
    );
  });

  it('the job summary and the CLI show the Request URL to give Slack', () => {
    const report: PipelineReport = {
      mode: 'apply',
      central: { account: '111111111111', region: 'us-east-1' },
      members: [],
      regions: ['us-east-1'],
      rows: [],
      changes: [],
      conflicts: [],
      drift: false,
      errors: [],
      uncovered: [],
      deadLetters: [],
      durationMs: 1,
      slackUrl: 'https://abc.lambda-url.us-east-1.on.aws/slack/events',
    };

    expect(renderSummary(report)).toContain('Slack Request URL: `https://abc.lambda-url.us-east-1.on.aws/slack/events`');
  });

  it('the function’s environment names the secrets and never holds one', () => {
    const config = parseConfig(lambdaConfig);
    const fn = desiredState(config, { members: ['222222222222'], codeSha256: 'a', slackCodeSha256: 'b' }).find(
      (r) => r.kind === 'lambda-function' && r.name === 'trailguard-slack',
    )! as Extract<Resource, { kind: 'lambda-function' }>;

    expect(fn.environment).toMatchObject({ SLACK_BOT_TOKEN_PARAM: 'ssm:/tg/bot', SLACK_SIGNING_SECRET_PARAM: 'secretsmanager:tg/signing' });
    expect(Object.keys(fn.environment)).not.toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN']));
    expect(fn.codeSha256).toBe('b');
  });

  it('the zip carries the bundle and the config, and a config change changes its CodeSha256', () => {
    const bundle = [{ path: 'index.js', data: Buffer.from('export const handler = 1;') }];
    const a = slackAppCode(bundle, parseConfig(lambdaConfig));
    const b = slackAppCode(bundle, parseConfig(lambdaConfig.replace('C0123456789', 'C0987654321')));

    expect(a.sha256).not.toBe(b.sha256);
    expect(slackAppCode(bundle, parseConfig(lambdaConfig)).sha256).toBe(a.sha256);
    expect(parseConfig(JSON.stringify(slackAppConfig(parseConfig(lambdaConfig))))).toEqual(parseConfig(lambdaConfig));
  });
});
