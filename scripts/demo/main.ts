// `npm run demo [-- --keep]`: TrailGuard end to end on a local AWS emulator and a stand-in for Slack, with a timeline of each hop.
import { resolve } from 'node:path';
import { ensureMoto } from '../moto.js';
import { blockKitBuilderLink, renderMessage } from './terminal.js';
import { forwardPattern } from '#core/desired-state.js';
import { WATCHED_EVENTS } from '#core/config.js';
import { canonical } from '#core/plan.js';
import { CENTRAL, CHANNEL, DemoWorld, REGIONS, RESPONDER, TRAILS } from './world.js';
import { productionAct } from './production-act.js';
import { sweepAct } from './sweep-act.js';

const keep = process.argv.includes('--keep');
const started = performance.now();
const say = (line = '') => process.stdout.write(`${line}\n`);
const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
let linked = false;

say('TrailGuard demo: an AWS Organization on a local emulator (moto) and a stand-in for Slack; no AWS account or workspace needed.\n');
await ensureMoto((line) => say(`  ${line}`));
const demo = await DemoWorld.create({
  dir: resolve('.trailguard', 'demo'),
  log: (line) => say(line),
  onSlack: (call) => {
    if (call.method !== 'chat.postMessage' && call.method !== 'chat.update') return;
    const where = call.args.thread_ts ? `thread of ${String(call.args.thread_ts)}` : `#${String(call.args.channel)}`;
    say(`\n  [slack stand-in] ${call.method} in ${where}:`);
    say(renderMessage(call.args));
    if (!linked && call.method === 'chat.postMessage' && !call.args.thread_ts) {
      linked = true;
      say(`    See it rendered in Slack's Block Kit Builder: ${blockKitBuilderLink(call.args)}`);
    }
  },
});

let failed = false;
const check = (ok: boolean, what: string) => {
  say(`  ${ok ? '✔' : '✘'} ${what}`);
  if (!ok) failed = true;
};

