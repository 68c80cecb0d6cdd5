export const id = 624;
export const ids = [624];
export const modules = {

/***/ 4624:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  IMPAIRMENT_HANDLERS: () => (/* binding */ IMPAIRMENT_HANDLERS),
  decideImpairment: () => (/* binding */ decideImpairment),
  handleImpairmentEvent: () => (/* binding */ handleImpairmentEvent),
  isImpairmentEvent: () => (/* reexport */ impairment_event/* isImpairmentEvent */.dM)
});

// EXTERNAL MODULE: ./src/core/alert.ts
var core_alert = __webpack_require__(6173);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/impairment-event.ts
var impairment_event = __webpack_require__(6556);
// EXTERNAL MODULE: ./lambda/alerting.ts
var alerting = __webpack_require__(9500);
// EXTERNAL MODULE: ./lambda/remediate.ts
var remediate = __webpack_require__(8640);
// EXTERNAL MODULE: ./lambda/steps.ts
var steps = __webpack_require__(9827);
;// CONCATENATED MODULE: ./lambda/impairment/common.ts

/** Records the AWS calls a family makes (the alert's `actions`) and names the resource in any error. */
class ImpairmentStep extends steps/* RecordedSteps */.C {
    event;
    resource;
    constructor(event, resource) {
        super();
        this.event = event;
        this.resource = resource;
    }
    subject() {
        return `${this.resource.name} in ${this.event.account}/${this.event.region}`;
    }
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudtrail/dist-cjs/index.js
var dist_cjs = __webpack_require__(7392);
// EXTERNAL MODULE: ./src/core/arn.ts
var core_arn = __webpack_require__(7136);
;// CONCATENATED MODULE: ./lambda/impairment/lake.ts
// CloudTrail Lake: ingestion stopped, an event data store deleted or weakened. Moto has no Lake, so only recorded responses test it.





/** Statuses in which the store ingests events, or is about to (CloudTrail API reference, EventDataStoreStatus). */
const INGESTING = new Set(['ENABLED', 'STARTING_INGESTION']);
const BOOLEAN_FIELDS = [
    ['terminationProtectionEnabled', 'TerminationProtectionEnabled'],
    ['multiRegionEnabled', 'MultiRegionEnabled'],
    ['organizationEnabled', 'OrganizationEnabled'],
];
/**
 * The baseline settings `store` does not meet. `retentionPeriod` is a floor (days): a longer
 * retention is not drift, since shortening it would delete events. Pure: the sweep calls it with
 * what GetEventDataStore returned.
 */
function eventDataStoreDrift(store, baseline) {
    const drift = [];
    if (baseline.retentionPeriod !== undefined && (store.RetentionPeriod ?? 0) < baseline.retentionPeriod) {
        drift.push({ field: 'retentionPeriod', wanted: baseline.retentionPeriod, current: store.RetentionPeriod ?? null });
    }
    for (const [field, key] of BOOLEAN_FIELDS) {
        const wanted = baseline[field];
        if (wanted !== undefined && (store[key] ?? false) !== wanted)
            drift.push({ field, wanted, current: store[key] ?? null });
    }
    return drift;
}
/**
 * What is wrong with an event data store, in words: ingestion stopped, pending deletion, and each
 * baseline setting it misses. Empty when it ingests and meets its baseline. Pure (for the sweep).
 */
function eventDataStoreProblems(store, baseline) {
    const name = store.Name ?? store.EventDataStoreArn ?? 'event data store';
    const problems = [];
    if (store.Status === 'PENDING_DELETION')
        problems.push(`${name} is deleted (pending deletion: restorable for 7 days)`);
    else if (!INGESTING.has(store.Status ?? ''))
        problems.push(`${name} does not ingest events (status ${store.Status ?? 'unknown'})`);
    if (baseline)
        problems.push(...eventDataStoreDrift(store, baseline).map((d) => `${name}: ${describeDrift(d)}`));
    return problems;
}
function describeDrift(d) {
    return d.field === 'retentionPeriod'
        ? `retention ${d.current ?? 'unknown'} days, below the baseline's ${d.wanted}`
        : `${d.field} is ${d.current ?? 'unset'}, the baseline wants ${d.wanted}`;
}
/** The store's ARN from `requestParameters.eventDataStore` (an ARN or the id that ends it), or null. */
function storeOf(event) {
    const reference = event.requestParameters.eventDataStore;
    if (typeof reference !== 'string' || !/^[\w:/.-]{1,256}$/.test(reference)) {
        return { type: 'event-data-store', name: '(unknown)', arn: null };
    }
    const arn = reference.startsWith('arn:')
        ? reference
        : `arn:${(0,core_arn/* partitionOf */.iQ)(event.region)}:cloudtrail:${event.region}:${event.account}:eventdatastore/${reference}`;
    return { type: 'event-data-store', name: reference.split('/').pop() || reference, arn };
}
function unknownStore(event) {
    return {
        outcome: 'alert-only',
        isLogging: null,
        restored: null,
        reason: `detail.requestParameters.eventDataStore is missing or malformed: cannot tell which event data store ${event.eventName} concerned`,
    };
}
async function getStore(step, deps, arn) {
    // Lake calls go to the store's home region and owner, which its ARN names (the call may have been made elsewhere).
    const [, , , region, account] = arn.split(':');
    const client = await deps.cloudtrail(account || step.event.account, region || step.event.region);
    const read = () => step.run('GetEventDataStore', () => client.send(new dist_cjs/* GetEventDataStoreCommand */.V9B({ EventDataStore: arn })));
    return { client, read };
}
function baselineFor(policy, store) {
    return policy.eventDataStores.find((b) => b.name === store.Name);
}
const isNotFound = (error) => error instanceof errors/* RemediationError */._s && ['EventDataStoreNotFoundException', 'ResourceNotFoundException'].includes((0,errors/* errorCode */.CA)(error.cause));
/** StopEventDataStoreIngestion: start it again (idempotent), then read the status back. */
const stopIngestion = {
    resource: storeOf,
    changes: (event) => [`ingestion stopped on event data store ${storeOf(event).name}: CloudTrail Lake records nothing new`],
    async remediate(event, _policy, deps, step) {
        const { arn } = step.resource;
        if (!arn)
            return unknownStore(event);
        const { client, read } = await getStore(step, deps, arn);
        const before = await read();
        if (INGESTING.has(before.Status ?? '')) {
            return {
                outcome: 'already-compliant',
                isLogging: true,
                restored: null,
                reason: `the event data store already ingests (status ${before.Status})`,
            };
        }
        await step.run('StartEventDataStoreIngestion', () => client.send(new dist_cjs/* StartEventDataStoreIngestionCommand */.hiQ({ EventDataStore: arn })));
        const after = await read();
        return INGESTING.has(after.Status ?? '')
            ? { outcome: 'restarted', isLogging: true, restored: true, reason: `ingestion restarted and verified (status ${after.Status})` }
            : {
                outcome: 'failed',
                isLogging: false,
                restored: false,
                reason: `StartEventDataStoreIngestion succeeded but the event data store reports status ${after.Status ?? 'unknown'}`,
            };
    },
};
/** DeleteEventDataStore: restore it while CloudTrail keeps it (7 days, status PENDING_DELETION); else only alert. */
const deleteStore = {
    resource: storeOf,
    changes: (event) => [`event data store ${storeOf(event).name} deleted: it stops ingesting and its events go after 7 days`],
    async remediate(event, _policy, deps, step) {
        const { arn } = step.resource;
        if (!arn)
            return unknownStore(event);
        const { client, read } = await getStore(step, deps, arn);
        let before;
        try {
            before = await read();
        }
        catch (error) {
            if (!isNotFound(error))
                throw error;
            return {
                outcome: 'alert-only',
                isLogging: false,
                restored: false,
                reason: 'the event data store is gone beyond its restore window (GetEventDataStore: not found): it cannot be restored',
            };
        }
        if (before.Status !== 'PENDING_DELETION') {
            return {
                outcome: 'already-compliant',
                isLogging: INGESTING.has(before.Status ?? ''),
                restored: null,
                reason: `the event data store is not pending deletion (status ${before.Status ?? 'unknown'}): someone restored it first`,
            };
        }
        await step.run('RestoreEventDataStore', () => client.send(new dist_cjs/* RestoreEventDataStoreCommand */.Pz7({ EventDataStore: arn })));
        const after = await read();
        return INGESTING.has(after.Status ?? '')
            ? {
                outcome: 'restored',
                isLogging: true,
                restored: true,
                reason: `event data store restored from pending deletion and ingesting (status ${after.Status})`,
            }
            : {
                outcome: 'failed',
                isLogging: false,
                restored: false,
                reason: `RestoreEventDataStore succeeded but the event data store reports status ${after.Status ?? 'unknown'}`,
            };
    },
};
/** UpdateEventDataStore fields a baseline pins, by request parameter. */
const PINNED = ['retentionPeriod', 'terminationProtectionEnabled', 'multiRegionEnabled', 'organizationEnabled'];
function describeUpdate(event) {
    return Object.entries(event.requestParameters)
        .filter(([key]) => key !== 'eventDataStore')
        .map(([key, value]) => {
        if (key === 'retentionPeriod')
            return `retention set to ${JSON.stringify(value)} days`;
        if (key === 'terminationProtectionEnabled' && value === false)
            return 'termination protection switched off: the store can now be deleted';
        if (key === 'advancedEventSelectors')
            return `event selectors replaced: ${JSON.stringify(value).slice(0, 500)}`;
        return `${key} -> ${JSON.stringify(value)}`;
    });
}
/** Whether the call set only fields `baseline` pins, each to the baseline's value (what TrailGuard's own repair sends). */
function isBaselineWrite(event, baseline) {
    const fields = Object.keys(event.requestParameters).filter((k) => k !== 'eventDataStore');
    return (fields.length > 0 &&
        fields.every((k) => PINNED.includes(k) && baseline[k] === event.requestParameters[k]));
}
/** UpdateEventDataStore: put the baseline's settings back when a baseline names the store; else alert. */
const updateStore = {
    resource: storeOf,
    changes: describeUpdate,
    async remediate(event, policy, deps, step) {
        const { arn } = step.resource;
        if (!arn)
            return unknownStore(event);
        const { client, read } = await getStore(step, deps, arn);
        const current = await read();
        const isLogging = INGESTING.has(current.Status ?? '');
        const baseline = baselineFor(policy, current);
        // TrailGuard's own UpdateEventDataStore sets only this store's pinned fields to its baseline's values: when its
        // record comes back and the store meets that baseline, it is not tampering. Decided on the store the record names
        // (not on any baseline store's values), so TrailGuard's role giving one store another's retention is still undone.
        if (baseline && (0,remediate/* isOwnRole */.Ls)(policy, event) && isBaselineWrite(event, baseline) && eventDataStoreDrift(current, baseline).length === 0) {
            return {
                outcome: 'ignored',
                isLogging,
                restored: null,
                reason: `TrailGuard's own call towards the baseline of event data store ${current.Name}, made with its role ${policy.remediationRole}`,
            };
        }
        if (!baseline) {
            return {
                outcome: 'alert-only',
                isLogging,
                restored: null,
                reason: `no baseline names event data store ${current.Name ?? arn} (eventDataStores in trailguard.yml): its settings are reported, not restored`,
            };
        }
        const drift = eventDataStoreDrift(current, baseline);
        let restored = false;
        if (drift.length > 0) {
            const input = { EventDataStore: arn };
            for (const d of drift) {
                if (d.field === 'retentionPeriod')
                    input.RetentionPeriod = d.wanted;
                else if (d.field === 'terminationProtectionEnabled')
                    input.TerminationProtectionEnabled = d.wanted;
                else if (d.field === 'multiRegionEnabled')
                    input.MultiRegionEnabled = d.wanted;
                else
                    input.OrganizationEnabled = d.wanted;
            }
            await step.run(`UpdateEventDataStore: ${drift.map((d) => d.field).join(', ')}`, () => client.send(new dist_cjs/* UpdateEventDataStoreCommand */.UuS(input)));
            const still = eventDataStoreDrift(await read(), baseline);
            if (still.length > 0) {
                return {
                    outcome: 'failed',
                    isLogging,
                    restored: false,
                    reason: `UpdateEventDataStore succeeded but the store still misses its baseline: ${still.map(describeDrift).join('; ')}`,
                };
            }
            restored = true;
        }
        const unpinned = Object.keys(event.requestParameters).filter((k) => k !== 'eventDataStore' && !(PINNED.includes(k) && baseline[k] !== undefined));
        const done = restored ? `restored ${drift.map(describeDrift).join('; ')}` : '';
        if (unpinned.length > 0) {
            return {
                outcome: 'alert-only',
                isLogging,
                restored,
                reason: `${done ? `${done}; but the` : 'the'} call changed settings the baseline does not pin: ${unpinned.join(', ')}; reported, not restored`,
            };
        }
        return restored
            ? {
                outcome: 'restored',
                isLogging,
                restored: true,
                reason: `event data store settings restored to the baseline and verified: ${done}`,
            }
            : { outcome: 'already-compliant', isLogging, restored: null, reason: 'the event data store still meets its baseline' };
    },
};

// EXTERNAL MODULE: ./lambda/impairment/storage-common.ts
var storage_common = __webpack_require__(9518);
// EXTERNAL MODULE: ./lambda/impairment/kms.ts
var kms = __webpack_require__(2434);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var client_cloudwatch_logs_dist_cjs = __webpack_require__(2684);
// EXTERNAL MODULE: ./src/core/aws/cloudtrail.ts
var cloudtrail = __webpack_require__(2934);
;// CONCATENATED MODULE: ./lambda/impairment/logs.ts
// The CloudWatch Logs family: a watched trail's log group deleted.




async function logGroupExists(logs, name) {
    const out = await logs.send(new client_cloudwatch_logs_dist_cjs.DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 1 }));
    return (out.logGroups ?? []).some((g) => g.logGroupName === name);
}
/**
 * DeleteLogGroup: recreated (CreateLogGroup, verified with DescribeLogGroups) when the trail's baseline names it in
 * `cloudWatchLogsLogGroupArn`; CloudTrail then delivers to it again with the trail's role. Otherwise alerted: without
 * a baseline TrailGuard does not own the group's settings. The events logged while it was gone are lost either way.
 */
