// The demo's world, shared by `npm run demo` and the end-to-end test: an organization in moto, the pipeline applied by the
// real CLI, the Slack app, the remediator bundle fed by a local Lambda runner, and an attacker.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SubscribeCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineResult } from '../../lambda/guard.js';
import type { SqsBatchResult } from '../../lambda/remediator.js';
import { ACTION_ACK } from '../../slack-app/ids.js';
import { loadSettings, startSlackApp, type SlackAppHandle } from '../../slack-app/server.js';
import type { Alert } from '#core/alert.js';
import { main as cli } from '../../src/cli.js';
import { NAMES } from '#core/names.js';
import { isCanaryEvent } from '#core/sweep.js';
import { findRemediatorDir } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MotoWorld } from '../../test/support/aws.js';
import { startFakeSlack, type FakeSlack, type SlackCall } from '../../test/support/fake-slack.js';
import { loadCase, retargetAccounts } from '../../test/support/cases.js';
import { loadFixture, retarget, type Envelope } from '../../test/support/fixtures.js';
import { blockAction, postSigned, slashCommand } from '../../test/support/slack-sign.js';
import { TEST_CERT_PATH } from '../../test/support/sns-sign.js';
import { startMoto, type MotoServer } from '../moto.js';
import { LambdaSqsRunner } from './lambda-runner.js';
import { SnsHttpsBridge } from './sns-bridge.js';

export const CENTRAL = MOTO_DEFAULT_ACCOUNT;
/** The queue SNS delivers alerts to for the demo's bridge (moto's HTTP deliveries carry a fake signature). */
const DEMO_SNS_QUEUE = 'trailguard-demo-sns-https';
/** The regions TrailGuard ends up watching: the config says `regions: auto`, and the trails live here. */
export const REGIONS = ['us-east-1', 'eu-west-1'] as const;
export const CHANNEL = 'C0SECURITY1';
export const RESPONDER = 'UALICE0001';
const SIGNING_SECRET = 'demo-signing-secret';
/**
 * Trails every member has, one homed in each region; the baseline restores or recreates them. eu-audit is multi-region:
 * `regions: auto` finds home regions with CloudTrail ListTrails, which on AWS lists every trail of the account, but
 * on moto only multi-region trails and those homed in the called region (us-east-1, the central region).
 */
export const TRAILS = [
  { name: 'org-audit', region: 'us-east-1', s3BucketName: 'trailguard-demo-logs-use1', isMultiRegionTrail: false },
  { name: 'eu-audit', region: 'eu-west-1', s3BucketName: 'trailguard-demo-logs-euw1', isMultiRegionTrail: true },
] as const;
const MEMBER_NAMES = ['payments-prod', 'data-platform', 'sandbox'];

export interface Hop {
  at: number;
  what: string;
}

export interface DemoOptions {
  dir: string;
  /** Use this moto instead of starting one (tests share theirs). */
  motoEndpoint?: string;
  log?: (line: string) => void;
  onSlack?: (call: SlackCall) => void;
}

export class DemoWorld {
  readonly hops: Hop[] = [];
  readonly results: { at: number; result: SqsBatchResult['results'][number] & Partial<Pick<PipelineResult, 'resource'>> }[] = [];
  readonly deliveries: { at: number; status: number; alert: Alert }[] = [];
  members: { id: string; name: string }[] = [];
  configPath = '';
  slack!: FakeSlack;
  app!: SlackAppHandle;
  moto: MotoServer | null = null;
  world!: MotoWorld;
  private runner!: LambdaSqsRunner;
  /** The remediator bundle's handler, as the runners hand batches to it (the sweep act drives the sweep queue with it too). */
  handler!: (e: unknown, c: unknown) => Promise<unknown>;
  private bridge!: SnsHttpsBridge;
  private t0 = performance.now();
  private readonly log: (line: string) => void;

  private constructor(private readonly o: DemoOptions) {
    this.log = o.log ?? (() => undefined);
  }