try {
  say(`1. Moto is the AWS of this demo: ${demo.endpoint}`);
  await demo.createOrganization();
  say(`2. Organization: central (security) account ${CENTRAL}; members ${demo.members.map((m) => `${m.name} ${m.id}`).join(', ')}`);
  say(`   every member has ${TRAILS.map((t) => `${t.name} in ${t.region}`).join(' and ')}, logging.`);
  say(`3. Generated ${demo.writeConfig()} (organization: true, regions: auto, delivery: queue, a baseline for both trails)`);
  say(
    `   regions: auto: TrailGuard lists each member's trails and watches every home region it finds (${REGIONS.join(', ')}) plus the central region.`,
  );

  const plan = await demo.trailguard('plan');
  say(`\n$ trailguard plan --config ${demo.configPath}   (exit ${plan.code}: drift, nothing deployed yet)\n${indent(plan.stdout)}`);
  const apply = await demo.trailguard('apply');
  say(`\n$ trailguard apply --config ${demo.configPath}   (exit ${apply.code})\n${indent(apply.stdout)}`);
  check(apply.code === 0, 'apply converged the pipeline and verified zero drift');
  if (apply.code !== 0) throw new Error(apply.stderr);

  await demo.startServices();
  say(`\n4. Slack app listening on ${demo.app.url} (POST /slack/events, POST /sns, GET /healthz); channel ${CHANNEL}`);
  say('   SNS delivers alerts to a queue; a local bridge signs each one as SNS does (a test-only key the app trusts via');
  say('   TRAILGUARD_SNS_TRUSTED_CERT) and POSTs it to /sns. The remediator is dist/remediator/index.js, run by a local');
  say("   stand-in for Lambda's SQS integration with the environment of the function TrailGuard deployed. Moto drops the");
  say("   envelope's account and region on cross-account delivery: the runner restores them from the CloudTrail record.");

  const victim = demo.member('payments-prod');
  say(`\n5. The attack: stop ${TRAILS[1].name} in ${victim.name} (${victim.id}), region ${TRAILS[1].region}`);
  demo.startClock();
  const event = await demo.stopTrail(victim.name, 'eu-west-1');
  const eventId = event.detail.eventID as string;
  const result = await demo.waitFor('the remediator', () => demo.results.find((r) => r.result.eventId === eventId));
  const state = await demo.trailState(victim.name, 'eu-west-1');
  demo.mark(`${TRAILS[1].name} in ${victim.id}/eu-west-1 is logging again: ${state.isLogging}`);
  const incident = await demo.waitFor('the Slack message', async () => {
    const i = await demo.app.services.store.get(eventId);
    return i?.state === 'posted' ? i : undefined;
  });
  demo.mark(`alert posted to #${CHANNEL} (ts ${incident.ts})`);
  const ackStatus = await demo.acknowledge(eventId);
  const acked = await demo.waitFor('the acknowledgement', async () => (await demo.app.services.store.get(eventId))?.acknowledgedBy);
  await demo.waitFor('the message update', () => demo.slack.ok('chat.update').some((c) => c.args.ts === incident.ts));
  demo.mark(`signed Acknowledge click by @${acked} (HTTP ${ackStatus}): stored, message updated in place`);
  const status = await demo.trailStatus();
  demo.mark(`/trail-status answered: ${String(status.text)}`);
  say(`\n$ /trail-status   (ephemeral answer)\n${renderMessage(status)}`);

  say("\nTimeline (since the attacker's call):");
  for (const hop of demo.hops) say(`  +${hop.at.toFixed(0).padStart(5)} ms  ${hop.what}`);
  say('');
  check(result.result.outcome === 'restarted', `remediator outcome: ${result.result.outcome}`);
  check(state.isLogging, `${TRAILS[1].name} is logging again`);
  check(demo.deliveries.filter((d) => d.alert.id === eventId).length === 1, 'the alert was delivered to the Slack app once');
  check(demo.slack.ok('chat.postMessage').filter((c) => !c.args.thread_ts).length === 1, 'one alert message was posted');
  check(acked === RESPONDER, `acknowledgement stored for @${RESPONDER}`);
  check(String(status.text).includes('healthy'), '/trail-status shows the organization healthy');

  // Act 2: the attacker knows about TrailGuard and removes the forwarding rule before stopping the trail.
  const target = demo.member('sandbox');
  say(
    `\n6. The attack on the pipeline: delete trailguard-forward in ${target.name} (${target.id}), region eu-west-1, then stop ${TRAILS[1].name} there`,
  );
  demo.startClock();
  const ruleRecords = await demo.deleteForwardRule(target.name, 'eu-west-1');
  const ruleIds = ruleRecords.map((r) => r.detail.eventID as string);
  const guarded = await demo.waitFor('the guard events', () => {
    const found = ruleIds.map((id) => demo.results.find((r) => r.result.eventId === id)?.result);
    return found.every(Boolean) ? found : undefined;
  });
  const rule = await demo.memberRule(target.name, 'eu-west-1', 'trailguard-forward');
  demo.mark(
    `trailguard-forward in ${target.id}/eu-west-1 exists again: ${rule ? `${rule.state}, target ${rule.targets.map((t) => t.Arn).join(', ')}` : 'NO'}`,
  );
  const stop2 = await demo.stopTrail(target.name, 'eu-west-1');
  const stopId2 = stop2.detail.eventID as string;
  const restarted = await demo.waitFor('the remediator', () => demo.results.find((r) => r.result.eventId === stopId2));
  const state2 = await demo.trailState(target.name, 'eu-west-1');
  demo.mark(`${TRAILS[1].name} in ${target.id}/eu-west-1 is logging again: ${state2.isLogging}`);
  const posted2 = await demo.waitFor('the Slack messages', async () => {
    const incidents = await Promise.all([...ruleIds, stopId2].map((id) => demo.app.services.store.get(id)));
    return incidents.every((i) => i?.state === 'posted') ? incidents : undefined;
  });
  demo.mark(
    `alerts in #${CHANNEL}: ${[...new Set(posted2.map((i) => i!.ts))].length} messages for ${posted2.length} alerts (repeats of the same rule go to its thread)`,
  );

  say("\nTimeline (since the attacker's first call):");
  for (const hop of demo.hops) say(`  +${hop.at.toFixed(0).padStart(5)} ms  ${hop.what}`);
  say('');
  check(
    guarded.every((r) => r!.outcome === 'pipeline-tampered'),
    `remediator outcome for ${guarded.map((r) => r!.eventName).join(' and ')}: ${guarded.map((r) => r!.outcome).join(', ')}`,
  );
  check(
    rule !== null &&
      rule.state === 'ENABLED' &&
      canonical(rule.pattern) === canonical(forwardPattern(WATCHED_EVENTS)) &&
      rule.targets.length === 1 &&
      rule.targets[0]!.Arn === `arn:aws:events:us-east-1:${CENTRAL}:event-bus/trailguard`,
    'trailguard-forward is back: enabled, its pattern, one target (the central bus through trailguard-forwarder)',
  );
  check(
    restarted.result.outcome === 'restarted' && state2.isLogging,
    `the StopLogging that followed went through the restored rule: ${restarted.result.outcome}, ${TRAILS[1].name} logging`,
  );
  const pipelineAlerts = demo.deliveries.filter((d) => ruleIds.includes(d.alert.id));
  check(
    pipelineAlerts.length === 2 &&
      pipelineAlerts.every((d) => d.alert.trail === null && d.alert.resource.name === 'trailguard-forward') &&
      pipelineAlerts.some((d) => d.alert.trail === null && d.alert.resource.restored === true),
    'two pipeline-tampered alerts reached the Slack app, naming trailguard-forward, one saying it was restored',
  );
  check(
    demo.slack
      .ok('chat.postMessage')
      .some((c) => JSON.stringify(c.args).includes('pipeline-tampered') && JSON.stringify(c.args).includes('trailguard-forward')),
    'Slack shows the pipeline-tampered message',
  );
  check((await demo.trailguard('plan')).code === 0, 'trailguard plan: no drift left');

  // Act 3: a trail homed where no rule forwards: its StopLogging would never be seen. Never green while blind.
  const owner = demo.member('data-platform');
  say(`\n7. A new trail in a region nobody watches: ${owner.name} (${owner.id}) creates shadow-audit, homed in ap-south-1`);
  await demo.world.createLoggingTrail(owner.id, 'ap-south-1', 'shadow-audit', `trailguard-demo-shadow-${owner.id}`, true);
  const blind = await demo.trailguard('status');
  const southLines = blind.stdout.split('\n').filter((l) => l.includes('ap-south-1'));
  say(`\n$ trailguard status --config ${demo.configPath}   (exit ${blind.code}; its ap-south-1 rows)\n${indent(southLines.join('\n'))}`);
  check(
    blind.code === 2 && southLines.some((l) => l.includes('trailguard-forward')),
    'status exits 2: nothing forwards tampering from ap-south-1 yet, and it says so',
  );
  const widen = await demo.trailguard('apply');
  say(`\n$ trailguard apply --config ${demo.configPath}   (exit ${widen.code}: regions: auto found ap-south-1)`);
  check(widen.code === 0, 'apply added the forwarding and guard rules in ap-south-1');
  const watched = await demo.trailguard('status');
  check(watched.code === 0, `status exits 0 again: every trail's home region is watched`);

  // Act 4: the log-impairment family: blinding CloudTrail without touching a trail (case 17, organizations-leave).
  const leaver = demo.member('sandbox');
  say(`\n7b. Blinding without StopLogging: ${leaver.name} (${leaver.id}) tries to leave the organization`);
  const leave = await demo.attemptLeaveOrganization(leaver.name);
  const leaveId = leave.detail.eventID as string;
  const left = await demo.waitFor('the remediator', () => demo.results.find((r) => r.result.eventId === leaveId));
  check(left.result.outcome === 'blocked', `remediator outcome for LeaveOrganization: ${left.result.outcome} (the call itself failed)`);
  await demo.waitFor('the Slack message', async () => (await demo.app.services.store.get(leaveId))?.state === 'posted');
  check(
    demo.slack.ok('chat.postMessage').some((c) => JSON.stringify(c.args).includes('LeaveOrganization')),
    'Slack shows the LeaveOrganization attempt',
  );

  // Act 5: what no event reports. The sweep finds it, repairs it through the same decisions, and proves the path with canaries.
  await sweepAct(demo, say, check);

  // Act 6: the Slack app in production: a topic message that is not an alert is still shown, and apply deploys the app.
  await productionAct(demo, say, check);

  say(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  failed = true;
  say(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
}

if (keep && !failed) {
  say('\n--keep: everything stays up until Ctrl-C. Try:');
  say(
    `  AWS_ENDPOINT_URL=${demo.endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 npm run trailguard -- status --config ${demo.configPath}`,
  );
  say(`  curl ${demo.app.url}/healthz`);
  await new Promise<void>((resolveStop) => process.once('SIGINT', () => resolveStop()));
}
await demo.stop();
process.exit(failed ? 1 : 0);