const deleteLogGroup = async (ctx) => {
    const { steps, resource, trail } = ctx;
    const change = `CloudWatch Logs group ${resource.name} of trail ${trail.name} deleted`;
    const pinned = trail.baseline?.cloudWatchLogsLogGroupArn;
    if (!pinned || (0,cloudtrail/* logGroupArnOf */.oe)(pinned) !== (0,cloudtrail/* logGroupArnOf */.oe)(resource.arn)) {
        return {
            outcome: 'alert-only',
            reason: `${change}: not recreated, because the baseline of trail ${trail.name} does not name it (set cloudWatchLogsLogGroupArn to have it recreated)`,
            changes: [change],
            restored: false,
        };
    }
    const logs = await (0,storage_common/* logsOf */.Hw)(ctx);
    try {
        await steps.run('CreateLogGroup', () => logs.send(new client_cloudwatch_logs_dist_cjs.CreateLogGroupCommand({ logGroupName: resource.name })));
    }
    catch (error) {
        // Someone recreated it first: the read-back below decides.
        if ((0,errors/* errorCode */.CA)(error.cause) !== 'ResourceAlreadyExistsException')
            throw error;
    }
    if (!(await steps.run('DescribeLogGroups', () => logGroupExists(logs, resource.name)))) {
        return {
            outcome: 'failed',
            reason: `CreateLogGroup succeeded but log group ${resource.name} cannot be found`,
            changes: [change],
            restored: false,
        };
    }
    const health = await (0,storage_common/* trailHealth */.fN)(ctx);
    return {
        outcome: 'recreated',
        reason: `log group ${resource.name} was recreated for trail ${trail.name} (empty: the events it held are gone, and its retention is the default, never expire)`,
        changes: [change],
        restored: true,
        isLogging: health.isLogging,
    };
};
/**
 * PutRetentionPolicy on a watched trail's log group: CloudWatch Logs then deletes its events older than
 * `retentionInDays` (CloudWatch Logs API reference), the log-group form of case 16's 1-day lifecycle rule. Alerted,
 * not reverted: the group's retention before the call is not in the record, so there is nothing certain to restore.
 * `already-compliant` when the trail's baseline `retentionDays` is set and the new retention keeps at least that long.
 */
