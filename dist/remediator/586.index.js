export const id = 586;
export const ids = [586];
export const modules = {

/***/ 9586:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createDefaultGuardDeps: () => (/* binding */ createDefaultGuardDeps),
  describeGuardChange: () => (/* binding */ describeGuardChange),
  differing: () => (/* binding */ differing),
  handlePipelineEvent: () => (/* binding */ handlePipelineEvent),
  isPipelineEvent: () => (/* reexport */ pipeline_event/* isPipelineEvent */.fn),
  loadPipelineEnvironment: () => (/* binding */ loadPipelineEnvironment),
  readRule: () => (/* binding */ readRule)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-eventbridge/dist-cjs/index.js
var dist_cjs = __webpack_require__(6612);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(1695);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(2857);
// EXTERNAL MODULE: ./src/core/alert.ts
var core_alert = __webpack_require__(6173);
// EXTERNAL MODULE: ./src/core/arn.ts
var core_arn = __webpack_require__(7136);
// EXTERNAL MODULE: ./src/core/aws/assume-role.ts
var assume_role = __webpack_require__(1880);
// EXTERNAL MODULE: ./src/core/aws/clients.ts + 1 modules
var aws_clients = __webpack_require__(5493);
// EXTERNAL MODULE: ./src/core/aws/kinds/common.ts
var common = __webpack_require__(9124);
;// CONCATENATED MODULE: ./src/core/aws/kinds/event-rule.ts
// An EventBridge rule, AWS half: the rule (from its bus's ListRules, shared), ListTargetsByRule, tags; PutRule, stale targets removed, PutTargets.



/**
 * A rule's targets (EventBridge ListTargetsByRule) in the shape the plan compares, sorted by Id. Everything that
 * changes what reaches the target is kept: TrailGuard's targets forward the whole event, so a constant `Input`, an
 * `InputPath` or an `InputTransformer` means the central rules never see a tamper record, and must show as drift.
 */
function ruleTargetFields(targets) {
    return targets
        .map((t) => ({
        Id: t.Id,
        Arn: t.Arn,
        ...(t.RoleArn ? { RoleArn: t.RoleArn } : {}),
        ...(t.DeadLetterConfig?.Arn ? { DeadLetterConfig: { Arn: t.DeadLetterConfig.Arn } } : {}),
        ...(t.RetryPolicy
            ? {
                RetryPolicy: {
                    MaximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts,
                    MaximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds,
                },
            }
            : {}),
        ...(t.Input !== undefined ? { Input: t.Input } : {}),
        ...(t.InputPath !== undefined ? { InputPath: t.InputPath } : {}),
        ...(t.InputTransformer ? { InputTransformer: t.InputTransformer } : {}),
    }))
        .sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
}
const eventRuleIo = {
    // PutTargets with a RoleArn (member rules: trailguard-forwarder) needs iam:PassRole.
    actions: {
        // ListRules lists the rule (with the others of its bus); DescribeRule only where a role older than that lacks it.
        read: ['events:ListRules', 'events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
        write: ['events:PutRule', 'events:TagResource', 'events:RemoveTargets', 'events:PutTargets', 'iam:PassRole'],
    },
    async read(resource, { accounts, account, region, rule: ruleOf }) {
        const events = await accounts.client(dist_cjs.EventBridgeClient, account, region);
        const busPath = resource.bus === 'default' ? '' : `${resource.bus}/`;
        const arn = `arn:${(0,core_arn/* partitionOf */.iQ)(region)}:events:${region}:${account}:rule/${busPath}${resource.name}`;
        const [rule, targets, tags] = await Promise.all([
            ruleOf(resource.bus, resource.name),
            (0,common/* orMissing */.Mr)(events.send(new dist_cjs/* ListTargetsByRuleCommand */.Hi6({ Rule: resource.name, EventBusName: resource.bus }))),
            (0,common/* orMissing */.Mr)(events.send(new dist_cjs/* ListTagsForResourceCommand */.a_e({ ResourceARN: arn }))),
        ]);
        if (!rule)
            return { exists: false };
        const normalized = ruleTargetFields(targets?.Targets ?? []);
        return {
            exists: true,
            managed: (0,common/* managedIn */.t0)(tags?.Tags),
            fields: { eventPattern: rule.eventPattern ? JSON.parse(rule.eventPattern) : null, state: rule.state, targets: normalized },
            ids: { targets: normalized.map((t) => t.Id).join(',') },
        };
    },
    async apply(resource, { accounts, account, region, create, fields, ids }) {
        const events = await accounts.client(dist_cjs.EventBridgeClient, account, region);
        if (create || fields.has('eventPattern') || fields.has('state')) {
            await events.send(new dist_cjs/* PutRuleCommand */.JOx({
                Name: resource.name,
                EventBusName: resource.bus,
                EventPattern: JSON.stringify(resource.pattern),
                State: 'ENABLED',
                Description: resource.description,
                ...(create ? { Tags: common/* TAG_LIST */.M1 } : {}),
            }));
        }
        if (create || fields.has('targets')) {
            const wanted = new Set(resource.targets.map((t) => t.Id));
            const stale = (ids.targets ?? '').split(',').filter((id) => id && !wanted.has(id));
            if (stale.length > 0)
                await events.send(new dist_cjs/* RemoveTargetsCommand */.aZR({ Rule: resource.name, EventBusName: resource.bus, Ids: stale }));
            const out = await events.send(new dist_cjs/* PutTargetsCommand */.Ve7({ Rule: resource.name, EventBusName: resource.bus, Targets: resource.targets }));
            if (out.FailedEntryCount) {
                throw new Error(`PutTargets on ${resource.name}: ${(out.FailedEntries ?? []).map((f) => `${f.TargetId} ${f.ErrorCode}: ${f.ErrorMessage}`).join('; ')}`);
            }
        }
    },
};

// EXTERNAL MODULE: ./src/core/desired-state.ts + 2 modules
var desired_state = __webpack_require__(4135);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/names.ts
var names = __webpack_require__(2483);
// EXTERNAL MODULE: ./src/core/kinds/index.ts + 12 modules
var kinds = __webpack_require__(1477);
;// CONCATENATED MODULE: ./src/core/plan.ts
// The plan: a pure diff of desired resources against what the readers observed, each change with its reason.

/** Characters of a before or after value shown: enough for a state, an ARN or a short list; a policy is cut. */
const VALUE_CLIP = 80;
/** `text` cut to `max` characters, the last one `…` when anything was left out. */
function clipValue(text, max = VALUE_CLIP) {
    const chars = [...text];
    return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
/** Characters of common text shown before the first difference when a pair of values is cut around it. */
const DIFF_CONTEXT = 20;
/**
 * `[before, after]` clipped to `max` characters each, so that a reader sees where they differ: when both share a
 * prefix longer than the clip would show (a policy or a list of 50 accounts that differs near its end), each is cut
 * to a window starting DIFF_CONTEXT characters before the first differing character, marked `…` at both cut ends.
 * Otherwise the same as `clipValue` on each.
 */
function clipPair(before, after, max = VALUE_CLIP) {
    const a = [...before];
    const b = [...after];
    let first = 0;
    while (first < a.length && first < b.length && a[first] === b[first])
        first++;
    if (first < max - DIFF_CONTEXT)
        return [clipValue(before, max), clipValue(after, max)];
    const start = first - DIFF_CONTEXT;
    const window = (chars) => {
        const rest = chars.slice(start);
        return rest.length <= max - 1 ? `…${rest.join('')}` : `…${rest.slice(0, max - 2).join('')}…`;
    };
    return [window(a), window(b)];
}
/** JSON with sorted object keys: equal values give equal strings whatever the key order. */
function canonical(value) {
    if (Array.isArray(value))
        return `[${value.map(canonical).join(',')}]`;
    if (value && typeof value === 'object') {
        return `{${Object.keys(value)
            .sort()
            .filter((k) => value[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
            .join(',')}}`;
    }
    return JSON.stringify(value ?? null);
}

/** The fields of a resource that apply compares and converges, in the shape readers report them (its kind module's). */
function desiredFields(resource) {
    return (0,kinds/* kindSpec */.KS)(resource.kind).desiredFields(resource);
}
function identity(r) {
    return { key: r.key, account: r.account, region: r.region, kind: r.kind, name: r.name };
}
/** Compares desired resources with observations; a resource that was not observed at all is left out (its account failed). */
function planChanges(desired, observed, extraneous = []) {
    const changes = [];
    for (const resource of desired) {
        const seen = observed.get(resource.key);
        if (!seen)
            continue;
        if (!seen.exists) {
            changes.push({ ...identity(resource), action: 'create', reason: 'create', fields: [] });
            continue;
        }
        if (kindSpec(resource.kind).tagged && !seen.managed) {
            changes.push({ ...identity(resource), action: 'conflict', reason: 'conflict: not managed by TrailGuard', fields: [] });
            continue;
        }
        const wanted = desiredFields(resource);
        const differing = Object.keys(wanted).filter((field) => canonical(wanted[field]) !== canonical(seen.fields[field]));
        if (differing.length > 0) {
            const who = kindSpec(resource.kind).updateHint ?? '';
            const spec = kindSpec(resource.kind);
            const shown = (field, value, other) => canonical(spec.shownValue ? spec.shownValue(field, value, other) : value);
            const diff = differing.map((field) => {
                const [before, after] = clipPair(shown(field, seen.fields[field], wanted[field]), shown(field, wanted[field], seen.fields[field]));
                return { field, before, after };
            });
            changes.push({ ...identity(resource), action: 'update', reason: `update: ${differing.join(', ')}${who}`, fields: differing, diff });
        }
    }
    for (const extra of extraneous) {
        if (extra.foreign) {
            changes.push({
                ...identity(extra),
                action: 'conflict',
                reason: `conflict: not written by TrailGuard (${extra.foreign})`,
                fields: [],
            });
            continue;
        }
        changes.push({ ...identity(extra), action: 'delete', reason: 'delete: no longer desired', fields: [] });
    }
    return changes;
}

// EXTERNAL MODULE: ./src/core/pipeline-event.ts
var pipeline_event = __webpack_require__(6196);
// EXTERNAL MODULE: ./src/core/aws/cloudtrail.ts
var cloudtrail = __webpack_require__(2934);
// EXTERNAL MODULE: ./src/core/event-selectors.ts
var event_selectors = __webpack_require__(7556);
// EXTERNAL MODULE: ./src/core/sweep.ts + 1 modules
var sweep = __webpack_require__(8042);
// EXTERNAL MODULE: ./lambda/alerting.ts
var alerting = __webpack_require__(9500);
;// CONCATENATED MODULE: ./lambda/guard.ts
// The remediator's answer to guard events: put TrailGuard's member rules back, alert on every change to its rules and roles
// and to the central account's own chain (its rules, bus grants, remediator, mappings and queues).


















const PipelineEnvironmentSchema = schemas/* object */.Ikc({
    watch: schemas/* array */.YOg(schemas/* string */.YjP().min(1)).min(1),
    regions: schemas/* array */.YOg(schemas/* string */.YjP().min(1)).min(1),
    deployRole: schemas/* string */.YjP().regex(/^[\w+=,.@-]{1,64}$/),
});
/** Reads `TRAILGUARD_PIPELINE`; throws naming the variable and the bad field. */
function loadPipelineEnvironment(env) {
    const text = env.TRAILGUARD_PIPELINE;
    if (!text)
        return null;
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        throw new Error('TRAILGUARD_PIPELINE: expected JSON');
    }
    const result = PipelineEnvironmentSchema.safeParse(value);
    if (!result.success) {
        const issue = result.error.issues[0];
        throw new Error(`TRAILGUARD_PIPELINE.${issue.path.join('.')}: ${issue.message}`);
    }
    return result.data;
}
let defaultGuard;
/** Real guard dependencies from the environment: one STS client, credentials cached per account, one client per account and region. */
function createDefaultGuardDeps(deps, env = process.env) {
    const home = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? deps.settings.topicRegion;
    const roles = new assume_role/* RoleCredentialsCache */.X({
        sts: (0,aws_clients/* createClient */.UU)(client_sts_dist_cjs/* STSClient */.iM, { region: home }),
        roleName: deps.settings.remediationRole,
        region: home,
        externalId: deps.settings.externalId,
        sessionName: 'trailguard-remediator',
    });
    const clients = new Map();
    return {
        pipeline: loadPipelineEnvironment(env),
        async events(account, region) {
            await roles.credentials(account);
            const key = `${account}/${region}`;
            let client = clients.get(key);
            if (!client)
                clients.set(key, (client = (0,aws_clients/* createClient */.UU)(dist_cjs.EventBridgeClient, { region, credentials: roles.provider(account) })));
            return client;
        },
    };
}
/** The central account, its home region and partition: where the alerts topic lives. */
function centralOf(deps) {
    const [, partition, , region, account] = deps.settings.topicArn.split(':');
    return { partition: partition, region: region, account: account };
}
function actorOf(event, deps, pipeline) {
    const role = (0,core_arn/* roleOfPrincipal */.I)(event.actor.issuerArn ?? event.actor.arn);
    if (!role || role.account !== event.account)
        return 'other';
    if (role.roleName === deps.settings.remediationRole)
        return 'remediator';
    // In the central account the remediator runs as its own role, not the member remediation role.
    if (event.account === centralOf(deps).account && role.roleName === names/* NAMES */.X.remediatorRole)
        return 'remediator';
    if (pipeline && role.roleName === pipeline.deployRole)
        return 'deploy';
    return 'other';
}
/** What the call did, as far as its request tells; never the policy documents themselves (they go to Slack). */
function describeGuardChange(event) {
    const p = event.requestParameters;
    const name = event.resource.name;
    switch (event.eventName) {
        case 'DeleteRule':
            return [`rule ${name} deleted`];
        case 'DisableRule':
            return [`rule ${name} disabled`];
        case 'PutRule':
            return [
                `rule ${name} put${typeof p.state === 'string' ? ` with state ${p.state}` : ''}${typeof p.eventPattern === 'string' ? ', event pattern replaced' : ''}`,
            ];
        case 'PutTargets': {
            const targets = Array.isArray(p.targets) ? p.targets : [];
            return targets.length ? targets.map((t) => `target ${String(t.id)} of ${name} set to ${String(t.arn)}`) : [`targets of ${name} put`];
        }
        case 'RemoveTargets':
            return [`targets ${Array.isArray(p.ids) ? p.ids.join(', ') : '?'} removed from ${name}`];
        case 'DeleteRole':
            return [`role ${name} deleted`];
        case 'UpdateAssumeRolePolicy':
            return [`trust policy of ${name} replaced`];
        case 'PutRolePolicy':
            return [`inline policy ${String(p.policyName)} of ${name} put`];
        case 'DeleteRolePolicy':
            return [`inline policy ${String(p.policyName)} of ${name} deleted`];
        case 'AttachRolePolicy':
            return [`managed policy ${String(p.policyArn)} attached to ${name}`];
        case 'DetachRolePolicy':
            return [`managed policy ${String(p.policyArn)} detached from ${name}`];
        case 'PutRolePermissionsBoundary':
            return [`permissions boundary ${String(p.permissionsBoundary)} set on ${name}`];
        case 'DeleteRolePermissionsBoundary':
            return [`permissions boundary removed from ${name}`];
        case 'DeleteSchedule':
            return [`schedule ${name} deleted`];
        case 'PutPermission':
            return [`grant ${String(p.statementId ?? '?')} put on event bus ${name}`];
        case 'RemovePermission':
            if (event.resource.kind === 'lambda-function')
                return [`invoke permission ${String(p.statementId)} removed from ${name}`];
            return [
                p.removeAllPermissions === true
                    ? `every grant removed from event bus ${name}`
                    : `grant ${String(p.statementId)} removed from event bus ${name}`,
            ];
        case 'PutFunctionConcurrency':
            return [`reserved concurrency of ${name} set to ${String(p.reservedConcurrentExecutions)}`];
        case 'DeleteFunction':
            return [`function ${name} deleted`];
        case 'UpdateFunctionCode':
            return [`code of ${name} replaced`];
        case 'UpdateFunctionConfiguration':
            return [
                `configuration of ${name} updated (${Object.keys(p)
                    .filter((k) => k !== 'functionName')
                    .join(', ') || 'no fields'})`,
            ];
        case 'UpdateEventSourceMapping':
            return [
                p.enabled === false
                    ? `event source mapping ${name}${event.resource.functionName ? ` of ${event.resource.functionName}` : ''} disabled`
                    : `event source mapping ${name}${event.resource.functionName ? ` of ${event.resource.functionName}` : ''} updated`,
            ];
        case 'DeleteEventSourceMapping':
            return [`event source mapping ${name}${event.resource.functionName ? ` of ${event.resource.functionName}` : ''} deleted`];
        case 'SetQueueAttributes': {
            const attributes = p.attributes && typeof p.attributes === 'object' ? Object.keys(p.attributes) : [];
            return [`attributes ${attributes.join(', ') || '?'} of queue ${name} set`];
        }
        case 'DeleteQueue':
            return [`queue ${name} deleted`];
        case 'PurgeQueue':
            return [`queue ${name} purged: every message in it deleted`];
        case 'UpdateSchedule': {
            const target = p.target?.arn;
            const changes = [
                ...(p.state === 'DISABLED'
                    ? [`schedule ${name} disabled`]
                    : typeof p.state === 'string'
                        ? [`schedule ${name} state ${p.state}`]
                        : []),
                ...(typeof p.scheduleExpression === 'string' ? [`schedule expression of ${name} set to ${p.scheduleExpression}`] : []),
                ...(target !== undefined ? [`target of ${name} set to ${String(target)}`] : []),
            ];
            return changes.length > 0 ? changes : [`schedule ${name} updated`];
        }
    }
}
function resourceArn(event) {
    const p = (0,core_arn/* partitionOf */.iQ)(event.region);
    if (event.resource.kind === 'scheduler-schedule')
        return `arn:${p}:scheduler:${event.region}:${event.account}:schedule/${event.resource.group ?? 'default'}/${event.resource.name}`;
    if (event.resource.kind === 'iam-role')
        return `arn:${p}:iam::${event.account}:role/${event.resource.name}`;
    if (event.resource.kind === 'event-bus')
        return `arn:${p}:events:${event.region}:${event.account}:event-bus/${event.resource.name}`;
    if (event.resource.kind === 'lambda-function')
        return `arn:${p}:lambda:${event.region}:${event.account}:function:${event.resource.name}`;
    if (event.resource.kind === 'event-source-mapping')
        return `arn:${p}:lambda:${event.region}:${event.account}:event-source-mapping:${event.resource.name}`;
    if (event.resource.kind === 'sqs-queue')
        return `arn:${p}:sqs:${event.region}:${event.account}:${event.resource.name}`;
    const bus = event.resource.bus === 'default' || !event.resource.bus ? '' : `${event.resource.bus}/`;
    return `arn:${p}:events:${event.region}:${event.account}:rule/${bus}${event.resource.name}`;
}
/** The rule's desired definition in this account and region, or undefined when TrailGuard has no such member rule there. */
function desiredRule(event, deps, pipeline) {
    if (event.resource.bus !== 'default')
        return undefined;
    const [, partition, , region, account] = deps.settings.topicArn.split(':');
    const centralBusArn = `arn:${partition}:events:${region}:${account}:event-bus/${names/* NAMES */.X.bus}`;
    const rules = (0,desired_state/* memberRules */.YA)({ centralBusArn, watch: pipeline.watch, regions: pipeline.regions, remediationRole: deps.settings.remediationRole }, event.account);
    return rules.find((r) => r.region === event.region && r.name === event.resource.name);
}
/** The rule as EventBridge has it, in the shape `desiredFields` gives; null when it does not exist. */
async function readRule(events, name) {
    let rule;
    try {
        rule = await events.send(new dist_cjs/* DescribeRuleCommand */.NDC({ Name: name }));
    }
    catch (error) {
        if ((0,errors/* errorCode */.CA)(error) === 'ResourceNotFoundException')
            return null;
        throw error;
    }
    const { Targets = [] } = await events.send(new dist_cjs/* ListTargetsByRuleCommand */.Hi6({ Rule: name }));
    const targets = ruleTargetFields(Targets);
    return {
        fields: { eventPattern: rule.EventPattern ? JSON.parse(rule.EventPattern) : null, state: rule.State, targets },
        targetIds: targets.map((t) => String(t.Id)),
    };
}
function differing(desired, seen) {
    if (!seen)
        return ['missing'];
    const wanted = desiredFields(desired);
    return Object.keys(wanted).filter((k) => canonical(wanted[k]) !== canonical(seen.fields[k]));
}
/** Puts a member rule back to its desired definition (rule, state, targets) and reads it again to verify. */
async function repairRule(events, desired, mayWrite) {
    const actions = [];
    const before = await readRule(events, desired.name);
    const drift = differing(desired, before);
    if (drift.length === 0)
        return { restored: null, actions, error: null, drift };
    // The record of TrailGuard's own repair that did not converge: repairing again would answer each of its
    // calls with more calls (a loop); one alert, and no write, bounds it.
    if (!mayWrite)
        return { restored: false, actions, error: `TrailGuard's own change left the rule not as desired: ${drift.join(', ')}`, drift };
    await events.send(new dist_cjs/* PutRuleCommand */.JOx({
        Name: desired.name,
        EventPattern: JSON.stringify(desired.pattern),
        State: 'ENABLED',
        Description: desired.description,
        ...(before ? {} : { Tags: [{ Key: names/* MANAGED_TAG */.N.key, Value: names/* MANAGED_TAG */.N.value }] }),
    }));
    actions.push(before ? 'PutRule: pattern and state ENABLED' : 'PutRule: recreated');
    const wanted = new Set(desired.targets.map((t) => t.Id));
    const stale = (before?.targetIds ?? []).filter((id) => !wanted.has(id));
    if (stale.length) {
        await events.send(new dist_cjs/* RemoveTargetsCommand */.aZR({ Rule: desired.name, Ids: stale }));
        actions.push(`RemoveTargets: ${stale.join(', ')}`);
    }
    const out = await events.send(new dist_cjs/* PutTargetsCommand */.Ve7({ Rule: desired.name, Targets: desired.targets }));
    if (out.FailedEntryCount)
        throw new Error(`PutTargets: ${(out.FailedEntries ?? []).map((f) => `${f.TargetId} ${f.ErrorCode}`).join('; ')}`);
    actions.push('PutTargets: central bus');
    const left = differing(desired, await readRule(events, desired.name));
    return left.length === 0
        ? { restored: true, actions, error: null, drift }
        : { restored: false, actions, error: `still differs after repair: ${left.join(', ')}`, drift };
}
/**
 * Whether the call itself, as its request tells, moved the rule towards its definition (what
 * `apply` and the remediator's own repair do). DeleteRule and DisableRule never do. The rule as
 * read later is not enough: a window (DisableRule, StopLogging, EnableRule) may already be closed.
 */
function towardsDesired(event, desired) {
    const p = event.requestParameters;
    const wanted = new Map(desired.targets.map((t) => [t.Id, t]));
    switch (event.eventName) {
        case 'PutRule':
            return putsPattern(p, desired.pattern);
        case 'PutTargets': {
            const targets = Array.isArray(p.targets) ? p.targets : [];
            return (targets.length > 0 &&
                targets.every((t) => {
                    const want = wanted.get(String(t?.id));
                    return want !== undefined && t.arn === want.Arn && (t.roleArn === undefined || t.roleArn === want.RoleArn);
                }));
        }
        case 'RemoveTargets':
            return Array.isArray(p.ids) && p.ids.every((id) => !wanted.has(String(id)));
        default:
            return false;
    }
}
/** Whether a PutRule request leaves the rule enabled with exactly `pattern`. */
function putsPattern(p, pattern) {
    if (p.state !== undefined && p.state !== 'ENABLED')
        return false;
    if (typeof p.eventPattern !== 'string')
        return false;
    try {
        return canonical(JSON.parse(p.eventPattern)) === canonical(pattern);
    }
    catch {
        return false;
    }
}
async function decide(event, deps, guard, actor) {
    const none = { actions: [], error: null };
    if (event.errorCode) {
        // Only a failed call TrailGuard itself makes (towards the rule's definition) is its own; a failed
        // DeleteRule or DisableRule with its role is someone holding the role, as on the trail path.
        const desired = actor === 'remediator' && guard.pipeline ? desiredRule(event, deps, guard.pipeline) : undefined;
        return desired && towardsDesired(event, desired)
            ? { ...none, outcome: 'ignored', restored: null, reason: "TrailGuard's own call failed: nothing changed" }
            : { ...none, outcome: 'blocked', restored: null, reason: `the call itself failed with ${event.errorCode}: nothing changed` };
    }
    if (event.resource.kind === 'scheduler-schedule')
        return scheduleVerdict(event, deps, actor, await configuredSchedule(deps));
    const centralVerdict = centralChainVerdict(event, deps, guard.pipeline, actor);
    if (centralVerdict)
        return centralVerdict;
    if (event.resource.kind === 'iam-role') {
        // The remediator cannot change roles (least privilege): apply repairs them, the alert says so.
        return { ...none, outcome: 'pipeline-tampered', restored: false, reason: 'role changed: run trailguard apply to repair it' };
    }
    if (!guard.pipeline) {
        return {
            ...none,
            outcome: 'pipeline-tampered',
            restored: false,
            error: 'TRAILGUARD_PIPELINE is missing or invalid in the remediator environment: run trailguard apply',
            reason: 'cannot tell the desired rule',
        };
    }
    const desired = desiredRule(event, deps, guard.pipeline);
    if (!desired) {
        return actor === 'other'
            ? {
                ...none,
                outcome: 'pipeline-tampered',
                restored: null,
                reason: 'a trailguard-* rule TrailGuard does not manage here: nothing to restore',
            }
            : { ...none, outcome: 'ignored', restored: null, reason: 'TrailGuard changed a rule that is not a member rule' };
    }
    let repair;
    try {
        repair = await repairRule(await guard.events(event.account, event.region), desired, actor !== 'remediator');
    }
    catch (error) {
        return {
            outcome: 'pipeline-tampered',
            restored: false,
            actions: [],
            error: `${(0,errors/* errorCode */.CA)(error)} repairing ${desired.name} in ${event.account}/${event.region}: ${(0,errors/* errorText */.kc)(error)}`,
            reason: 'repair failed',
        };
    }
    // TrailGuard's own roles pass silently only when the rule is exactly as desired: any other result is alerted,
    // so a deploy role in an attacker's hands can never delete, disable or retarget a rule unseen.
    if (repair.restored === null && actor !== 'other' && towardsDesired(event, desired)) {
        return { ...repair, outcome: 'ignored', reason: `made by TrailGuard's ${actor} role and the rule is as desired` };
    }
    const verdict = {
        ...repair,
        outcome: 'pipeline-tampered',
        reason: repair.restored === null
            ? 'the rule is still as desired'
            : repair.restored
                ? `rule restored (${repair.drift.join(', ')})`
                : (repair.error ?? 'repair did not converge'),
    };
    // The other member rule of this region may have been taken down while this one was (DisableRule
    // trailguard-guard, then DeleteRule trailguard-forward: the second call was forwarded by nothing).
    // Read it too, and put it back: otherwise the region stays blind after an alert that looks resolved.
    if (actor !== 'remediator')
        await checkSiblings(event, deps, guard, desired, verdict);
    // While trailguard-forward was down (DisableRule, StopLogging, EnableRule), tamper calls in this region
    // were forwarded by nothing: check the trails homed here now, as the event path would have.
    if (desired.name === names/* NAMES */.X.forwardRule && actor !== 'remediator')
        await recheckTrails(event, deps, verdict);
    return verdict;
}
/** The bus grant statements apply writes (`busPermissionSid`): removing any other is apply's clean-up of an older grant. */
const CURRENT_GRANTS = new Set(['trailguard-organization', 'trailguard-members']);
/** The remediator's invoke permissions apply writes with direct delivery (one per central rule: `<rule>-rule`). */
const CURRENT_INVOKE_PERMISSIONS = new Set(desired_state/* CENTRAL_RULES */.sG.map((r) => `${r.name}-rule`));
/**
 * Whether the call, as its request tells, leaves a central resource as apply sets it: a central rule put with its
 * desired pattern and enabled, or given the remediator (or its events queue) as target; a mapping left enabled on a
 * `trailguard-*` function; the remediator's handler, runtime and role as apply sets them; a bus grant put, or an old
 * one removed. Queues' attributes and the remediator's code are apply's to set (the record cannot tell them from the
 * desired ones: their policy, redrive and code hash depend on the whole config and build), so the deploy role's
 * SetQueueAttributes and UpdateFunctionCode count too. Deleting, disabling, purging, throttling and removing targets never do.
 */
function centralAsApplySetsIt(event, deps, pipeline) {
    const p = event.requestParameters;
    const { partition, region, account } = centralOf(deps);
    switch (event.eventName) {
        case 'PutRule':
        case 'PutTargets': {
            if (!pipeline)
                return false;
            const pattern = (0,desired_state/* centralRulePatterns */.n0)({ account, watch: pipeline.watch, remediationRole: deps.settings.remediationRole }).get(event.resource.name);
            if (!pattern)
                return false;
            if (event.eventName === 'PutTargets') {
                // Either delivery (`remediator.delivery`): the remediator itself, or its events queue.
                const wanted = new Map([
                    ['trailguard-remediator', `arn:${partition}:lambda:${region}:${account}:function:${names/* NAMES */.X.remediatorFunction}`],
                    ['trailguard-events', `arn:${partition}:sqs:${region}:${account}:${names/* NAMES */.X.eventsQueue}`],
                ]);
                const targets = Array.isArray(p.targets) ? p.targets : [];
                return targets.length > 0 && targets.every((t) => wanted.get(String(t?.id)) === t?.arn);
            }
            return putsPattern(p, pattern);
        }
        case 'UpdateEventSourceMapping':
            return p.enabled !== false && (event.resource.functionName ?? names/* NAMES */.X.remediatorFunction).startsWith('trailguard-');
        case 'UpdateFunctionConfiguration': {
            const role = `arn:${partition}:iam::${account}:role/${names/* NAMES */.X.remediatorRole}`;
            return ((p.handler === undefined || p.handler === desired_state/* REMEDIATOR_HANDLER */.KL) &&
                (p.runtime === undefined || p.runtime === desired_state/* REMEDIATOR_RUNTIME */._5) &&
                (p.role === undefined || p.role === role));
        }
        case 'SetQueueAttributes':
        case 'PutPermission':
            return true;
        case 'RemovePermission':
            // A grant or invoke permission apply no longer writes (an older form, the other delivery's): its clean-up.
            return (p.removeAllPermissions !== true &&
                typeof p.statementId === 'string' &&
                !(event.resource.kind === 'lambda-function' ? CURRENT_INVOKE_PERMISSIONS : CURRENT_GRANTS).has(p.statementId));
        case 'UpdateFunctionCode':
            // apply deploys the remediator's code; what the code is, the record does not tell (plan compares CodeSha256).
            return true;
        default:
            return false;
    }
}
/**
 * A call on the central account's own chain past its first link (its rules, the `trailguard` bus grants, the
 * remediator, `trailguard-*` mappings and queues), or undefined when the event is about something else. The
 * remediator's role may not change any of them (least privilege: it never administers itself), so each is alerted
 * `pipeline-tampered` with `restored: false` and "trailguard apply restores it"; TrailGuard's own roles pass silently
 * only when the call leaves the resource as apply sets it.
 */
function centralChainVerdict(event, deps, pipeline, actor) {
    const { account, region } = centralOf(deps);
    // Everything of the chain lives in the central account's home region (IAM roles are the role path's).
    if (event.account !== account || event.region !== region || event.resource.kind === 'iam-role')
        return undefined;
    const { kind, name, bus } = event.resource;
    const centralRule = kind === 'event-rule' && desired_state/* CENTRAL_RULES */.sG.some((r) => r.name === name && r.bus === bus);
    // Other rules here may be the central account's own member rules (when it is a member): the member path has them.
    if (kind === 'event-rule' && !centralRule)
        return undefined;
    const ours = centralRule ||
        (kind === 'event-bus' && name === names/* NAMES */.X.bus) ||
        (kind === 'lambda-function' && name === names/* NAMES */.X.remediatorFunction) ||
        (kind === 'event-source-mapping' && (event.resource.functionName ?? '').startsWith(pipeline_event/* OWN_PREFIX */.yc)) ||
        (kind === 'sqs-queue' && name.startsWith(pipeline_event/* OWN_PREFIX */.yc));
    if (!ours) {
        return actor === 'other'
            ? {
                outcome: 'pipeline-tampered',
                restored: null,
                actions: [],
                error: null,
                reason: `${name} is not a resource TrailGuard manages here: nothing to restore`,
            }
            : { outcome: 'ignored', restored: null, actions: [], error: null, reason: 'TrailGuard changed a resource it does not manage here' };
    }
    // Only apply (the deploy role) changes the central bus, function, mappings and queues; the remediator only reads them.
    const mayChange = actor === 'deploy' || (actor === 'remediator' && kind === 'event-rule');
    if (mayChange && centralAsApplySetsIt(event, deps, pipeline)) {
        return {
            outcome: 'ignored',
            restored: null,
            actions: [],
            error: null,
            reason: `made by TrailGuard's ${actor} role and set as apply sets it`,
        };
    }
    const what = describeGuardChange(event).join('; ');
    const lost = event.eventName === 'PurgeQueue' ? ' The purged messages are lost: run trailguard sweep to re-check every account.' : '';
    return {
        outcome: 'pipeline-tampered',
        restored: false,
        actions: [],
        error: null,
        reason: `${what} in the central account ${account}: tamper events or sweeps may no longer reach the remediator; the remediator does not change its own pipeline, trailguard apply restores it.${lost}`,
    };
}
/**
 * A call on the sweep schedule: alerted `pipeline-tampered` (a disabled or deleted schedule means no sweep, so no trail
 * found off and no canary, until `apply` restores it; the remediator may not change schedules). Only the deploy role
 * putting it back (enabled, targeting `trailguard-sweep`) passes silently.
 */
/** `sweep.schedule` as apply wrote it (TRAILGUARD_SWEEP); undefined when this function was deployed without it. */
async function configuredSchedule(deps) {
    try {
        return (await deps.sweep?.())?.sweep.schedule;
    }
    catch {
        return undefined;
    }
}
/**
 * Whether an UpdateSchedule request sets the sweep schedule as apply does: its expression (when known), no start or
 * end date (apply sets neither; an EndDate stops it, a StartDate ahead postpones it), and, when the record carries
 * them, the planner's input and the scheduler role.
 */
function asApplySetsIt(p, schedule, scheduleRole) {
    if (typeof schedule === 'string' && p.scheduleExpression !== schedule)
        return false;
    if (p.endDate !== undefined || p.startDate !== undefined)
        return false;
    const target = (p.target ?? {});
    if (target.roleArn !== undefined && target.roleArn !== scheduleRole)
        return false;
    if (target.input !== undefined) {
        try {
            if (typeof target.input !== 'string' || canonical(JSON.parse(target.input)) !== canonical(sweep/* START_SWEEP_MESSAGE */._m))
                return false;
        }
        catch {
            return false;
        }
    }
    return true;
}
function scheduleVerdict(event, deps, actor, schedule) {
    const none = { actions: [], error: null };
    const [, partition, , region, central] = deps.settings.topicArn.split(':');
    const ours = event.resource.name === sweep/* SWEEP_NAMES */.OM.schedule &&
        (event.resource.group ?? 'default') === 'default' &&
        event.account === central &&
        event.region === region;
    if (!ours) {
        return actor === 'other'
            ? {
                ...none,
                outcome: 'pipeline-tampered',
                restored: null,
                reason: 'a trailguard-sweep* schedule TrailGuard does not manage: nothing to restore',
            }
            : { ...none, outcome: 'ignored', restored: null, reason: 'TrailGuard changed a schedule that is not its sweep schedule' };
    }
    const p = event.requestParameters;
    const queue = `arn:${partition}:sqs:${region}:${central}:${sweep/* SWEEP_NAMES */.OM.queue}`;
    const target = p.target?.arn;
    const scheduleRole = `arn:${partition}:iam::${central}:role/${sweep/* SWEEP_NAMES */.OM.schedulerRole}`;
    if (actor === 'deploy' &&
        event.eventName === 'UpdateSchedule' &&
        p.state !== 'DISABLED' &&
        target === queue &&
        asApplySetsIt(p, schedule, scheduleRole)) {
        return {
            ...none,
            outcome: 'ignored',
            restored: null,
            reason: "made by TrailGuard's deploy role, enabled, targeting trailguard-sweep with the configured schedule",
        };
    }
    const what = event.eventName === 'DeleteSchedule' ? 'deleted' : p.state === 'DISABLED' ? 'disabled' : 'changed';
    return {
        ...none,
        outcome: 'pipeline-tampered',
        restored: false,
        reason: `the sweep schedule ${sweep/* SWEEP_NAMES */.OM.schedule} was ${what}: no scheduled sweep may run (no trail found off, no canary sent) until trailguard apply restores it; the remediator does not change schedules`,
    };
}
/**
 * Reads every trail homed in the event's account and region and puts back what a missed tamper call
 * would have taken: logging (StartLogging, verified) and all management events (the selectors restore
 * of the event path). Adds what it did to `verdict`; a failure is reported in the alert, never thrown.
 */
async function recheckTrails(event, deps, verdict) {
    const where = `${event.account}/${event.region}`;
    const found = [];
    try {
        const client = await deps.cloudtrail(event.account, event.region);
        for (const arn of await (0,cloudtrail/* trailsHomedHere */.Hk)(client)) {
            const name = arn.slice(arn.indexOf(':trail/') + 7);
            const selectors = await (0,cloudtrail/* getEventSelectors */.$R)(client, arn);
            if (!(0,event_selectors/* managementFullyRecorded */.i$)(selectors)) {
                await (0,cloudtrail/* putEventSelectors */.eu)(client, arn, (0,event_selectors/* restoreManagementEvents */.VH)(selectors));
                verdict.actions.push(`PutEventSelectors: all management events on ${name}`);
                found.push(`${name} did not record all management events: restored`);
            }
            if (!(await (0,cloudtrail/* getTrailStatus */.rI)(client, arn)).isLogging) {
                await (0,cloudtrail/* startLogging */.oR)(client, arn);
                const { isLogging } = await (0,cloudtrail/* getTrailStatus */.rI)(client, arn);
                verdict.actions.push(`StartLogging: ${name}`);
                found.push(isLogging ? `${name} was not logging: restarted` : `${name} was not logging and does not log after StartLogging`);
                if (!isLogging)
                    verdict.restored = false;
            }
        }
    }
    catch (error) {
        found.push(`could not re-check the trails in ${where}: ${(0,errors/* errorCode */.CA)(error)}: ${(0,errors/* errorText */.kc)(error)}`);
        verdict.error ??= found[found.length - 1];
    }
    verdict.reason += found.length
        ? `; tamper calls made while ${names/* NAMES */.X.forwardRule} was down were not forwarded, and the trails in ${where} showed: ${found.join('; ')}`
        : `; the trails homed in ${where} were re-checked: all logging, all management events recorded`;
}
/** Reads (and repairs) the member rules of the event's region other than `touched`, adding what it found to `verdict`. */
async function checkSiblings(event, deps, guard, touched, verdict) {
    const [, partition, , region, account] = deps.settings.topicArn.split(':');
    const centralBusArn = `arn:${partition}:events:${region}:${account}:event-bus/${names/* NAMES */.X.bus}`;
    const siblings = (0,desired_state/* memberRules */.YA)({ centralBusArn, watch: guard.pipeline.watch, regions: guard.pipeline.regions, remediationRole: deps.settings.remediationRole }, event.account).filter((r) => r.region === event.region && r.name !== touched.name);
    for (const sibling of siblings) {
        try {
            const repair = await repairRule(await guard.events(event.account, event.region), sibling, true);
            verdict.actions.push(...repair.actions.map((a) => `${sibling.name}: ${a}`));
            if (repair.restored === true)
                verdict.reason += `; ${sibling.name} was not as desired either (${repair.drift.join(', ')}) and is restored`;
            if (repair.restored === false) {
                verdict.reason += `; ${sibling.name} is not as desired either and could not be restored`;
                verdict.error = [verdict.error, `${sibling.name}: ${repair.error}`].filter(Boolean).join('; ');
            }
        }
        catch (error) {
            verdict.reason += `; ${sibling.name} could not be checked`;
            verdict.error = [
                verdict.error,
                `${(0,errors/* errorCode */.CA)(error)} checking ${sibling.name} in ${event.account}/${event.region}: ${(0,errors/* errorText */.kc)(error)}`,
            ]
                .filter(Boolean)
                .join('; ');
        }
    }
}
/**
 * One guard event (DESIGN.md "Remediator"): parse, put a member rule back when it is not as desired,
 * publish a `pipeline-tampered` (or `blocked`) alert. TrailGuard's own remediation and deploy roles are
 * `ignored` only when the rule ends as desired. Throws only when the alert could not be published.
 */
async function handlePipelineEvent(raw, deps) {
    const started = Date.now();
    let event;
    try {
        event = (0,pipeline_event/* parsePipelineEvent */.mX)(raw);
    }
    catch (error) {
        const reason = error instanceof errors/* RejectedEventError */.J4 ? error.reason : `unexpected parse failure: ${(0,errors/* errorText */.kc)(error)}`;
        deps.log.warn('event rejected', { outcome: 'rejected', reason });
        return { ...(0,alerting/* rejectedResult */.u)(reason), resource: null };
    }
    let guard;
    try {
        guard = deps.guard ?? (defaultGuard ??= createDefaultGuardDeps(deps));
    }
    catch (error) {
        guard = { pipeline: null, events: () => Promise.reject(error) };
        deps.log.error('guard environment unusable', { error: (0,errors/* errorText */.kc)(error) });
    }
    const actor = actorOf(event, deps, guard.pipeline);
    const verdict = await decide(event, deps, guard, actor);
    const arn = resourceArn(event);
    const result = {
        outcome: verdict.outcome,
        account: event.account,
        region: event.region,
        trail: null,
        eventId: event.id,
        eventName: event.eventName,
        isLogging: null,
        actions: verdict.actions,
        error: verdict.error,
        reason: verdict.reason,
        alertMessageId: null,
        resource: { type: event.resource.kind, name: event.resource.name, arn, restored: verdict.restored },
    };
    const line = {
        outcome: verdict.outcome,
        eventId: event.id,
        eventName: event.eventName,
        account: event.account,
        region: event.region,
        resource: arn,
        actor: event.actor.arn,
        reason: verdict.reason,
        actions: verdict.actions,
        restored: verdict.restored,
        error: verdict.error,
        durationMs: Date.now() - started,
    };
    if (verdict.outcome === 'ignored') {
        deps.log.info('guard decided', line);
        return result;
    }
    const alert = (0,core_alert/* buildPipelineAlert */.DP)(event, {
        outcome: verdict.outcome,
        resourceArn: arn,
        restored: verdict.restored,
        remediatedAt: verdict.restored ? deps.now().toISOString() : null,
        error: verdict.error,
        actions: verdict.actions,
        changes: describeGuardChange(event),
        reason: verdict.reason,
    });
    result.alertMessageId = await (0,alerting/* publishOrThrow */.t)(deps, alert, line);
    // The alert carries the news; the log shouts only when TrailGuard could not put the resource back.
    (verdict.restored === false ? deps.log.error : deps.log.info).call(deps.log, 'guard decided', {
        ...line,
        alertMessageId: result.alertMessageId,
    });
    return result;
}


/***/ }),