  static async create(o: DemoOptions): Promise<DemoWorld> {
    const demo = new DemoWorld(o);
    let endpoint = o.motoEndpoint;
    if (!endpoint) {
      demo.moto = await startMoto();
      endpoint = demo.moto.endpoint;
    }
    demo.world = new MotoWorld(endpoint);
    // The CLI and the remediator bundle read their AWS settings from the environment, as they do in production.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: CENTRAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CENTRAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    return demo;
  }

  get endpoint(): string {
    return this.world.endpoint;
  }

  mark(what: string): void {
    this.hops.push({ at: performance.now() - this.t0, what });
  }

  startClock(): void {
    this.t0 = performance.now();
    this.hops.length = 0;
  }

  /** An Organization with three named members, each with a logging trail homed in each region, delivering to central log buckets. */
  async createOrganization(): Promise<void> {
    const org = this.world.client(OrganizationsClient, 'us-east-1');
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (const name of MEMBER_NAMES) {
      const out = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      this.members.push({ id: out.CreateAccountStatus!.AccountId!, name });
    }
    for (const t of TRAILS) {
      const s3 = this.world.client(S3Client, t.region, CENTRAL_CREDENTIALS, { forcePathStyle: true });
      const location =
        t.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: t.region as BucketLocationConstraint } };
      await s3.send(new CreateBucketCommand({ Bucket: t.s3BucketName, ...location }));
    }
    // The policy CloudTrail's documentation gives for a bucket that receives several accounts' logs (real CreateTrail
    // refuses a bucket without it; moto does not check, but the sweep judges it and would rightly say it is missing).
    for (const t of TRAILS) {
      const s3 = this.world.client(S3Client, t.region, CENTRAL_CREDENTIALS, { forcePathStyle: true });
      const trailArns = this.members.map((m) => `arn:aws:cloudtrail:${t.region}:${m.id}:trail/${t.name}`);
      const policy = {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AWSCloudTrailAclCheck',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${t.s3BucketName}`,
            Condition: { StringEquals: { 'aws:SourceArn': trailArns } },
          },
          {
            Sid: 'AWSCloudTrailWrite',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: this.members.map((m) => `arn:aws:s3:::${t.s3BucketName}/AWSLogs/${m.id}/*`),
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArns } },
          },
        ],
      };
      await s3.send(new PutBucketPolicyCommand({ Bucket: t.s3BucketName, Policy: JSON.stringify(policy) }));
    }
    for (const m of this.members) {
      for (const t of TRAILS) {
        const trails = await this.world.memberClient(CloudTrailClient, m.id, t.region);
        await trails.send(new CreateTrailCommand({ Name: t.name, S3BucketName: t.s3BucketName, IsMultiRegionTrail: t.isMultiRegionTrail }));
        await trails.send(new StartLoggingCommand({ Name: t.name }));
      }
    }
  }

  writeConfig(): string {
    mkdirSync(this.o.dir, { recursive: true });
    this.configPath = join(this.o.dir, 'trailguard.yml');
    writeFileSync(
      this.configPath,
      [
        '# Generated by the TrailGuard demo.',
        'version: 1',
        `central: { account: "${CENTRAL}", region: us-east-1 }`,
        'members:',
        '  organization: true',
        `  exclude: ["${CENTRAL}"]`,
        '  regions: auto                     # every region where a member trail lives, plus the central region',
        'remediator: { delivery: queue }',
        'trails:',
        ...TRAILS.map((t) => `  - { name: ${t.name}, s3BucketName: ${t.s3BucketName}, isMultiRegionTrail: ${t.isMultiRegionTrail} }`),
        `slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`,
        "# The queue the demo's SNS-to-HTTPS bridge reads: a subscription made by hand, accepted (any other is a conflict).",
        `alerts: { acceptedSubscriptions: [{ protocol: sqs, endpoint: "arn:aws:sqs:us-east-1:${CENTRAL}:${DEMO_SNS_QUEUE}" }] }`,
        '',
      ].join('\n'),
    );
    return this.configPath;
  }

  /** Runs the real CLI in this process; resolves to its exit code and output. */
  async trailguard(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await cli([...args, '--config', this.configPath], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      tty: false,
      env: process.env,
    });
    return { code, stdout, stderr };
  }

  private async queueUrl(name: string): Promise<string> {
    return (await this.world.client(SQSClient, 'us-east-1').send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  }

  /** The Slack app (with a stand-in for Slack), the SNS-to-HTTPS bridge, and the remediator fed by a local Lambda runner. */
  async startServices(): Promise<void> {
    this.slack = await startFakeSlack();
    this.slack.onCall = (call) => this.o.onSlack?.(call);
    const dbPath = join(this.o.dir, 'slack.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
    const settings = loadSettings({
      SLACK_BOT_TOKEN: 'xoxb-demo',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      TRAILGUARD_CONFIG: this.configPath,
      TRAILGUARD_DB: dbPath,
      SLACK_API_URL: this.slack.apiUrl,
      TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
      PORT: process.env.TRAILGUARD_DEMO_PORT ?? '0',
    });
    this.app = await startSlackApp(settings, {
      log: {
        info: () => undefined,
        warn: (m, a) => this.log(`  slack-app warning: ${m} ${JSON.stringify(a ?? {})}`),
        error: (m, a) => this.log(`  slack-app error: ${m} ${JSON.stringify(a ?? {})}`),
      },
      aws: { endpoint: this.endpoint, credentials: CENTRAL_CREDENTIALS },
      poster: { batchDelayMs: 50 },
    });

    // SNS delivers to a queue (moto signs HTTP deliveries with a fake signature); the bridge signs them as SNS would.
    const sqs = this.world.client(SQSClient, 'us-east-1');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: DEMO_SNS_QUEUE }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const topicArn = `arn:aws:sns:us-east-1:${CENTRAL}:${NAMES.topic}`;
    await this.world
      .client(SNSClient, 'us-east-1')
      .send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn! }));
    this.bridge = new SnsHttpsBridge({
      sqs,
      queueUrl: QueueUrl!,
      endpoint: `${this.app.url}/sns`,
      keyPath: TEST_CERT_PATH.replace('test-signing-cert.pem', 'test-signing-key.pem'),
      onDelivery: (m, status) => {
        this.deliveries.push({ at: performance.now() - this.t0, status, alert: JSON.parse(m.Message) as Alert });
        this.mark(`SNS delivered the alert to the Slack app's /sns, signature verified (HTTP ${status})`);
      },
      onError: (e) => this.log(`  sns bridge error: ${String(e)}`),
    });

    // The remediator as deployed: the committed bundle, with the environment of the function TrailGuard created.
    const fn = await this.world
      .client(LambdaClient, 'us-east-1')
      .send(new GetFunctionConfigurationCommand({ FunctionName: NAMES.remediatorFunction }));
    Object.assign(process.env, fn.Environment?.Variables ?? {}, { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
    const bundle = (await import(pathToFileURL(join(findRemediatorDir(), 'index.js')).href)) as {
      handler: (e: unknown, c: unknown) => Promise<unknown>;
    };
    this.handler = bundle.handler;
    this.runner = new LambdaSqsRunner({
      sqs,
      queueUrl: await this.queueUrl(NAMES.eventsQueue),
      handler: bundle.handler,
      // Moto delivers cross-account events without the envelope's `account` and with the target's region;
      // EventBridge keeps the source's. Restore both from the CloudTrail record itself.
      adapt: (body) => {
        const event = JSON.parse(body) as Envelope;
        if (isCanaryEvent(event)) {
          this.mark(
            `canary reached ${NAMES.eventsQueue}: forwarded by ${NAMES.forwardRule}, matched ${NAMES.tamperRule} on the central bus`,
          );
          return body;
        }
        const guarded = event.source === 'aws.events' || event.source === 'aws.iam';
        // The member rule that forwarded it: calls on trailguard-forward go through the guard, calls on the guard through the forward rule.
        const by = !guarded
          ? NAMES.forwardRule
          : event.detail.requestParameters?.name === NAMES.guardRule || event.detail.requestParameters?.rule === NAMES.guardRule
            ? NAMES.forwardRule
            : NAMES.guardRule;
        this.mark(
          `event reached ${NAMES.eventsQueue}: forwarded by ${by}, matched ${guarded ? NAMES.guardRule : NAMES.tamperRule} on the central bus (${event.detail.eventName})`,
        );
        return JSON.stringify({ ...event, account: event.detail.recipientAccountId, region: event.detail.awsRegion });
      },
      onBatch: (_records, result) => {
        for (const r of (result as SqsBatchResult).results) {
          this.results.push({ at: performance.now() - this.t0, result: r });
          const on = (r as PipelineResult).resource?.name ?? r.trail;
          this.mark(
            `remediator handler: ${r.outcome} ${r.eventName} on ${on} in ${r.account}/${r.region} (${r.actions.join(', ') || 'no action'})`,
          );
        }
      },
      onError: (e) => this.log(`  lambda runner error: ${String(e)}`),
    });
    await this.runner.start();
    await this.bridge.start();
  }

  member(name: string): { id: string; name: string } {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  /** Puts a CloudTrail record on the member's default bus, as CloudTrail would deliver it to EventBridge. */
  private async putRecord(account: string, region: string, event: Envelope): Promise<void> {
    const events = await this.world.memberClient(EventBridgeClient, account, region);
    const out = await events.send(
      new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }),
    );
    if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(out.Entries)}`);
    this.mark(`CloudTrail record of ${event.detail.eventName} put on ${account}'s default bus in ${region}`);
  }

  /**
   * The attacker removes the forwarding rule's target and deletes it (EventBridge refuses to delete a rule with
   * targets): two calls, two CloudTrail records, which the guard rule forwards.
   */
  async deleteForwardRule(memberName: string, region: string): Promise<Envelope[]> {
    const m = this.member(memberName);
    const events = await this.world.memberClient(EventBridgeClient, m.id, region);
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: NAMES.forwardRule }));
    const ids = Targets.map((t) => t.Id!);
    await events.send(new RemoveTargetsCommand({ Rule: NAMES.forwardRule, Ids: ids }));
    await events.send(new DeleteRuleCommand({ Name: NAMES.forwardRule }));
    this.mark(`attacker (AdminAccess/jdoe) called RemoveTargets and DeleteRule on ${NAMES.forwardRule} in ${m.name} ${m.id}/${region}`);
    const records = [
      guardRecord(m.id, region, 'RemoveTargets', { rule: NAMES.forwardRule, ids }),
      guardRecord(m.id, region, 'DeleteRule', { name: NAMES.forwardRule }),
    ];
    for (const record of records) await this.putRecord(m.id, region, record);
    return records;
  }

  /** The member rule as EventBridge has it now; null when it does not exist. */
  async memberRule(
    memberName: string,
    region: string,
    name: string,
  ): Promise<{ state: string; pattern: unknown; targets: { Id?: string; Arn?: string; RoleArn?: string }[] } | null> {
    const events = await this.world.memberClient(EventBridgeClient, this.member(memberName).id, region);
    try {
      const rule = await events.send(new DescribeRuleCommand({ Name: name }));
      const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: name }));
      return {
        state: rule.State!,
        pattern: JSON.parse(rule.EventPattern ?? 'null'),
        targets: Targets.map((t) => ({ Id: t.Id, Arn: t.Arn, RoleArn: t.RoleArn })),
      };
    } catch {
      return null;
    }
  }

  /** CloudTrail does not run in moto: the attacker's call is made, and its CloudTrail record is put on the member's default bus. */
  private async emit(account: string, region: string, fixture: 'stop-logging' | 'delete-trail', trail: string): Promise<Envelope> {
    const event = retarget(loadFixture(fixture), { account, region, trail, eventId: crypto.randomUUID() });
    event.detail.eventTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    event.detail.requestParameters.name = trail;
    await this.putRecord(account, region, event);
    return event;
  }

  async stopTrail(memberName: string, region: string): Promise<Envelope> {
    const m = this.member(memberName);
    const trail = TRAILS.find((t) => t.region === region)!.name;
    await (await this.world.memberClient(CloudTrailClient, m.id, region)).send(new StopLoggingCommand({ Name: trail }));
    this.mark(`attacker (AdminAccess/jdoe) called StopLogging on ${trail} in ${m.name} ${m.id}/${region}`);
    return this.emit(m.id, region, 'stop-logging', trail);
  }

  async deleteTrail(memberName: string, region: string): Promise<Envelope> {
    const m = this.member(memberName);
    const trail = TRAILS.find((t) => t.region === region)!.name;
    await (await this.world.memberClient(CloudTrailClient, m.id, region)).send(new DeleteTrailCommand({ Name: trail }));
    this.mark(`attacker called DeleteTrail on ${trail} in ${m.name} ${m.id}/${region}`);
    return this.emit(m.id, region, 'delete-trail', trail);
  }

  /**
   * Case 17 (Stratus Red Team's organizations-leave): the attacker tries to take the member out of the organization,
   * and with it out of organization trails and TrailGuard's member list. The organization's SCP refuses the call
   * (moto has no SCPs, so it is not made); its CloudTrail record, AccessDeniedException included, goes to the member's
   * default bus in us-east-1, where Organizations records its calls.
   */
  async attemptLeaveOrganization(memberName: string): Promise<Envelope> {
    const m = this.member(memberName);
    const event = retargetAccounts(loadCase('17-stratus-organizations-leave').event as Envelope, { '222222222222': m.id });
    event.detail.eventID = crypto.randomUUID();
    event.detail.eventTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.mark(`attacker called LeaveOrganization in ${m.name} ${m.id}; an SCP refused it (AccessDeniedException)`);
    await this.putRecord(m.id, 'us-east-1', event);
    return event;
  }

  async trailState(memberName: string, region: string): Promise<{ exists: boolean; isLogging: boolean }> {
    const m = this.member(memberName);
    const trail = TRAILS.find((t) => t.region === region)!.name;
    const client = await this.world.memberClient(CloudTrailClient, m.id, region);
    try {
      await client.send(new GetTrailCommand({ Name: trail }));
    } catch {
      return { exists: false, isLogging: false };
    }
    return { exists: true, isLogging: (await client.send(new GetTrailStatusCommand({ Name: trail }))).IsLogging === true };
  }

  async waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A responder clicks Acknowledge: a request signed as Slack signs it. */
  async acknowledge(alertId: string): Promise<number> {
    const incident = await this.app.services.store.get(alertId);
    const res = await postSigned(
      `${this.app.url}/slack/events`,
      blockAction(ACTION_ACK, alertId, RESPONDER, CHANNEL, incident?.ts ?? '', this.slack.responseUrl('ack')),
      { secret: SIGNING_SECRET },
    );
    return res.status;
  }

  /** /trail-status as Slack sends it; resolves to what the app answered through response_url. */
  async trailStatus(text = ''): Promise<Record<string, unknown>> {
    const before = this.slack.responses.length;
    const id = `status-${crypto.randomUUID().slice(0, 8)}`;
    const res = await postSigned(`${this.app.url}/slack/events`, slashCommand(text, RESPONDER, CHANNEL, this.slack.responseUrl(id)), {
      secret: SIGNING_SECRET,
    });
    if (res.status !== 200) throw new Error(`/trail-status answered HTTP ${res.status}`);
    return (await this.waitFor('the /trail-status answer', () => this.slack.responses.slice(before).find((r) => r.path.endsWith(id)))).body;
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    await this.bridge?.stop();
    await this.app?.stop();
    await this.slack?.close();
    await this.moto?.stop();
  }
}

/** The CloudTrail record of an EventBridge call by the demo's attacker (AdminAccess/jdoe), as EventBridge delivers it. */
function guardRecord(account: string, region: string, eventName: string, requestParameters: Record<string, unknown>): Envelope {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.events',
    account,
    time: now,
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE2222:jdoe',
        arn: `arn:aws:sts::${account}:assumed-role/AdminAccess/jdoe`,
        accountId: account,
        sessionContext: {
          sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/AdminAccess`, accountId: account, userName: 'AdminAccess' },
        },
      },
      eventTime: now,
      eventSource: 'events.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.22.4',
      requestParameters,
      responseElements: null,
      requestID: crypto.randomUUID(),
      eventID: crypto.randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}