const retentionPolicy = async (ctx) => {
    const { resource, trail, event } = ctx;
    const days = event.requestParameters.retentionInDays;
    const shown = typeof days === 'number' ? `${days} day${days === 1 ? '' : 's'}` : 'an unreadable retention';
    const change = `CloudWatch Logs group ${resource.name} of trail ${trail.name} now deletes its events after ${shown}`;
    const floor = trail.baseline?.retentionDays;
    if (typeof days === 'number' && floor !== undefined && days >= floor) {
        return {
            outcome: 'already-compliant',
            reason: `${change}, at least the ${floor} days trail ${trail.name}'s baseline keeps logs`,
            changes: [change],
            restored: null,
        };
    }
    return {
        outcome: 'alert-only',
        reason: `${change}${floor !== undefined ? `, sooner than the ${floor} days its baseline keeps logs` : ''}: events older than that are lost; set the group's retention back (PutRetentionPolicy, or DeleteRetentionPolicy to keep them for ever)`,
        changes: [change],
        restored: false,
    };
};
/** This family's calls. */
const logsHandlers = { DeleteLogGroup: deleteLogGroup, PutRetentionPolicy: retentionPolicy };

// EXTERNAL MODULE: ./lambda/impairment/s3.ts
var s3 = __webpack_require__(1081);
;// CONCATENATED MODULE: ./lambda/impairment/storage.ts
// The calls on what a trail delivers to or encrypts with (its bucket, key, log group), dispatched from ./index.ts: find
// the watched trail that uses the resource, decide through the family module (s3, kms, logs), publish one alert.