/***/ 9124:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M1: () => (/* binding */ TAG_LIST),
/* harmony export */   Mr: () => (/* binding */ orMissing),
/* harmony export */   S4: () => (/* binding */ allPages),
/* harmony export */   t0: () => (/* binding */ managedIn)
/* harmony export */ });
/* unused harmony exports isMissing, parsePolicy, TAG_MAP */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2483);
// Helpers every kind's AWS half shares: "does not exist" across services, tags, policy documents, pages.


const NOT_FOUND = new Set([
    'NoSuchEntity',
    'NoSuchEntityException',
    'ResourceNotFoundException',
    'ResourceNotFound',
    'NotFound',
    'NotFoundException',
    'AWS.SimpleQueueService.NonExistentQueue',
    'QueueDoesNotExist',
]);
/** Whether an AWS error says the resource does not exist (each service has its own code for it). */
function isMissing(error) {
    return NOT_FOUND.has((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorCode */ .CA)(error));
}
/** `undefined` when the resource does not exist; other errors propagate. */
async function orMissing(call) {
    try {
        return await call;
    }
    catch (error) {
        if (isMissing(error))
            return undefined;
        throw error;
    }
}
/** Every item of every page an SDK paginator yields. */
async function allPages(pages, items) {
    const out = [];
    for await (const page of pages)
        out.push(...(items(page) ?? []));
    return out;
}
const managedIn = (tags) => (tags ?? []).some((t) => t.Key === _names_js__WEBPACK_IMPORTED_MODULE_1__/* .MANAGED_TAG */ .N.key && t.Value === _names_js__WEBPACK_IMPORTED_MODULE_1__/* .MANAGED_TAG */ .N.value);
/** IAM returns policy documents URL-encoded. */
const parsePolicy = (text) => (text ? JSON.parse(decodeURIComponent(text)) : undefined);
/** The managed tag, as list-tagging services (IAM, EventBridge, SNS) and map-tagging ones (SQS, Lambda) take it. */
const TAG_LIST = [{ Key: _names_js__WEBPACK_IMPORTED_MODULE_1__/* .MANAGED_TAG */ .N.key, Value: _names_js__WEBPACK_IMPORTED_MODULE_1__/* .MANAGED_TAG */ .N.value }];
const TAG_MAP = { [_names_js__WEBPACK_IMPORTED_MODULE_1__/* .MANAGED_TAG */ .N.key]: _names_js__WEBPACK_IMPORTED_MODULE_1__/* .MANAGED_TAG */ .N.value };


