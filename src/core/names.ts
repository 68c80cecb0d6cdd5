// Default resource names from DESIGN.md ("Resources"); external code relies on them.
export const NAMES = {
  bus: 'trailguard',
  tamperRule: 'trailguard-tamper',
  forwardRule: 'trailguard-forward',
  /** Member rule (and its central twin on the TrailGuard bus) for calls that touch TrailGuard's own rules and roles. */
  guardRule: 'trailguard-guard',
  /**
   * Central default bus rule watching the central account's own chain (its rules, the `trailguard` bus grants, the
   * remediator, its event source mappings, TrailGuard's queues); `trailguard-sweep-guard` watches it in turn.
   */
  centralGuardRule: 'trailguard-central-guard',
  forwarderRole: 'trailguard-forwarder',
  remediatorFunction: 'trailguard-remediator',
  remediatorRole: 'trailguard-remediator',
  topic: 'trailguard-alerts',
  dlq: 'trailguard-dlq',
  eventsQueue: 'trailguard-events',
  /** Dead-letter queue of the alerts topic's HTTPS subscription (the Slack app): deliveries SNS gave up on. */
  alertsDlq: 'trailguard-alerts-dlq',
  /** The Slack app on Lambda (`slack.deploy: lambda`): its function, the role it runs as and its DynamoDB store. */
  slackFunction: 'trailguard-slack',
  slackRole: 'trailguard-slack',
  slackTable: 'trailguard-slack',
  /** EventBridge Scheduler schedule invoking `trailguard-slack` every minute to post alerts still waiting for Slack. */
  slackSchedule: 'trailguard-slack-drain',
  /** The role that schedule invokes the function as. */
  slackSchedulerRole: 'trailguard-slack-scheduler',
  /**
   * CloudWatch alarms watching the remediator from outside it (it cannot report its own throttling, failure or a
   * disabled queue mapping), each publishing to `trailguard-alerts`.
   */
  alarms: {
    /** trailguard-dlq has messages: tamper records the remediator never handled. */
    dlq: 'trailguard-dlq-messages',
    /** trailguard-sweep-dlq has messages: sweep messages the remediator failed three times. */
    sweepDlq: 'trailguard-sweep-dlq-messages',
    /** trailguard-alerts-dlq has messages: alerts SNS could not deliver to the Slack app. */
    alertsDlq: 'trailguard-alerts-dlq-messages',
    /** The remediator was throttled (e.g. reserved concurrency set to 0). */
    throttles: 'trailguard-remediator-throttles',
    /** The remediator failed (an invocation ended in an error). */
    errors: 'trailguard-remediator-errors',
    /** No sweep message was taken from trailguard-sweep in twice the schedule (`sweep.schedule` set). */
    sweepMissing: 'trailguard-sweep-missing',
    /** The oldest tamper record on trailguard-events waits over 5 minutes (`remediator.delivery: queue`). */
    eventsAge: 'trailguard-events-age',
  },
} as const;

export const MANAGED_TAG = { key: 'trailguard:managed', value: 'true' } as const;