/** The baseline field that grants TrailGuard's role the repair of each resource type (src/core/iam-policies.ts). */
/** Calls TrailGuard answers by reading the new policy, never writing it. */
const POLICY_CALLS = new Set(['PutBucketPolicy', 'DeleteBucketPolicy', 'PutKeyPolicy']);
const PIN = {
    's3-bucket': 's3BucketName with retentionDays',
    'kms-key': 'kmsKeyId as a key ARN or key id',
    'log-group': 'cloudWatchLogsLogGroupArn',
};
/** For the alert of a record that names no resource: its type, and an ARN that says so (the alert needs one). */
function unnamedResource(event) {
    const type = impairment_event/* STORAGE_RESOURCES */.gv[event.eventName];
    return {
        type,
        name: '(unknown)',
        arn: `arn:${(0,core_arn/* partitionOf */.iQ)(event.region)}:${type === 's3-bucket' ? 's3' : type === 'kms-key' ? 'kms' : 'logs'}:${event.region}:${event.account}:unknown`,
    };
}
/** Event name -> the family handler that decides it. One line per family, so each family's additions merge. */
const STORAGE_HANDLERS = {
    ...s3/* s3Handlers */.Iw,
    ...kms/* kmsHandlers */.hF,
    ...logsHandlers,
};
/** The repair, or the early answers every family shares (blocked, allowed), for a resource a watched trail uses. */
async function decide(event, trail, steps, deps) {
    const policy = deps.settings;
    const resource = event.resource;
    if (event.errorCode) {
        return {
            outcome: 'blocked',
            reason: `the call itself failed with ${event.errorCode}: nothing changed`,
            changes: [`${event.eventName} attempted on ${resource.type} ${resource.name}`],
            restored: null,
        };
    }
    const allowedBy = (0,remediate/* allowPatternOf */.Vs)(policy.allow, event.actor);
    if (allowedBy) {
        return {
            outcome: 'allowed',
            reason: `actor matches allow pattern ${allowedBy}: reported, not reverted`,
            changes: [`${event.eventName} on ${resource.type} ${resource.name}`],
            restored: null,
        };
    }
    const ownRole = (0,remediate/* isOwnRole */.Ls)(policy, event);
    return STORAGE_HANDLERS[event.eventName]({ event, resource, trail, policy, deps, steps, ownRole });
}
/**
 * Handles one parsed record of a call on a trail's bucket, key or log group (the registry in ./index.ts parses and
 * dispatches it). Resolves to `ignored` (no alert) for a resource no watched trail uses or TrailGuard's own repair,
 * and otherwise publishes one alert whose `trail` is the watched trail and `resource` what was touched. AWS errors
 * become `failed` alerts, including not being able to tell whether the resource is a trail's. Throws AlertPublishError only.
 */