/***/ }),

/***/ 4135:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  sG: () => (/* binding */ CENTRAL_RULES),
  KL: () => (/* binding */ REMEDIATOR_HANDLER),
  _5: () => (/* binding */ REMEDIATOR_RUNTIME),
  n0: () => (/* binding */ centralRulePatterns),
  YA: () => (/* binding */ memberRules)
});

// UNUSED EXPORTS: APPLY_ORDER, BUS_POLICY_LIMIT, DesiredStateError, EVENTS_AGE_ALARM_SECONDS, EVENT_PATTERN_MAX_CHARS, GLOBAL, GLOBAL_EVENT_SOURCES, IAM_LIMITS, REMEDIATOR_TIMEOUT, SLACK_CONFIG_PATH, SLACK_DRAIN_MESSAGE, SLACK_MEMORY_MB, SLACK_RUNTIME, SLACK_TABLE_INDEXES, SLACK_TIMEOUT, TAGGED_KINDS, alertsDeadLetterQueue, busPermissionSid, busStatement, centralArns, centralChainGuardPattern, centralGuardPattern, centralTamperPattern, desiredState, desiredStateByAccount, forwardPattern, globalEventsRegion, globalTamperCalls, guardPattern, iamPolicyLength, knownSubscriptions, memberRuleSpec, permissionsBoundaryPolicy, pipelineEnvironment, remediatorEnvironment, scheduleGuardPattern, slackAppCode, slackAppConfig, slackEnvironment, slackEventsUrl, slackRoleArn, sweepEnvironment, tamperPattern, tamperPatterns, watchdogAlarms, watchdogAlarmsArn

// EXTERNAL MODULE: ./src/core/arn.ts
var arn = __webpack_require__(7136);
// EXTERNAL MODULE: ./src/core/config.ts
var config = __webpack_require__(4489);
// EXTERNAL MODULE: ./src/core/names.ts
var names = __webpack_require__(2483);
;// CONCATENATED MODULE: ./src/core/iam-policies.ts
// Least-privilege IAM documents for TrailGuard's roles; pure, so the planner can diff them and tests can read them.



const doc = (...statements) => ({ Version: '2012-10-17', Statement: statements });
/** Trust of `trailguard-remediator`: only Lambda, only on behalf of the central account. */
function iam_policies_remediatorTrustPolicy(ctx) {
    return doc({
        Sid: 'LambdaInCentralAccountOnly',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': ctx.centralAccount } },
    });
}
/**
 * Permissions of `trailguard-remediator`: assume the member role, publish one topic, write its own logs.
 * The member role is named per account (`members`), or for an Organization with `aws:ResourceOrgID`;
 * with neither it throws: it never grants the role in every AWS account.
 */
function iam_policies_remediatorPermissionsPolicy(ctx) {
    const p = partitionOf(ctx.region);
    // An unscoped grant would let the remediator assume a role of that name in any AWS account.
    if (!ctx.members && !ctx.organizationId)
        throw new Error('remediatorPermissionsPolicy: members from the Organization need organizationId, or pass the account list');
    const assume = {
        Sid: 'AssumeMemberRemediationRole',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: ctx.members
            ? ctx.members.map((account) => `arn:${p}:iam::${account}:role/${ctx.remediationRole}`)
            : `arn:${p}:iam::*:role/${ctx.remediationRole}`,
    };
    if (!ctx.members && ctx.organizationId) {
        assume.Condition = { StringEquals: { 'aws:ResourceOrgID': ctx.organizationId } };
    }
    const statements = [
        assume,
        {
            Sid: 'PublishAlerts',
            Effect: 'Allow',
            Action: 'sns:Publish',
            Resource: `arn:${p}:sns:${ctx.region}:${ctx.centralAccount}:${NAMES.topic}`,
        },
        // CreateLogGroup takes the log group, the writes take its streams (IAM's Service Authorization Reference).
        {
            Sid: 'CreateOwnLogGroup',
            Effect: 'Allow',
            Action: 'logs:CreateLogGroup',
            Resource: `arn:${p}:logs:${ctx.region}:${ctx.centralAccount}:log-group:/aws/lambda/${NAMES.remediatorFunction}`,
        },
        {
            Sid: 'WriteOwnLogStreams',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `arn:${p}:logs:${ctx.region}:${ctx.centralAccount}:log-group:/aws/lambda/${NAMES.remediatorFunction}:log-stream:*`,
        },
    ];
    if (ctx.delivery === 'direct') {
        // Lambda's own asynchronous retries end in the DLQ: an event whose alert never got out is kept.
        statements.push({
            Sid: 'SendFailedEventsToDlq',
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:${NAMES.dlq}`,
        });
    }
    // The sweep: the planner sends account messages to its own queue, which the workers consume; both use the state table.
    const sweepQueue = `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:trailguard-sweep`;
    statements.push({
        Sid: 'ConsumeAndPlanSweepQueue',
        Effect: 'Allow',
        Action: [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueUrl',
            'sqs:SendMessage',
        ],
        Resource: sweepQueue,
    }, {
        Sid: 'SweepStateTable',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        Resource: `arn:${p}:dynamodb:${ctx.region}:${ctx.centralAccount}:table/trailguard-state`,
    });
    if (ctx.listsOrganization) {
        statements.push({ Sid: 'ListOrganizationAccountsToSweep', Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' });
    }
    if (ctx.delivery === 'queue') {
        statements.push({
            Sid: 'ConsumeTamperQueue',
            Effect: 'Allow',
            Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
            Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:${NAMES.eventsQueue}`,
        });
    }
    return doc(...statements);
}
/** Trust of `TrailGuardRemediator` (and of the reader role) in a member: named central roles only, with the external id when set. */
function iam_policies_memberRemediationTrustPolicy(ctx) {
    const statement = {
        Sid: 'TrailGuardCentralRolesOnly',
        Effect: 'Allow',
        Principal: { AWS: [...ctx.trustedPrincipalArns].sort() },
        Action: 'sts:AssumeRole',
    };
    if (ctx.externalId)
        statement.Condition = { StringEquals: { 'sts:ExternalId': ctx.externalId } };
    return doc(statement);
}
/**
 * Permissions of `TrailGuardRemediator`: read every trail, restart logging and restore
 * management-event selectors on any trail of this account, create or update only the
 * baseline's trails, and never stop or delete a trail, even if a later edit allowed it.
 */
function iam_policies_memberRemediationPermissionsPolicy(ctx) {
    const p = partitionOf(ctx.region);
    const trails = `arn:${p}:cloudtrail:*:${ctx.account}:trail/*`;
    const eventDataStores = `arn:${p}:cloudtrail:*:${ctx.account}:eventdatastore/*`;
    const statements = [
        {
            Sid: 'ReadTrails',
            Effect: 'Allow',
            Action: [
                'cloudtrail:DescribeTrails',
                'cloudtrail:ListTrails',
                'cloudtrail:GetTrail',
                'cloudtrail:GetTrailStatus',
                'cloudtrail:GetEventSelectors',
            ],
            Resource: '*',
        },
        {
            Sid: 'RestartLoggingAndSelectors',
            Effect: 'Allow',
            Action: ['cloudtrail:StartLogging', 'cloudtrail:PutEventSelectors'],
            Resource: trails,
        },
        {
            // CloudTrail Lake: read a store, start its ingestion again, restore it from pending deletion (this account's stores only).
            Sid: 'RestartAndRestoreEventDataStores',
            Effect: 'Allow',
            Action: ['cloudtrail:GetEventDataStore', 'cloudtrail:StartEventDataStoreIngestion', 'cloudtrail:RestoreEventDataStore'],
            Resource: eventDataStores,
        },
    ];
    if ((ctx.eventDataStores ?? []).length > 0) {
        // The store ARN carries an id, not the name the baseline gives: scoped to this account's stores.
        statements.push({
            Sid: 'RestoreBaselineEventDataStores',
            Effect: 'Allow',
            Action: 'cloudtrail:UpdateEventDataStore',
            Resource: eventDataStores,
        });
    }
    const org = ctx.organization;
    const createsOrgTrails = !!org &&
        ctx.baseline.some((t) => t.isOrganizationTrail) &&
        (org.managementAccount === ctx.account || org.delegatedAdministrators.includes(ctx.account));
    if (!createsOrgTrails) {
        // Whether an account is still in the organization (LeaveOrganization), and whether it is the management account
        // (whose deleted trail may have been the organization trail). DescribeOrganization takes no resource.
        statements.push({ Sid: 'ReadOrganizationMembership', Effect: 'Allow', Action: 'organizations:DescribeOrganization', Resource: '*' });
    }
    if (ctx.baseline.length > 0) {
        const names = [...new Set(ctx.baseline.map((t) => t.name))].sort();
        const orgTrails = ctx.baseline.filter((t) => t.isOrganizationTrail).map((t) => t.name);
        // An organization trail a delegated administrator creates is owned (and named) by the management account.
        const ownedByManagement = createsOrgTrails && org.managementAccount !== ctx.account
            ? [...new Set(orgTrails)].sort().map((name) => `arn:${p}:cloudtrail:*:${org.managementAccount}:trail/${name}`)
            : [];
        statements.push({
            Sid: 'RestoreBaselineTrails',
            Effect: 'Allow',
            Action: ['cloudtrail:CreateTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:AddTags'],
            Resource: [...names.map((name) => `arn:${p}:cloudtrail:*:${ctx.account}:trail/${name}`), ...ownedByManagement],
        });
        if (ownedByManagement.length > 0) {
            // It recreates them from here, so it must also start their logging from here.
            statements.push({ Sid: 'StartOrganizationTrails', Effect: 'Allow', Action: 'cloudtrail:StartLogging', Resource: ownedByManagement });
        }
        if (createsOrgTrails) {
            // CloudTrail User Guide, "Prepare for creating a trail for your organization": the minimum
            // permissions, less organizations:Enable/DisableAWSServiceAccess. Trusted access is a
            // precondition TrailGuard checks nothing against, and switching it off deletes every organization trail.
            const slr = `arn:${p}:iam::${ctx.account}:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail`;
            statements.push({
                Sid: 'CreateOrganizationTrailOrganizations',
                Effect: 'Allow',
                Action: ['organizations:DescribeOrganization', 'organizations:ListAWSServiceAccessForOrganization', 'organizations:ListAccounts'],
                Resource: '*',
            }, { Sid: 'CreateOrganizationTrailReadServiceLinkedRole', Effect: 'Allow', Action: 'iam:GetRole', Resource: slr }, {
                Sid: 'CreateOrganizationTrailServiceLinkedRole',
                Effect: 'Allow',
                Action: 'iam:CreateServiceLinkedRole',
                Resource: slr,
                Condition: { StringEquals: { 'iam:AWSServiceName': 'cloudtrail.amazonaws.com' } },
            });
        }
        // kms:DescribeKey resolves a baseline alias to the key ARN CloudTrail reports; a key ARN or key id needs no call.
        const aliases = [...new Set(ctx.baseline.flatMap((t) => (t.kmsKeyId && isKmsAlias(t.kmsKeyId) ? [t.kmsKeyId] : [])))].sort();
        aliases.forEach((alias, index) => {
            const arn = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/.exec(alias);
            statements.push({
                Sid: `ResolveBaselineKmsAlias${index + 1}`,
                Effect: 'Allow',
                Action: 'kms:DescribeKey',
                Resource: arn ? `arn:${p}:kms:${arn[1]}:${arn[2]}:key/*` : `arn:${p}:kms:*:${ctx.account}:key/*`,
                // Both forms: the request names the alias as the baseline wrote it.
                Condition: { StringEquals: { 'kms:RequestAlias': arn ? [arn[3], alias] : [alias] } },
            });
        });
        const passRoles = [...new Set(ctx.baseline.flatMap((t) => (t.cloudWatchLogsRoleArn ? [t.cloudWatchLogsRoleArn] : [])))].sort();
        if (passRoles.length > 0) {
            statements.push({
                Sid: 'PassCloudWatchLogsRoleToCloudTrail',
                Effect: 'Allow',
                Action: 'iam:PassRole',
                Resource: passRoles,
                Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
            });
        }
    }
    statements.push(...logStorageStatements(ctx, p));
    // Guard events: put TrailGuard's member rules back (default bus only), passing only the forwarder role, only to EventBridge.
    statements.push({
        Sid: 'RestoreTrailGuardRules',
        Effect: 'Allow',
        Action: [
            'events:DescribeRule',
            'events:ListTargetsByRule',
            'events:PutRule',
            'events:PutTargets',
            'events:RemoveTargets',
            'events:TagResource',
        ],
        Resource: `arn:${p}:events:*:${ctx.account}:rule/trailguard-*`,
    }, {
        Sid: 'PassForwarderRoleToEventBridge',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:${p}:iam::${ctx.account}:role/${NAMES.forwarderRole}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
    });
    // The sweep's canary: on this account's default bus only, and only as trailguard.canary, so the role cannot forge
    // CloudTrail or any other source there.
    statements.push({
        Sid: 'PutCanaryOnDefaultBus',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: `arn:${p}:events:*:${ctx.account}:event-bus/default`,
        Condition: { StringEquals: { 'events:source': 'trailguard.canary' } },
    });
    statements.push({
        Sid: 'NeverStopOrDeleteTrails',
        Effect: 'Deny',
        Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
        Resource: '*',
    }, {
        // The calls TrailGuard undoes, denied to it, so the role can never be the one that blinds a trail.
        Sid: 'NeverImpairTrailStorage',
        Effect: 'Deny',
        Action: [
            's3:DeleteBucket',
            's3:DeleteBucketPolicy',
            's3:PutBucketPolicy',
            'kms:DisableKey',
            'kms:PutKeyPolicy',
            'kms:ScheduleKeyDeletion',
            'logs:DeleteLogGroup',
        ],
        Resource: '*',
    }, {
        Sid: 'NeverStopOrDeleteEventDataStores',
        Effect: 'Deny',
        Action: ['cloudtrail:StopEventDataStoreIngestion', 'cloudtrail:DeleteEventDataStore'],
        Resource: '*',
    });
    return doc(...statements);
}
/**
 * What the log-impairment repairs need (lambda/impairment): reads that tell whether a bucket, key or log group is a
 * watched trail's and what it looks like now, and writes scoped to what the baseline names. A trail's bucket, key or
 * log group found only at run time (DescribeTrails) is read and alerted, not written: the write would need a grant
 * wider than the trails TrailGuard protects. Statements are the same in every member (a bucket ARN names no account,
 * a grant on another account's key is inert) but for ReadTrailKeyState, which names the member's own keys and whose
 * boundary form (boundaryForm) covers every account's, so the permissions boundary built from one member covers them all.
 * KMS keys are read and re-enabled only as the baseline's `kmsKeyId` names them.
 * Actions and resources follow IAM's Service Authorization Reference for S3, KMS and CloudWatch Logs.
 */
