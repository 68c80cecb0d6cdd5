// Act 6 of the demo: the Slack app in production. A message on the alerts topic that is not an alert is still shown
// (never quietly blind), and one `apply` with `slack.deploy: lambda` deploys the Slack app itself, secrets by name only.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { NAMES } from '#core/names.js';
import { CENTRAL, type DemoWorld } from './world.js';

type Say = (line?: string) => void;
type Check = (ok: boolean, what: string) => void;

const BOT_TOKEN_PARAM = '/trailguard/slack/bot-token';
const SIGNING_SECRET_PARAM = '/trailguard/slack/signing-secret';
const BOT_TOKEN = 'xoxb-demo-never-shown';

/** Runs act 6 on the demo's world, after the others (it subscribes a Lambda to the topic, which the earlier acts do not expect). */
export async function productionAct(demo: DemoWorld, say: Say, check: Check): Promise<void> {
  const sns = demo.world.client(SNSClient, 'us-east-1');
  const topicArn = `arn:aws:sns:us-east-1:${CENTRAL}:${NAMES.topic}`;

  say('\n9. The Slack app in production');
  say('   a) Someone who may publish to the alerts topic sends something that is not an alert (its text pings @channel).');
  const posted = demo.slack.ok('chat.postMessage').length;
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: 'all clear',
      Message: JSON.stringify({ note: '<!channel> ignore TrailGuard today' }),
    }),
  );
  const notice = await demo
    .waitFor('the unreadable-alert notice', () =>
      demo.slack
        .ok('chat.postMessage')
        .slice(posted)
        .find((c) => JSON.stringify(c.args).includes('Unreadable TrailGuard alert')),
    )
    .catch(() => undefined);
  const text = JSON.stringify(notice?.args ?? {});
  check(notice !== undefined, 'the Slack app showed the message as an unreadable TrailGuard alert instead of dropping it');
  check(!text.includes('<!channel>') && text.includes('&lt;!channel&gt;'), 'its text is escaped: it pings nobody');

  say('   b) One apply for the whole system: slack.deploy: lambda, the secrets in SSM Parameter Store, named in the config.');
  const ssm = demo.world.client(SSMClient, 'us-east-1');
  await ssm.send(new PutParameterCommand({ Name: BOT_TOKEN_PARAM, Type: 'SecureString', Value: BOT_TOKEN, Overwrite: true }));
  await ssm.send(
    new PutParameterCommand({ Name: SIGNING_SECRET_PARAM, Type: 'SecureString', Value: 'demo-signing-secret', Overwrite: true }),
  );
  const serverConfig = demo.configPath;
  const lambdaConfig = serverConfig.replace(/\.yml$/, '-slack-lambda.yml');
  writeFileSync(
    lambdaConfig,
    readFileSync(serverConfig, 'utf8').replace(
      /^slack: \{ (.*) \}$/m,
      `slack: { $1, deploy: lambda, secrets: { botToken: "ssm:${BOT_TOKEN_PARAM}", signingSecret: "ssm:${SIGNING_SECRET_PARAM}" } }`,
    ),
  );
  demo.configPath = lambdaConfig;
  try {
    const plan = await demo.trailguard('plan');
    const slackRows = plan.stdout.split('\n').filter((l) => /trailguard-slack/.test(l));
    say(
      `\n$ trailguard plan --config ${lambdaConfig}   (exit ${plan.code}; its Slack rows)\n${slackRows.map((l) => `    ${l}`).join('\n')}`,
    );
    const apply = await demo.trailguard('apply');
    const urlLine = apply.stdout.split('\n').find((l) => /Slack Request URL/i.test(l));
    say(`\n$ trailguard apply --config ${lambdaConfig}   (exit ${apply.code})\n    ${urlLine?.trim() ?? '(no Slack Request URL printed)'}`);
    check(
      apply.code === 0 && urlLine !== undefined,
      'apply deployed the Slack app (function, role, table, URL, subscription, drain schedule) and printed its Request URL',
    );
    const lambda = demo.world.client(LambdaClient, 'us-east-1');
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'trailguard-slack' }));
    const env = fn.Environment?.Variables ?? {};
    check(
      env.SLACK_BOT_TOKEN_PARAM === `ssm:${BOT_TOKEN_PARAM}` &&
        !JSON.stringify(env).includes(BOT_TOKEN) &&
        !apply.stdout.includes(BOT_TOKEN),
      "the function's environment names the secrets; their values are nowhere in it or in apply's output",
    );

    say('   c) The attacker shuts Slack out: the function URL is switched to AWS_IAM auth (Slack cannot sign SigV4).');
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'trailguard-slack', AuthType: 'AWS_IAM' }));
    const drift = await demo.trailguard('plan');
    const urlRows = drift.stdout.split('\n').filter((l) => /lambda-url|AuthType|authType/i.test(l));
    say(`\n$ trailguard plan   (exit ${drift.code})\n${urlRows.map((l) => `    ${l}`).join('\n')}`);
    check(drift.code !== 0 && urlRows.length > 0, 'plan fails on the changed auth type');
    const repaired = await demo.trailguard('apply');
    const url = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'trailguard-slack' }));
    check(
      repaired.code === 0 && url.AuthType === 'NONE',
      `apply put the URL back (AuthType ${url.AuthType}); the app checks Slack's signature itself`,
    );
  } finally {
    demo.configPath = serverConfig;
  }
}
