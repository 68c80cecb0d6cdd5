export const id = 217;
export const ids = [217];
export const modules = {

/***/ 2217:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  planSweep: () => (/* binding */ planSweep),
  sweepAccount: () => (/* binding */ sweepAccount)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudtrail/dist-cjs/index.js
var dist_cjs = __webpack_require__(7392);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-eventbridge/dist-cjs/index.js
var client_eventbridge_dist_cjs = __webpack_require__(6612);
// EXTERNAL MODULE: ./src/core/alert.ts
var core_alert = __webpack_require__(6173);
// EXTERNAL MODULE: ./src/core/arn.ts
var core_arn = __webpack_require__(7136);
// EXTERNAL MODULE: ./src/core/aws/kinds/common.ts
var common = __webpack_require__(9124);
// EXTERNAL MODULE: ./src/core/aws/cloudtrail.ts
var cloudtrail = __webpack_require__(2934);
// EXTERNAL MODULE: ./src/core/delivery.ts
var delivery = __webpack_require__(7847);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/event-selectors.ts
var event_selectors = __webpack_require__(7556);
// EXTERNAL MODULE: ./src/core/names.ts
var core_names = __webpack_require__(2483);
;// CONCATENATED MODULE: ./src/core/status.ts
// Trail status across accounts and regions, as rows: every trail, whether it logs, its last delivery; for the CLI and
// the Slack app. Pure: `collectTrailStatus` (src/core/aws/trail-status.ts) reads AWS and hands the answers to these.


const NO_TRAIL = 'no trail covers this region';
/** A row with nothing read: the account or region could not be read (`error`), or no trail covers it (NO_TRAIL). */
function blankStatusRow(account, name, region, error) {
    return {
        account,
        name,
        region,
        trail: null,
        arn: null,
        multiRegion: false,
        isLogging: null,
        latestDeliveryTime: null,
        latestDeliveryError: null,
        error,
        uncovered: null,
    };
}
/**
 * The trails of one account to read the status of, each once: a multi-region trail shows in every region's
 * DescribeTrails, and a single-region trail outside the described regions is known from ListTrails (`listed`) alone.
 */
function trailsToRead(perRegion, listed = []) {
    const unique = new Map();
    for (const { region, trails } of perRegion) {
        for (const t of trails) {
            if (t.TrailARN && !unique.has(t.TrailARN))
                unique.set(t.TrailARN, {
                    arn: t.TrailARN,
                    trail: t.Name ?? t.TrailARN,
                    home: t.HomeRegion ?? region,
                    multiRegion: t.IsMultiRegionTrail === true,
                });
        }
    }
    for (const t of listed) {
        if (!unique.has(t.arn))
            unique.set(t.arn, { arn: t.arn, trail: t.name, home: t.homeRegion, multiRegion: false });
    }
    return [...unique.values()];
}
/**
 * One account's status rows from what was read: a row per trail (in its home region), then a row per described
 * region no trail covers (NO_TRAIL) or that could not be described (its error). With `watched`, an own trail (its ARN
 * names `account`) homed outside it is `uncovered`: no forwarding rule sees its tampering.
 */
function accountStatusRows(target, perRegion, readings, watched) {
    const { account, name } = target;
    const watchedSet = watched ? new Set(watched) : null;
    const uncoveredWhy = (t) => watchedSet && !watchedSet.has(t.home) && (0,core_arn/* parseTrailArn */.rU)(t.arn)?.account === account
        ? `not watched: no ${core_names/* NAMES */.X.forwardRule} rule in ${t.home}, so tampering with this trail is never seen`
        : null;
    const rows = readings.map(({ trail: t, reading }) => {
        const where = { trail: t.trail, arn: t.arn, multiRegion: t.multiRegion, uncovered: uncoveredWhy(t) };
        if ('error' in reading)
            return { ...blankStatusRow(account, name, t.home, reading.error), ...where };
        return { ...blankStatusRow(account, name, t.home, ''), ...where, ...reading.status, error: null };
    });
    // A stopped trail is its own row (LOGGING: NO); a gap row means no trail covers the region at all.
    const covered = (region) => rows.some((r) => r.region === region || r.multiRegion);
    const gaps = perRegion.flatMap(({ region, error }) => error ? [blankStatusRow(account, name, region, error)] : covered(region) ? [] : [blankStatusRow(account, name, region, NO_TRAIL)]);
    return [...rows, ...gaps];
}
/**
 * The account-regions where TrailGuard's own pipeline is not in place (a plan's rows other than `ok`), as status rows
 * with no trail and the reason as `error`: a trail that logs is not protected when nothing forwards its tampering.
 * Uncovered rows are left out: the trail's own row says it.
 */
function pipelineStatusRows(report) {
    return report.rows
        .filter((r) => r.status !== 'ok' && r.status !== 'uncovered')
        .map((r) => blankStatusRow(r.account, r.name, r.region, `pipeline ${r.status}: ${[...r.errors, ...r.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)].join('; ')}`));
}
/**
 * Whether a status row needs someone's attention: an error, a trail not logging, a trail that logs but cannot deliver
 * (its bucket gone or its policy removed: nothing is recorded anywhere), a gap, or a trail nobody watches.
 */
function needsAttention(r) {
    return Boolean(r.error || r.isLogging === false || r.latestDeliveryError || r.uncovered || r.selectorsProblem);
}
/** Rows that need attention first: errors, not logging, unwatched trails, gaps; then the healthy ones. */
function sortStatus(rows) {
    const rank = (r) => r.error && r.error !== NO_TRAIL
        ? 0
        : r.isLogging === false || r.latestDeliveryError || r.selectorsProblem
            ? 1
            : r.uncovered
                ? 2
                : r.error === NO_TRAIL
                    ? 3
                    : 4;
    return [...rows].sort((a, b) => rank(a) - rank(b) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

// EXTERNAL MODULE: ./src/core/sweep.ts + 1 modules
var sweep = __webpack_require__(8042);
// EXTERNAL MODULE: ./src/core/desired-state.ts + 2 modules
var desired_state = __webpack_require__(4135);
// EXTERNAL MODULE: ./lambda/alerting.ts
var alerting = __webpack_require__(9500);
// EXTERNAL MODULE: ./lambda/guard.ts + 2 modules
var guard = __webpack_require__(9586);
// EXTERNAL MODULE: ./lambda/remediate.ts
var remediate = __webpack_require__(8640);
// EXTERNAL MODULE: ./lambda/impairment/s3.ts
var s3 = __webpack_require__(1081);
// EXTERNAL MODULE: ./lambda/impairment/kms.ts
var kms = __webpack_require__(2434);
// EXTERNAL MODULE: ./lambda/impairment/storage-common.ts
var storage_common = __webpack_require__(9518);
;// CONCATENATED MODULE: ./lambda/sweep-storage.ts








/** The storage finding kinds, each judged by the handler of the call that would have caused it. */
const LOG_STORAGE_KINDS = ['lifecycle', 'bucket-policy', 'kms-key'];
const CHECKS = {
    bucket: [
        {
            kind: 'lifecycle',
            eventName: 'PutBucketLifecycleConfiguration',
            handler: s3/* lifecycle */.Bl,
            read: 's3:GetLifecycleConfiguration',
            pin: 's3BucketName with retentionDays',
        },
        {
            kind: 'bucket-policy',
            eventName: 'PutBucketPolicy',
            handler: s3/* policy */.JN,
            read: 's3:GetBucketPolicy',
            pin: 'none: a policy is alerted, never rewritten',
        },
    ],
    // restoreKey answers DisableKey and ScheduleKeyDeletion alike: it reads the key's state and undoes either.
    key: [{ kind: 'kms-key', eventName: 'DisableKey', handler: kms/* restoreKey */.eE, read: 'kms:DescribeKey', pin: 'kmsKeyId as a key ARN or key id' }],
};
const KEY_ARN = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
/** Where a trail's bucket and key are: the account and region whose TrailGuard role reads them. */
function storageOf(trail, owner, region, settings) {
    const baseline = settings.trails.find((b) => b.name === trail.Name);
    const p = (0,core_arn/* partitionOf */.iQ)(region);
    const out = [];
    if (trail.S3BucketName) {
        const name = (0,cloudtrail/* s3BucketNameOf */.FF)(trail.S3BucketName);
        // A bucket in a log archive is read there (`s3BucketAccount`), as the event path receives its calls from there.
        out.push({
            what: 'bucket',
            resource: { type: 's3-bucket', name, arn: `arn:${p}:s3:::${name}` },
            account: baseline?.s3BucketAccount ?? owner,
            region,
        });
    }
    if (trail.KmsKeyId) {
        // CloudTrail reports the key ARN, which names the key's account and region (KMS keeps a key in one region).
        const arn = KEY_ARN.exec(trail.KmsKeyId);
        out.push({
            what: 'key',
            resource: {
                type: 'kms-key',
                name: arn?.[3] ?? trail.KmsKeyId,
                arn: arn ? trail.KmsKeyId : `arn:${p}:kms:${region}:${owner}:key/${trail.KmsKeyId}`,
            },
            account: arn?.[2] ?? owner,
            region: arn?.[1] ?? region,
        });
    }
    return { baseline, out };
}
/** The record of a call the sweep did not receive but whose effect it reads: the sweep is its actor, so no allow pattern matches. */
function observedStorageEvent(eventName, resource, account, region, now) {
    return {
        id: `sweep/${eventName}/${resource.arn}/${now.toISOString()}`,
        eventName,
        eventSource: resource.type === 's3-bucket' ? 's3.amazonaws.com' : 'kms.amazonaws.com',
        eventTime: now.toISOString(),
        account,
        region,
        actor: { arn: 'trailguard-sweep', type: 'TrailGuardSweep', issuerArn: null, accountId: null, sourceIp: null, userAgent: null },
        errorCode: null,
        errorMessage: null,
        requestParameters: resource.type === 's3-bucket' ? { bucketName: resource.name } : { keyId: resource.name },
        responseElements: {},
        resource,
        problem: null,
    };
}
/** The region S3 says a bucket is in, from the `x-amz-bucket-region` header of a redirect or a refusal (also as a cause); else null. */
function bucketRegionOf(error) {
    for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
        const headers = e.$response?.headers;
        const region = headers?.['x-amz-bucket-region'];
        if (region)
            return region;
    }
    return null;
}
/**
 * Judges one swept trail's log storage as the event path judges a record of a call on it (lambda/impairment/s3.ts and
 * kms.ts): the bucket's lifecycle rules (PutBucketLifecycleConfiguration: an expiring rule that can reach the trail's
 * log keys is removed when the baseline pins `retentionDays`, else alerted; archiving rules alerted), its policy
 * (PutBucketPolicy: alerted when it locks CloudTrail out, "may be" when not certain) and its KMS key (DisableKey:
 * disabled or pending deletion is undone and verified). Each is read through TrailGuard's role in the account that
 * holds it (a baseline's `s3BucketAccount`; the account a key ARN names), in the trail's home region, or the bucket's
 * own region when S3 answers with `x-amz-bucket-region`. Resolves to the findings (finding `resource` the trail ARN,
 * kinds `lifecycle`, `bucket-policy`, `kms-key`); what cannot be read is a `failed` finding ("cannot confirm"), never
 * silence. Never throws.
 */
async function sweepLogStorage(trail, ctx, deps) {
    const arn = trail.TrailARN;
    const name = trail.Name ?? arn;
    const { baseline, out } = storageOf(trail, ctx.owner, ctx.region, deps.settings);
    // The handlers read the trail's status (best effort) in the resource's account; the trail is read where it was swept.
    const handlerDeps = {
        ...deps,
        cloudtrail: async (_account, region) => (region === ctx.region ? ctx.client : deps.cloudtrail(ctx.account, region)),
    };
    const judge = async (check, at) => {
        const now = deps.now();
        const finding = { account: ctx.account, region: ctx.region, kind: check.kind, resource: arn };
        let lastSteps;
        const run = async (region) => {
            const event = observedStorageEvent(check.eventName, at.resource, at.account, region, now);
            const watched = {
                name,
                arn,
                account: ctx.owner,
                region: ctx.region,
                baseline,
                discovered: true,
                writes: (0,storage_common/* writesOfListed */.Pd)(trail),
                logKeyPrefixes: (0,storage_common/* bucketLogPrefixes */.df)(at.resource, event, [trail], deps.settings),
            };
            const steps = new storage_common/* Steps */.gj(at.resource);
            lastSteps = steps;
            const ctxOf = { event, resource: at.resource, trail: watched, policy: deps.settings, deps: handlerDeps, steps, ownRole: false };
            return { event, steps, repair: await check.handler(ctxOf) };
        };
        let result;
        try {
            try {
                result = await run(at.region);
            }
            catch (error) {
                const actual = at.what === 'bucket' ? bucketRegionOf(error) : null;
                // Only a region TrailGuard knows: a header is not a reason to send TrailGuard's credentials anywhere else.
                if (!actual || actual === at.region || !(0,core_arn/* isKnownRegion */.Kk)(actual))
                    throw error;
                result = await run(actual);
            }
        }
        catch (error) {
            const text = (0,errors/* errorText */.kc)(error);
            const denied = /AccessDenied|Forbidden/i.test((0,errors/* errorCode */.CA)(error));
            // A read that succeeded (recorded as a step) means the state is known and only the repair failed.
            const actions = lastSteps?.actions ?? [];
            const read = actions.length > 0;
            const hint = !denied
                ? ''
                : read
                    ? `; TrailGuard's role in ${at.account} may not repair it: pin it in the baseline of trail ${name} (${check.pin}) and run apply, which grants exactly that`
                    : `; TrailGuard's role in ${at.account} may not read it (${check.read})${at.what === 'bucket' && !baseline?.s3BucketAccount ? `, or the bucket is in another account: name it in the baseline of trail ${name} (s3BucketAccount)` : ''}`;
            const reason = read
                ? `found by the sweep: the ${check.kind} of ${at.resource.type} ${at.resource.name} of trail ${name} needs a repair that failed (${text})${hint}`
                : `found by the sweep: cannot confirm the ${check.kind} of ${at.resource.type} ${at.resource.name} of trail ${name} (${text})${hint}; CloudTrail's logs there may be deleted or undeliverable unseen`;
            const event = observedStorageEvent(check.eventName, at.resource, at.account, at.region, now);
            return {
                finding,
                repaired: false,
                outcome: 'failed',
                reason,
                alert: () => storageAlert(event, finding, ctx, { name, arn, account: ctx.owner }, at.resource, {
                    outcome: 'failed',
                    reason,
                    error: text,
                    restored: false,
                    actions,
                    changes: [],
                }),
            };
        }
        const { event, steps, repair } = result;
        // Nothing to put back (compliant, or a policy that still lets CloudTrail deliver): no finding.
        if (repair.restored === null || repair.outcome === 'ignored' || repair.outcome === 'already-compliant')
            return null;
        const repaired = repair.outcome === 'restored';
        const reason = `found by the sweep (no ${check.eventName} record reached TrailGuard, or it predates TrailGuard); ${repair.reason}`;
        const outcome = repair.outcome;
        return {
            finding,
            repaired,
            outcome,
            reason,
            alert: () => storageAlert(event, finding, ctx, { name, arn, account: ctx.owner }, at.resource, {
                outcome,
                reason,
                error: outcome === 'failed' ? repair.reason : null,
                restored: repair.restored,
                actions: steps.actions,
                changes: repair.changes,
                isLogging: repair.isLogging ?? null,
                remediatedAt: repaired ? deps.now().toISOString() : null,
            }),
        };
    };
    const found = await Promise.all(out.flatMap((at) => CHECKS[at.what].map((check) => judge(check, at))));
    return found.filter((f) => f !== null);
}
function storageAlert(event, finding, ctx, trail, resource, facts) {
    return {
        ...(0,core_alert/* buildStorageAlert */.oY)(event, trail, resource, {
            outcome: facts.outcome,
            isLogging: facts.isLogging ?? null,
            remediatedAt: facts.remediatedAt ?? null,
            error: facts.error,
            actions: facts.actions,
            changes: facts.changes,
            reason: facts.reason,
            restored: facts.restored,
        }),
        id: `sweep/${ctx.sweepId}/${(0,sweep/* findingKey */.fl)(finding)}`.slice(0, 256),
        trigger: 'sweep',
    };
}

;// CONCATENATED MODULE: ./lambda/sweep.ts
// The scheduled sweep in the remediator: the planner (one SQS message per member) and the worker (one account's
// regions), repairing through the event path's own decision code and alerting each finding once.

















/**
 * The planner: records the sweep as started (`pk=sweep`) and enqueues one account message per member, each naming the
 * watched regions. Throws when the members cannot be listed or the messages not sent: the schedule's message is then
 * redriven and, past its retries, lands in `trailguard-sweep-dlq`.
 */
async function planSweep(deps, sweepId) {
    const startedAt = deps.now().toISOString();
    const id = sweepId ?? `sweep-${startedAt}`;
    let members;
    try {
        members = await deps.members();
        await alertSweepGap(deps, id);
        await deps.state.startSweep({ sweepId: id, startedAt, accounts: members.length });
        const messages = members.map((account) => ({
            trailguard: 'sweep',
            action: 'account',
            sweepId: id,
            account,
            regions: deps.sweep.regions,
            startedAt,
        }));
        await deps.enqueue(messages);
    }
    catch (error) {
        // A planner that cannot run leaves every account unswept: that must reach a responder, not only the sweep DLQ.
        const alert = plannerFailedAlert(deps, id, error);
        await (0,alerting/* publishOrThrow */.t)(deps, alert, { sweepId: id, outcome: alert.outcome, error: alert.error });
        throw error;
    }
    deps.log.info('sweep planned', { sweepId: id, accounts: members.length, regions: deps.sweep.regions });
    return { sweepId: id, accounts: members.length };
}
/**
 * Publishes a `pipeline-broken` alert about the schedule when the previous sweep (`sweep/latest`) is older than twice
 * `sweep.schedule`: the schedule was disabled or deleted in between and nothing said so. Throws when the table cannot
 * be read (the planner's failure alert then names the cause) or the alert cannot be published.
 */
async function alertSweepGap(deps, sweepId) {
    const schedule = deps.sweep.schedule ?? null;
    if (!schedule)
        return;
    const previous = await deps.state.latestSweep();
    const reason = (0,sweep/* sweepGap */.Hf)(previous?.startedAt ?? null, schedule, deps.now());
    if (!reason)
        return;
    const alert = scheduleAlert(deps, `sweep/${sweepId}/schedule-gap`, reason);
    await (0,alerting/* publishOrThrow */.t)(deps, alert, { sweepId, outcome: alert.outcome, previousSweep: previous?.sweepId, reason });
}
/** A `pipeline-broken` alert about the central account's sweep schedule. */
function scheduleAlert(deps, id, reason) {
    return centralSweepAlert(deps, id, reason, 'scheduler-schedule', sweep/* SWEEP_NAMES */.OM.schedule, (at) => `arn:${at.partition}:scheduler:${at.region}:${at.account}:schedule/default/${sweep/* SWEEP_NAMES */.OM.schedule}`);
}
/** The `pipeline-broken` alert for a sweep whose planner failed: about the central account's `trailguard-sweep`. */
function plannerFailedAlert(deps, sweepId, error) {
    const reason = `sweep ${sweepId} could not start: ${(0,errors/* errorText */.kc)(error)}; no member account is swept and no canary is sent until it can (the message goes to trailguard-sweep-dlq)`;
    return scheduleAlert(deps, `sweep/${sweepId}/planner`, reason);
}
/** The `pipeline-broken` alert for a worker that could not read or write `trailguard-state` (alerts may repeat). */
function stateUnreadableAlert(deps, sweepId, account, error) {
    const reason = `the sweep of ${account} could not use ${sweep/* SWEEP_NAMES */.OM.table} (${error}): its findings were alerted without checking earlier alerts, so they may repeat, and no canary was judged`;
    return centralSweepAlert(deps, `sweep/${sweepId}/${account}/state`, reason, 'dynamodb-table', sweep/* SWEEP_NAMES */.OM.table, (at) => `arn:${at.partition}:dynamodb:${at.region}:${at.account}:table/${sweep/* SWEEP_NAMES */.OM.table}`);
}
/** A `pipeline-broken` alert about one of the sweep's own central resources (in the central bus's account and region). */
function centralSweepAlert(deps, id, reason, type, name, arnOf) {
    const [, partition = 'aws', , region = deps.settings.topicRegion, account = ''] = deps.sweep.centralBusArn.split(':');
    return {
        ...sweepAlertBase({ account, region, kind: 'unreadable', resource: name }, id, deps.now(), reason, 'sweep', null),
        error: reason,
        trail: null,
        resource: { type, name, arn: arnOf({ partition, region, account }), restored: false },
        outcome: 'pipeline-broken',
    };
}
const TRAIL_KINDS = [
    'not-logging',
    'baseline-drift',
    'selectors',
    'delivery-error',
    'missing',
    ...LOG_STORAGE_KINDS,
];
/**
 * A tamper record the sweep did not receive but whose effect it observed: the event path's decision code takes it as
 * input, so the sweep repairs exactly what an event would have repaired. The actor is the sweep itself (no ARN), so no
 * allow pattern and no loop protection can match it.
 */
function observedEvent(eventName, trail, region, account, now) {
    return {
        id: `sweep/${eventName}/${trail.arn}/${now.toISOString()}`,
        eventName,
        eventTime: now.toISOString(),
        account,
        region,
        eventRegion: region,
        trail,
        actor: { arn: 'trailguard-sweep', type: 'TrailGuardSweep', issuerArn: null, accountId: null, sourceIp: null, userAgent: null },
        errorCode: null,
        errorMessage: null,
        requestParameters: { name: trail.arn },
        responseElements: {},
    };
}
function sweepTrailAlert(event, decision, finding, sweepId, reason) {
    const outcome = decision.outcome === 'ignored' ? 'alert-only' : decision.outcome;
    return {
        ...(0,core_alert/* buildAlert */.TS)(event, { ...decision, outcome, reason }),
        id: `sweep/${sweepId}/${(0,sweep/* findingKey */.fl)(finding)}`.slice(0, 256),
        trigger: 'sweep',
    };
}
/** The fields every sweep alert fills the same way (the sweep is its actor; nothing was remediated by it). */
function sweepAlertBase(finding, id, now, reason, trigger, resolves) {
    return {
        schema: 'trailguard.alert/v1',
        id: id.slice(0, 256),
        account: finding.account,
        region: finding.region,
        actor: { arn: 'trailguard-sweep', type: 'TrailGuardSweep', sourceIp: null, userAgent: null, issuerArn: null },
        eventTime: now.toISOString(),
        remediatedAt: null,
        error: null,
        actions: [],
        changes: [],
        callError: null,
        reason,
        trigger,
        resolves,
        eventName: core_alert/* SWEEP_EVENT_NAME */.ud,
        isLogging: null,
    };
}
function pipelineAlert(finding, sweepId, now, fields) {
    const p = (0,core_arn/* partitionOf */.iQ)(finding.region);
    const name = finding.kind === 'rule' ? finding.resource : core_names/* NAMES */.X.forwardRule;
    const id = `${fields.outcome === 'resolved' ? 'resolved' : 'sweep'}/${sweepId}/${(0,sweep/* findingKey */.fl)(finding)}`;
    return {
        ...sweepAlertBase(finding, id, now, fields.reason, fields.trigger, fields.resolves ?? null),
        error: fields.outcome === 'pipeline-broken' ? fields.reason : null,
        ...(fields.lastCanaryAt !== undefined ? { lastCanaryAt: fields.lastCanaryAt } : {}),
        trail: null,
        resource: { type: 'event-rule', name, arn: `arn:${p}:events:${finding.region}:${finding.account}:rule/${name}`, restored: false },
        outcome: fields.outcome,
    };
}
/** The update for an earlier alert whose finding is gone: same target (trail or rule), `resolves` naming that alert. */
function resolvedAlert(item, sweepId, now) {
    const [account = '', region = '', kind = '', ...rest] = item.key.split('#');
    const finding = { account, region, kind: kind, resource: rest.join('#') };
    const reason = `the sweep no longer finds this (${kind} on ${finding.resource}, first seen ${item.firstSeenAt})`;
    if (!TRAIL_KINDS.includes(finding.kind) && !finding.resource.includes(':trail/')) {
        return pipelineAlert(finding, sweepId, now, { outcome: 'resolved', reason, trigger: 'sweep', resolves: item.alertId });
    }
    return {
        ...sweepAlertBase(finding, `resolved/${sweepId}/${item.key}`, now, reason, 'sweep', item.alertId),
        trail: { name: finding.resource.split(':trail/')[1] ?? finding.resource, arn: finding.resource, account },
        outcome: 'resolved',
    };
}
/**
 * Sweeps one trail homed in `region`: logging, baseline settings, event selectors, delivery errors. Read with the swept
 * account's client; `owner` (default the swept account) is where the event path's decisions repair it: the management
 * account for an organization trail seen from a member.
 */
async function sweepTrail(trail, ctx, deps) {
    const arn = trail.TrailARN;
    const target = { name: trail.Name ?? arn, arn, account: ctx.owner ?? ctx.account };
    const found = [];
    const decideAndRecord = async (eventName, kind, prefix) => {
        const now = deps.now();
        const event = observedEvent(eventName, target, ctx.region, ctx.account, now);
        const decision = await (0,remediate/* remediate */.ni)(event, deps.settings, deps);
        if (decision.outcome === 'already-compliant' || decision.outcome === 'ignored')
            return decision;
        const finding = { account: ctx.account, region: ctx.region, kind, resource: arn };
        const reason = prefix ? `${prefix}; ${decision.reason}` : `found by the sweep; ${decision.reason}`;
        const repaired = ['restarted', 'restored', 'recreated'].includes(decision.outcome);
        found.push({
            finding,
            repaired,
            outcome: decision.outcome,
            reason,
            alert: () => sweepTrailAlert(event, decision, finding, ctx.sweepId, reason),
        });
        return decision;
    };
    const raw = (await ctx.client.send(new dist_cjs/* GetTrailStatusCommand */.aMm({ Name: arn })));
    let isLogging = raw.IsLogging === true;
    if (!isLogging) {
        const decision = await decideAndRecord('StopLogging', 'not-logging', sweep/* FOUND_OFF_BY_SWEEP */.ym);
        isLogging = decision.isLogging === true;
    }
    if (deps.settings.trails.some((b) => b.name === target.name)) {
        // The UpdateTrail decision compares with the baseline and restores only what differs.
        const decision = await decideAndRecord('UpdateTrail', 'baseline-drift', null);
        if (decision.isLogging !== null)
            isLogging = decision.isLogging;
    }
    let selectors = await (0,cloudtrail/* getEventSelectors */.$R)(ctx.client, arn);
    if (!(0,event_selectors/* managementFullyRecorded */.i$)(selectors)) {
        await decideAndRecord('PutEventSelectors', 'selectors', null);
        selectors = await (0,cloudtrail/* getEventSelectors */.$R)(ctx.client, arn);
    }
    // The same reading the event path makes after a remediation (src/core/delivery.ts), each named as CloudTrail names it.
    const errors = (0,delivery/* deliveryFindings */.j)(raw).map((f) => `${f.field}: ${f.error}`);
    if (errors.length > 0) {
        const finding = { account: ctx.account, region: ctx.region, kind: 'delivery-error', resource: arn };
        const reason = `the trail logs, but GetTrailStatus reports ${errors.join('; ')}: its logs are not delivered`;
        const event = observedEvent('UpdateTrail', target, ctx.region, ctx.account, deps.now());
        found.push({
            finding,
            repaired: false,
            outcome: 'delivery-failing',
            reason,
            alert: () => ({
                ...sweepTrailAlert(event, { outcome: 'delivery-failing', isLogging, reason, actions: [], changes: [], error: errors.join('; '), remediatedAt: null }, finding, ctx.sweepId, reason),
                eventName: core_alert/* SWEEP_EVENT_NAME */.ud,
            }),
        });
    }
    // Where the logs go: a lifecycle rule deleting them makes no delivery error, so GetTrailStatus alone cannot tell.
    found.push(...(await sweepLogStorage(trail, { ...ctx, owner: target.account }, deps)));
    const latest = raw.LatestDeliveryTime instanceof Date ? raw.LatestDeliveryTime.toISOString() : null;
    return {
        found,
        reading: {
            status: {
                isLogging,
                latestDeliveryTime: latest,
                latestDeliveryError: raw.LatestDeliveryError || null,
                selectorsProblem: (0,event_selectors/* managementFullyRecorded */.i$)(selectors)
                    ? null
                    : `management events not fully recorded (${(0,event_selectors/* describeSelectors */.a1)(selectors)})`,
            },
        },
    };
}
/** The finding for an own trail whose sweep failed part-way (GetTrailStatus, GetEventSelectors or a decision threw). */
function unreadTrailFinding(trail, account, region, sweepId, text, now) {
    const arn = trail.TrailARN;
    // The owner, as its ARN names it: the swept account, or the management account of an organization trail read from a member.
    const target = { name: trail.Name ?? arn, arn, account: arn.split(':')[4] ?? account };
    const finding = { account, region, kind: 'unreadable', resource: arn };
    const reason = `the sweep could not read the trail ${arn}: ${text}; whether it logs is not checked`;
    const event = observedEvent('StopLogging', target, region, account, now);
    return {
        finding,
        repaired: false,
        outcome: 'failed',
        reason,
        alert: () => ({
            ...sweepTrailAlert(event, { outcome: 'failed', isLogging: null, reason, actions: [], changes: [], error: text, remediatedAt: null }, finding, sweepId, reason),
            eventName: core_alert/* SWEEP_EVENT_NAME */.ud,
        }),
    };
}
/**
 * The finding for a baseline trail the account does not have: the event path's DeleteTrail decision on an observed
 * event (recreated from the baseline, or alerted when it cannot be, e.g. a possible organization trail whose baseline
 * does not pin `isOrganizationTrail`). It is recreated in `region`, the first watched region (where the central region
 * is first): nothing records where a trail deleted unseen lived.
 */
async function missingTrailFinding(baseline, account, region, sweepId, deps) {
    const organization = baseline.isOrganizationTrail && deps.settings.organization;
    const owner = organization ? organization.managementAccount : account;
    const arn = (0,core_arn/* trailArn */.eL)(region, owner, baseline.name);
    const now = deps.now();
    // An observed event made in `account`: an organization trail is recreated where AWS allows it, as on the event path.
    const event = observedEvent('DeleteTrail', { name: baseline.name, arn, account }, region, account, now);
    const decision = await (0,remediate/* remediate */.ni)(event, deps.settings, deps);
    const finding = { account, region, kind: 'missing', resource: arn };
    const reason = `${sweep/* FOUND_MISSING_BY_SWEEP */.Ly}; ${decision.reason}`;
    return {
        finding,
        repaired: decision.outcome === 'recreated',
        // The sweep's observed event has no actor TrailGuard could ignore; the type still has the outcome.
        outcome: decision.outcome === 'ignored' ? 'alert-only' : decision.outcome,
        reason,
        alert: () => sweepTrailAlert(event, decision, finding, sweepId, reason),
    };
}
/** What is wrong with one of TrailGuard's member rules in a region, or null when it is enabled and targets the central bus. */
async function ruleProblem(events, name, centralBusArn) {
    try {
        const rule = await events.send(new client_eventbridge_dist_cjs/* DescribeRuleCommand */.NDC({ Name: name }));
        if (rule.State !== 'ENABLED')
            return `${name} is ${rule.State ?? 'not enabled'}`;
    }
    catch (error) {
        if ((0,errors/* errorCode */.CA)(error) === 'ResourceNotFoundException')
            return `${name} is missing`;
        throw error;
    }
    const { Targets = [] } = await events.send(new client_eventbridge_dist_cjs/* ListTargetsByRuleCommand */.Hi6({ Rule: name }));
    if (!Targets.some((t) => t.Arn === centralBusArn))
        return `${name} does not target the central bus ${centralBusArn}`;
    return null;
}
/**
 * What is wrong with each of TrailGuard's member rules in `region`. With the watched families known, a rule is
 * compared with its desired definition: a pattern narrowed to the canary alone keeps the rule enabled, targeting the
 * central bus and carrying the canary, while no tampering is forwarded.
 */
async function ruleProblems(events, account, region, deps) {
    const names = [core_names/* NAMES */.X.forwardRule, core_names/* NAMES */.X.guardRule];
    const { watch } = deps.sweep;
    const desired = watch
        ? (0,desired_state/* memberRules */.YA)({ centralBusArn: deps.sweep.centralBusArn, watch, regions: deps.sweep.regions, remediationRole: deps.settings.remediationRole }, account).filter((r) => r.region === region)
        : [];
    return Promise.all(names.map(async (name) => {
        const rule = desired.find((r) => r.name === name);
        if (!rule)
            return { name, problem: await ruleProblem(events, name, deps.sweep.centralBusArn) };
        const drift = (0,guard.differing)(rule, await (0,guard.readRule)(events, name));
        const problem = drift.length === 0
            ? null
            : drift[0] === 'missing'
                ? `${name} is missing`
                : `${name} differs from TrailGuard's definition (${drift.join(', ')})`;
        return { name, problem };
    }));
}
async function sweepRegion(account, region, watched, message, deps, readsForeign) {
    const out = { region, found: [], rows: [] };
    const now = deps.now();
    // The trails and TrailGuard's own pipeline are read side by side: a worker's time is its longest chain of calls.
    const trailsPart = (async () => {
        const client = await deps.cloudtrail(account, region);
        const { trailList = [] } = await client.send(new dist_cjs/* DescribeTrailsCommand */.oSd({ includeShadowTrails: true }));
        const own = trailList.filter((t) => t.TrailARN && t.HomeRegion === region && t.TrailARN.split(':')[4] === account);
        // An organization trail logs every member, and its owner (the management account) is often kept out of `members`:
        // then no worker sweeps it as its own. One member reads it (GetTrailStatus works on it from a member) and the event
        // path's decisions repair it through its owner.
        const foreign = (await Promise.all(trailList
            .filter((t) => t.TrailARN && t.HomeRegion === region && t.IsOrganizationTrail === true && t.TrailARN.split(':')[4] !== account)
            .map(async (t) => ((await readsForeign(t.TrailARN.split(':')[4])) ? [t] : [])))).flat();
        const swept = await Promise.all([...own, ...foreign].map((trail) => sweepTrail(trail, { account, region, sweepId: message.sweepId, client, owner: trail.TrailARN.split(':')[4] }, deps).catch((error) => ({
            // A trail the sweep could not read is not checked: that is a finding (and keeps its open findings open).
            found: [unreadTrailFinding(trail, account, region, message.sweepId, (0,errors/* errorText */.kc)(error), deps.now())],
            reading: { error: (0,errors/* errorText */.kc)(error) },
        }))));
        const readings = own.map((trail, i) => ({
            trail: { arn: trail.TrailARN, trail: trail.Name ?? trail.TrailARN, home: region, multiRegion: trail.IsMultiRegionTrail === true },
            reading: swept[i].reading,
        }));
        return {
            found: swept.flatMap((s) => s.found),
            // The status rows are the account's own trails; a foreign one's findings are alerted, its row is its owner's.
            rows: accountStatusRows({ account, name: account }, [{ region, trails: trailList, error: null }], readings),
        };
    })();
    const pipelinePart = (async () => {
        if (!watched)
            return null;
        const events = await deps.events(account, region);
        // An unreadable trailguard-state must not hide what the sweep finds: no canary is judged, the rest goes on.
        let stateError;
        const tolerant = (read) => read.catch((error) => {
            stateError ??= (0,errors/* errorText */.kc)(error);
            return null;
        });
        const [problems, previous, arrived] = await Promise.all([
            ruleProblems(events, account, region, deps),
            tolerant(deps.state.status(account, region)),
            tolerant(deps.state.canary(account, region)),
        ]);
        // After reading what arrived, so this canary is never taken for the previous one; before the trails are done.
        const put = await events.send(new client_eventbridge_dist_cjs/* PutEventsCommand */.yyL({ Entries: [(0,sweep/* canaryEntry */.$4)({ account, region, sweepId: message.sweepId, sentAt: now.toISOString() })] }));
        const putError = (put.FailedEntryCount ?? 0) > 0 ? `PutEvents of the canary failed: ${put.Entries?.[0]?.ErrorCode ?? 'unknown error'}` : null;
        return { problems, previous, arrived, putError, stateError };
    })();
    const [trails, pipeline] = await Promise.all([trailsPart, pipelinePart]);
    out.found.push(...trails.found);
    out.rows = trails.rows;
    if (!pipeline)
        return out;
    const { problems, previous, arrived, putError, stateError } = pipeline;
    if (putError)
        throw new Error(putError);
    if (stateError)
        out.stateError = stateError;
    else
        out.lastCanaryAt = arrived?.lastSeenAt ?? null;
    for (const { name, problem } of problems) {
        if (!problem)
            continue;
        const finding = { account, region, kind: 'rule', resource: name };
        const reason = `${problem} in ${account} ${region}: tampering there is not forwarded to TrailGuard; run trailguard apply to repair it`;
        out.found.push({
            finding,
            repaired: false,
            outcome: 'pipeline-broken',
            reason,
            alert: () => pipelineAlert(finding, message.sweepId, now, { outcome: 'pipeline-broken', reason, trigger: 'sweep' }),
        });
    }
    // The canary of the previous sweep must have come back through the forwarding rule by now.
    const sent = previous?.canary ?? null;
    const overdue = stateError ? null : (0,sweep/* canaryOverdue */.Du)({ sent, arrived }, now, deps.sweep.canaryGraceMs);
    if (overdue === null)
        out.canaryUnjudged = true;
    if (overdue) {
        const finding = { account, region, kind: 'canary', resource: 'canary' };
        const last = arrived?.lastSeenAt ?? null;
        const reason = `the canary sent to ${account} ${region} at ${sent.sentAt} has not reached TrailGuard ` +
            `(last canary seen: ${last ?? 'never'}): events from this member-region are not forwarded`;
        out.found.push({
            finding,
            repaired: false,
            outcome: 'pipeline-broken',
            reason,
            alert: () => pipelineAlert(finding, message.sweepId, now, { outcome: 'pipeline-broken', reason, trigger: 'canary', lastCanaryAt: last }),
        });
    }
    // A canary still within its grace is judged by the next sweep: keep its time, so a late one is never skipped for ever.
    out.canarySent = overdue === null && sent ? sent : { sentAt: now.toISOString(), sweepId: message.sweepId };
    return out;
}
/**
 * The last canary seen from a member-region and the canary its last snapshot says was sent, from trailguard-state;
 * null when the table cannot be read (the worker then reports the table itself).
 */
async function lastCanary(account, region, deps) {
    try {
        const [arrived, previous] = await Promise.all([deps.state.canary(account, region), deps.state.status(account, region)]);
        return { lastCanaryAt: arrived?.lastSeenAt ?? null, sent: previous?.canary ?? null };
    }
    catch {
        return null;
    }
}
/**
 * The worker: sweeps one member account in every region of the message plus every home region of its trails
 * (ListTrails), repairs through the event path's decisions, publishes one alert per new finding (and a `resolved`
 * alert per finding gone), writes each region's status snapshot and counts the account done. A region that cannot be
 * read becomes a `pipeline-broken` finding (it is not watched while unreadable). Throws only when an alert could not
 * be published (AlertPublishError), so the message is redriven.
 */
async function sweepAccount(message, deps) {
    const { account, sweepId } = message;
    const watched = new Set(message.regions);
    const outcomes = [];
    // Asked only when a foreign organization trail is seen (the Lambda's list is cached a few minutes per container).
    let members;
    const readsForeign = async (owner) => {
        members ??= deps.members().catch((error) => {
            deps.log.warn('sweep: members could not be listed; this worker reads foreign organization trails too', {
                sweepId,
                account,
                error: (0,errors/* errorText */.kc)(error),
            });
            return null;
        });
        const list = await members;
        return !list?.includes(owner) && (0,sweep/* readsForeignOrganizationTrails */.s9)(account, list);
    };
    const sweepOne = async (region) => {
        try {
            outcomes.push(await sweepRegion(account, region, watched.has(region), message, deps, readsForeign));
        }
        catch (error) {
            const text = (0,errors/* errorText */.kc)(error);
            const finding = { account, region, kind: 'unreadable', resource: 'account' };
            const reason = `the sweep could not read ${account} ${region}: ${text}; its trails and TrailGuard's rules there are not checked`;
            const now = deps.now();
            // What trailguard-state knows is not lost with the member: the last canary seen goes into the alert and the
            // snapshot, and the canary sent before stays the one the next sweep judges (it did not send another).
            const canary = watched.has(region) ? await lastCanary(account, region, deps) : null;
            outcomes.push({
                region,
                rows: [],
                error: text,
                ...(canary ? { lastCanaryAt: canary.lastCanaryAt, ...(canary.sent ? { canarySent: canary.sent } : {}) } : {}),
                found: [
                    {
                        finding,
                        repaired: false,
                        outcome: 'pipeline-broken',
                        reason,
                        alert: () => pipelineAlert(finding, sweepId, now, {
                            outcome: 'pipeline-broken',
                            reason,
                            trigger: 'sweep',
                            ...(canary ? { lastCanaryAt: canary.lastCanaryAt } : {}),
                        }),
                    },
                ],
            });
        }
    };
    // The watched regions start at once; ListTrails only adds the home regions of trails outside them.
    let listError = null;
    let listed = null;
    const others = (async () => {
        try {
            const client = await deps.cloudtrail(account, message.regions[0]);
            const Trails = await (0,common/* allPages */.S4)((0,dist_cjs/* paginateListTrails */.zlR)({ client }, {}), (page) => page.Trails);
            listed = Trails.flatMap((t) => (t.TrailARN ? [{ name: t.Name ?? t.TrailARN, arn: t.TrailARN }] : []));
            const homes = Trails.filter((t) => t.TrailARN?.split(':')[4] === account && t.HomeRegion).map((t) => t.HomeRegion);
            return [...new Set(homes)].filter((r) => !watched.has(r));
        }
        catch (error) {
            listError = (0,errors/* errorText */.kc)(error);
            deps.log.warn('sweep: ListTrails failed; sweeping the watched regions only', { sweepId, account, error: listError });
            return [];
        }
    })();
    await Promise.all([...message.regions.map(sweepOne), others.then((regions) => Promise.all(regions.map(sweepOne)))]);
    if (listed) {
        // The sweep compares with the desired baseline, not only with the trails it can list: a baseline trail deleted while
        // its DeleteTrail event was missed is found here, and recreated by the event path's own DeleteTrail decision.
        const region = message.regions[0];
        const outcome = outcomes.find((o) => o.region === region && !o.error);
        const management = deps.settings.organization?.managementAccount;
        for (const baseline of (0,sweep/* missingBaselineTrails */.PH)(deps.settings.trails, account, listed)) {
            // An organization trail is one trail for every member: judged by its owner, or (owner not swept) by the one member
            // that reads foreign organization trails; otherwise every member would recreate it, and alert it, at once.
            if (baseline.isOrganizationTrail && management && account !== management && !(await readsForeign(management)))
                continue;
            outcome?.found.push(await missingTrailFinding(baseline, account, region, sweepId, deps));
        }
    }
    if (listError) {
        // Trails homed outside the watched regions are unseen while ListTrails fails: that is a finding, not a log line.
        const region = message.regions[0];
        const finding = { account, region, kind: 'unreadable', resource: 'ListTrails' };
        const reason = `the sweep could not list ${account}'s trails (ListTrails: ${listError}): trails homed outside the watched regions are not checked`;
        const now = deps.now();
        outcomes
            .find((o) => o.region === region)
            ?.found.push({
            finding,
            repaired: false,
            outcome: 'pipeline-broken',
            reason,
            alert: () => pipelineAlert(finding, sweepId, now, { outcome: 'pipeline-broken', reason, trigger: 'sweep' }),
        });
    }
    // Each region's findings, alerts and snapshot are its own: written side by side.
    const perRegion = await Promise.all(outcomes
        .sort((a, b) => a.region.localeCompare(b.region))
        .map(async (outcome) => {
        const findings = [];
        const resolved = [];
        // A duplicate beats silence: with trailguard-state unreadable every finding is alerted and nothing resolved.
        let stateError = outcome.stateError;
        const write = async (what) => {
            try {
                await what;
            }
            catch (error) {
                stateError ??= (0,errors/* errorText */.kc)(error);
            }
        };
        let items = [];
        try {
            items = await deps.state.findings(account, outcome.region);
        }
        catch (error) {
            stateError ??= (0,errors/* errorText */.kc)(error);
        }
        const deduped = (0,sweep/* dedupeFindings */._4)(outcome.found, items);
        const { alert } = deduped;
        // What the sweep could not read it did not check: a finding there is not gone, it is unseen (not `resolved`).
        const unread = new Set(outcome.found.filter((f) => f.finding.kind === 'unreadable').map((f) => f.finding.resource));
        const resolve = outcome.error || stateError
            ? []
            : deduped.resolve
                .filter((item) => !(outcome.canaryUnjudged && item.key.split('#')[2] === 'canary'))
                .filter((item) => item.key.split('#')[2] === 'unreadable' || !unread.has(item.key.split('#').slice(3).join('#')));
        const toAlert = new Set(alert.map((a) => (0,sweep/* findingKey */.fl)(a.finding)));
        for (const f of outcome.found) {
            const key = (0,sweep/* findingKey */.fl)(f.finding);
            const alerted = toAlert.has(key);
            if (alerted) {
                const a = f.alert();
                await (0,alerting/* publishOrThrow */.t)(deps, a, { sweepId, account, region: outcome.region, finding: key, outcome: a.outcome });
                deps.log.info('sweep finding', {
                    sweepId,
                    account,
                    region: outcome.region,
                    finding: key,
                    outcome: f.outcome,
                    reason: f.reason,
                });
                if (!f.repaired)
                    await write(deps.state.putFinding({ key, firstSeenAt: deps.now().toISOString(), alertId: a.id, state: 'open' }));
            }
            findings.push({ ...f.finding, outcome: f.outcome, repaired: f.repaired, reason: f.reason, alerted });
        }
        for (const item of resolve) {
            await (0,alerting/* publishOrThrow */.t)(deps, resolvedAlert(item, sweepId, deps.now()), {
                sweepId,
                account,
                region: outcome.region,
                finding: item.key,
            });
            await write(deps.state.putFinding({ ...item, state: 'resolved' }));
            resolved.push(item.alertId);
        }
        await write(deps.state.putStatus({
            account,
            region: outcome.region,
            sweepId,
            checkedAt: deps.now().toISOString(),
            rows: outcome.rows,
            ...(outcome.error ? { error: outcome.error } : {}),
            ...(outcome.canarySent ? { canary: outcome.canarySent } : {}),
            ...(outcome.lastCanaryAt ? { lastCanaryAt: outcome.lastCanaryAt } : {}),
        }));
        return { findings, resolved, stateError };
    }));
    const findings = perRegion.flatMap((r) => r.findings);
    const resolved = perRegion.flatMap((r) => r.resolved);
    const stateError = perRegion.find((r) => r.stateError)?.stateError;
    if (stateError) {
        // The findings are out; now say why they may repeat, and fail so the message is retried once the table is back.
        const alert = stateUnreadableAlert(deps, sweepId, account, stateError);
        await (0,alerting/* publishOrThrow */.t)(deps, alert, { sweepId, account, outcome: alert.outcome, error: stateError });
        throw new Error(`sweep of ${account}: ${sweep/* SWEEP_NAMES */.OM.table} unreadable: ${stateError}`);
    }
    await deps.state.finishAccount(sweepId, findings.length, deps.now());
    return { account, sweepId, findings, resolved, unrepaired: findings.filter((f) => !f.repaired).length };
}


/***/ })

};