function logStorageStatements(ctx, p) {
    const statements = [
        {
            Sid: 'ReadTrailBuckets',
            Effect: 'Allow',
            Action: ['s3:GetLifecycleConfiguration', 's3:GetBucketPolicy'],
            Resource: `arn:${p}:s3:::*`,
        },
        // DescribeLogGroups takes no resource type in IAM's reference.
        { Sid: 'ReadTrailLogGroups', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
        // The sweep reads the state of every swept trail's key, pinned or found at run time (a disabled key or one pending
        // deletion stops delivery with no record of its own reaching TrailGuard); only a pinned key is re-enabled.
        { Sid: 'ReadTrailKeyState', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: `arn:${p}:kms:*:${ctx.account}:key/*` },
    ];
    // PutLifecycleConfiguration also covers DeleteBucketLifecycle (IAM's reference lists no separate action for it).
    const buckets = [
        ...new Set(ctx.baseline.filter((t) => t.retentionDays !== undefined).map((t) => t.s3BucketName.replace(/^arn:[\w-]+:s3:::/, ''))),
    ].sort();
    if (buckets.length > 0) {
        statements.push({
            Sid: 'RemoveShortLifecycleRules',
            Effect: 'Allow',
            Action: 's3:PutLifecycleConfiguration',
            Resource: buckets.map((b) => `arn:${p}:s3:::${b}`),
        });
    }
    // Keys only as the baseline pins them by key ARN or key id: a key's state and policy are read, and it is re-enabled,
    // nowhere else. An alias is not enough: whoever administers it can point it at another key. A key id is unique to one
    // key, but a multi-Region key's `mrk-` id is shared by its replicas in every region: `trailguard.yml` refuses it
    // (trails[i].kmsKeyId), and a caller that passes one anyway is granted the central region's replica only, never `*`.
    const keyArns = ctx.baseline.flatMap(({ kmsKeyId }) => {
        if (!kmsKeyId || isKmsAlias(kmsKeyId))
            return [];
        if (kmsKeyId.startsWith('arn:'))
            return [kmsKeyId];
        return [`arn:${p}:kms:${/^mrk-/.test(kmsKeyId) ? ctx.region : '*'}:${ctx.account}:key/${kmsKeyId}`];
    });
    const keyActions = ['kms:CancelKeyDeletion', 'kms:DescribeKey', 'kms:EnableKey', 'kms:GetKeyPolicy'];
    if (keyArns.length > 0) {
        statements.push({ Sid: 'ReenableTrailKeys', Effect: 'Allow', Action: keyActions, Resource: [...new Set(keyArns)].sort() });
    }
    const groups = [
        ...new Set(ctx.baseline.flatMap((t) => (t.cloudWatchLogsLogGroupArn ? [t.cloudWatchLogsLogGroupArn.replace(/:\*$/, '')] : []))),
    ].sort();
    if (groups.length > 0)
        statements.push({ Sid: 'RecreateTrailLogGroups', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: groups });
    return statements;
}
/**
 * Permissions of the member reader role (`roles.reader`, default `TrailGuardReader`) the Slack app assumes:
 * only the CloudTrail reads of Re-check and `/trail-status` (`collectTrailStatus`), nothing that writes.
 * DescribeTrails takes no resource type in IAM's reference; the others take this account's trails.
 */
function iam_policies_readerPermissionsPolicy(ctx) {
    const p = partitionOf(ctx.region);
    return doc({ Sid: 'ListTrails', Effect: 'Allow', Action: 'cloudtrail:DescribeTrails', Resource: '*' }, {
        Sid: 'ReadTrailStatusAndSelectors',
        Effect: 'Allow',
        Action: ['cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
        Resource: `arn:${p}:cloudtrail:*:${ctx.account}:trail/*`,
    });
}
/**
 * Permissions of the Slack app's own role (`slack.roleArn`, in the central account): assume the reader
 * role in members (the listed ones, or any inside `organizationId`), and list the Organization's accounts
 * when members come from it, and read the shared state table `trailguard-state` for App Home (with `centralAccount`).
 * Its own DynamoDB table, when it runs on Lambda, is granted where it is deployed.
 */
function slackAppPolicy(ctx) {
    const p = partitionOf(ctx.region);
    if (!ctx.members && !ctx.organizationId)
        throw new Error('slackAppPolicy: members from the Organization need organizationId, or pass the account list');
    const assume = {
        Sid: 'AssumeMemberReaderRole',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: ctx.members
            ? ctx.members.map((account) => `arn:${p}:iam::${account}:role/${ctx.readerRole}`)
            : `arn:${p}:iam::*:role/${ctx.readerRole}`,
        ...(ctx.members ? {} : { Condition: { StringEquals: { 'aws:ResourceOrgID': ctx.organizationId } } }),
    };
    return doc(assume, ...(ctx.members
        ? []
        : [{ Sid: 'ListOrganizationAccounts', Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' }]), ...(ctx.centralAccount
        ? [
            {
                Sid: 'ReadTrailGuardState',
                Effect: 'Allow',
                Action: ['dynamodb:GetItem', 'dynamodb:Query'],
                Resource: `arn:${p}:dynamodb:${ctx.region}:${ctx.centralAccount}:table/trailguard-state`,
            },
            {
                Sid: 'StartSweep',
                Effect: 'Allow',
                Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
                Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:trailguard-sweep`,
            },
        ]
        : []));
}
/** The service, name and IAM ARN of a `slack.secrets` name (Service Authorization Reference: SSM `parameter`, Secrets Manager `Secret`). */
function secretLocation(name, ctx) {
    const p = partitionOf(ctx.region);
    if (name.startsWith('ssm:')) {
        const parameter = name.slice('ssm:'.length);
        return { service: 'ssm', name: parameter, arn: `arn:${p}:ssm:${ctx.region}:${ctx.account}:parameter/${parameter.replace(/^\//, '')}` };
    }
    const secret = name.slice('secretsmanager:'.length);
    return { service: 'secretsmanager', name: secret, arn: `arn:${p}:secretsmanager:${ctx.region}:${ctx.account}:secret:${secret}-??????` };
}
/**
 * Permissions of `trailguard-slack`, the role the deployed Slack function runs as (`slack.deploy: lambda`): what
 * `slackAppPolicy` grants any Slack app role (the members' reader role, the shared state table, starting a sweep), plus
 * its own store `trailguard-slack` (items and index queries), sending to `trailguard-alerts-dlq` (its on-failure
 * destination: Lambda sends as the function's role), invoking itself (Slack's 3-second rule: slow requests are
 * answered by an asynchronous second invocation), reading exactly the two named secrets (kms:Decrypt only through
 * that secret's service, for secrets under a customer-managed key), and its own logs. Throws as `slackAppPolicy` does.
 */
function iam_policies_slackFunctionPermissionsPolicy(ctx) {
    const p = partitionOf(ctx.region);
    const here = `${ctx.region}:${ctx.centralAccount}`;
    const shared = slackAppPolicy({ ...ctx, centralAccount: ctx.centralAccount });
    const secrets = [ctx.secrets.botToken, ctx.secrets.signingSecret].map((n) => secretLocation(n, { account: ctx.centralAccount, region: ctx.region }));
    const of = (service) => [...new Set(secrets.filter((x) => x.service === service).map((x) => x.arn))];
    const read = [
        ...(of('ssm').length
            ? [{ Sid: 'ReadSlackParameters', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: of('ssm') }]
            : []),
        ...(of('secretsmanager').length
            ? [{ Sid: 'ReadSlackSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: of('secretsmanager') }]
            : []),
    ];
    const via = [...new Set(secrets.map((x) => `${x.service}.${ctx.region}.amazonaws.com`))].sort();
    return doc(...shared.Statement, {
        Sid: 'OwnStore',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        Resource: [`arn:${p}:dynamodb:${here}:table/${NAMES.slackTable}`, `arn:${p}:dynamodb:${here}:table/${NAMES.slackTable}/index/*`],
    }, {
        // The on-failure destination: Lambda sends an invocation that failed every retry as the function's role.
        Sid: 'SendFailedInvocationsToAlertsDlq',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: `arn:${p}:sqs:${here}:${NAMES.alertsDlq}`,
    }, {
        Sid: 'InvokeSelfForSlowRequests',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: `arn:${p}:lambda:${here}:function:${NAMES.slackFunction}`,
    }, ...read, 
    // A SecureString or secret under a customer-managed key: usable only through those reads, never directly.
    {
        Sid: 'DecryptSlackSecretsThroughTheirService',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: `arn:${p}:kms:${here}:key/*`,
        Condition: { StringEquals: { 'kms:ViaService': via.length === 1 ? via[0] : via } },
    }, {
        Sid: 'CreateOwnLogGroup',
        Effect: 'Allow',
        Action: 'logs:CreateLogGroup',
        Resource: `arn:${p}:logs:${here}:log-group:/aws/lambda/${NAMES.slackFunction}`,
    }, {
        Sid: 'WriteOwnLogStreams',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:${p}:logs:${here}:log-group:/aws/lambda/${NAMES.slackFunction}:log-stream:*`,
    });
}
/** Permissions of `trailguard-slack-scheduler`: invoke `trailguard-slack` (the drain schedule), nothing else. */
function iam_policies_slackSchedulerPermissionsPolicy(ctx) {
    return doc({
        Sid: 'InvokeSlackFunction',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: `arn:${partitionOf(ctx.region)}:lambda:${ctx.region}:${ctx.centralAccount}:function:${NAMES.slackFunction}`,
    });
}
/** Trust of `trailguard-forwarder`: EventBridge, on behalf of this member account only. */
function iam_policies_forwarderTrustPolicy(account) {
    return doc({
        Sid: 'EventBridgeInThisAccountOnly',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
    });
}
/** Permissions of `trailguard-forwarder`: put events on the central bus and nowhere else. */
function iam_policies_forwarderPermissionsPolicy(ctx) {
    return doc({
        Sid: 'PutEventsOnCentralBusOnly',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: `arn:${partitionOf(ctx.region)}:events:${ctx.region}:${ctx.centralAccount}:event-bus/${NAMES.bus}`,
    });
}
/**
 * The permissions boundary's form of a member statement whose resources come from the baseline (`trails`: trail names,
 * buckets, key ARNs, alias names, log groups, CloudWatch Logs roles): the same actions and condition on every resource
 * of that type in the partition, so the boundary is the same document whatever the baseline names and stays one size
 * (IAM's 6,144 characters) for any number of trails. The role's own policy keeps the exact resources: the boundary is a
 * ceiling, never the grant. An alias statement's `kms:RequestAlias` list is dropped (DescribeKey only reads a key's
 * metadata), so every alias statement has one form. TrailGuard's own queues, tables and log groups in the central
 * account become `trailguard-*` there (`ownResourceCeiling`). Anything else is returned as it is. Resource types follow
 * IAM's Service Authorization Reference (CloudTrail `trail`, IAM `role`, S3 `bucket`, KMS `key`, Logs `log-group`).
 */
function iam_policies_boundaryForm(statement, region) {
    const p = partitionOf(region);
    const ceilings = {
        RestoreBaselineTrails: `arn:${p}:cloudtrail:*:*:trail/*`,
        StartOrganizationTrails: `arn:${p}:cloudtrail:*:*:trail/*`,
        PassCloudWatchLogsRoleToCloudTrail: `arn:${p}:iam::*:role/*`,
        RemoveShortLifecycleRules: `arn:${p}:s3:::*`,
        ReenableTrailKeys: `arn:${p}:kms:*:*:key/*`,
        ReadTrailKeyState: `arn:${p}:kms:*:*:key/*`,
        RecreateTrailLogGroups: `arn:${p}:logs:*:*:log-group:*`,
    };
    if (/^ResolveBaselineKmsAlias\d+$/.test(statement.Sid)) {
        const { Condition: _dropped, ...rest } = statement;
        return { ...rest, Sid: 'ResolveBaselineKmsAliases', Resource: `arn:${p}:kms:*:*:key/*` };
    }
    const ceiling = ceilings[statement.Sid];
    if (ceiling)
        return { ...statement, Resource: ceiling };
    if (statement.Resource === undefined)
        return statement;
    const resources = [statement.Resource].flat().map(ownResourceCeiling);
    return { ...statement, Resource: resources.length === 1 ? resources[0] : [...new Set(resources)] };
}
/**
 * TrailGuard's own queues, tables (and their indexes) and function log groups, as `trailguard-*` in the same account and
 * region: the central roles name each one exactly, and one statement per name and role took the boundary past its
 * quota. Anything else is returned as it is.
 */
function ownResourceCeiling(resource) {
    return resource
        .replace(/^(arn:[\w-]+:sqs:[^:]+:[^:]+:)trailguard-[\w-]+$/, '$1trailguard-*')
        .replace(/^(arn:[\w-]+:dynamodb:[^:]+:[^:]+:table\/)trailguard-[\w.-]+(\/index\/\*)?$/, '$1trailguard-*')
        .replace(/^(arn:[\w-]+:logs:[^:]+:[^:]+:log-group:\/aws\/lambda\/)trailguard-[\w-]+(:log-stream:\*)?$/, '$1trailguard-*$2');
}
/** Name of the managed policy every TrailGuard role carries as its permissions boundary; an administrator creates it once per account. */
const iam_policies_PERMISSIONS_BOUNDARY = 'trailguard-boundary';
/** `arn:<partition>:iam::<account>:policy/trailguard-boundary`. */
function iam_policies_boundaryArn(account, region) {
    return `arn:${partitionOf(region)}:iam::${account}:policy/${iam_policies_PERMISSIONS_BOUNDARY}`;
}
/** Trust of `trailguard-sweep-scheduler`: EventBridge Scheduler, on behalf of the central account only. */
function iam_policies_sweepSchedulerTrustPolicy(centralAccount) {
    return doc({
        Sid: 'SchedulerInCentralAccountOnly',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': centralAccount } },
    });
}
/** Permissions of `trailguard-sweep-scheduler`: send the start-a-sweep message to `trailguard-sweep`, nothing else. */
function iam_policies_sweepSchedulerPermissionsPolicy(ctx) {
    const p = partitionOf(ctx.region);
    return doc({
        Sid: 'StartSweep',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:trailguard-sweep`,
    });
}
/** ARNs of every role TrailGuard creates and runs as, in any account (`trailguard-*` and the configured member role names). */
function trailGuardRoleArns(ctx = {}) {
    const p = partitionOf(ctx.region ?? 'us-east-1');
    const names = ['trailguard-*', ctx.remediationRole ?? 'TrailGuardRemediator', ctx.readerRole ?? 'TrailGuardReader'];
    return [...new Set(names)].map((name) => `arn:${p}:iam::*:role/${name}`);
}
/**
 * What the action and the CLI need in the central account (and, where the deploy role is not
 * an administrator, in members): read and converge TrailGuard's own resources only, by name.
 *
 * It cannot make itself an administrator: it creates and edits roles only when they carry the
 * `trailguard-boundary` permissions boundary (`iam:PermissionsBoundary`), has no call that removes or
 * changes a boundary or a managed policy, and is explicitly denied assuming any TrailGuard role, so
 * re-trusting a TrailGuard role to itself and widening its policy gains nothing. Actions and resource
 * types follow IAM's Service Authorization Reference (a test checks every statement against it).
 */
function deployRolePolicy(ctx = {}) {
    const p = partitionOf(ctx.region ?? 'us-east-1');
    const roles = trailGuardRoleArns(ctx);
    const own = (service, resource) => `arn:${p}:${service}:*:*:${resource}`;
    return doc({ Sid: 'DiscoverAccounts', Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' }, {
        Sid: 'AssumeDeployRoleInMembers',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: `arn:${p}:iam::*:role/${ctx.deployRole ?? 'OrganizationAccountAccessRole'}`,
    }, 
    // Whatever a TrailGuard role's trust or policy says, the deploy role never becomes it.
    { Sid: 'NeverAssumeTrailGuardRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: roles }, {
        Sid: 'ReadAndTagTrailGuardRoles',
        Effect: 'Allow',
        Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:TagRole'],
        Resource: roles,
    }, 
    // Read only: an administrator owns the boundary, apply compares it with what the config needs.
    {
        Sid: 'ReadPermissionsBoundary',
        Effect: 'Allow',
        Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
        Resource: `arn:${p}:iam::*:policy/${iam_policies_PERMISSIONS_BOUNDARY}`,
    }, {
        Sid: 'WriteTrailGuardRolesOnlyWithBoundary',
        Effect: 'Allow',
        Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary'],
        Resource: roles,
        // The boundary in the caller's own account: a role without it, or with another, cannot be created or edited.
        Condition: { StringEquals: { 'iam:PermissionsBoundary': `arn:${p}:iam::\${aws:PrincipalAccount}:policy/${iam_policies_PERMISSIONS_BOUNDARY}` } },
    }, {
        Sid: 'PassOnlyTrailGuardRolesToLambdaAndEventBridge',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [`arn:${p}:iam::*:role/${NAMES.remediatorRole}`, `arn:${p}:iam::*:role/${NAMES.forwarderRole}`],
        Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'events.amazonaws.com'] } },
    }, 
    // The Slack app's function (slack.deploy: lambda) runs as its own role, passed to Lambda only.
    {
        Sid: 'PassSlackRoleToLambda',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:${p}:iam::*:role/${NAMES.slackRole}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    }, {
        Sid: 'TrailGuardBus',
        Effect: 'Allow',
        Action: ['events:DescribeEventBus', 'events:CreateEventBus', 'events:ListTagsForResource', 'events:TagResource'],
        Resource: own('events', `event-bus/${NAMES.bus}`),
    }, 
    // IAM's reference lists no resource type for these two: scoped to a bus ARN, AWS denies them.
    { Sid: 'BusPolicyGrants', Effect: 'Allow', Action: ['events:PutPermission', 'events:RemovePermission'], Resource: '*' }, 
    // Likewise no resource type: one ListRules (NamePrefix trailguard-) reads both rules of a bus, instead of a DescribeRule each.
    { Sid: 'ListRules', Effect: 'Allow', Action: 'events:ListRules', Resource: '*' }, {
        Sid: 'TrailGuardRules',
        Effect: 'Allow',
        Action: [
            'events:DescribeRule',
            'events:PutRule',
            'events:ListTargetsByRule',
            'events:PutTargets',
            'events:RemoveTargets',
            'events:ListTagsForResource',
            'events:TagResource',
        ],
        Resource: [own('events', 'rule/trailguard-*'), own('events', `rule/${NAMES.bus}/trailguard-*`)],
    }, {
        Sid: 'TrailGuardQueues',
        Effect: 'Allow',
        Action: [
            'sqs:GetQueueUrl',
            'sqs:GetQueueAttributes',
            'sqs:ListQueueTags',
            'sqs:CreateQueue',
            'sqs:SetQueueAttributes',
            'sqs:TagQueue',
        ],
        Resource: own('sqs', 'trailguard-*'),
    }, {
        Sid: 'TrailGuardStateTable',
        Effect: 'Allow',
        Action: [
            'dynamodb:DescribeTable',
            'dynamodb:ListTagsOfResource',
            'dynamodb:CreateTable',
            'dynamodb:TagResource',
            'dynamodb:UpdateTable',
            // The Slack store's TTL on expiresAt (slack.deploy: lambda).
            'dynamodb:DescribeTimeToLive',
            'dynamodb:UpdateTimeToLive',
        ],
        Resource: [own('dynamodb', 'table/trailguard-state'), own('dynamodb', `table/${NAMES.slackTable}`)],
    }, {
        Sid: 'TrailGuardSweepSchedule',
        Effect: 'Allow',
        Action: ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
        Resource: own('scheduler', 'schedule/default/trailguard-sweep'),
    }, {
        Sid: 'PassSweepSchedulerRoleToScheduler',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:${p}:iam::*:role/trailguard-sweep-scheduler`,
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }, {
        Sid: 'TrailGuardSlackDrainSchedule',
        Effect: 'Allow',
        Action: ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
        Resource: own('scheduler', `schedule/default/${NAMES.slackSchedule}`),
    }, {
        Sid: 'PassSlackSchedulerRoleToScheduler',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:${p}:iam::*:role/${NAMES.slackSchedulerRole}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }, {
        Sid: 'TrailGuardTopic',
        Effect: 'Allow',
        Action: [
            'sns:GetTopicAttributes',
            'sns:ListTagsForResource',
            'sns:ListSubscriptionsByTopic',
            'sns:CreateTopic',
            'sns:SetTopicAttributes',
            'sns:TagResource',
            'sns:Subscribe',
            // The HTTPS subscription's RedrivePolicy (its dead-letter queue); SNS authorizes these on the topic.
            'sns:GetSubscriptionAttributes',
            'sns:SetSubscriptionAttributes',
        ],
        Resource: own('sns', NAMES.topic),
    }, 
    // The watchdog alarms (NAMES.alarms). No DeleteAlarms or DisableAlarmActions: this role only ever turns them on.
    {
        Sid: 'TrailGuardAlarms',
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource', 'cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
        Resource: own('cloudwatch', 'alarm:trailguard-*'),
    }, {
        Sid: 'TrailGuardRemediatorFunction',
        Effect: 'Allow',
        Action: [
            'lambda:GetFunction',
            'lambda:CreateFunction',
            'lambda:TagResource',
            'lambda:UpdateFunctionCode',
            'lambda:UpdateFunctionConfiguration',
            'lambda:DeleteFunctionConcurrency',
            'lambda:GetFunctionEventInvokeConfig',
            'lambda:PutFunctionEventInvokeConfig',
            'lambda:DeleteFunctionEventInvokeConfig',
            'lambda:GetPolicy',
            'lambda:RemovePermission',
            // The Slack function's URL (read here; written only with AuthType NONE, below).
            'lambda:GetFunctionUrlConfig',
        ],
        Resource: [own('lambda', `function:${NAMES.remediatorFunction}`), own('lambda', `function:${NAMES.slackFunction}`)],
    }, 
    // Slack cannot sign requests with SigV4: the URL is public and the app verifies Slack's signature itself.
    {
        Sid: 'SlackFunctionUrl',
        Effect: 'Allow',
        Action: ['lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
        Resource: own('lambda', `function:${NAMES.slackFunction}`),
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    }, 
    // Only the alerts topic may invoke the Slack function, and anyone only through its URL (Slack's signed requests).
    {
        Sid: 'LetOnlySnsInvokeSlackFunction',
        Effect: 'Allow',
        Action: 'lambda:AddPermission',
        Resource: own('lambda', `function:${NAMES.slackFunction}`),
        Condition: { StringEquals: { 'lambda:Principal': 'sns.amazonaws.com' } },
    }, 
    // The Slack function's URL statements: InvokeFunctionUrl (auth type NONE) and InvokeFunction, which a new URL also
    // needs (Lambda, since October 2025) and which apply writes with InvokedViaFunctionUrl. AddPermission has no
    // condition key for that flag (Service Authorization Reference), so `*` is granted on this one function only, whose
    // code this role deploys anyway; plan reads the flag back, so a statement without it is drift.
    {
        Sid: 'LetAnyoneInvokeSlackFunctionUrl',
        Effect: 'Allow',
        Action: 'lambda:AddPermission',
        Resource: own('lambda', `function:${NAMES.slackFunction}`),
        Condition: { StringEquals: { 'lambda:Principal': '*' } },
    }, 
    // Only EventBridge may be let in: nobody else gets to hand the remediator forged events.
    {
        Sid: 'LetOnlyEventBridgeInvokeRemediator',
        Effect: 'Allow',
        Action: 'lambda:AddPermission',
        Resource: own('lambda', `function:${NAMES.remediatorFunction}`),
        Condition: { StringEquals: { 'lambda:Principal': 'events.amazonaws.com' } },
    }, 
    // The writers name the function, not its ARN, so a lambda:FunctionArn condition would not be met.
    {
        Sid: 'RemediatorQueueMapping',
        Effect: 'Allow',
        Action: ['lambda:ListEventSourceMappings', 'lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
        Resource: '*',
    }, 
    // ListTrails: each trail's home region, for members.regions: auto and the uncovered-trail check.
    {
        Sid: 'ReadTrailStatus',
        Effect: 'Allow',
        Action: ['cloudtrail:DescribeTrails', 'cloudtrail:ListTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
        Resource: '*',
    });
}
const GITHUB_OIDC = 'token.actions.githubusercontent.com';
function githubTrust(ctx, sid, sub) {
    return doc({
        Sid: sid,
        Effect: 'Allow',
        Principal: { Federated: `arn:${partitionOf(ctx.region)}:iam::${ctx.account}:oidc-provider/${GITHUB_OIDC}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GITHUB_OIDC}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC}:sub`]: sub } },
    });
}
/**
 * Trust of the APPLY role: GitHub's OIDC tokens of this repository on its default branch only (`sub`
 * `repo:<owner>/<name>:ref:refs/heads/<branch>`), or of a GitHub environment (`...:environment:<name>`),
 * whose protection rules then gate every apply. Exact match (StringEquals), never a wildcard.
 */
function applyRoleTrustPolicy(ctx) {
    const sub = ctx.environment
        ? `repo:${ctx.repository}:environment:${ctx.environment}`
        : `repo:${ctx.repository}:ref:refs/heads/${ctx.branch ?? 'main'}`;
    return githubTrust(ctx, ctx.environment ? 'GitHubEnvironmentOnly' : 'GitHubDefaultBranchOnly', sub);
}
/** Trust of the read-only PLAN role: GitHub's OIDC tokens of this repository's pull requests (`sub` `repo:<owner>/<name>:pull_request`). */
function planRoleTrustPolicy(ctx) {
    return githubTrust(ctx, 'GitHubPullRequests', `repo:${ctx.repository}:pull_request`);
}
/** Actions that only read: the plan role keeps these and nothing else. */
const READ_ONLY = /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*$/;
/**
 * Permissions of the read-only PLAN role (trusted from pull requests): the deploy policy's read calls,
 * and no call that creates, changes, tags or passes anything. In members it assumes `memberRole`, which
 * must itself be read-only (an administrator role there would make every pull request an administrator).
 */
function planRolePolicy(ctx) {
    const p = partitionOf(ctx.region ?? 'us-east-1');
    const reads = deployRolePolicy(ctx)
        .Statement.filter((st) => st.Effect === 'Allow')
        .flatMap((st) => {
        const actions = [st.Action].flat().filter((a) => READ_ONLY.test(a));
        if (actions.length === 0)
            return [];
        const { Condition: _unused, ...rest } = st;
        return [{ ...rest, Sid: `Read${st.Sid}`, Action: actions.length === 1 ? actions[0] : actions }];
    });
    return doc(...reads, { Sid: 'AssumeReadOnlyRoleInMembers', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:${p}:iam::*:role/${ctx.memberRole}` }, { Sid: 'NeverAssumeTrailGuardRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: trailGuardRoleArns(ctx) });
}

// EXTERNAL MODULE: ./src/core/kinds/index.ts + 12 modules
var kinds = __webpack_require__(1477);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/core/zip.ts
// A deterministic zip writer: the same files give the same bytes, so Lambda's CodeSha256 tells whether deployed code is current.


// Not zlib.crc32: Node added it in 22.2.0 and 20.15.0, and `engines` (>=20) still admits 20.0-20.14 and 22.0-22.1,
// where the action or the CLI would fail at deploy time. Switch when `engines` is raised to ^20.15 || >=22.2.
const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
        let c = n;
        for (let k = 0; k < 8; k += 1)
            c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        table[n] = c >>> 0;
    }
    return table;
})();
function crc32(data) {
    let crc = 0xffffffff;
    for (const byte of data)
        crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
}
// 1980-01-01 00:00, the earliest DOS time: no build clock leaks into the archive.
const DOS_TIME = 0;
const DOS_DATE = (/* unused pure expression or super */ null && ((0 << 9) | (1 << 5) | 1));
/** Entries sorted by path, fixed timestamps and permissions (0644), deflate level 9. */
function zip_createZip(entries) {
    const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const locals = [];
    const centrals = [];
    let offset = 0;
    for (const entry of sorted) {
        const name = Buffer.from(entry.path.replace(/\\/g, '/'), 'utf8');
        const compressed = deflateRawSync(entry.data, { level: 9 });
        const crc = crc32(entry.data);
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4); // version needed
        local.writeUInt16LE(0x0800, 6); // UTF-8 names
        local.writeUInt16LE(8, 8); // deflate
        local.writeUInt16LE(DOS_TIME, 10);
        local.writeUInt16LE(DOS_DATE, 12);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(compressed.length, 18);
        local.writeUInt32LE(entry.data.length, 22);
        local.writeUInt16LE(name.length, 26);
        local.writeUInt16LE(0, 28);
        const central = Buffer.alloc(46);
        central.writeUInt32LE(0x02014b50, 0);
        central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
        central.writeUInt16LE(20, 6);
        central.writeUInt16LE(0x0800, 8);
        central.writeUInt16LE(8, 10);
        central.writeUInt16LE(DOS_TIME, 12);
        central.writeUInt16LE(DOS_DATE, 14);
        central.writeUInt32LE(crc, 16);
        central.writeUInt32LE(compressed.length, 20);
        central.writeUInt32LE(entry.data.length, 24);
        central.writeUInt16LE(name.length, 28);
        central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
        central.writeUInt32LE(offset, 42);
        locals.push(local, name, compressed);
        centrals.push(central, name);
        offset += local.length + name.length + compressed.length;
    }
    const centralSize = centrals.reduce((n, b) => n + b.length, 0);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(sorted.length, 8);
    end.writeUInt16LE(sorted.length, 10);
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, ...centrals, end]);
}
/** Lambda's CodeSha256: base64 of the SHA-256 of the zip. */
function zip_codeSha256(zip) {
    return createHash('sha256').update(zip).digest('base64');
}

// EXTERNAL MODULE: ./src/core/pipeline-event.ts
var pipeline_event = __webpack_require__(6196);
// EXTERNAL MODULE: ./src/core/sweep.ts + 1 modules
var sweep = __webpack_require__(8042);
// EXTERNAL MODULE: ./src/core/kinds/cloudwatch-alarm.ts
var cloudwatch_alarm = __webpack_require__(2479);
// EXTERNAL MODULE: ./src/core/kinds/bus-permission.ts
var bus_permission = __webpack_require__(5693);
// EXTERNAL MODULE: ./src/core/kinds/iam-role.ts
var iam_role = __webpack_require__(5519);
;// CONCATENATED MODULE: ./src/core/desired-state.ts
// Desired state: every resource of the detection pipeline with its exact settings, computed from the config alone.











const GLOBAL = 'global';
/** Order in which apply creates and updates resources: the kind registry's order (each kind only depends on kinds before it). */
const APPLY_ORDER = Object.keys(kinds/* KINDS */.GW);
/** Kinds that carry the trailguard:managed tag; the others are owned by their TrailGuard name. */
const TAGGED_KINDS = APPLY_ORDER.filter((kind) => kinds/* KINDS */.GW[kind].tagged);
const REMEDIATOR_RUNTIME = 'nodejs22.x';
const REMEDIATOR_HANDLER = 'index.handler';
const REMEDIATOR_TIMEOUT = 60;
/**
 * The tamper calls as EventBridge pattern entries: one per CloudTrail `eventSource` in `watch`, with
 * that source's names. EventBridge gives an "AWS API Call via CloudTrail" event the service's own
 * source (`aws.organizations` for organizations.amazonaws.com); `aws.cloudtrail` is accepted too, as
 * TrailGuard's fixtures and cases carry it. Names `watch` does not know keep the CloudTrail source.
 */
function tamperPatterns(watch, sources = config/* WATCHED_EVENT_SOURCES */.hP) {
    const bySource = new Map();
    for (const name of watch) {
        const eventSource = sources[name] ?? 'cloudtrail.amazonaws.com';
        bySource.set(eventSource, [...(bySource.get(eventSource) ?? []), name]);
    }
    return [...bySource].map(([eventSource, names]) => {
        const service = `aws.${eventSource.split('.')[0]}`;
        return {
            source: service === 'aws.cloudtrail' ? [service] : ['aws.cloudtrail', service],
            'detail-type': ['AWS API Call via CloudTrail'],
            detail: { eventSource: [eventSource], eventName: names },
        };
    });
}
/** Pattern of the central `trailguard-tamper` rule: every tamper call of `watch`, whichever service records it. */
function tamperPattern(watch) {
    const entries = tamperPatterns(watch);
    return entries.length === 1 ? entries[0] : { $or: entries };
}
/**
 * EventBridge's default quota on an event pattern's size, in characters ("Event pattern size",
 * Amazon EventBridge quotas; adjustable up to 4096 on request, which TrailGuard does not assume).
 */
const EVENT_PATTERN_MAX_CHARS = 2048;
const API_CALL = 'AWS API Call via CloudTrail';
/**
 * Calls on the named rules. The rule name is `requestParameters.name`, or `rule` for the target calls; `buses`, when
 * given, also requires `requestParameters.eventBusName` to be one of them (absent: the default bus).
 * Exact names, not a prefix: each member rule watches the other one, so no call is forwarded twice.
 */
function ruleCallsPattern(names, buses) {
    const detail = (eventName, key) => ({
        eventSource: ['events.amazonaws.com'],
        eventName: [...eventName],
        requestParameters: { [key]: [...names], ...(buses ? { eventBusName: [...buses] } : {}) },
    });
    return [
        { source: ['aws.events'], 'detail-type': [API_CALL], detail: detail(pipeline_event/* RULE_NAME_CALLS */.lO, 'name') },
        { source: ['aws.events'], 'detail-type': [API_CALL], detail: detail(pipeline_event/* RULE_TARGET_CALLS */.bW, 'rule') },
    ];
}
/** IAM calls on `trailguard-*` roles (EventBridge prefix matching) and on the remediation role, whatever its name. */
function roleCallsPattern(remediationRole) {
    const roles = remediationRole.startsWith(pipeline_event/* OWN_PREFIX */.yc) ? [{ prefix: pipeline_event/* OWN_PREFIX */.yc }] : [{ prefix: pipeline_event/* OWN_PREFIX */.yc }, remediationRole];
    return {
        source: ['aws.iam'],
        'detail-type': [API_CALL],
        detail: { eventSource: ['iam.amazonaws.com'], eventName: [...pipeline_event/* ROLE_CALLS */.PU], requestParameters: { roleName: roles } },
    };
}
/**
 * Pattern of the member `trailguard-guard` rule: calls on `trailguard-forward`, and IAM calls on
 * TrailGuard's roles (they arrive only in the partition's global region). Filtered by name, so no
 * other rule's or role's traffic leaves the account.
 */
function guardPattern(remediationRole, globalTamper = []) {
    return {
        $or: [
            ...ruleCallsPattern([names/* NAMES */.X.forwardRule]),
            roleCallsPattern(remediationRole),
            ...(globalTamper.length > 0 ? tamperPatterns(globalTamper) : []),
        ],
    };
}
/**
 * Services whose CloudTrail events EventBridge delivers only in the partition's global region
 * (`us-east-1` in `aws`), like IAM's: a `watch` name they record is forwarded from there even when
 * that region is not watched.
 */
const GLOBAL_EVENT_SOURCES = ['organizations.amazonaws.com'];
/** The `watch` names recorded by a global service (`LeaveOrganization`...). */
function globalTamperCalls(watch) {
    return watch.filter((name) => GLOBAL_EVENT_SOURCES.includes(config/* WATCHED_EVENT_SOURCES */.hP[name] ?? ''));
}
/** Lambda calls that disable, throttle, delete or re-point the remediator, or `trailguard-*` functions' mappings. */
function lambdaCallsPattern() {
    const lambda = (eventName, fields) => ({
        source: ['aws.lambda'],
        'detail-type': [API_CALL],
        // Lambda's recorded names carry the API version (`DeleteFunction20150331`): the action name is matched as a prefix.
        detail: { eventSource: ['lambda.amazonaws.com'], eventName: eventName.map((prefix) => ({ prefix })), ...fields },
    });
    // A function is named by name, partial ARN or ARN, any of them with a qualifier.
    const own = (name) => [{ prefix: name }, { wildcard: `*:function:${name}*` }];
    return [
        lambda(pipeline_event/* FUNCTION_CALLS */.lt, { requestParameters: { functionName: own(names/* NAMES */.X.remediatorFunction) } }),
        lambda(pipeline_event/* MAPPING_CALLS */.JX, { requestParameters: { functionName: own(pipeline_event/* OWN_PREFIX */.yc) } }),
        // DeleteEventSourceMapping's request names only the mapping: the function is in the response.
        lambda(pipeline_event/* MAPPING_CALLS */.JX, { responseElements: { functionArn: [{ wildcard: `*:function:${pipeline_event/* OWN_PREFIX */.yc}*` }] } }),
    ];
}
/**
 * Pattern of the central default bus's `trailguard-sweep-guard` rule: Scheduler's `UpdateSchedule` and `DeleteSchedule`
 * on schedules named `trailguard-sweep*` (the CloudTrail records EventBridge delivers as `source: aws.scheduler`); the
 * calls on its twin `trailguard-central-guard`, which watches this rule in turn (a rule cannot see its own disabling:
 * the record arrives once it is off); and the Lambda calls on the remediator and its mappings (`lambdaCallsPattern`). The central
 * chain is split between the two rules so that each stays within EventBridge's pattern size quota; each call is in one.
 */
function scheduleGuardPattern() {
    return {
        $or: [
            {
                source: ['aws.scheduler'],
                'detail-type': [API_CALL],
                detail: {
                    eventSource: ['scheduler.amazonaws.com'],
                    eventName: [...pipeline_event/* SCHEDULE_CALLS */.G9],
                    requestParameters: { name: [{ prefix: sweep/* SWEEP_NAMES */.OM.schedule }] },
                },
            },
            ...ruleCallsPattern([names/* NAMES */.X.centralGuardRule]),
            ...lambdaCallsPattern(),
        ],
    };
}
/** The central rules the central account's guard rules watch (the member-forwarded ones on `trailguard`, the guards on the default bus). */
const CENTRAL_RULES = [
    { name: names/* NAMES */.X.tamperRule, bus: names/* NAMES */.X.bus },
    { name: names/* NAMES */.X.guardRule, bus: names/* NAMES */.X.bus },
    { name: sweep/* SWEEP_NAMES */.OM.guardRule, bus: 'default' },
    { name: names/* NAMES */.X.centralGuardRule, bus: 'default' },
];
/**
 * Pattern of the central default bus's `trailguard-central-guard` rule: the rest of the central account's own chain.
 * EventBridge calls on TrailGuard's central rules (exact names, its own excepted: `trailguard-sweep-guard` watches it,
 * so no call is forwarded twice; `trailguard-tamper` and `trailguard-guard` on the `trailguard` bus only, as a
 * member's `trailguard-guard` on the central default bus is watched by that member's `trailguard-forward`); the
 * `trailguard` bus's grants (PutPermission, RemovePermission: removing them cuts every member off); SQS calls
 * that purge, delete or re-wire `trailguard-*` queues of `account` (any SQS endpoint host, by EventBridge `wildcard`).
 */
function centralChainGuardPattern(account) {
    return {
        $or: [
            ...ruleCallsPattern([names/* NAMES */.X.tamperRule, names/* NAMES */.X.guardRule], [names/* NAMES */.X.bus, { wildcard: `*:event-bus/${names/* NAMES */.X.bus}` }]),
            ...ruleCallsPattern([sweep/* SWEEP_NAMES */.OM.guardRule]),
            {
                source: ['aws.events'],
                'detail-type': [API_CALL],
                detail: {
                    eventSource: ['events.amazonaws.com'],
                    eventName: [...pipeline_event/* BUS_CALLS */.fe],
                    requestParameters: { eventBusName: [names/* NAMES */.X.bus, { wildcard: `*:event-bus/${names/* NAMES */.X.bus}` }] },
                },
            },
            {
                source: ['aws.sqs'],
                'detail-type': [API_CALL],
                detail: {
                    eventSource: ['sqs.amazonaws.com'],
                    eventName: [...pipeline_event/* QUEUE_CALLS */.UI],
                    requestParameters: { queueUrl: [{ wildcard: `https://*/${account}/${pipeline_event/* OWN_PREFIX */.yc}*` }] },
                },
            },
        ],
    };
}
/** The desired pattern of each central rule of CENTRAL_RULES (`centralResources` deploys these; the remediator compares calls to them). */
function centralRulePatterns(spec) {
    return new Map([
        [names/* NAMES */.X.tamperRule, centralTamperPattern(spec.watch)],
        [names/* NAMES */.X.guardRule, centralGuardPattern(spec.remediationRole)],
        [sweep/* SWEEP_NAMES */.OM.guardRule, scheduleGuardPattern()],
        [names/* NAMES */.X.centralGuardRule, centralChainGuardPattern(spec.account)],
    ]);
}
/** The central rules that deliver to the remediator (its queue and DLQ admit exactly these). */
function centralRuleArns(config) {
    const arns = centralArns(config);
    return [arns.tamperRule, arns.guardRule, arns.sweepGuardRule, arns.centralGuardRule];
}
/** Pattern of the central `trailguard-guard` rule on the TrailGuard bus: everything either member rule forwards about the pipeline. */
function centralGuardPattern(remediationRole) {
    return { $or: [...ruleCallsPattern([names/* NAMES */.X.forwardRule, names/* NAMES */.X.guardRule]), roleCallsPattern(remediationRole)] };
}
/**
 * Pattern of the member `trailguard-forward` rule: the tamper calls, plus the calls on
 * `trailguard-guard`, so that deleting the guard is seen by the forward rule as the reverse is seen by the guard.
 */
function forwardPattern(watch, sources = config/* WATCHED_EVENT_SOURCES */.hP) {
    // One flat $or: each event source's entry, the guard-rule calls, and the sweep's canary.
    return { $or: [...tamperPatterns(watch, sources), ...ruleCallsPattern([names/* NAMES */.X.guardRule]), (0,sweep/* canaryPattern */.TJ)()] };
}
/** Pattern of the central `trailguard-tamper` rule: the tamper calls, and the sweep's canaries coming back from members. */
function centralTamperPattern(watch) {
    return { $or: [...tamperPatterns(watch), (0,sweep/* canaryPattern */.TJ)()] };
}
/** Region where EventBridge receives a partition's IAM (global service) events: `us-east-1` in `aws` (see `globalRegionOf`). */
function globalEventsRegion(region) {
    return (0,arn/* globalRegionOf */.Nh)(region);
}
/**
 * Sid of a bus grant: `trailguard-organization` (with organizationId) or `trailguard-members` (one statement naming
 * every member's forwarder role: one statement per member no longer fits EventBridge's 10 KB at 50 members once each
 * names a role). Earlier versions wrote `trailguard-<account>` per member: plan shows those as `delete`.
 */
function busPermissionSid(principal) {
    return principal === '*' ? 'trailguard-organization' : 'trailguard-members';
}
function centralArns(config) {
    const { account, region } = config.central;
    const p = partitionOf(region);
    return {
        bus: `arn:${p}:events:${region}:${account}:event-bus/${NAMES.bus}`,
        tamperRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.bus}/${NAMES.tamperRule}`,
        guardRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.bus}/${NAMES.guardRule}`,
        sweepGuardRule: `arn:${p}:events:${region}:${account}:rule/${SWEEP_NAMES.guardRule}`,
        centralGuardRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.centralGuardRule}`,
        function: `arn:${p}:lambda:${region}:${account}:function:${NAMES.remediatorFunction}`,
        remediatorRole: roleArn(account, NAMES.remediatorRole, region),
        topic: `arn:${p}:sns:${region}:${account}:${NAMES.topic}`,
        dlq: `arn:${p}:sqs:${region}:${account}:${NAMES.dlq}`,
        eventsQueue: `arn:${p}:sqs:${region}:${account}:${NAMES.eventsQueue}`,
        alertsDlq: `arn:${p}:sqs:${region}:${account}:${NAMES.alertsDlq}`,
        sweepQueue: `arn:${p}:sqs:${region}:${account}:${SWEEP_NAMES.queue}`,
        sweepDlq: `arn:${p}:sqs:${region}:${account}:${SWEEP_NAMES.dlq}`,
        stateTable: `arn:${p}:dynamodb:${region}:${account}:table/${SWEEP_NAMES.table}`,
    };
}
/**
 * `TRAILGUARD_SWEEP`: the members the planner sweeps (the list apply resolved, or `organization` with organizationId,
 * where the planner asks Organizations itself), the exclusions, the schedule (the planner alerts a gap of twice it) and
 * the canary grace when the config sets one.
 */
function sweepEnvironment(config, members) {
    return {
        members: config.members.organization && config.organizationId ? 'organization' : [...members],
        exclude: [...config.members.exclude],
        schedule: config.sweep.schedule,
        ...(config.sweep.canaryGraceSeconds !== undefined ? { canaryGraceSeconds: config.sweep.canaryGraceSeconds } : {}),
    };
}
/** The environment the remediator Lambda runs with (DESIGN.md "Remediator"). */
function remediatorEnvironment(config, members) {
    return {
        TRAILGUARD_TOPIC_ARN: centralArns(config).topic,
        TRAILGUARD_REMEDIATION_ROLE: config.roles.remediation,
        ...(config.roles.externalId ? { TRAILGUARD_EXTERNAL_ID: config.roles.externalId } : {}),
        TRAILGUARD_ALLOW: JSON.stringify(config.allow),
        TRAILGUARD_TRAILS: JSON.stringify(config.trails),
        ...(config.eventDataStores.length > 0 ? { TRAILGUARD_EVENT_DATA_STORES: JSON.stringify(config.eventDataStores) } : {}),
        ...(config.organization ? { TRAILGUARD_ORGANIZATION: JSON.stringify(config.organization) } : {}),
        TRAILGUARD_PIPELINE: JSON.stringify(pipelineEnvironment(config)),
        ...(members ? { TRAILGUARD_SWEEP: JSON.stringify(sweepEnvironment(config, members)) } : {}),
    };
}
/** The `TRAILGUARD_PIPELINE` value for a config; `apply` writes it JSON-encoded into the remediator's environment. */
function pipelineEnvironment(config) {
    return { watch: [...config.watch], regions: [...config.members.regions], deployRole: config.roles.deploy };
}
function key(account, region, kind, name) {
    return `${account}/${region}/${kind}/${name}`;
}
function queuePolicy(queueArn, sourceArns) {
    return JSON.stringify({
        Version: '2012-10-17',
        Statement: [
            {
                Sid: 'TamperRuleOnly',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: queueArn,
                Condition: { ArnEquals: { 'aws:SourceArn': sourceArns } },
            },
        ],
    });
}
/** Policy of the alerts subscription's dead-letter queue: SNS may send to it for the alerts topic only. */
function alertsDlqPolicy(queueArn, topicArn) {
    return JSON.stringify({
        Version: '2012-10-17',
        Statement: [
            {
                Sid: 'AlertsTopicOnly',
                Effect: 'Allow',
                Principal: { Service: 'sns.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: queueArn,
                Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
            },
        ],
    });
}
/**
 * The ARN of `trailguard-alerts-dlq` when a Slack app takes alerts from the topic through TrailGuard (`alerts.endpoint`,
 * or `slack.deploy: lambda`), else null: nothing TrailGuard configures would send to it.
 */
function alertsDeadLetterQueue(config) {
    return config.alerts.endpoint || slackDeployed(config) ? centralArns(config).alertsDlq : null;
}
/** Whether `apply` deploys the Slack app (`slack.deploy: lambda` with its secrets' names). */
function slackDeployed(config) {
    return config.slack?.deploy === 'lambda' && !!config.slack.secrets;
}
/**
 * The subscriptions `trailguard-alerts` may have: the HTTPS endpoint (`alerts.endpoint`), the deployed Slack function
 * (`slack.deploy: lambda`) and `alerts.acceptedSubscriptions`. Any other is reported as a conflict.
 */
function knownSubscriptions(config) {
    const { account, region } = config.central;
    return [
        ...(config.alerts.endpoint ? [{ protocol: 'https', endpoint: config.alerts.endpoint }] : []),
        ...(slackDeployed(config)
            ? [{ protocol: 'lambda', endpoint: `arn:${partitionOf(region)}:lambda:${region}:${account}:function:${NAMES.slackFunction}` }]
            : []),
        ...config.alerts.acceptedSubscriptions.map((s) => ({ protocol: s.protocol, endpoint: s.endpoint })),
    ];
}
function centralResources(config, ctx) {
    const { account, region } = config.central;
    const arns = centralArns(config);
    const queue = config.remediator.delivery === 'queue';
    const c = (kind, name, r = region) => ({ key: key(account, r, kind, name), account, region: r, name });
    const out = [
        {
            ...c('iam-role', NAMES.remediatorRole, GLOBAL),
            kind: 'iam-role',
            description: 'TrailGuard remediator Lambda: assumes TrailGuardRemediator in members, publishes alerts',
            permissionsBoundary: boundaryArn(account, region),
            trust: remediatorTrustPolicy({ centralAccount: account }),
            policyName: NAMES.remediatorRole,
            policy: remediatorPermissionsPolicy({
                centralAccount: account,
                region,
                remediationRole: config.roles.remediation,
                // Without organizationId, the accounts resolved from the Organization: never every AWS account.
                members: config.members.organization && config.organizationId ? null : ctx.members,
                organizationId: config.organizationId,
                delivery: config.remediator.delivery,
                listsOrganization: config.members.organization && !!config.organizationId,
            }),
        },
        {
            ...c('sqs-queue', NAMES.dlq),
            kind: 'sqs-queue',
            attributes: {
                MessageRetentionPeriod: '1209600',
                SqsManagedSseEnabled: 'true',
                Policy: queuePolicy(arns.dlq, centralRuleArns(config)),
            },
        },
        // Where an alert the Slack app never took ends (SNS gave up on its HTTPS endpoint or its function; the deployed
        // function failed it past Lambda's retries), before the subscriptions and the function need it.
        ...(alertsDeadLetterQueue(config)
            ? [
                {
                    ...c('sqs-queue', NAMES.alertsDlq),
                    kind: 'sqs-queue',
                    attributes: {
                        MessageRetentionPeriod: '1209600',
                        SqsManagedSseEnabled: 'true',
                        Policy: alertsDlqPolicy(arns.alertsDlq, arns.topic),
                    },
                },
            ]
            : []),
        {
            ...c('sns-topic', NAMES.topic),
            kind: 'sns-topic',
            httpsEndpoint: config.alerts.endpoint,
            signatureVersion: '2',
            deadLetterQueueArn: config.alerts.endpoint ? arns.alertsDlq : null,
            knownSubscriptions: knownSubscriptions(config),
            cloudWatchAlarmsArn: watchdogAlarmsArn(config),
        },
        {
            ...c('lambda-function', NAMES.remediatorFunction),
            kind: 'lambda-function',
            roleArn: arns.remediatorRole,
            runtime: REMEDIATOR_RUNTIME,
            handler: REMEDIATOR_HANDLER,
            timeout: REMEDIATOR_TIMEOUT,
            memorySize: config.remediator.memoryMb,
            environment: remediatorEnvironment(config, ctx.members),
            codeSha256: ctx.codeSha256,
            onFailureArn: queue ? null : arns.dlq,
        },
        { ...c('event-bus', NAMES.bus), kind: 'event-bus' },
    ];
    // Only the forwarder roles may put events on the bus (src/core/kinds/bus-permission.ts); the central account's own
    // forwarder needs no grant on its own bus.
    const others = ctx.members.filter((m) => m !== account);
    const principal = config.organizationId ? '*' : others;
    if (principal === '*' || principal.length > 0) {
        out.push({
            ...c('bus-permission', busPermissionSid(principal)),
            kind: 'bus-permission',
            bus: NAMES.bus,
            principal,
            ...(principal === '*' ? { organizationId: config.organizationId } : {}),
        });
    }
    const patterns = centralRulePatterns({ account, watch: config.watch, remediationRole: config.roles.remediation });
    const deadLetter = { DeadLetterConfig: { Arn: arns.dlq }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } };
    out.push({
        ...c('event-rule', NAMES.tamperRule),
        kind: 'event-rule',
        bus: NAMES.bus,
        description: 'TrailGuard: CloudTrail tampering forwarded by member accounts',
        pattern: patterns.get(NAMES.tamperRule),
        targets: [
            queue
                ? { Id: 'trailguard-events', Arn: arns.eventsQueue, ...deadLetter }
                : { Id: 'trailguard-remediator', Arn: arns.function, ...deadLetter },
        ],
    });
    out.push({
        ...c('event-rule', NAMES.guardRule),
        kind: 'event-rule',
        bus: NAMES.bus,
        description: "TrailGuard: changes to TrailGuard's own member rules and roles, forwarded by member accounts",
        pattern: patterns.get(NAMES.guardRule),
        targets: [
            queue
                ? { Id: 'trailguard-events', Arn: arns.eventsQueue, ...deadLetter }
                : { Id: 'trailguard-remediator', Arn: arns.function, ...deadLetter },
        ],
    });
    // The central account's default bus, where no member rule listens, gets two rules that watch each other (as
    // trailguard-forward and trailguard-guard do in members): trailguard-sweep-guard (the schedule, and its twin) and
    // trailguard-central-guard (the central rules, bus grants, remediator, mappings and queues). Both exist without a
    // schedule too: the chain after it still needs watching.
    for (const [name, description, arn] of [
        [
            SWEEP_NAMES.guardRule,
            'TrailGuard: changes to the sweep schedule trailguard-sweep and to trailguard-central-guard',
            arns.sweepGuardRule,
        ],
        [
            NAMES.centralGuardRule,
            "TrailGuard: changes to the central account's own rules, bus grants, remediator and queues",
            arns.centralGuardRule,
        ],
    ]) {
        out.push({
            ...c('event-rule', name),
            kind: 'event-rule',
            bus: 'default',
            description,
            pattern: patterns.get(name),
            targets: [
                queue
                    ? { Id: 'trailguard-events', Arn: arns.eventsQueue, ...deadLetter }
                    : { Id: 'trailguard-remediator', Arn: arns.function, ...deadLetter },
            ],
        });
        if (!queue)
            out.push({
                ...c('lambda-permission', `${name}-rule`),
                kind: 'lambda-permission',
                functionName: NAMES.remediatorFunction,
                sourceArn: arn,
            });
    }
    if (queue) {
        out.push({
            ...c('sqs-queue', NAMES.eventsQueue),
            kind: 'sqs-queue',
            attributes: {
                // Six times the function timeout, as Lambda's SQS integration recommends.
                VisibilityTimeout: String(REMEDIATOR_TIMEOUT * 6),
                MessageRetentionPeriod: '1209600',
                SqsManagedSseEnabled: 'true',
                RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arns.dlq, maxReceiveCount: 5 }),
                Policy: queuePolicy(arns.eventsQueue, centralRuleArns(config)),
            },
        }, {
            ...c('event-source-mapping', NAMES.eventsQueue),
            kind: 'event-source-mapping',
            functionName: NAMES.remediatorFunction,
            queueArn: arns.eventsQueue,
            batchSize: 10,
        });
    }
    else {
        out.push({
            ...c('lambda-permission', 'trailguard-tamper-rule'),
            kind: 'lambda-permission',
            functionName: NAMES.remediatorFunction,
            sourceArn: arns.tamperRule,
        });
        out.push({
            ...c('lambda-permission', 'trailguard-guard-rule'),
            kind: 'lambda-permission',
            functionName: NAMES.remediatorFunction,
            sourceArn: arns.guardRule,
        });
    }
    out.push(...sweepResources(config));
    out.push(...slackResources(config, ctx));
    // Outside the remediator: they report it throttled, failing or cut off from its queues, which it cannot itself.
    out.push(...watchdogAlarms(config));
    return out;
}
const SLACK_RUNTIME = 'nodejs22.x';
/** Seconds: a deferred Re-check or `/trail-status` reads every region of an account; a drain posts a burst. */
const SLACK_TIMEOUT = 60;
const SLACK_MEMORY_MB = 512;
/** Where the deployed function finds the config: `slackAppCode` puts it in the zip (Lambda runs from /var/task). */
const SLACK_CONFIG_PATH = '/var/task/trailguard.json';
/** The drain schedule's message: the handler treats a `Scheduled Event` as "post what is due". */
const SLACK_DRAIN_MESSAGE = { source: 'trailguard.slack', 'detail-type': 'Scheduled Event', detail: {} };
/**
 * The DynamoDB store of `slack-app/store/dynamodb.ts` (`ensureTable`): key `id`, four indexes, TTL on `expiresAt`
 * (replay-ledger entries expire). The store's queries fail on a table without them.
 */
const SLACK_TABLE_INDEXES = [
    { name: 'byParent', partitionKey: 'parentId', sortKey: 'receivedAt' },
    { name: 'byState', partitionKey: 'state', sortKey: 'nextAttemptAt' },
    { name: 'byTime', partitionKey: 'bucket', sortKey: 'receivedAt' },
    { name: 'byTrail', partitionKey: 'trailKey', sortKey: 'receivedAt' },
];
/** The Slack app's role ARN the members' reader role trusts: `slack.roleArn`, or with `deploy: lambda` the role apply creates. */
function slackRoleArn(config) {
    if (!config.slack)
        return null;
    if (config.slack.deploy === 'lambda')
        return roleArn(config.central.account, NAMES.slackRole, config.central.region);
    return config.slack.roleArn ?? null;
}
/**
 * The config as the deployed Slack app reads it (`trailguard.json` in its zip): the parsed config written back in the
 * shape `validateConfig` takes (regions `auto` again when it was), so the function sees the members, channel,
 * responders and viewers apply saw. It holds no secret: `slack.secrets` are names.
 */
function slackAppConfig(config) {
    const { discoverRegions, ...members } = config.members;
    return { ...config, members: { ...members, regions: discoverRegions ? 'auto' : members.regions } };
}
/**
 * The Slack function's zip: the files of `dist/slack-app-lambda/` (`bundle`, paths relative to it) and `trailguard.json`
 * (`slackAppConfig`), deterministic (`createZip`), with Lambda's CodeSha256: a config change redeploys the code.
 */
function slackAppCode(bundle, config) {
    const configFile = SLACK_CONFIG_PATH.split('/').pop();
    const files = [
        ...bundle.filter((f) => f.path !== configFile),
        { path: configFile, data: Buffer.from(JSON.stringify(slackAppConfig(config), null, 2)) },
    ];
    const zip = createZip(files);
    return { zip, sha256: codeSha256(zip) };
}
/** The deployed Slack function's URL for Slack's Request URLs (commands, interactivity): the function URL + `/slack/events`. */
function slackEventsUrl(functionUrl) {
    return `${functionUrl.replace(/\/+$/, '')}/slack/events`;
}
/**
 * The environment of `trailguard-slack`: where the config and the store are, the channel, and the NAMES of its secrets
 * (`SLACK_BOT_TOKEN_PARAM`, `SLACK_SIGNING_SECRET_PARAM`, read at cold start by `slack-app/secrets.ts`); never a value.
 */
function slackEnvironment(config) {
    const slack = config.slack;
    return {
        NODE_ENV: 'production',
        TRAILGUARD_CONFIG: SLACK_CONFIG_PATH,
        TRAILGUARD_TABLE: NAMES.slackTable,
        TRAILGUARD_TOPIC_ARN: centralArns(config).topic,
        TRAILGUARD_SLACK_CHANNEL: slack.channel,
        SLACK_BOT_TOKEN_PARAM: slack.secrets.botToken,
        SLACK_SIGNING_SECRET_PARAM: slack.secrets.signingSecret,
    };
}
/**
 * With `slack.deploy: lambda` (issue 13), the Slack app in the central account: its role, store, function, URL (for
 * Slack), the topic's Lambda subscription (with the statement letting the topic invoke it), and the schedule (with
 * its role) that drains pending posts every minute. Nothing with `server`.
 */
function slackResources(config, ctx) {
    if (!slackDeployed(config) || !config.slack?.secrets)
        return [];
    const { account, region } = config.central;
    const arns = centralArns(config);
    const p = partitionOf(region);
    const functionArn = `arn:${p}:lambda:${region}:${account}:function:${NAMES.slackFunction}`;
    const c = (kind, name, r = region) => ({ key: key(account, r, kind, name), account, region: r, name });
    return [
        {
            ...c('iam-role', NAMES.slackRole, GLOBAL),
            kind: 'iam-role',
            description: 'TrailGuard Slack app (Lambda): reads trail status through TrailGuardReader, posts alerts; never remediates',
            permissionsBoundary: boundaryArn(account, region),
            trust: remediatorTrustPolicy({ centralAccount: account }),
            policyName: NAMES.slackRole,
            policy: slackFunctionPermissionsPolicy({
                centralAccount: account,
                region,
                readerRole: config.roles.reader,
                members: config.members.organization && config.organizationId ? null : ctx.members,
                organizationId: config.organizationId,
                secrets: config.slack.secrets,
            }),
        },
        {
            ...c('iam-role', NAMES.slackSchedulerRole, GLOBAL),
            kind: 'iam-role',
            description: 'TrailGuard: lets EventBridge Scheduler invoke trailguard-slack to post alerts still waiting for Slack',
            permissionsBoundary: boundaryArn(account, region),
            trust: sweepSchedulerTrustPolicy(account),
            policyName: NAMES.slackSchedulerRole,
            policy: slackSchedulerPermissionsPolicy({ centralAccount: account, region }),
        },
        {
            ...c('dynamodb-table', NAMES.slackTable),
            kind: 'dynamodb-table',
            partitionKey: 'id',
            indexes: SLACK_TABLE_INDEXES.map((i) => ({ ...i })),
            ttlAttribute: 'expiresAt',
        },
        {
            ...c('lambda-function', NAMES.slackFunction),
            kind: 'lambda-function',
            roleArn: roleArn(account, NAMES.slackRole, region),
            runtime: SLACK_RUNTIME,
            handler: REMEDIATOR_HANDLER,
            timeout: SLACK_TIMEOUT,
            memorySize: SLACK_MEMORY_MB,
            environment: slackEnvironment(config),
            codeSha256: ctx.slackCodeSha256 ?? '',
            // An alert (or a drain, a deferred Re-check) that failed every asynchronous retry is kept, not dropped.
            onFailureArn: arns.alertsDlq,
            bundle: 'slack',
            description: 'TrailGuard Slack app: alerts, Acknowledge, Re-check and /trail-status',
        },
        { ...c('lambda-url', NAMES.slackFunction), kind: 'lambda-url', functionName: NAMES.slackFunction, authType: 'NONE' },
        {
            ...c('lambda-permission', 'trailguard-slack-url'),
            kind: 'lambda-permission',
            functionName: NAMES.slackFunction,
            principal: '*',
            action: 'lambda:InvokeFunctionUrl',
            sourceArn: null,
            functionUrlAuthType: 'NONE',
        },
        {
            // A new function URL needs lambda:InvokeFunction too (since October 2025), only through the URL.
            ...c('lambda-permission', 'trailguard-slack-url-invoke'),
            kind: 'lambda-permission',
            functionName: NAMES.slackFunction,
            principal: '*',
            sourceArn: null,
            invokedViaFunctionUrl: true,
        },
        {
            ...c('lambda-permission', 'trailguard-slack-alerts'),
            kind: 'lambda-permission',
            functionName: NAMES.slackFunction,
            principal: 'sns.amazonaws.com',
            sourceArn: arns.topic,
        },
        {
            ...c('sns-subscription', NAMES.slackFunction),
            kind: 'sns-subscription',
            topicArn: arns.topic,
            protocol: 'lambda',
            endpoint: functionArn,
            deadLetterQueueArn: arns.alertsDlq,
        },
        {
            ...c('scheduler-schedule', NAMES.slackSchedule),
            kind: 'scheduler-schedule',
            scheduleExpression: 'rate(1 minute)',
            target: { arn: functionArn, roleArn: roleArn(account, NAMES.slackSchedulerRole, region), input: JSON.stringify(SLACK_DRAIN_MESSAGE) },
            description: 'TrailGuard: posts alerts still waiting for Slack (trailguard-slack)',
        },
    ];
}
/**
 * The sweep (issue 11): the queue `trailguard-sweep` (with its DLQ) that the remediator consumes through a mapping of
 * bounded concurrency, the state table, and, unless `sweep.schedule` is null, the schedule (with the role it sends as).
 */
function sweepResources(config) {
    const { account, region } = config.central;
    const arns = centralArns(config);
    const c = (kind, name, r = region) => ({ key: key(account, r, kind, name), account, region: r, name });
    const out = [
        {
            ...c('sqs-queue', SWEEP_NAMES.dlq),
            kind: 'sqs-queue',
            attributes: { MessageRetentionPeriod: '1209600', SqsManagedSseEnabled: 'true' },
        },
        {
            ...c('sqs-queue', SWEEP_NAMES.queue),
            kind: 'sqs-queue',
            attributes: {
                // Six times the function timeout, as Lambda's SQS integration recommends.
                VisibilityTimeout: String(REMEDIATOR_TIMEOUT * 6),
                // A sweep older than a day is superseded by the next ones.
                MessageRetentionPeriod: '86400',
                SqsManagedSseEnabled: 'true',
                RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arns.sweepDlq, maxReceiveCount: 3 }),
            },
        },
        { ...c('dynamodb-table', SWEEP_NAMES.table), kind: 'dynamodb-table', partitionKey: 'pk', sortKey: 'sk' },
        {
            ...c('event-source-mapping', SWEEP_NAMES.queue),
            kind: 'event-source-mapping',
            functionName: NAMES.remediatorFunction,
            queueArn: arns.sweepQueue,
            // One account per invocation: MaximumConcurrency then bounds the accounts swept at once.
            batchSize: 1,
            maximumConcurrency: config.sweep.concurrency,
        },
    ];
    if (config.sweep.schedule) {
        out.push({
            ...c('iam-role', SWEEP_NAMES.schedulerRole, GLOBAL),
            kind: 'iam-role',
            description: 'TrailGuard: lets EventBridge Scheduler start a sweep (one message on trailguard-sweep)',
            permissionsBoundary: boundaryArn(account, region),
            trust: sweepSchedulerTrustPolicy(account),
            policyName: SWEEP_NAMES.schedulerRole,
            policy: sweepSchedulerPermissionsPolicy({ centralAccount: account, region }),
        }, {
            ...c('scheduler-schedule', SWEEP_NAMES.schedule),
            kind: 'scheduler-schedule',
            scheduleExpression: config.sweep.schedule,
            target: {
                arn: arns.sweepQueue,
                roleArn: roleArn(account, SWEEP_NAMES.schedulerRole, region),
                input: JSON.stringify(START_SWEEP_MESSAGE),
            },
        });
    }
    return out;
}
/**
 * ArnLike pattern of the watchdog alarms (every NAMES.alarms name starts `trailguard-`), for the alerts topic's
 * `TrailGuardCloudWatchAlarms` statement (SnsTopicResource.cloudWatchAlarmsArn): `arn:<partition>:cloudwatch:<central
 * region>:<central account>:alarm:trailguard-*`.
 */
function watchdogAlarmsArn(config) {
    const { account, region } = config.central;
    return `arn:${partitionOf(region)}:cloudwatch:${region}:${account}:alarm:trailguard-*`;
}
/** The period of the SQS and Lambda alarms, in seconds: CloudWatch's 5-minute metrics of those services. */
const ALARM_PERIOD = 300;
/** How long a tamper record may wait on `trailguard-events` before its age alarms, in seconds. */
const EVENTS_AGE_ALARM_SECONDS = 300;
/**
 * The watchdog alarms (NAMES.alarms) in the central account and region, every one with AlarmActions and OKActions on
 * `trailguard-alerts`. They live outside the remediator because the remediator cannot report its own death: throttled to
 * 0 (PutFunctionConcurrency), failing, or its queue mapping disabled, it leaves tamper records in `trailguard-dlq` and
 * sweep messages unread, and nothing else says so until someone runs `plan`.
 * - each dead-letter queue TrailGuard deploys (`trailguard-dlq`, `trailguard-sweep-dlq`, `trailguard-alerts-dlq` when it
 *   exists): AWS/SQS ApproximateNumberOfMessagesVisible, Maximum > 0 over one 5-minute period;
 * - the remediator's AWS/Lambda Throttles and Errors, Sum > 0 over 5 minutes;
 * - with `sweep.schedule` (a rate, or a daily-or-more cron: `scheduleIntervalMs`): AWS/SQS NumberOfMessagesDeleted of
 *   `trailguard-sweep`, Sum < 1 in each of two periods of the schedule's interval, missing data breaching (SQS sends no
 *   metric for a queue nobody uses: that silence is the failure);
 * - with `remediator.delivery: queue`: AWS/SQS ApproximateAgeOfOldestMessage of `trailguard-events`, Maximum > 300 s.
 * A weekly or monthly cron gets no sweep alarm, as `sweepGap` does not bound it either. Pure; throws DesiredStateError
 * (the kind's `check`) when the schedule's interval makes an alarm CloudWatch refuses (over 3.5 days).
 */
function watchdogAlarms(config) {
    const { account, region } = config.central;
    const arns = centralArns(config);
    const A = NAMES.alarms;
    const alarm = (name, rest) => ({
        key: `${account}/${region}/cloudwatch-alarm/${name}`,
        account,
        region,
        name,
        kind: 'cloudwatch-alarm',
        topicArn: arns.topic,
        ...rest,
    });
    const queueHasMessages = (name, queue, why) => alarm(name, {
        description: `TrailGuard: ${queue} has messages: ${why}`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: [{ name: 'QueueName', value: queue }],
        statistic: 'Maximum',
        period: ALARM_PERIOD,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
    });
    const remediatorCount = (name, metricName, why) => alarm(name, {
        description: `TrailGuard: ${NAMES.remediatorFunction} ${why}`,
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: [{ name: 'FunctionName', value: NAMES.remediatorFunction }],
        statistic: 'Sum',
        period: ALARM_PERIOD,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
    });
    const out = [
        queueHasMessages(A.dlq, NAMES.dlq, 'tamper records the remediator never handled (throttled, failing or disabled)'),
        queueHasMessages(A.sweepDlq, SWEEP_NAMES.dlq, 'sweep messages the remediator failed three times'),
        ...(alertsDeadLetterQueue(config)
            ? [queueHasMessages(A.alertsDlq, NAMES.alertsDlq, 'alerts SNS could not deliver to the Slack app')]
            : []),
        remediatorCount(A.throttles, 'Throttles', 'is throttled (reserved concurrency 0 switches it off)'),
        remediatorCount(A.errors, 'Errors', 'ends invocations in errors'),
    ];
    const interval = config.sweep.schedule ? scheduleIntervalMs(config.sweep.schedule) : null;
    if (interval !== null)
        out.push(alarm(A.sweepMissing, {
            description: `TrailGuard: no sweep message taken from ${SWEEP_NAMES.queue} in twice the schedule ${config.sweep.schedule}`,
            namespace: 'AWS/SQS',
            metricName: 'NumberOfMessagesDeleted',
            dimensions: [{ name: 'QueueName', value: SWEEP_NAMES.queue }],
            statistic: 'Sum',
            period: Math.ceil(interval / 60_000) * 60,
            evaluationPeriods: 2,
            threshold: 1,
            comparisonOperator: 'LessThanThreshold',
            treatMissingData: 'breaching',
        }));
    if (config.remediator.delivery === 'queue')
        out.push(alarm(A.eventsAge, {
            description: `TrailGuard: the oldest tamper record on ${NAMES.eventsQueue} waits over ${EVENTS_AGE_ALARM_SECONDS} s`,
            namespace: 'AWS/SQS',
            metricName: 'ApproximateAgeOfOldestMessage',
            dimensions: [{ name: 'QueueName', value: NAMES.eventsQueue }],
            statistic: 'Maximum',
            period: ALARM_PERIOD,
            evaluationPeriods: 1,
            threshold: EVENTS_AGE_ALARM_SECONDS,
            comparisonOperator: 'GreaterThanThreshold',
            treatMissingData: 'notBreaching',
        }));
    cloudWatchAlarm.check?.(out);
    return out;
}
function memberResources(config, account) {
    const central = config.central;
    const arns = centralArns(config);
    const g = (kind, name) => ({ key: key(account, GLOBAL, kind, name), account, region: GLOBAL, name });
    // Each reader its own role: the internet-facing Slack app never gets the role that can change trails.
    const remediationCtx = {
        account,
        centralAccount: central.account,
        region: central.region,
        externalId: config.roles.externalId,
        baseline: config.trails,
        organization: config.organization,
        eventDataStores: config.eventDataStores,
    };
    const out = [
        {
            ...g('iam-role', NAMES.forwarderRole),
            kind: 'iam-role',
            description: 'TrailGuard: lets EventBridge forward CloudTrail tampering to the central bus',
            permissionsBoundary: boundaryArn(account, central.region),
            trust: forwarderTrustPolicy(account),
            policyName: NAMES.forwarderRole,
            policy: forwarderPermissionsPolicy({ centralAccount: central.account, region: central.region }),
        },
        {
            ...g('iam-role', config.roles.remediation),
            kind: 'iam-role',
            description: 'TrailGuard: restarts and restores CloudTrail trails; can never stop or delete one',
            permissionsBoundary: boundaryArn(account, central.region),
            trust: memberRemediationTrustPolicy({ ...remediationCtx, trustedPrincipalArns: [arns.remediatorRole] }),
            policyName: config.roles.remediation,
            policy: memberRemediationPermissionsPolicy({ ...remediationCtx, trustedPrincipalArns: [arns.remediatorRole] }),
        },
    ];
    const slackRole = slackRoleArn(config);
    if (slackRole) {
        out.push({
            ...g('iam-role', config.roles.reader),
            kind: 'iam-role',
            description: 'TrailGuard: read-only CloudTrail status for the Slack app (Re-check, /trail-status)',
            permissionsBoundary: boundaryArn(account, central.region),
            trust: memberRemediationTrustPolicy({ ...remediationCtx, trustedPrincipalArns: [slackRole] }),
            policyName: config.roles.reader,
            policy: readerPermissionsPolicy({ account, region: central.region }),
        });
    }
    out.push(...memberRules(memberRuleSpec(config), account));
    return out;
}
/** The member-rule facts of a config (the action's side of `memberRules`). */
function memberRuleSpec(config) {
    return {
        centralBusArn: centralArns(config).bus,
        watch: config.watch,
        regions: config.members.regions,
        remediationRole: config.roles.remediation,
    };
}
/**
 * The member rules of one account, each forwarding to the central bus through `trailguard-forwarder`:
 * `trailguard-forward` in every watched region, `trailguard-guard` in every watched region and in the
 * partition's global region, where IAM's events arrive even when that region is not watched.
 */
function memberRules(spec, account) {
    const home = spec.centralBusArn.split(':')[3];
    const guardRegions = [...new Set([...spec.regions, globalEventsRegion(home)])];
    const rule = (region, name, description, pattern) => ({
        key: key(account, region, 'event-rule', name),
        account,
        region,
        name,
        kind: 'event-rule',
        bus: 'default',
        description,
        pattern,
        targets: [{ Id: 'trailguard-central-bus', Arn: spec.centralBusArn, RoleArn: (0,arn/* roleArn */.w3)(account, names/* NAMES */.X.forwarderRole, region) }],
    });
    return [
        ...spec.regions.map((region) => rule(region, names/* NAMES */.X.forwardRule, 'TrailGuard: forwards CloudTrail tampering to the central bus', forwardPattern(spec.watch))),
        ...guardRegions.map((region) => rule(region, names/* NAMES */.X.guardRule, "TrailGuard: forwards changes to TrailGuard's own rules and roles to the central bus", 
        // Where no forward rule runs, the guard also carries the global services' tamper calls (LeaveOrganization...).
        guardPattern(spec.remediationRole, spec.regions.includes(region) ? [] : globalTamperCalls(spec.watch)))),
    ];
}



/** Stands for "any member account" while the boundary is built from the members' own policies. */
const ANY_MEMBER = '000000000000';
/** Stands for the management account while ANY_MEMBER plays a plain member or a delegated administrator. */
const ANY_MANAGEMENT = '000000000001';
/**
 * The member's roles in each part it can play: with `organization`, the management account and a CloudTrail delegated
 * administrator get the organization-trail statements a plain member does not, and the boundary must hold them too.
 */
function memberVariants(config) {
    if (!config.organization)
        return memberResources(config, ANY_MEMBER);
    const as = (organization) => memberResources({ ...config, organization }, ANY_MEMBER);
    return [
        ...as({ managementAccount: ANY_MANAGEMENT, delegatedAdministrators: [] }),
        ...as({ managementAccount: ANY_MEMBER, delegatedAdministrators: [] }),
        ...as({ managementAccount: ANY_MANAGEMENT, delegatedAdministrators: [ANY_MEMBER] }),
    ];
}
/**
 * The `trailguard-boundary` managed policy: the most any TrailGuard role can do, whatever its own policy
 * says. It is the union of every role's statements for this config, member accounts generalised to `*`
 * (as the plain member, the management account and a delegated administrator each play it), so it does not change
 * when members come or go, and any statement a role gains is in it by construction. Statements whose resources the
 * baseline names are in it in their `boundaryForm` (every trail, bucket, key, log group of the partition), so it does
 * not change when trails come or go either, and its size does not grow with them (IAM's 6,144 characters).
 * An administrator creates it once per account (`trailguard iam boundary` prints it); the deploy role
 * can neither create nor change it, nor remove it from a role.
 */
function permissionsBoundaryPolicy(config) {
    const resources = [...centralResources(config, { members: [ANY_MEMBER], codeSha256: '' }), ...memberVariants(config)];
    const general = resources.flatMap((r) => r.kind === 'iam-role'
        ? r.policy.Statement.map((own) => JSON.parse(JSON.stringify(boundaryForm(own, config.central.region)).replaceAll(ANY_MEMBER, '*').replaceAll(ANY_MANAGEMENT, '*')))
        : []);
    return { Version: '2012-10-17', Statement: mergeStatements(general) };
}
/**
 * One statement per effect, condition and resource list, with the union of their actions, in the order they first
 * appear; a statement another already allows in full is left out. Why: the roles repeat resources (every trail, `*` for
 * the calls that take none, the Deny list), and one statement each took the boundary past IAM's 6,144 characters. Each
 * gets a short Sid naming its effect, service and resource type (`AllowCloudtrailTrail`, `DenyAny`), numbered on a repeat.
 */
function mergeStatements(statements) {
    const groups = new Map();
    for (const statement of statements) {
        const actions = [statement.Action].flat();
        const resources = [statement.Resource ?? []].flat();
        const group = JSON.stringify([statement.Effect, canonicalCondition(statement.Condition), [...resources].sort()]);
        const found = groups.get(group);
        if (found) {
            found.Action.push(...actions.filter((a) => !found.Action.includes(a)));
            continue;
        }
        groups.set(group, { ...statement, Action: [...new Set(actions)] });
    }
    const merged = [...groups.values()].filter((statement, index, all) => !all.some((other, j) => j !== index && covers(other, statement) && !(covers(statement, other) && j > index)));
    const taken = new Map();
    return merged.map(({ Sid: _own, ...statement }) => {
        const base = boundarySid(statement);
        const count = (taken.get(base) ?? 0) + 1;
        taken.set(base, count);
        const Action = statement.Action.length === 1 ? statement.Action[0] : statement.Action;
        return { Sid: count === 1 ? base : `${base}${count}`, ...statement, Action };
    });
}
/** A condition as comparable text: key order and a one-element list never make two equal conditions differ. */
function canonicalCondition(condition) {
    if (!condition)
        return '';
    const sorted = Object.keys(condition)
        .sort()
        .map((operator) => [
        operator,
        Object.keys(condition[operator])
            .sort()
            .map((key) => [key, [condition[operator][key]].flat().sort()]),
    ]);
    return JSON.stringify(sorted);
}
/** `<Effect><Service><ResourceType>` of a statement's first resource: `AllowKmsKey`, `AllowSqs`, `DenyAny` for `*`. */
function boundarySid(statement) {
    const first = [statement.Resource ?? '*'].flat()[0] ?? '*';
    const word = (text) => text.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase());
    if (first === '*')
        return `${statement.Effect}Any`;
    const parts = first.split(':');
    const [service, rest] = [parts[2] ?? '', parts.slice(5).join(':')];
    const type = /^([a-z-]+)[/:]/.exec(rest)?.[1] ?? '';
    return `${statement.Effect}${word(service)}${word(type)}`;
}
/** Whether `outer` allows everything `inner` does: same effect and condition, every action and resource of `inner` listed (no wildcard reasoning). */
function covers(outer, inner) {
    const list = (v) => new Set([v ?? []].flat());
    const within = (a, b) => [...a].every((x) => b.has(x));
    return (outer.Effect === inner.Effect &&
        JSON.stringify(outer.Condition ?? null) === JSON.stringify(inner.Condition ?? null) &&
        within(list(inner.Action), list(outer.Action)) &&
        within(list(inner.Resource), list(outer.Resource)));
}
function desiredState(config, ctx) {
    const resources = [...centralAccountResources(config, ctx), ...ctx.members.flatMap((m) => memberResources(config, m))];
    checkResources(resources);
    return resources;
}
/** Each kind refuses, before any AWS call, what AWS would refuse (a policy over IAM's quota, a bus policy over EventBridge's). */
function checkResources(resources) {
    // The function's environment last: IAM's and EventBridge's quotas name the more specific fix when both are exceeded.
    const checkOrder = [...APPLY_ORDER.filter((k) => k !== 'lambda-function'), 'lambda-function'];
    for (const kind of checkOrder)
        kindSpec(kind).check?.(resources.filter((r) => r.kind === kind));
}
/**
 * The same resources as `desiredState`, built per account when asked. Why: about 18 KiB of resources per member, all
 * built up front, made a run's memory grow with the organization (180 MiB at 10,000 members). The checks run up front
 * on the central account and one member: every member's resources have the same shape and sizes (only the 12-digit
 * account id differs), so one member stands for all. Throws DesiredStateError as `desiredState` does.
 */
function desiredStateByAccount(config, ctx) {
    const central = config.central.account;
    const centralOwn = centralAccountResources(config, ctx);
    const isMember = new Set(ctx.members);
    const sample = ctx.members.find((m) => m !== central);
    checkResources([
        ...centralOwn,
        ...(isMember.has(central) ? memberResources(config, central) : []),
        ...(sample ? memberResources(config, sample) : []),
    ]);
    const regions = (resources) => [...new Set(resources.map((r) => r.region))];
    const memberRegions = sample ? regions(memberResources(config, sample)) : [];
    const resourcesOf = (account) => [
        ...(account === central ? centralAccountResources(config, ctx) : []),
        ...(isMember.has(account) ? memberResources(config, account) : []),
    ];
    return {
        accounts: [...new Set([central, ...ctx.members])],
        resourcesOf,
        regionsOf: (account) => (account === central ? regions(resourcesOf(account)) : isMember.has(account) ? memberRegions : []),
    };
}
/** The central account's own resources (bus, rule, remediator, topic, queues, grants) and its permissions boundary. */
function centralAccountResources(config, ctx) {
    const { account, region } = config.central;
    const boundary = {
        key: key(account, GLOBAL, 'iam-boundary', PERMISSIONS_BOUNDARY),
        account,
        region: GLOBAL,
        name: PERMISSIONS_BOUNDARY,
        kind: 'iam-boundary',
        arn: boundaryArn(account, region),
        document: permissionsBoundaryPolicy(config),
    };
    return [...centralResources(config, ctx), boundary];
}


/***/ }),

/***/ 5693:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   al: () => (/* binding */ busPermission)
/* harmony export */ });
/* unused harmony exports BUS_POLICY_LIMIT, forwarderRoleArn, grantAccounts, busStatement */
/* harmony import */ var _arn_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7136);
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2483);
/* harmony import */ var _kind_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6789);
// One statement of the central bus's policy letting the members' forwarder roles (or the Organization's) call events:PutEvents.



/** Bytes EventBridge allows for an event bus's permission policy (PutPermission reference: 10 KB). */
const BUS_POLICY_LIMIT = 10_240;
/**
 * `arn:<partition>:iam::<account>:role/trailguard-forwarder`: the role the member rules assume to put events on the
 * central bus (`*` for any account). Only it is admitted: its trust admits events.amazonaws.com alone, so no principal
 * of a member can put a forged canary or tamper record on the bus itself.
 */
function forwarderRoleArn(partition, account) {
    return `arn:${partition}:iam::${account}:role/${_names_js__WEBPACK_IMPORTED_MODULE_1__/* .NAMES */ .X.forwarderRole}`;
}
/** The member account ids of a grant, sorted (empty for the Organization's `*`). */
function grantAccounts(resource) {
    return resource.principal === '*' ? [] : [resource.principal].flat().sort();
}
/**
 * Canonical bus-policy statement of a grant, as TrailGuard writes it (EventBridge PutPermission with `Policy`). Members:
 * `Principal.AWS` names each member account (its root: an account principal always exists, while a role principal
 * must exist when the policy is written and becomes an internal id if the role is recreated); the Organization:
 * `Principal: *` with `aws:PrincipalOrgID`. Both carry an `ArnLike` on `aws:PrincipalArn` (IAM global condition key; a
 * forwarded event is put by the forwarder role's session, whose `aws:PrincipalArn` is the role's ARN), so only
 * `trailguard-forwarder` may put events, never another principal of a member.
 */
function busStatement(resource, busArn) {
    const p = busArn.split(':')[1];
    const roots = grantAccounts(resource).map((account) => `arn:${p}:iam::${account}:root`);
    const principal = resource.principal === '*' ? '*' : { AWS: roots.length === 1 ? roots[0] : roots };
    const condition = {
        ...(resource.principal === '*' && resource.organizationId ? { StringEquals: { 'aws:PrincipalOrgID': resource.organizationId } } : {}),
        ArnLike: { 'aws:PrincipalArn': forwarderRoleArn(p, '*') },
    };
    return { Sid: resource.name, Effect: 'Allow', Principal: principal, Action: 'events:PutEvents', Resource: busArn, Condition: condition };
}
const busPermission = {
    kind: 'bus-permission',
    // A policy statement has no tags: TrailGuard's are those whose Sid starts with `trailguard-`.
    tagged: false,
    describeConflict: (c) => `statement ${c.name} of TrailGuard's bus policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can put forged events on the central bus; TrailGuard never changes it, remove it`,
    // Every grant is a statement of one policy per bus: together they must fit EventBridge's limit.
    check(grants) {
        const byBus = new Map();
        for (const g of grants) {
            const busArn = `arn:${(0,_arn_js__WEBPACK_IMPORTED_MODULE_0__/* .partitionOf */ .iQ)(g.region)}:events:${g.region}:${g.account}:event-bus/${g.bus}`;
            const seen = byBus.get(busArn) ?? { statements: [], members: 0 };
            seen.statements.push(busStatement(g, busArn));
            seen.members += grantAccounts(g).length;
            byBus.set(busArn, seen);
        }
        for (const { statements, members } of byBus.values()) {
            const size = Buffer.byteLength(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
            if (size <= BUS_POLICY_LIMIT)
                continue;
            throw new _kind_js__WEBPACK_IMPORTED_MODULE_2__/* .DesiredStateError */ .o7(`the central bus policy would be ${size} bytes for ${members} member accounts, over EventBridge's ${BUS_POLICY_LIMIT}-byte limit: ` +
                'set organizationId in trailguard.yml so that one aws:PrincipalOrgID statement covers every member');
        }
    },
    // Semantic, not textual: EventBridge and emulators store the same grant in different shapes.
    desiredFields: (r) => {
        const p = (0,_arn_js__WEBPACK_IMPORTED_MODULE_0__/* .partitionOf */ .iQ)(r.region);
        return {
            grant: {
                principal: r.principal === '*' ? '*' : grantAccounts(r).join(','),
                organizationId: r.organizationId ?? null,
                principalArn: forwarderRoleArn(p, '*'),
            },
        };
    },
};


/***/ }),

/***/ 2479:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ cloudWatchAlarm)
/* harmony export */ });
/* harmony import */ var _kind_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6789);
// A CloudWatch metric alarm: the watchdogs outside the remediator (NAMES.alarms), which say in Slack what the remediator
// cannot say itself (it is throttled to 0, failing, or its queue mapping is disabled), through `trailguard-alerts`.

/**
 * CloudWatch's limit on an alarm's evaluation range (Period × EvaluationPeriods) for periods of an hour or more: 7 days
 * (CloudWatch User Guide, "Evaluating an alarm"); under an hour the range is at most one day.
 */
const MAX_RANGE_SECONDS = 7 * 86_400;
const MAX_SHORT_RANGE_SECONDS = 86_400;
const cloudWatchAlarm = {
    kind: 'cloudwatch-alarm',
    tagged: true,
    // `actionsEnabled: true` so that DisableAlarmActions (the alarm stays, and says nothing) is drift, as is a removed
    // action or a raised threshold; the fields are those DescribeAlarms reports for a metric alarm.
    desiredFields: (r) => ({
        namespace: r.namespace,
        metricName: r.metricName,
        dimensions: [...r.dimensions].sort((a, b) => a.name.localeCompare(b.name)),
        statistic: r.statistic,
        period: r.period,
        evaluationPeriods: r.evaluationPeriods,
        datapointsToAlarm: r.evaluationPeriods,
        threshold: r.threshold,
        comparisonOperator: r.comparisonOperator,
        treatMissingData: r.treatMissingData,
        actionsEnabled: true,
        alarmActions: [r.topicArn],
        okActions: [r.topicArn],
    }),
    check(resources) {
        for (const r of resources) {
            const range = r.period * r.evaluationPeriods;
            const max = r.period >= 3600 ? MAX_RANGE_SECONDS : MAX_SHORT_RANGE_SECONDS;
            if (r.period % 60 !== 0 || r.period < 60 || range > max)
                throw new _kind_js__WEBPACK_IMPORTED_MODULE_0__/* .DesiredStateError */ .o7(`cloudwatch-alarm ${r.name} (${r.account} ${r.region}): a period of ${r.period} s over ${r.evaluationPeriods} periods ` +
                    `is not an alarm CloudWatch accepts (a multiple of 60 s, at most ${max / 86_400} day(s) in all); ` +
                    'sweep.schedule: choose a rate of at most 3 days');
        }
    },
};


/***/ }),

/***/ 5519:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AJ: () => (/* binding */ iamPolicyLength),
/* harmony export */   RB: () => (/* binding */ IAM_LIMITS),
/* harmony export */   UQ: () => (/* binding */ iamRole)
/* harmony export */ });
/* unused harmony export inlinePolicyField */
/* harmony import */ var _kind_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6789);

/** The plan's field name for a role's inline policy: `inline policy <name>`. */
const inlinePolicyField = (name) => `inline policy ${name}`;
/**
 * Characters IAM allows, whitespace not counted (IAM User Guide, "IAM and AWS STS quotas"): a role's
 * inline policies together, a role trust policy (the default quota), a managed policy.
 */
const IAM_LIMITS = { inlinePolicy: 10_240, trustPolicy: 2_048, managedPolicy: 6_144 };
/** IAM's length of a policy document, in characters: its JSON without whitespace, as IAM counts it against the quotas. */
function iamPolicyLength(document) {
    return JSON.stringify(document).replace(/\s/g, '').length;
}
const iamRole = {
    kind: 'iam-role',
    tagged: true,
    // Any other policy on the role is drift: apply cannot remove it, so it stays drift and fails the run.
    check(roles) {
        for (const r of roles) {
            const [policy, trust] = [iamPolicyLength(r.policy), iamPolicyLength(r.trust)];
            if (policy > IAM_LIMITS.inlinePolicy || trust > IAM_LIMITS.trustPolicy) {
                throw new _kind_js__WEBPACK_IMPORTED_MODULE_0__/* .DesiredStateError */ .o7(`the ${r.name} role in ${r.account} would have a ${policy}-character policy and a ${trust}-character trust policy, over IAM's ` +
                    `${IAM_LIMITS.inlinePolicy} and ${IAM_LIMITS.trustPolicy}: set organizationId in trailguard.yml so that one aws:ResourceOrgID condition covers every member`);
            }
        }
    },
    desiredFields: (r) => ({
        permissionsBoundary: r.permissionsBoundary,
        trustPolicy: r.trust,
        [inlinePolicyField(r.policyName)]: r.policy,
        otherPolicies: [],
    }),
};


/***/ }),

