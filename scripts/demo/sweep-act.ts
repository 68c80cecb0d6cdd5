// Act 4 of the demo: the scheduled sweep, driven as Lambda's SQS integration would drive it, finds what no event reported.
import { CloudTrailClient, GetTrailStatusCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { DeleteRuleCommand, EventBridgeClient, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Alert } from '#core/alert.js';
import { START_SWEEP_MESSAGE, SWEEP_NAMES } from '#core/sweep.js';
import { NAMES } from '#core/names.js';
import { LambdaSqsRunner } from './lambda-runner.js';
import { TRAILS, type DemoWorld } from './world.js';

/** Drives sweeps on the demo's moto: the schedule's message, then the sweep queue's mapping until it is empty. */
export class DemoSweeper {
  private runner!: LambdaSqsRunner;
  private sqs!: SQSClient;
  private queues!: { sweep: string; events: string };

  constructor(private readonly demo: DemoWorld) {}

  async start(): Promise<void> {
    this.sqs = this.demo.world.client(SQSClient, 'us-east-1');
    const url = async (name: string) => (await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    this.queues = { sweep: await url(SWEEP_NAMES.queue), events: await url(NAMES.eventsQueue) };
    // One account per invocation, as the mapping apply creates (batch size 1).
    this.runner = new LambdaSqsRunner({ sqs: this.sqs, queueUrl: this.queues.sweep, handler: this.demo.handler, batchSize: 1 });
    await this.runner.start();
    await this.runner.stop();
  }

  private async pending(queueUrl: string): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  /** One sweep: resolves once the planner, every worker and every canary's way back are done; to the alerts it produced. */
  async sweep(): Promise<Alert[]> {
    const before = this.demo.deliveries.length;
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queues.sweep, MessageBody: JSON.stringify(START_SWEEP_MESSAGE) }));
    this.demo.mark(`the schedule put ${JSON.stringify(START_SWEEP_MESSAGE)} on ${SWEEP_NAMES.queue}`);
    while ((await this.runner.pollOnce()) > 0 || (await this.pending(this.queues.sweep)) > 0);
    // The events runner takes the canaries in the background; the bridge then delivers the alerts to the Slack app.
    await this.demo.waitFor('the canaries', async () => (await this.pending(this.queues.events)) === 0);
    await new Promise((r) => setTimeout(r, 1500));
    return this.demo.deliveries.slice(before).map((d) => d.alert);
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
  }
}

/** Runs act 4; `check` records each claim the way the other acts do. */
export async function sweepAct(demo: DemoWorld, say: (line?: string) => void, check: (ok: boolean, what: string) => void): Promise<void> {
  // The demo sweeps back to back: judge each canary at the next sweep instead of after the default 60 s.
  process.env.TRAILGUARD_SWEEP = JSON.stringify({ ...JSON.parse(process.env.TRAILGUARD_SWEEP ?? '{}'), canaryGraceSeconds: 0 });
  const sweeper = new DemoSweeper(demo);
  await sweeper.start();
  try {
    say("\n8. The sweep: every 15 minutes the schedule starts one; here the runner plays the sweep queue's mapping.");
    // The members' trails were created before TrailGuard, with settings the baseline does not have: no event ever said so.
    const catchUp = await sweeper.sweep();
    for (const a of catchUp)
      say(`   first sweep: ${a.outcome} (trigger ${a.trigger}) ${a.trail?.name ?? ''} in ${a.account}/${a.region}: ${a.reason}`);
    check(
      catchUp.every((a) => a.trigger === 'sweep' && a.outcome === 'restored'),
      `the first sweep restored ${catchUp.length} trails that differed from the baseline since before TrailGuard, one alert each`,
    );
    const first = await sweeper.sweep();
    const second = await sweeper.sweep();
    for (const a of [...first, ...second]) say(`   unexpected: ${a.outcome} (${a.trigger}) ${a.account}/${a.region}: ${a.reason}`);
    check(
      first.length === 0 && second.length === 0,
      'a healthy organization then sweeps twice with zero alerts (canaries came back from every member-region)',
    );

    const victim = demo.member('sandbox');
    const trail = TRAILS.find((t) => t.region === 'eu-west-1')!.name;
    const cloudtrail = await demo.world.memberClient(CloudTrailClient, victim.id, 'eu-west-1');
    await cloudtrail.send(new StopLoggingCommand({ Name: trail }));
    say(`   ${victim.name}: ${trail} stopped in eu-west-1, and its CloudTrail record never reaches EventBridge (delivery is best effort).`);
    const found = await sweeper.sweep();
    const restarted = found.find((a) => a.trigger === 'sweep' && a.outcome === 'restarted' && a.account === victim.id);
    say(`   sweep alert: ${restarted ? `${restarted.outcome}, trigger ${restarted.trigger}: ${restarted.reason}` : 'none'}`);
    check(
      Boolean(restarted?.reason?.startsWith('found off by the sweep; no StopLogging event reached TrailGuard')) &&
        (await cloudtrail.send(new GetTrailStatusCommand({ Name: trail }))).IsLogging === true,
      'the next sweep restarted the trail with a trigger: sweep alert saying no StopLogging event reached TrailGuard',
    );

    const events = await demo.world.memberClient(EventBridgeClient, victim.id, 'us-east-1');
    await events.send(new RemoveTargetsCommand({ Rule: NAMES.forwardRule, Ids: ['trailguard-central-bus'] }));
    await events.send(new DeleteRuleCommand({ Name: NAMES.forwardRule }));
    say(`   ${victim.name}: ${NAMES.forwardRule} deleted in us-east-1, and no record of it arrives either.`);
    const broken = await sweeper.sweep();
    const pipeline = broken.find((a) => a.outcome === 'pipeline-broken' && a.account === victim.id && a.region === 'us-east-1');
    say(`   sweep alert: ${pipeline ? `${pipeline.outcome}: ${pipeline.reason}` : 'none'}`);
    check(Boolean(pipeline), 'the sweep reported pipeline-broken for that member-region');
    const repair = await demo.trailguard('apply');
    check(repair.code === 0, 'trailguard apply put the forwarding rule back');
    const resolved = await sweeper.sweep();
    check(
      resolved.some((a) => a.outcome === 'resolved' && a.resolves === pipeline?.id),
      'the next sweep published resolved for the earlier pipeline-broken alert',
    );
  } finally {
    await sweeper.stop();
  }
}