async function handleStorageEvent(event, deps) {
    const started = Date.now();
    const base = { account: event.account, region: event.region, eventId: event.id, eventName: event.eventName };
    const line = { ...base, eventSource: event.eventSource, actor: event.actor.arn, resource: event.resource?.arn ?? null };
    let trail = null;
    let repair;
    let error = null;
    const steps = new storage_common/* Steps */.gj(event.resource ?? unnamedResource(event));
    if (!event.resource) {
        // A real record of a watched call that names no resource: it cannot be matched to a trail, so it is alerted as it stands.
        repair = {
            outcome: event.errorCode ? 'blocked' : 'alert-only',
            reason: `cannot be acted on: ${event.problem}`,
            changes: [`${event.eventName} called`],
            restored: null,
        };
    }
    else {
        try {
            trail = await (0,storage_common/* findWatchedTrail */.Gc)(event, event.resource, deps.settings, deps);
            if (!trail) {
                deps.log.info('remediation decided', {
                    ...line,
                    outcome: 'ignored',
                    reason: `no watched trail uses ${event.resource.type} ${event.resource.name}`,
                    durationMs: Date.now() - started,
                });
                const ignored = {
                    ...(0,alerting/* rejectedResult */.u)(`no watched trail uses ${event.resource.type} ${event.resource.name}`),
                    ...base,
                    outcome: 'ignored',
                };
                return ignored;
            }
            repair = await decide(event, trail, steps, deps);
        }
        catch (caught) {
            error = (0,errors/* errorText */.kc)(caught);
            // TrailGuard's role is granted writes only on what the baseline pins: say which field grants it.
            const denied = /AccessDenied/i.test((0,errors/* errorCode */.CA)(caught));
            // A policy the call just replaced is only read (never written): a denied read is the new policy shutting
            // TrailGuard's role out, which it may do to CloudTrail as well; no baseline pin grants that read back.
            const policyCall = POLICY_CALLS.has(event.eventName);
            const hint = denied && trail && policyCall
                ? `: TrailGuard's role may no longer read the policy of ${event.resource.type} ${event.resource.name} (${(0,errors/* errorCode */.CA)(caught)}), so the new policy may deny it and CloudTrail may be locked out too; check the policy${event.resource.type === 's3-bucket' ? " (the bucket owner's root user can always delete a bucket policy)" : ''}`
                : denied && trail
                    ? `: TrailGuard's role may not act on it; pin it in the baseline of trail ${trail.name} (${PIN[event.resource.type]}) and run apply, which grants exactly that`
                    : '';
            repair = {
                outcome: 'failed',
                reason: `remediation failed${hint}`,
                changes: [`${event.eventName} on ${event.resource.type} ${event.resource.name}`],
                restored: false,
            };
        }
    }
    if (repair.outcome === 'failed')
        error ??= repair.reason;
    const shownTrail = trail ?? {
        name: '(unknown)',
        // Which trail is unknown (the record named no resource, or finding it failed): the alert says so, as the trail path does.
        arn: `arn:${(0,core_arn/* partitionOf */.iQ)(event.region)}:cloudtrail:${event.region}:${event.account}:trail/(unknown)`,
        account: event.account,
    };
    const result = {
        ...(0,alerting/* rejectedResult */.u)(repair.reason),
        ...base,
        outcome: repair.outcome,
        trail: shownTrail.name,
        isLogging: repair.isLogging ?? null,
        actions: steps.actions,
        error,
    };
    const decided = {
        ...line,
        outcome: repair.outcome,
        trail: shownTrail.name,
        reason: repair.reason,
        actions: steps.actions,
        error,
        durationMs: Date.now() - started,
    };
    if (repair.outcome === 'ignored') {
        deps.log.info('remediation decided', decided);
        return result;
    }
    const changed = repair.restored === true;
    const alert = (0,core_alert/* buildStorageAlert */.oY)(event, { name: shownTrail.name, arn: shownTrail.arn, account: shownTrail.account }, event.resource ?? unnamedResource(event), {
        outcome: repair.outcome,
        isLogging: repair.isLogging ?? null,
        remediatedAt: changed ? deps.now().toISOString() : null,
        error,
        actions: steps.actions,
        changes: repair.changes,
        reason: repair.reason,
        restored: repair.restored,
    });
    const alertMessageId = await (0,alerting/* publishOrThrow */.t)(deps, alert, decided);
    (repair.outcome === 'failed' ? deps.log.error : deps.log.info).call(deps.log, 'remediation decided', { ...decided, alertMessageId });
    return { ...result, alertMessageId };
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-organizations/dist-cjs/index.js
var client_organizations_dist_cjs = __webpack_require__(2503);
;// CONCATENATED MODULE: ./lambda/impairment/organizations.ts
// AWS Organizations: an account leaving or removed, trusted access for CloudTrail switched off, the CloudTrail
// delegated administrator deregistered. None has a safe automatic undo (it takes the management account and, to
// rejoin, the member's acceptance), so each is alerted with what AWS now reports.


const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
/** Membership of `account`, read with TrailGuard's role there; `unknown` (with why) when it cannot be read. */
async function readMembership(account, deps, step) {
    if (!deps.organizations)
        return { kind: 'unknown', error: 'this remediator has no Organizations access' };
    try {
        const client = await deps.organizations(account);
        const out = await step.run('DescribeOrganization', () => client.send(new client_organizations_dist_cjs.DescribeOrganizationCommand({})));
        return { kind: 'member', organizationId: out.Organization?.Id ?? null, managementAccount: out.Organization?.MasterAccountId ?? null };
    }
    catch (error) {
        const cause = error.cause ?? error;
        if ((0,errors/* errorCode */.CA)(cause) === 'AWSOrganizationsNotInUseException') {
            step.actions.push('DescribeOrganization');
            return { kind: 'none' };
        }
        return { kind: 'unknown', error: (0,errors/* errorText */.kc)(error) };
    }
}
/**
 * The alert for an account that left or was removed from the organization, given what its own view
 * of Organizations shows now. Pure: the sweep can call it with a membership it read.
 */
function leftOrganizationRemedy(account, membership) {
    const consequence = 'organization trails no longer log it, SCPs no longer bind it, and with members.organization: true the next apply stops protecting it; ' +
        'invite it back (InviteAccountToOrganization) and check its trails';
    switch (membership.kind) {
        case 'none':
            return {
                outcome: 'alert-only',
                isLogging: null,
                restored: false,
                reason: `account ${account} is out of the organization (DescribeOrganization in ${account}: not in an organization): ${consequence}`,
            };
        case 'member':
            return {
                outcome: 'alert-only',
                isLogging: null,
                restored: null,
                reason: `the call succeeded, yet ${account} still reports organization ${membership.organizationId ?? '(unknown)'} (management account ${membership.managementAccount ?? 'unknown'}): check again; if it left, ${consequence}`,
            };
        case 'unknown':
            return {
                outcome: 'alert-only',
                isLogging: null,
                restored: false,
                reason: `account ${account} left or was removed from the organization; TrailGuard could not confirm it (${membership.error}): ${consequence}`,
            };
    }
}
function accountParam(event) {
    const id = event.requestParameters.accountId;
    return typeof id === 'string' && /^\d{12}$/.test(id) ? id : null;
}
/** LeaveOrganization: made by the member itself. */
const leaveOrganization = {
    resource: (event) => ({ type: 'account', name: event.account, arn: null }),
    changes: (event) => [`account ${event.account} left the organization`],
    async remediate(event, _policy, deps, step) {
        return leftOrganizationRemedy(event.account, await readMembership(event.account, deps, step));
    },
};
/** RemoveAccountFromOrganization: made by the management account, naming the member in `accountId`. */
const removeAccount = {
    resource: (event) => ({ type: 'account', name: accountParam(event) ?? '(unknown account)', arn: null }),
    changes: (event) => [
        `account ${accountParam(event) ?? '(unknown: requestParameters.accountId is missing)'} removed from the organization by ${event.account}`,
    ],
    async remediate(event, _policy, deps, step) {
        const account = accountParam(event);
        if (!account) {
            return leftOrganizationRemedy('(unknown)', {
                kind: 'unknown',
                error: 'detail.requestParameters.accountId is missing or not 12 digits',
            });
        }
        // Read from inside the removed account: the management account no longer lists it either way.
        return leftOrganizationRemedy(account, await readMembership(account, deps, step));
    },
};
/** DisableAWSServiceAccess for cloudtrail.amazonaws.com: every organization trail stops logging the member accounts. */
const disableServiceAccess = {
    resource: () => ({ type: 'organization', name: 'trusted access for CloudTrail', arn: null }),
    changes: () => ['trusted access for CloudTrail (cloudtrail.amazonaws.com) disabled in the organization'],
    // Other services' trusted access is not logging; a record that hides the principal is alerted (it may be CloudTrail).
    notConcerned: (event) => {
        const principal = event.requestParameters.servicePrincipal;
        return typeof principal === 'string' && principal !== CLOUDTRAIL
            ? `DisableAWSServiceAccess for ${principal.slice(0, 100)} does not concern CloudTrail`
            : null;
    },
    async remediate(event, _policy, deps, step) {
        const consequence = 'organization trails stop logging the member accounts; re-enable it (EnableAWSServiceAccess for cloudtrail.amazonaws.com, or the CloudTrail console) and check each organization trail';
        let confirmed = '';
        if (deps.organizations) {
            try {
                const client = await deps.organizations(event.account);
                const out = await step.run('ListAWSServiceAccessForOrganization', () => client.send(new client_organizations_dist_cjs.ListAWSServiceAccessForOrganizationCommand({})));
                const enabled = (out.EnabledServicePrincipals ?? []).some((p) => p.ServicePrincipal === CLOUDTRAIL);
                confirmed = enabled
                    ? ' (yet the organization still lists CloudTrail as trusted: check again)'
                    : ' (confirmed: CloudTrail is no longer a trusted service)';
            }
            catch (error) {
                confirmed = ` (could not confirm: ${(0,errors/* errorText */.kc)(error)})`;
            }
        }
        return {
            outcome: 'alert-only',
            isLogging: null,
            restored: false,
            reason: `trusted access for CloudTrail was disabled${confirmed}: ${consequence}`,
        };
    },
};
/**
 * DeregisterOrganizationDelegatedAdmin (CloudTrail's API), or Organizations' own DeregisterDelegatedAdministrator for
 * cloudtrail.amazonaws.com: the account that administered organization trails no longer can.
 */
const deregisterDelegatedAdmin = {
    resource: (event) => ({ type: 'organization', name: `CloudTrail delegated administrator ${delegate(event)}`, arn: null }),
    changes: (event) => [`account ${delegate(event)} is no longer a CloudTrail delegated administrator`],
    // Organizations' call names the service: another service's delegated administrator is not logging.
    notConcerned: (event) => {
        const principal = event.requestParameters.servicePrincipal;
        return typeof principal === 'string' && principal !== CLOUDTRAIL
            ? `${event.eventName} for ${principal.slice(0, 100)} does not concern CloudTrail`
            : null;
    },
    async remediate(event) {
        return {
            outcome: 'alert-only',
            isLogging: null,
            restored: false,
            reason: `account ${delegate(event)} was deregistered as CloudTrail delegated administrator: it can no longer manage organization trails or Lake event data stores; ` +
                'if that was not planned, register it again (RegisterOrganizationDelegatedAdmin) and update organization.delegatedAdministrators',
        };
    },
};
function delegate(event) {
    const params = event.requestParameters;
    // CloudTrail's call names it delegatedAdminAccountId; Organizations' DeregisterDelegatedAdministrator, accountId.
    const id = params.delegatedAdminAccountId ?? params.DelegatedAdminAccountId ?? params.accountId;
    return typeof id === 'string' && /^\d{12}$/.test(id) ? id : '(unknown)';
}

;// CONCATENATED MODULE: ./lambda/impairment/index.ts










/** Every impairment call's handler, one line per name (a name without one is still alerted, never dropped). */
const IMPAIRMENT_HANDLERS = {
    StopEventDataStoreIngestion: stopIngestion,
    DeleteEventDataStore: deleteStore,
    UpdateEventDataStore: updateStore,
    DeregisterOrganizationDelegatedAdmin: deregisterDelegatedAdmin,
    LeaveOrganization: leaveOrganization,
    RemoveAccountFromOrganization: removeAccount,
    DisableAWSServiceAccess: disableServiceAccess,
    DeregisterDelegatedAdministrator: deregisterDelegatedAdmin,
};
/** For a name whose family module is missing: alerted as it stands. */
const UNHANDLED = {
    resource: (event) => ({ type: 'organization', name: event.eventName, arn: null }),
    changes: (event) => [`${event.eventName} called`],
    async remediate(event) {
        return {
            outcome: 'alert-only',
            isLogging: null,
            restored: null,
            reason: `this TrailGuard release watches ${event.eventName} but has no handler for it`,
        };
    },
};
/**
 * Decides one impairment event (never throws for AWS errors: they become `failed`): `ignored` for
 * TrailGuard's own restoration, `blocked` when the call itself failed, `allowed` for the allow
 * list, else the family's decision.
 */
async function decideImpairment(event, handler, deps) {
    const { settings } = deps;
    const resource = handler.resource(event);
    const base = { changes: handler.changes(event), actions: [], error: null, remediatedAt: null, isLogging: null };
    const decided = (remedy, actions = []) => ({
        ...base,
        ...remedy,
        actions,
        resource: { ...resource, restored: remedy.restored },
        remediatedAt: remedy.restored === true ? deps.now().toISOString() : null,
        error: remedy.outcome === 'failed' ? remedy.reason : null,
    });
    if (handler.isOwnRestoration?.(event, settings)) {
        return decided({
            outcome: 'ignored',
            isLogging: null,
            restored: null,
            reason: `TrailGuard's own call towards the baseline, made with its role ${settings.remediationRole}`,
        });
    }
    const ownRole = (0,remediate/* isOwnRole */.Ls)(settings, event) ? ` with TrailGuard's own role ${settings.remediationRole}` : '';
    if (event.errorCode) {
        return decided({
            outcome: 'blocked',
            isLogging: null,
            restored: null,
            reason: `the call${ownRole} itself failed with ${event.errorCode}: nothing changed`,
        });
    }
    const pattern = (0,remediate/* allowPatternOf */.Vs)(settings.allow, event.actor);
    if (pattern) {
        return decided({
            outcome: 'allowed',
            isLogging: null,
            restored: null,
            reason: `actor matches allow pattern ${pattern}: reported, not reverted`,
        });
    }
    const step = new ImpairmentStep(event, resource);
    try {
        const remedy = await handler.remediate(event, settings, deps, step);
        return decided({ ...remedy, reason: `${remedy.reason}${ownRole ? ` (the call was made${ownRole})` : ''}` }, step.actions);
    }
    catch (error) {
        const message = (0,errors/* errorText */.kc)(error);
        return {
            ...decided({ outcome: 'failed', isLogging: null, restored: false, reason: `remediation failed: ${message}` }, step.actions),
            error: error instanceof errors/* RemediationError */._s ? message : `unexpected: ${message}`,
        };
    }
}
/**
 * One impairment event: parse, decide, publish. Resolves to `rejected` (one `warn` line, no AWS call,
 * no alert) for a record that is not one, or does not concern logging. Throws AlertPublishError only.
 */
async function handleImpairmentEvent(raw, deps) {
    const started = Date.now();
    let event;
    try {
        event = (0,impairment_event/* parseImpairmentEvent */.i1)(raw);
    }
    catch (error) {
        const reason = error instanceof errors/* RejectedEventError */.J4 ? error.reason : `unexpected parse failure: ${(0,errors/* errorText */.kc)(error)}`;
        deps.log.warn('event rejected', { outcome: 'rejected', reason });
        return (0,alerting/* rejectedResult */.u)(reason);
    }
    // The trail's bucket, key and log group: matched to the watched trail that uses them (./storage.ts).
    if ((0,impairment_event/* isStorageCall */.ib)(event.eventName))
        return handleStorageEvent(event, deps);
    const handler = IMPAIRMENT_HANDLERS[event.eventName] ?? UNHANDLED;
    const unconcerned = handler.notConcerned?.(event);
    if (unconcerned) {
        deps.log.warn('event rejected', { outcome: 'rejected', reason: unconcerned, eventId: event.id, eventName: event.eventName });
        return (0,alerting/* rejectedResult */.u)(unconcerned);
    }
    const decision = await decideImpairment(event, handler, deps);
    const result = {
        outcome: decision.outcome,
        account: event.account,
        region: event.region,
        trail: decision.resource.name,
        eventId: event.id,
        eventName: event.eventName,
        isLogging: decision.isLogging,
        actions: decision.actions,
        error: decision.error,
        reason: decision.reason,
        alertMessageId: null,
    };
    const line = {
        outcome: decision.outcome,
        eventId: event.id,
        eventName: event.eventName,
        account: event.account,
        region: event.region,
        resource: decision.resource,
        actor: event.actor.arn,
        reason: decision.reason,
        actions: decision.actions,
        error: decision.error,
        durationMs: Date.now() - started,
    };
    if (decision.outcome === 'ignored') {
        deps.log.info('remediation decided', line);
        return result;
    }
    const alert = (0,core_alert/* buildImpairmentAlert */.DX)(event, { ...decision, outcome: decision.outcome }, decision.resource);
    result.alertMessageId = await (0,alerting/* publishOrThrow */.t)(deps, alert, line);
    (decision.outcome === 'failed' ? deps.log.error : deps.log.info).call(deps.log, 'remediation decided', {
        ...line,
        alertMessageId: result.alertMessageId,
    });
    return result;
}


/***/ })

};