/***/ 1477:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GW: () => (/* binding */ KINDS),
  KS: () => (/* binding */ kindSpec)
});

// UNUSED EXPORTS: inlinePolicyField

// EXTERNAL MODULE: ./src/core/kinds/bus-permission.ts
var bus_permission = __webpack_require__(5693);
// EXTERNAL MODULE: ./src/core/kinds/cloudwatch-alarm.ts
var cloudwatch_alarm = __webpack_require__(2479);
;// CONCATENATED MODULE: ./src/core/kinds/dynamodb-table.ts
const dynamoDbTable = {
    kind: 'dynamodb-table',
    tagged: true,
    // On-demand: a sweep writes in bursts every 15 minutes and nothing in between; Slack's traffic is as bursty.
    desiredFields: (r) => ({
        billingMode: 'PAY_PER_REQUEST',
        // Only for tables that name them, so a table deployed before these fields were compared shows no new drift.
        ...(r.indexes ? { indexes: [...r.indexes].sort((a, b) => a.name.localeCompare(b.name)) } : {}),
        ...(r.ttlAttribute ? { timeToLive: r.ttlAttribute } : {}),
    }),
};

;// CONCATENATED MODULE: ./src/core/kinds/event-bus.ts
const eventBus = { kind: 'event-bus', tagged: true, desiredFields: () => ({}) };

;// CONCATENATED MODULE: ./src/core/kinds/event-rule.ts
const eventRule = {
    kind: 'event-rule',
    tagged: true,
    desiredFields: (r) => ({ eventPattern: r.pattern, state: 'ENABLED', targets: [...r.targets].sort((a, b) => a.Id.localeCompare(b.Id)) }),
};

;// CONCATENATED MODULE: ./src/core/kinds/event-source-mapping.ts
const eventSourceMapping = {
    kind: 'event-source-mapping',
    // Lambda tags mappings only by ARN after creation; TrailGuard owns the one between its queue and its function.
    tagged: false,
    desiredFields: (r) => ({
        batchSize: r.batchSize,
        functionResponseTypes: ['ReportBatchItemFailures'],
        enabled: true,
        filterCriteria: null,
        ...(r.maximumConcurrency ? { maximumConcurrency: r.maximumConcurrency } : {}),
    }),
};

// EXTERNAL MODULE: ./src/core/kinds/iam-role.ts
var iam_role = __webpack_require__(5519);
// EXTERNAL MODULE: ./src/core/kinds/kind.ts
var kind = __webpack_require__(6789);
;// CONCATENATED MODULE: ./src/core/kinds/iam-boundary.ts


const iamBoundary = {
    kind: 'iam-boundary',
    // IAM refuses to delete a policy a role uses as its boundary, and the deploy role cannot write it: owned by its name.
    tagged: false,
    desiredFields: (r) => ({ document: r.document }),
    updateHint: '; an administrator updates it (trailguard iam boundary)',
    check(boundaries) {
        for (const b of boundaries) {
            const length = (0,iam_role/* iamPolicyLength */.AJ)(b.document);
            if (length <= iam_role/* IAM_LIMITS */.RB.managedPolicy)
                continue;
            throw new kind/* DesiredStateError */.o7(`the ${b.name} policy would be ${length} characters, over IAM's ${iam_role/* IAM_LIMITS */.RB.managedPolicy} for a managed policy: ` +
                'its size does not depend on the members or the baseline trails, only on what the config turns on ' +
                "(slack.deploy: lambda adds the Slack app's roles, organization the organization-trail statements); report it as a TrailGuard bug");
        }
    },
};

;// CONCATENATED MODULE: ./src/core/kinds/lambda-function.ts
// A TrailGuard function (`trailguard-remediator`, and `trailguard-slack` with slack.deploy: lambda): configuration, code, on-failure destination, and what must not be on it.

/** Lambda's quota on a function's environment: 4 KB for every key and value together (Lambda Developer Guide, "Quotas"). */
const LAMBDA_ENVIRONMENT_LIMIT = 4096;
/** The bytes the environment counts against the quota: each key and value, UTF-8. */
function environmentSize(environment) {
    return Object.entries(environment).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}
/** Lambda's defaults for asynchronous invocations, which apply puts with an on-failure destination. */
const ASYNC_RETRY_ATTEMPTS = 2;
const ASYNC_MAX_AGE_SECONDS = 21_600;
const lambdaFunction = {
    kind: 'lambda-function',
    tagged: true,
    // Someone may have put a secret in the function's environment: the plan names the variables that differ, not their values.
    shownValue: (field, value, other) => (field === 'environment' ? (0,kind/* differingNamesOnly */.xp)(value, other) : value),
    // Apply would fail half-way at UpdateFunctionConfiguration: refuse before any call, saying what makes it smaller.
    check(resources) {
        for (const r of resources) {
            const size = environmentSize(r.environment);
            if (size > LAMBDA_ENVIRONMENT_LIMIT)
                throw new kind/* DesiredStateError */.o7(`${r.name}: its environment would be ${size} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT}-byte limit ` +
                    '(the sweep lists every member in TRAILGUARD_SWEEP, the baseline trails are in TRAILGUARD_TRAILS): ' +
                    'use members.organization: true with organizationId, or fewer baseline settings');
        }
    },
    desiredFields: (r) => ({
        role: r.roleArn,
        runtime: r.runtime,
        handler: r.handler,
        timeout: r.timeout,
        memorySize: r.memorySize,
        environment: r.environment,
        code: r.codeSha256,
        onFailure: r.onFailureArn,
        // Lambda's defaults for asynchronous invocations (SNS, the drain, a deferred Slack request): fewer retries or a
        // shorter age turn one transient failure into an event dropped (or, for the remediator, sent to the DLQ early).
        retries: { attempts: ASYNC_RETRY_ATTEMPTS, maxAgeSeconds: ASYNC_MAX_AGE_SECONDS },
        throttled: false,
        layers: [],
        vpcSubnets: [],
        // Lambda's own key: a customer key chosen by someone else can be disabled, and then no invocation starts.
        kmsKey: null,
    }),
};

;// CONCATENATED MODULE: ./src/core/kinds/lambda-permission.ts
const lambdaPermission = {
    kind: 'lambda-permission',
    // A policy statement has no tags: TrailGuard's are those whose Sid starts with `trailguard-`.
    tagged: false,
    // The reader names the function in the reason (`a trailguard-slack policy statement ...`).
    describeConflict: (c) => {
        const fn = /\(a (\S+) policy statement/.exec(c.reason)?.[1] ?? 'trailguard-remediator';
        const whose = fn === 'trailguard-remediator' ? "the remediator's" : `the ${fn}`;
        const what = fn === 'trailguard-remediator' ? 'the remediator with forged records' : `${fn} with forged records (alerts posted to Slack)`;
        return `statement ${c.name} of ${whose} function policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can invoke ${what}; TrailGuard never changes it, remove it`;
    },
    desiredFields: (r) => ({
        principal: r.principal ?? 'events.amazonaws.com',
        action: r.action ?? 'lambda:InvokeFunction',
        sourceArn: r.sourceArn,
        // Only on the URL's statement, so the remediator's statements compare as before.
        ...(r.functionUrlAuthType ? { functionUrlAuthType: r.functionUrlAuthType } : {}),
        ...(r.invokedViaFunctionUrl ? { invokedViaFunctionUrl: true } : {}),
    }),
};

;// CONCATENATED MODULE: ./src/core/kinds/lambda-url.ts
const lambdaUrl = {
    kind: 'lambda-url',
    // A function URL has no tags of its own: TrailGuard owns the one of its function.
    tagged: false,
    // BUFFERED: Bolt answers with one response; a streaming URL would hand the runtime another event shape.
    desiredFields: (r) => ({ authType: r.authType, invokeMode: 'BUFFERED' }),
};

;// CONCATENATED MODULE: ./src/core/kinds/scheduler-schedule.ts
const schedulerSchedule = {
    kind: 'scheduler-schedule',
    // Scheduler tags schedule groups, not schedules: TrailGuard owns the schedule by its name in the default group.
    tagged: false,
    desiredFields: (r) => ({
        scheduleExpression: r.scheduleExpression,
        state: 'ENABLED',
        flexibleTimeWindow: 'OFF',
        target: { arn: r.target.arn, roleArn: r.target.roleArn, input: JSON.parse(r.target.input) },
        // A StartDate far ahead (or an EndDate passed) stops an ENABLED schedule as surely as DISABLED; a customer key
        // of someone else's can be disabled. TrailGuard sets none of them.
        activeWindow: { start: null, end: null },
        kmsKey: null,
    }),
};

;// CONCATENATED MODULE: ./src/core/kinds/sns-subscription.ts
const snsSubscription = {
    kind: 'sns-subscription',
    // SNS tags topics, not subscriptions: TrailGuard owns the one from its topic to its function.
    tagged: false,
    // A subscription of the alerts topic TrailGuard did not configure (src/core/aws/kinds/sns-topic.ts, `foreignTopicAccess`).
    describeConflict: (c) => `subscription ${c.name} of trailguard-alerts not configured by TrailGuard${/\(pending confirmation\)/.test(c.reason) ? ' (pending confirmation)' : ''}: ` +
        'every alert (actors, accounts, resources) would also go there; TrailGuard never deletes it: unsubscribe it, or list it in alerts.acceptedSubscriptions',
    // A subscription still pending delivers nothing; a filter policy can drop every alert before the function sees it; one
    // without its dead-letter queue loses what SNS gives up on.
    desiredFields: (r) => ({ confirmed: true, filterPolicy: null, deadLetterQueue: r.deadLetterQueueArn }),
};

// EXTERNAL MODULE: ./src/core/arn.ts
var arn = __webpack_require__(7136);
;// CONCATENATED MODULE: ./src/core/kinds/sns-topic.ts
// The alerts topic `trailguard-alerts`: its signature version, its HTTPS subscription (and that subscription's
// dead-letter queue), and who besides TrailGuard's own endpoints may receive or send alerts.


/** Sid of TrailGuard's own statement in the topic policy (the watchdog alarms' publish grant). */
const ALARMS_PUBLISH_SID = 'TrailGuardCloudWatchAlarms';
/**
 * A topic-policy statement in the form plan compares: Effect, Principal, Action, Resource and Condition, with every
 * value that IAM lets be a string or a list as a sorted list, so `"sns:Publish"` and `["sns:Publish"]` are not drift.
 */
function comparableStatement(statement) {
    const list = (v) => [v].flat().map(String).sort();
    const map = (v) => v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, list(x)])) : v;
    const condition = statement.Condition;
    return {
        Effect: statement.Effect,
        Principal: map(statement.Principal),
        Action: list(statement.Action),
        Resource: list(statement.Resource),
        Condition: condition ? Object.fromEntries(Object.entries(condition).map(([op, block]) => [op, map(block)])) : null,
    };
}
/**
 * TrailGuard's statement letting CloudWatch publish the watchdog alarms to the topic (CloudWatch User Guide, "Amazon SNS
 * topic policy for alarm actions", with the confused-deputy conditions `aws:SourceArn` and `aws:SourceAccount`).
 */
function alarmsPublishStatement(topicArn, alarmsArn, account) {
    return {
        Sid: ALARMS_PUBLISH_SID,
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { ArnLike: { 'aws:SourceArn': alarmsArn }, StringEquals: { 'aws:SourceAccount': account } },
    };
}
/** The topic's ARN, from the resource (the topic is in its own account and region). */
function topicArnOf(r, partition) {
    return `arn:${partition}:sns:${r.region}:${r.account}:${r.name}`;
}
/**
 * How a foreign subscription's endpoint may be shown (plan, job summary, a public PR comment): a URL with its scheme
 * and host only, user info, path and query hidden (`https://***@hooks.example.com/***?***`), because many webhook URLs
 * carry their credential in the path (Slack's `hooks.slack.com/services/<secret>`); any other endpoint (an e-mail
 * address, a queue or function ARN) as SNS lists it.
 */
function shownEndpoint(protocol, endpoint) {
    if (protocol !== 'http' && protocol !== 'https')
        return endpoint;
    const shown = String(urlWithoutSecrets(endpoint));
    return shown.replace(/^(\w+:\/\/[^/]+)\/[^?]+/, '$1/***');
}
const snsTopic = {
    kind: 'sns-topic',
    tagged: true,
    // The pending marker is kept: it is why the subscription is drift.
    shownValue: (field, value) => field === 'httpsSubscription' && typeof value === 'string'
        ? `${(0,kind/* urlWithoutSecrets */.Zx)(value.replace(/ \(pending confirmation\)$/, ''))}${value.endsWith(' (pending confirmation)') ? ' (pending confirmation)' : ''}`
        : value,
    // A statement of the topic policy that admits another account (src/core/aws/kinds/sns-topic.ts, `foreignTopicAccess`),
    // or a topic with TrailGuard's name that it does not own.
    describeConflict: (c) => /^conflict: not written by TrailGuard/.test(c.reason)
        ? `statement ${c.name} of the trailguard-alerts topic policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can ` +
            'subscribe to the alerts (actors, accounts, resources: reconnaissance) or post forged ones; TrailGuard never changes it, remove it'
        : `sns-topic ${c.name} exists without the trailguard:managed=true tag: TrailGuard never changes it, so this account-region is not protected; delete it or tag it`,
    desiredFields: (r) => ({
        httpsSubscription: r.httpsEndpoint,
        signatureVersion: r.signatureVersion,
        subscriptionDeadLetterQueue: r.httpsEndpoint ? r.deadLetterQueueArn : null,
        // Only when alarms publish here, so a topic deployed before the alarms shows no new drift.
        ...(r.cloudWatchAlarmsArn
            ? {
                cloudWatchAlarmsPublish: comparableStatement(alarmsPublishStatement(topicArnOf(r, (0,arn/* partitionOf */.iQ)(r.region)), r.cloudWatchAlarmsArn, r.account)),
            }
            : {}),
    }),
};

;// CONCATENATED MODULE: ./src/core/kinds/sqs-queue.ts
const sqsQueue = {
    kind: 'sqs-queue',
    tagged: true,
    // The reader parses the two JSON attributes, so key order or whitespace in SQS's copy is never drift.
    desiredFields: (r) => Object.fromEntries(Object.entries(r.attributes).map(([k, v]) => [k, k === 'Policy' || k === 'RedrivePolicy' ? JSON.parse(v) : v])),
};

;// CONCATENATED MODULE: ./src/core/kinds/index.ts
// The registry of resource kinds (pure half). Adding a kind: its module in this folder, one line here (at its place
// in the apply order), its AWS half in src/core/aws/kinds/ and one line in that registry; the types refuse anything less.















/**
 * Every kind, keyed by its name, in the order apply creates and updates them: each kind only depends on kinds before
 * it (roles before the function that assumes them, queues and the function before the rules that target them).
 */
const KINDS = {
    'iam-role': iam_role/* iamRole */.UQ,
    'sqs-queue': sqsQueue,
    'dynamodb-table': dynamoDbTable,
    'sns-topic': snsTopic,
    'lambda-function': lambdaFunction,
    // After its function.
    'lambda-url': lambdaUrl,
    'event-bus': eventBus,
    'bus-permission': bus_permission/* busPermission */.al,
    'lambda-permission': lambdaPermission,
    // After the function and the statement letting the topic invoke it.
    'sns-subscription': snsSubscription,
    'event-rule': eventRule,
    'event-source-mapping': eventSourceMapping,
    // After the queue and the role it sends as.
    'scheduler-schedule': schedulerSchedule,
    // After the topic its actions publish to (and its CloudWatch statement).
    'cloudwatch-alarm': cloudwatch_alarm/* cloudWatchAlarm */.C,
    // Last: TrailGuard cannot write it, so a stale boundary fails the run without holding back any repair.
    'iam-boundary': iamBoundary,
};
/** The kind module of `kind`, typed for its resources. */
function kindSpec(kind) {
    return KINDS[kind];
}



/***/ }),

/***/ 6789:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Zx: () => (/* binding */ urlWithoutSecrets),
/* harmony export */   o7: () => (/* binding */ DesiredStateError),
/* harmony export */   xp: () => (/* binding */ differingNamesOnly)
/* harmony export */ });
/* unused harmony export HIDDEN */
/** Thrown before any AWS call when the desired state cannot exist (e.g. a bus policy over EventBridge's limit). */
class DesiredStateError extends Error {
}
/** Stands for a value the plan does not show. */
const HIDDEN = '***';
/**
 * An object field (a map of names to values) as the plan shows it: only the names whose value differs from `other`'s,
 * each value hidden, so a reader sees which entries were added, removed or changed and never what they hold.
 */
function differingNamesOnly(value, other) {
    if (!value || typeof value !== 'object' || Array.isArray(value))
        return value === undefined || value === null ? value : HIDDEN;
    const mine = value;
    const theirs = other && typeof other === 'object' ? other : {};
    return Object.fromEntries(Object.keys(mine)
        .filter((k) => JSON.stringify(mine[k]) !== JSON.stringify(theirs[k]))
        .map((k) => [k, HIDDEN]));
}
/** A URL as the plan shows it: without user info (SNS takes basic-auth credentials in HTTPS endpoints) or query. */
function urlWithoutSecrets(value) {
    if (typeof value !== 'string')
        return value;
    try {
        const url = new URL(value);
        const auth = url.username || url.password ? `${HIDDEN}@` : '';
        return `${url.protocol}//${auth}${url.host}${url.pathname}${url.search ? `?${HIDDEN}` : ''}`;
    }
    catch {
        return HIDDEN;
    }
}


/***/ }),

/***/ 2483:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ MANAGED_TAG),
/* harmony export */   X: () => (/* binding */ NAMES)
/* harmony export */ });
// Default resource names from DESIGN.md ("Resources"); external code relies on them.
const NAMES = {
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
};
const MANAGED_TAG = { key: 'trailguard:managed', value: 'true' };


/***/ })

};
