export const id = 283;
export const ids = [283];
export const modules = {

/***/ 3283:
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

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-organizations/dist-cjs/index.js
var client_organizations_dist_cjs = __webpack_require__(2503);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-kms/dist-cjs/index.js
var client_kms_dist_cjs = __webpack_require__(2632);
// EXTERNAL MODULE: ./src/core/aws/cloudtrail.ts
var cloudtrail = __webpack_require__(2934);
// EXTERNAL MODULE: ./src/core/config.ts
var config = __webpack_require__(4489);
;// CONCATENATED MODULE: ./src/core/resource-policy.ts
// A small evaluator of resource policies (bucket and key policies) for one AWS service principal's requests, limited to
// what CloudTrail's delivery needs: does the policy let the service call this action on every key it writes, given the
// request context the service sends? No IAM evaluation library is installed (@cloud-copilot/iam-simulate would be one),
// so this follows the IAM User Guide's "Policy evaluation logic" and "IAM JSON policy elements" itself.
//
// Values that TrailGuard knows only in part (the trail's account seen from a log archive, an organization id it could
// not read) are globs, and every answer is three-valued: `true`, `false`, or `unknown` when the policy depends on what
// TrailGuard does not know. Callers treat `unknown` as "cannot confirm": never as allowed.
const or = (values) => {
    let result = false;
    for (const v of values) {
        if (v === true)
            return true;
        if (v === 'unknown')
            result = 'unknown';
    }
    return result;
};
const and = (values) => {
    let result = true;
    for (const v of values) {
        if (v === false)
            return false;
        if (v === 'unknown')
            result = 'unknown';
    }
    return result;
};
const not = (v) => (v === 'unknown' ? v : !v);
const STAR = '*?';
const ONE = '??';
/** A glob's tokens; `literal` keeps `*` and `?` as characters (StringEquals compares text, not patterns). */
function tokens(pattern, literal = false) {
    return [...pattern].map((c) => (literal ? c : c === '*' ? STAR : c === '?' ? ONE : c));
}
/** The positions reachable from `states` without reading a character (a `*` may match nothing). */
function closure(glob, states) {
    const out = new Set();
    const stack = [...states];
    while (stack.length > 0) {
        const i = stack.pop();
        if (out.has(i))
            continue;
        out.add(i);
        if (glob[i] === STAR)
            stack.push(i + 1);
    }
    return out;
}
function step(glob, states, c) {
    const next = [];
    for (const i of states) {
        const t = glob[i];
        if (t === STAR)
            next.push(i);
        else if (t === ONE || t === c)
            next.push(i + 1);
    }
    return closure(glob, next);
}
/** The characters that tell the globs apart, plus one that none of them names (standing for every other character). */
function alphabet(globs) {
    const chars = new Set();
    for (const g of globs)
        for (const t of g)
            if (t !== STAR && t !== ONE)
                chars.add(t);
    let other = 0xe000;
    while (chars.has(String.fromCharCode(other)))
        other++;
    return [...chars, String.fromCharCode(other)];
}
/**
 * States a decision may visit. A bucket policy is at most 20 KB, but patterns built to blow up the subset construction
 * (`*a` then many `?`) could keep the remediator busy until Lambda's timeout, with no alert: past the budget the
 * evaluation stops and the policy is "cannot confirm", which is alerted.
 */
const STATE_BUDGET = 20_000;
class TooComplexError extends Error {
}
/** Whether some string matches both globs. Throws TooComplexError past the state budget. */
function intersects(a, b) {
    const letters = alphabet([a, b]);
    const key = (x, y) => `${[...x].sort().join(',')}|${[...y].sort().join(',')}`;
    const start = [closure(a, [0]), closure(b, [0])];
    const seen = new Set([key(...start)]);
    const queue = [start];
    while (queue.length > 0) {
        if (seen.size > STATE_BUDGET)
            throw new TooComplexError();
        const [x, y] = queue.shift();
        if (x.size === 0 || y.size === 0)
            continue;
        if (x.has(a.length) && y.has(b.length))
            return true;
        for (const c of letters) {
            const next = [step(a, x, c), step(b, y, c)];
            const k = key(...next);
            if (!seen.has(k)) {
                seen.add(k);
                queue.push(next);
            }
        }
    }
    return false;
}
/** Whether every string `a` matches is matched by one of `bs` (subset construction over their automata). Throws TooComplexError past the state budget. */
function covered(a, bs) {
    const letters = alphabet([a, ...bs]);
    const key = ([x, ys]) => [x, ...ys].map((s) => [...s].sort().join(',')).join('|');
    const start = [closure(a, [0]), bs.map((b) => closure(b, [0]))];
    const seen = new Set([key(start)]);
    const queue = [start];
    while (queue.length > 0) {
        if (seen.size > STATE_BUDGET)
            throw new TooComplexError();
        const [x, ys] = queue.shift();
        if (x.size === 0)
            continue;
        if (x.has(a.length) && !ys.some((y, k) => y.has(bs[k].length)))
            return false;
        for (const c of letters) {
            const next = [step(a, x, c), ys.map((y, k) => step(bs[k], y, c))];
            const k = key(next);
            if (!seen.has(k)) {
                seen.add(k);
                queue.push(next);
            }
        }
    }
    return true;
}
/**
 * Whether glob `pattern` matches every string of glob `value` (true), none (false), or some (unknown). A value without
 * wildcards is one string, so the answer is then plain true or false. Case-sensitive, as IAM compares ARNs.
 */
function globMatches(pattern, value, { literal = false, ignoreCase = false } = {}) {
    const p = tokens(ignoreCase ? pattern.toLowerCase() : pattern, literal);
    const v = tokens(ignoreCase ? value.toLowerCase() : value);
    if (covered(v, [p]))
        return true;
    return intersects(v, p) ? 'unknown' : false;
}
/** Whether the globs `patterns` together match every string of glob `space`. */
function globsCover(patterns, space) {
    return covered(tokens(space), patterns.map((p) => tokens(p)));
}
/** Whether some string of glob `space` matches one of the globs `patterns`. */
function globsTouch(patterns, space) {
    const s = tokens(space);
    return patterns.some((p) => intersects(s, tokens(p)));
}
const list = (value) => typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
/** IAM action matching: case-insensitive, `*` any run, `?` one character (IAM User Guide, "IAM JSON policy elements: Action"). */
function actionMatches(pattern, action) {
    return globMatches(pattern, action, { ignoreCase: true }) === true;
}
function coversAction(s, action) {
    if (s.NotAction !== undefined)
        return !list(s.NotAction).some((p) => actionMatches(p, action));
    return list(s.Action).some((p) => actionMatches(p, action));
}
/** Whether a Principal block names the service: `*`, `{"AWS": "*"}` (everyone) or `{"Service": [..., service]}`. */
function namesService(principal, service) {
    if (principal === '*')
        return true;
    if (!principal || typeof principal !== 'object')
        return false;
    const p = principal;
    return list(p.Service).some((s) => s.toLowerCase() === service) || list(p.AWS).includes('*');
}
/** Principal: the service is named; NotPrincipal: every principal but those named, so the service unless named. */
function coversService(s, service) {
    if (s.NotPrincipal !== undefined)
        return !namesService(s.NotPrincipal, service);
    return namesService(s.Principal, service);
}
const NEGATED = new Set(['stringnotequals', 'stringnotequalsignorecase', 'stringnotlike', 'arnnotequals', 'arnnotlike']);
const UNMODELLED = /^(numeric|date|binary|ipaddress|notipaddress)/;
/** An ARN's six components (`arn:partition:service:region:account:resource`, the resource keeping its own colons). */
function arnComponents(arn) {
    const parts = arn.split(':');
    return parts.length < 6 ? null : [...parts.slice(0, 5), parts.slice(5).join(':')];
}
/** ArnLike as IAM reads it: component by component, each a glob (User Guide, "ARN condition operators"). */
function arnComponentsMatch(pattern, value) {
    if (pattern === '*')
        return true; // matches any ARN, as a glob does
    const p = arnComponents(pattern);
    const v = arnComponents(value);
    if (!p || !v)
        return false;
    return and(p.map((part, i) => globMatches(part, v[i])));
}
/** One operator with one key, against the request (IAM User Guide, "IAM JSON policy elements: Condition operators"). */
function conditionHolds(operator, key, values, req) {
    let op = operator.toLowerCase();
    let qualifier = null;
    if (op.startsWith('forallvalues:'))
        [qualifier, op] = ['all', op.slice('forallvalues:'.length)];
    else if (op.startsWith('foranyvalue:'))
        [qualifier, op] = ['any', op.slice('foranyvalue:'.length)];
    const ifExists = op.endsWith('ifexists');
    if (ifExists)
        op = op.slice(0, -'ifexists'.length);
    const name = key.toLowerCase();
    const value = req.context[name];
    // An entry ending in `/` names a family of keys (`aws:principaltag/`).
    const known = value !== undefined || req.absent.some((a) => (a.endsWith('/') ? name.startsWith(a) : a === name));
    if (op === 'null') {
        if (!known)
            return 'unknown';
        return or(values.map((v) => (v.toLowerCase() === 'true') === (value === undefined)));
    }
    if (!known)
        return 'unknown';
    if (value === undefined) {
        // A key the request does not carry: only IfExists and ForAllValues pass; a negated operator is true (no value matches).
        if (ifExists || qualifier === 'all')
            return true;
        if (qualifier === 'any')
            return false;
        return NEGATED.has(op) || op.startsWith('notipaddress') || op.endsWith('notequals');
    }
    if (values.some((v) => v.includes('${')))
        return 'unknown'; // a policy variable: not modelled
    const match = (pattern) => {
        switch (op) {
            case 'stringequals':
            case 'stringnotequals':
                return globMatches(pattern, value, { literal: true });
            case 'stringequalsignorecase':
            case 'stringnotequalsignorecase':
                return globMatches(pattern, value, { literal: true, ignoreCase: true });
            case 'stringlike':
            case 'stringnotlike':
                return globMatches(pattern, value);
            case 'arnequals':
            case 'arnlike':
            case 'arnnotequals':
            case 'arnnotlike': {
                // IAM checks each of the ARN's six colon-delimited components separately; the whole-text glob is kept too, and
                // where the two readings disagree the answer is unknown (never a sure grant, nor a sure non-deny).
                const whole = globMatches(pattern, value);
                const parts = arnComponentsMatch(pattern, value);
                return whole === parts ? whole : 'unknown';
            }
            case 'bool':
                return pattern.toLowerCase() === value.toLowerCase();
            default:
                return 'unknown';
        }
    };
    if (UNMODELLED.test(op))
        return 'unknown';
    const any = or(values.map(match));
    // Several values of a negated operator: true only when none matches (NOR).
    return NEGATED.has(op) ? not(any) : any;
}
/** A Condition block: every operator, every key, must hold (IAM User Guide, "Conditions with multiple context keys or values"). */
function conditionsHold(condition, req) {
    if (condition === undefined)
        return { holds: true, unknownKeys: [] };
    if (!condition || typeof condition !== 'object')
        return { holds: 'unknown', unknownKeys: ['(unreadable Condition)'] };
    const results = [];
    const unknownKeys = [];
    for (const [operator, keys] of Object.entries(condition)) {
        if (!keys || typeof keys !== 'object') {
            results.push('unknown');
            unknownKeys.push(operator);
            continue;
        }
        for (const [key, raw] of Object.entries(keys)) {
            const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
            const holds = conditionHolds(operator, key, values, req);
            if (holds === 'unknown')
                unknownKeys.push(key);
            results.push(holds);
        }
    }
    return { holds: and(results), unknownKeys };
}
function parseStatements(policy) {
    if (policy === null)
        return [];
    try {
        const raw = JSON.parse(policy).Statement;
        return (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : []);
    }
    catch {
        return null;
    }
}
/**
 * Evaluates a resource policy (JSON text; null when the resource has none; text that is no policy allows nothing) for
 * one service request, as IAM does for a service principal that has no identity policy of its own: an explicit Deny
 * that applies wins, else an Allow must apply to every resource of the request, else it is implicitly denied (IAM User
 * Guide, "Policy evaluation logic"). Principal/NotPrincipal, Action/NotAction, Resource/NotResource and Condition (String*,
 * Arn*, Bool, Null, IfExists, ForAllValues/ForAnyValue; other operators are `unknown`) are read. A Deny whose condition
 * is unknown counts as a possible deny; an Allow whose condition is unknown never counts as a grant.
 */
function evaluateServiceAccess(policy, req) {
    try {
        return evaluate(policy, req);
    }
    catch (error) {
        if (!(error instanceof TooComplexError))
            throw error;
        return { allowed: 'unknown', deniedBy: [], allowedBy: [], reasons: ['its patterns are too complex for TrailGuard to evaluate'] };
    }
}
function evaluate(policy, req) {
    const statements = parseStatements(policy);
    if (statements === null)
        return { allowed: false, deniedBy: [], allowedBy: [], reasons: ['the policy is not valid JSON'] };
    const applicable = [];
    statements.forEach((s, index) => {
        if (!s || typeof s !== 'object' || (s.Effect !== 'Allow' && s.Effect !== 'Deny'))
            return;
        if (!coversAction(s, req.action) || !coversService(s, req.service))
            return;
        const { holds, unknownKeys } = conditionsHold(s.Condition, req);
        if (holds === false)
            return;
        const not = s.NotResource !== undefined;
        const patterns = not ? list(s.NotResource) : s.Resource === undefined ? ['*'] : list(s.Resource);
        applicable.push({
            name: typeof s.Sid === 'string' && s.Sid ? s.Sid : `#${index}`,
            effect: s.Effect,
            holds,
            unknownKeys,
            patterns,
            not,
        });
    });
    const space = req.resource;
    // Resource: the statement covers a key of the request; NotResource: a key of the request is outside every pattern.
    const touches = (a) => space === undefined || (a.not ? !globsCover(a.patterns, space) : globsTouch(a.patterns, space));
    const denies = applicable.filter((a) => a.effect === 'Deny' && touches(a));
    const reasons = [];
    const sure = denies.filter((a) => a.holds === true).map((a) => a.name);
    const maybe = denies.filter((a) => a.holds !== true);
    for (const a of maybe)
        reasons.push(`statement ${a.name} may deny it (TrailGuard cannot evaluate ${a.unknownKeys.join(', ')})`);
    const allows = applicable.filter((a) => a.effect === 'Allow');
    const coverBy = (set) => {
        if (space === undefined)
            return set.length > 0;
        if (set.some((a) => a.not && !globsTouch(a.patterns, space)))
            return true;
        return globsCover(set.filter((a) => !a.not).flatMap((a) => a.patterns), space);
    };
    const certain = allows.filter((a) => a.holds === true);
    const allowedBy = certain.filter(touches).map((a) => a.name);
    if (sure.length > 0)
        return { allowed: false, deniedBy: [...sure, ...maybe.map((a) => a.name)], allowedBy, reasons };
    let allowed;
    if (coverBy(certain))
        allowed = maybe.length > 0 ? 'unknown' : true;
    else if (coverBy(allows)) {
        allowed = 'unknown';
        for (const a of allows.filter((x) => x.holds !== true && touches(x)))
            reasons.push(`statement ${a.name} allows it only under a condition TrailGuard cannot evaluate (${a.unknownKeys.join(', ')})`);
    }
    else if (req.exactResource === false && allows.some(touches)) {
        allowed = 'unknown';
        reasons.push('the statements allowing it name resources TrailGuard cannot compare with what it writes');
    }
    else
        allowed = false;
    return { allowed, deniedBy: maybe.map((a) => a.name), allowedBy, reasons };
}

;// CONCATENATED MODULE: ./src/core/log-storage.ts

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const dayOf = (date) => new Date(date).toISOString().slice(0, 10);
/** Days after which the rule deletes objects (current, or noncurrent versions), the smallest; null when it deletes none. */
function expiryOf(rule) {
    const found = [];
    const { Expiration, NoncurrentVersionExpiration } = rule;
    if (Expiration?.Days !== undefined)
        found.push({ days: Expiration.Days, text: `deleting logs after ${plural(Expiration.Days, 'day')}` });
    if (Expiration?.Date !== undefined) {
        // From that date on every object is expired, whatever its age: a log written the day before lives less than a
        // day, so however far away the date is, it keeps logs shorter than any retention (0 days).
        found.push({ days: 0, text: `deleting every log on ${dayOf(Expiration.Date)}` });
    }
    if (NoncurrentVersionExpiration?.NoncurrentDays !== undefined) {
        const n = NoncurrentVersionExpiration.NoncurrentDays;
        found.push({ days: n, text: `deleting overwritten or deleted log versions after ${plural(n, 'day')}` });
    }
    return found.sort((a, b) => a.days - b.days)[0] ?? null;
}
/**
 * Storage classes whose objects cannot be read until restored (S3 User Guide, "Understanding S3 Glacier storage
 * classes": Flexible Retrieval and Deep Archive take minutes to 48 hours per object). GLACIER_IR, STANDARD_IA and
 * ONEZONE_IA stay readable, so moving logs there impairs nothing.
 */
const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);
/** The soonest transition of current objects to an archive class; null when the rule moves none there. */
function archiveOf(rule) {
    const found = (rule.Transitions ?? []).flatMap((t) => {
        if (!t.StorageClass || !ARCHIVE_CLASSES.has(t.StorageClass))
            return [];
        const unreadable = 'unreadable until each is restored';
        // A Date moves every object on that day, the newest too, as an Expiration.Date deletes them (0 days).
        if (t.Date !== undefined)
            return [{ days: 0, text: `moving every log to ${t.StorageClass} on ${dayOf(t.Date)} (${unreadable})` }];
        if (t.Days !== undefined)
            return [{ days: t.Days, text: `moving logs to ${t.StorageClass} after ${plural(t.Days, 'day')} (${unreadable})` }];
        return [];
    });
    return found.sort((a, b) => a.days - b.days)[0] ?? null;
}
/**
 * The smallest object CloudTrail can write: its log, digest and Insights files are gzip files, and a gzip file is at
 * least 18 bytes of header and trailer plus its deflate data (RFC 1952), so at least 20 bytes.
 */
const SMALLEST_LOG_BYTES = 20;
/**
 * Whether a rule's filter can match a key CloudTrail writes (S3 API reference, LifecycleRuleFilter and the legacy
 * top-level Prefix). `logKeyPrefixes` are the prefixes CloudTrail writes under on this bucket (`<S3KeyPrefix>/AWSLogs/`
 * of each trail delivering there); null when TrailGuard does not know them: then every filter can. CloudTrail never
 * tags its objects, so a tag filter matches none of them; an object-size range below the smallest log matches none.
 */
function ruleReachesLogs(rule, logKeyPrefixes) {
    const filter = rule.Filter;
    const and = filter?.And;
    if (filter?.Tag !== undefined || (and?.Tags?.length ?? 0) > 0)
        return false;
    const above = filter?.ObjectSizeGreaterThan ?? and?.ObjectSizeGreaterThan;
    const below = filter?.ObjectSizeLessThan ?? and?.ObjectSizeLessThan;
    if (below !== undefined && (below <= SMALLEST_LOG_BYTES || (above !== undefined && below <= above + 1)))
        return false;
    if (logKeyPrefixes === null)
        return true;
    // S3 prefixes have no wildcards, but one written with `*` (Stratus Red Team's `Prefix: "*"`, case 16) says what it
    // was meant to reach: it is read up to its first wildcard, as a rule meant for everything.
    const prefix = (filter?.Prefix ?? and?.Prefix ?? rule.Prefix ?? '').replace(/[*?].*$/s, '');
    // A rule prefix inside a log prefix (one region, the digests) still destroys logs; one above it destroys them all.
    return logKeyPrefixes.some((logs) => prefix.startsWith(logs) || logs.startsWith(prefix));
}
/**
 * The key prefixes CloudTrail writes a trail's files under (CloudTrail User Guide, "Finding your CloudTrail log files":
 * `<bucket>/<S3KeyPrefix>/AWSLogs/...`); null for an unknown S3KeyPrefix. A prefix ending in `/` is given both ways,
 * so a rule is never judged apart from the logs by one slash.
 */
function logKeyPrefixesOf(s3KeyPrefix) {
    if (s3KeyPrefix === null || s3KeyPrefix === undefined)
        return null;
    if (s3KeyPrefix === '')
        return ['AWSLogs/'];
    return [...new Set([`${s3KeyPrefix}/AWSLogs/`, `${s3KeyPrefix.replace(/\/+$/, '')}/AWSLogs/`])];
}
/**
 * Which lifecycle rules of a trail's bucket destroy its logs (S3 API reference, LifecycleRule: Expiration.Days and
 * .Date, NoncurrentVersionExpiration.NoncurrentDays) and which move them to an archive class (Transitions to GLACIER or
 * DEEP_ARCHIVE, by Days or Date). `retentionDays` is the baseline's: expiring rules sooner than it are removed, the
 * others kept; archiving rules sooner than it are reported in `archiving`, and kept. Without it, every enabled expiring
 * rule is reported and none is removed (the undo would be a guess), and every archiving rule is reported.
 * Only rules whose filter can match a log key count (`ruleReachesLogs`, with `logKeyPrefixes`; without them every
 * filter counts): a short expiry on Athena results or tagged scratch objects beside the logs is kept untouched.
 * An Expiration.Date (or a Transition.Date) counts as 0 days however far away it is (that day every log goes, also the
 * day-old ones); `now` is kept for callers.
 */
function decideLifecycle(rules, retentionDays, _now, { logKeyPrefixes = null } = {}) {
    const expiring = [];
    const kept = [];
    const archiving = [];
    const sooner = (days) => retentionDays === undefined || days < retentionDays;
    const name = (rule) => `a lifecycle rule${rule.ID ? ` "${rule.ID}"` : ''}`;
    for (const rule of rules) {
        const counts = rule.Status === 'Enabled' && ruleReachesLogs(rule, logKeyPrefixes);
        const expiry = counts ? expiryOf(rule) : null;
        if (expiry && sooner(expiry.days)) {
            expiring.push({ rule, description: `${name(rule)} ${expiry.text}` });
            continue;
        }
        kept.push(rule);
        const archive = counts ? archiveOf(rule) : null;
        if (archive && sooner(archive.days))
            archiving.push({ rule, description: `${name(rule)} ${archive.text}` });
    }
    return { expiring, kept, archiving, remove: retentionDays !== undefined };
}
/** `the other 2 rules were kept` / `no other rule was there`: how many rules stayed. */
function describeKept(kept) {
    return kept === 0 ? 'no other rule was there' : `the other ${plural(kept, 'rule')} ${kept === 1 ? 'was' : 'were'} kept`;
}
const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
/**
 * Condition keys a service principal's request never carries (IAM User Guide, "AWS global condition context keys",
 * Availability): they describe an IAM principal or a network origin. A Deny on `NotIpAddress aws:SourceIp` therefore
 * shuts CloudTrail out, as it does in AWS. Every other key TrailGuard does not set is unknown.
 */
const ABSENT_FOR_SERVICES = [
    'aws:principalarn',
    'aws:principalaccount',
    'aws:principalorgid',
    'aws:principalorgpaths',
    'aws:principaltag/',
    'aws:userid',
    'aws:username',
    'aws:sourceip',
    'aws:sourcevpc',
    'aws:sourcevpce',
    'aws:vpcsourceip',
    'aws:multifactorauthpresent',
    'aws:multifactorauthage',
    'aws:tokenissuetime',
];
/** What CloudTrail sends with every request to a trail's bucket or key, the trail named by (a glob of) its ARN and account. */
function cloudTrailContext(trailArn, trailAccount) {
    return {
        'aws:sourcearn': trailArn,
        'aws:sourceaccount': trailAccount,
        'aws:principalservicename': CLOUDTRAIL,
        'aws:principalisawsservice': 'true',
        'aws:securetransport': 'true',
    };
}
const hasGlob = (value) => /[*?]/.test(value);
/**
 * The requests CloudTrail makes to deliver a trail's files to its bucket (CloudTrail User Guide, "Amazon S3 bucket
 * policy for CloudTrail" and "Finding your CloudTrail log files"): s3:GetBucketAcl on the bucket, and s3:PutObject with
 * `s3:x-amz-acl: bucket-owner-full-control` under `<S3KeyPrefix>/AWSLogs/<account>/` (organization trails:
 * `AWSLogs/<organization id>/<member account>/`) for CloudTrail/ logs, CloudTrail-Digest/ files when log file
 * validation is on, and CloudTrail-Insight/ files when Insights are. Each names exactly the keys CloudTrail writes when
 * every part of the target is known.
 */
function cloudTrailBucketRequests(t) {
    const context = cloudTrailContext(t.trailArn, t.trailAccount);
    const base = { service: CLOUDTRAIL, absent: ABSENT_FOR_SERVICES };
    const bucketArn = `arn:${t.partition}:s3:::${t.bucket}`;
    const prefix = t.s3KeyPrefix === null ? '*' : t.s3KeyPrefix ? `${t.s3KeyPrefix}/` : '';
    // Every member account of an organization trail writes under the organization id: all of them must be allowed.
    const owner = t.isOrganizationTrail === undefined ? '*' : t.isOrganizationTrail ? `${t.organizationId ?? 'o-*'}/*` : t.trailAccount;
    // Exact: the keys are known but for the member account of an organization trail, which stands for every member.
    const known = t.isOrganizationTrail ? typeof t.organizationId === 'string' : t.isOrganizationTrail === false && !hasGlob(t.trailAccount);
    const exact = t.s3KeyPrefix !== null && known;
    const folders = ['CloudTrail', ...(t.logFileValidation ? ['CloudTrail-Digest'] : []), ...(t.insights ? ['CloudTrail-Insight'] : [])];
    return [
        {
            label: 's3:GetBucketAcl',
            on: bucketArn,
            request: { ...base, action: 's3:GetBucketAcl', resource: bucketArn, exactResource: true, context },
        },
        ...folders.map((folder) => {
            const resource = `${bucketArn}/${prefix}AWSLogs/${owner}/${folder}/*`;
            return {
                label: 's3:PutObject',
                on: resource,
                request: {
                    ...base,
                    action: 's3:PutObject',
                    resource,
                    exactResource: exact,
                    context: { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' },
                },
            };
        }),
    ];
}
/**
 * The request CloudTrail makes to encrypt a trail's files with its KMS key (CloudTrail User Guide, "Configure AWS KMS
 * key policies for CloudTrail"): kms:GenerateDataKey on the key, with the trail's ARN as `aws:SourceArn` and as the
 * encryption context `kms:EncryptionContext:aws:cloudtrail:arn`.
 */
function cloudTrailKeyRequest(keyArn, trailArn, trailAccount) {
    return {
        label: 'kms:GenerateDataKey',
        request: {
            service: CLOUDTRAIL,
            action: 'kms:GenerateDataKey',
            resource: keyArn,
            exactResource: true,
            absent: ABSENT_FOR_SERVICES,
            context: { ...cloudTrailContext(trailArn, trailAccount), 'kms:encryptioncontext:aws:cloudtrail:arn': trailArn },
        },
    };
}
/**
 * Why CloudTrail cannot make `requests` under `policy` (a bucket or key policy, JSON text; null when there is none),
 * in a responder's words: `certain` when the policy denies or grants too little, not `certain` when it depends on what
 * TrailGuard cannot evaluate (then it says so). `what` names the resource (`bucket org-audit-logs`).
 */
function cloudTrailAccess(policy, what, requests) {
    if (policy === null) {
        const actions = [...new Set(requests.map((r) => r.request.action))].join(' and ');
        return { problem: `${what} has no policy now, so CloudTrail may not call ${actions} on it`, certain: true };
    }
    const certain = [];
    const uncertain = [];
    for (const { label, on, request } of requests) {
        const verdict = evaluateServiceAccess(policy, request);
        const where = on ? ` on ${on}` : '';
        if (verdict.allowed === true)
            continue;
        if (verdict.allowed === false) {
            certain.push(verdict.deniedBy.length > 0
                ? `the policy of ${what} denies ${label} to CloudTrail (statement ${verdict.deniedBy.join(', ')})${where}`
                : `the policy of ${what} no longer allows ${CLOUDTRAIL} ${label}${where}${verdict.reasons.length > 0 ? ` (${verdict.reasons.join('; ')})` : ''}`);
        }
        else
            uncertain.push(`TrailGuard cannot confirm that the policy of ${what} allows ${CLOUDTRAIL} ${label}${where}: ${verdict.reasons.join('; ')}`);
    }
    if (certain.length > 0)
        return { problem: [...certain, ...uncertain].join('; '), certain: true };
    return uncertain.length > 0 ? { problem: uncertain.join('; '), certain: false } : { problem: null, certain: true };
}
/**
 * Why CloudTrail cannot call `action` on the resource under `policy`, or null when the policy allows it, judged on the
 * action and principal alone (no resource, no request context: every condition is unknown, so a conditional deny
 * counts). `cloudTrailAccess` with `cloudTrailBucketRequests` / `cloudTrailKeyRequest` judges a trail's real requests.
 */
function cloudTrailAccessProblem(policy, what, action) {
    return cloudTrailAccess(policy, what, [{ label: action, request: { service: CLOUDTRAIL, action, context: {}, absent: [] } }]).problem;
}
/** KMS key states (KMS API reference, KeyMetadata.KeyState) and the calls that make such a key usable again. */
function keyRepair(state) {
    switch (state) {
        case 'Enabled':
            return { usable: true };
        case 'Disabled':
            return { calls: ['EnableKey'] };
        // CancelKeyDeletion leaves the key disabled (KMS API reference), so it is enabled after.
        case 'PendingDeletion':
            return { calls: ['CancelKeyDeletion', 'EnableKey'] };
        default:
            return { stuck: `the key is ${state ?? 'in an unknown state'}, which TrailGuard cannot undo` };
    }
}

;// CONCATENATED MODULE: ./lambda/impairment/storage-common.ts
// What the log-impairment families share: the watched trail a resource belongs to, recorded steps, and the shape of a repair.









const writesOfListed = (t) => ({
    s3KeyPrefix: t.S3KeyPrefix ?? '',
    isOrganizationTrail: t.IsOrganizationTrail === true,
    logFileValidation: t.LogFileValidationEnabled === true,
    insights: t.HasInsightSelectors === true,
});
// A baseline leaves unpinned what TrailGuard does not enforce: an unset s3KeyPrefix or isOrganizationTrail is unknown.
const writesOfBaseline = (b) => ({
    s3KeyPrefix: b.s3KeyPrefix ?? null,
    isOrganizationTrail: b.isOrganizationTrail,
    logFileValidation: b.enableLogFileValidation,
    insights: false,
});
/** The log key prefixes of every trail (listed, or only in the baseline) delivering to the bucket; null when one is unknown. */
function bucketLogPrefixes(resource, event, listed, policy) {
    if (resource.type !== 's3-bucket')
        return null;
    const using = listed.filter((t) => trailUsesListed(resource, event, t));
    const names = new Set(using.map((t) => t.Name));
    const baseline = policy.trails.filter((b) => !names.has(b.name) && trailUses(resource, event, { bucket: b.s3BucketName, key: undefined, logGroup: undefined }));
    const prefixes = [];
    for (const s3KeyPrefix of [...using.map((t) => t.S3KeyPrefix ?? ''), ...baseline.map((b) => b.s3KeyPrefix ?? null)]) {
        const found = logKeyPrefixesOf(s3KeyPrefix);
        if (!found)
            return null;
        prefixes.push(...found);
    }
    return [...new Set(prefixes)];
}
/** Runs one AWS call of a repair, records it in `actions`, and names the resource in any error. */
class Steps extends steps/* RecordedSteps */.C {
    resource;
    constructor(resource) {
        super();
        this.resource = resource;
    }
    subject() {
        return `${this.resource.type} ${this.resource.name}`;
    }
}
function client(factory, service, account, region) {
    if (!factory)
        throw Object.assign(new Error(`this remediator has no ${service} access`), { name: `${service}Unavailable` });
    return factory(account, region);
}
const s3Of = (ctx) => client(ctx.deps.s3, 'S3', ctx.event.account, ctx.event.region);
const kmsOf = (ctx) => client(ctx.deps.kms, 'KMS', ctx.event.account, ctx.event.region);
const logsOf = (ctx) => client(ctx.deps.logs, 'CloudWatchLogs', ctx.event.account, ctx.event.region);
/** Whether a trail (as DescribeTrails reports it, or a baseline) uses the resource. */
function trailUses(resource, event, trail) {
    switch (resource.type) {
        case 's3-bucket':
            return trail.bucket !== undefined && (0,cloudtrail/* s3BucketNameOf */.FF)(trail.bucket) === resource.name;
        case 'kms-key':
            // CloudTrail reports the key ARN; a baseline may give the bare key id of the trail's own account.
            return trail.key !== undefined && (trail.key === resource.arn || trail.key === resource.name);
        case 'log-group':
            return (trail.logGroup !== undefined &&
                (0,cloudtrail/* logGroupArnOf */.oe)(trail.logGroup) ===
                    (0,cloudtrail/* logGroupArnOf */.oe)(`arn:${(0,core_arn/* partitionOf */.iQ)(event.region)}:logs:${event.region}:${event.account}:log-group:${resource.name}`));
    }
}
const trailUsesListed = (resource, event, trail) => trailUses(resource, event, { bucket: trail.S3BucketName, key: trail.KmsKeyId, logGroup: trail.CloudWatchLogsLogGroupArn });
/** The account's own trails homed in other regions than the call's (ListTrails names every region's), not already `listed`. */
async function trailsHomedElsewhere(event, listed, deps) {
    const client = await deps.cloudtrail(event.account, event.region);
    const known = new Set(listed.map((t) => t.TrailARN));
    const others = [];
    let token;
    do {
        const out = await client.send(new dist_cjs/* ListTrailsCommand */.xKP({ NextToken: token }));
        for (const t of out?.Trails ?? []) {
            // Only the account's own trails: GetTrail on another account's (organization) trail may be refused, and a refusal
            // here would turn every call on an unrelated bucket into a `failed` alert.
            if (t.TrailARN &&
                t.HomeRegion &&
                t.HomeRegion !== event.region &&
                !known.has(t.TrailARN) &&
                (0,core_arn/* splitTrailArn */.e6)(t.TrailARN)?.account === event.account)
                others.push({ arn: t.TrailARN, region: t.HomeRegion });
        }
        token = out?.NextToken;
    } while (token);
    const found = [];
    for (const { arn, region } of others) {
        const trail = await (0,cloudtrail/* getTrail */.PH)(await deps.cloudtrail(event.account, region), arn);
        if (trail)
            found.push(trail);
    }
    return found;
}
/**
 * The baseline trail whose `kmsKeyId` is an alias of the call's account and region (an alias ARN naming them, or a bare
 * `alias/` name) that points at the key now (kms:DescribeKey, the role's ResolveBaselineKmsAlias grant). An alias that
 * does not exist there is no match; any other error throws: TrailGuard cannot tell.
 */
async function baselineByKeyAlias(event, resource, policy, deps) {
    const here = (alias) => {
        const arn = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):alias\//.exec(alias);
        return arn ? arn[1] === event.region && arn[2] === event.account : true;
    };
    const candidates = policy.trails.filter((t) => t.kmsKeyId && (0,config/* isKmsAlias */.k)(t.kmsKeyId) && here(t.kmsKeyId));
    if (candidates.length === 0 || !deps.kms)
        return undefined;
    const kms = await deps.kms(event.account, event.region);
    for (const trail of candidates) {
        try {
            const out = await kms.send(new client_kms_dist_cjs/* DescribeKeyCommand */.spV({ KeyId: trail.kmsKeyId }));
            if (out?.KeyMetadata?.Arn === resource.arn)
                return trail;
        }
        catch (error) {
            if ((0,errors/* errorCode */.CA)(error) === 'NotFoundException')
                continue;
            throw new errors/* RemediationError */._s(`cannot tell whether ${resource.type} ${resource.name} in ${event.account}/${event.region} is trail ${trail.name}'s: kms:DescribeKey on its baseline alias ${trail.kmsKeyId} failed (${(0,errors/* errorText */.kc)(error)})`, (0,errors/* errorCode */.CA)(error), { cause: error });
        }
    }
    return undefined;
}
/**
 * The watched trail that uses the resource: first among the trails CloudTrail reports to TrailGuard's role in the
 * call's account and region (DescribeTrails with shadow trails: multi-region trails homed elsewhere and organization
 * trails the account can see), else the baseline trails (`s3BucketAccount` says which account holds a baseline's
 * bucket). Resolves to null when neither names it: the resource is not TrailGuard's to watch. Throws when
 * DescribeTrails fails and the baseline does not name it: TrailGuard cannot tell, which must be alerted.
 */
async function findWatchedTrail(event, resource, policy, deps) {
    let listed = [];
    let listError = null;
    try {
        listed = await (0,cloudtrail/* describeTrails */.rv)(await deps.cloudtrail(event.account, event.region));
    }
    catch (error) {
        listError = error;
    }
    const byName = (name) => policy.trails.find((t) => t.name === name);
    // A trail may deliver to a bucket (and so encrypt with a key, which KMS keeps in the bucket's region) of another
    // region than its home: a single-region trail homed elsewhere is not among this region's trails, not even as a shadow.
    if (listError === null && resource.type !== 'log-group' && !listed.some((t) => trailUsesListed(resource, event, t))) {
        try {
            listed = [...listed, ...(await trailsHomedElsewhere(event, listed, deps))];
        }
        catch (error) {
            listError = error;
        }
    }
    for (const trail of listed) {
        if (!trail.TrailARN || !trail.Name)
            continue;
        if (!trailUsesListed(resource, event, trail))
            continue;
        const arn = (0,core_arn/* splitTrailArn */.e6)(trail.TrailARN);
        return {
            name: trail.Name,
            arn: trail.TrailARN,
            account: arn?.account ?? event.account,
            region: trail.HomeRegion ?? arn?.region ?? event.region,
            baseline: byName(trail.Name),
            discovered: true,
            writes: writesOfListed(trail),
            logKeyPrefixes: bucketLogPrefixes(resource, event, listed, policy),
        };
    }
    const byResource = policy.trails.find((t) => (t.s3BucketAccount === undefined || t.s3BucketAccount === event.account || resource.type !== 's3-bucket') &&
        trailUses(resource, event, {
            bucket: t.s3BucketName,
            // A bare multi-Region key id (`mrk-`) is the id of every replica, in every region: it cannot say which one the
            // trail uses, so only a key ARN (or DescribeTrails above) ties such a key to a baseline trail.
            key: t.kmsKeyId && /^mrk-/.test(t.kmsKeyId) ? undefined : t.kmsKeyId,
            logGroup: t.cloudWatchLogsLogGroupArn,
        }));
    // A key the baseline pins by alias: the alias is resolved where the key lives (the call's account and region).
    const baseline = byResource ?? (resource.type === 'kms-key' ? await baselineByKeyAlias(event, resource, policy, deps) : undefined);
    if (baseline) {
        return {
            name: baseline.name,
            arn: (0,core_arn/* trailArn */.eL)(event.region, event.account, baseline.name),
            account: event.account,
            region: event.region,
            baseline,
            discovered: false,
            writes: writesOfBaseline(baseline),
            logKeyPrefixes: bucketLogPrefixes(resource, event, listed, policy),
        };
    }
    if (listError) {
        throw new errors/* RemediationError */._s(`cannot tell whether ${resource.type} ${resource.name} in ${event.account}/${event.region} belongs to a watched trail: DescribeTrails failed (${(0,errors/* errorText */.kc)(listError)}); name it in the trails baseline or let TrailGuard's role read trails there`, (0,errors/* errorCode */.CA)(listError), { cause: listError });
    }
    return null;
}
/** The trail's logging state and last delivery error, best effort: a failure to read it never fails a repair. */
async function trailHealth(ctx) {
    if (!ctx.trail.discovered)
        return { isLogging: null, deliveryError: null, note: null };
    try {
        const client = await ctx.deps.cloudtrail(ctx.event.account, ctx.trail.region);
        const status = await ctx.steps.run('GetTrailStatus', () => (0,cloudtrail/* getTrailStatus */.rI)(client, ctx.trail.arn));
        return { isLogging: status.isLogging, deliveryError: status.latestDeliveryError, note: null };
    }
    catch (error) {
        return { isLogging: null, deliveryError: null, note: `the trail's status could not be read: ${(0,errors/* errorText */.kc)(error)}` };
    }
}
/**
 * The organization id an organization trail writes its members' logs under (`AWSLogs/<id>/`): Organizations'
 * DescribeOrganization with TrailGuard's role in the call's account (its ReadOrganizationMembership grant). Null when
 * it cannot be read: the bucket policy is then judged "cannot confirm" on those keys, never "allowed".
 */
async function organizationIdOf(ctx) {
    if (!ctx.deps.organizations)
        return null;
    try {
        const client = await ctx.deps.organizations(ctx.event.account);
        const out = await ctx.steps.run('DescribeOrganization', () => client.send(new client_organizations_dist_cjs.DescribeOrganizationCommand({})));
        return out?.Organization?.Id ?? null;
    }
    catch {
        return null;
    }
}
/**
 * The trail's ARN and account as CloudTrail sends them (aws:SourceArn, aws:SourceAccount). A trail only the baseline
 * names has an unknown home region, and an unknown account when its bucket is in a log archive (`s3BucketAccount`)
 * unless it is the organization trail of the configured management account: those parts are globs, never guesses.
 */
function trailIdentity(ctx) {
    const { trail, event } = ctx;
    if (trail.discovered)
        return { trailArn: trail.arn, trailAccount: trail.account };
    const management = trail.writes.isOrganizationTrail ? ctx.policy.organization?.managementAccount : undefined;
    const elsewhere = trail.baseline?.s3BucketAccount !== undefined || trail.writes.isOrganizationTrail === true;
    const trailAccount = management ?? (elsewhere ? '*' : event.account);
    return { trailArn: `arn:${(0,core_arn/* partitionOf */.iQ)(event.region)}:cloudtrail:*:${trailAccount}:trail/${trail.name}`, trailAccount };
}
/** Where the trail delivers, for judging its bucket policy (cloudTrailBucketRequests). */
async function deliveryTarget(ctx) {
    const { trail, event } = ctx;
    return {
        partition: (0,core_arn/* partitionOf */.iQ)(event.region),
        bucket: ctx.resource.name,
        ...trailIdentity(ctx),
        ...trail.writes,
        organizationId: trail.writes.isOrganizationTrail ? await organizationIdOf(ctx) : undefined,
    };
}

;// CONCATENATED MODULE: ./lambda/impairment/kms.ts
// The KMS family: a watched trail's key disabled, scheduled for deletion, or its key policy replaced.



async function keyState(kms, key) {
    return (await kms.send(new client_kms_dist_cjs/* DescribeKeyCommand */.spV({ KeyId: key }))).KeyMetadata?.KeyState;
}
/**
 * DisableKey / ScheduleKeyDeletion: CancelKeyDeletion (when pending deletion) then EnableKey, verified with
 * DescribeKey. CloudTrail cannot encrypt, so cannot deliver, with a disabled key; a deleted one loses every log it
 * encrypted. Both are undone deterministically while the key still exists.
 */
const restoreKey = async (ctx) => {
    const { steps, resource, trail, event } = ctx;
    const kms = await kmsOf(ctx);
    const change = event.eventName === 'DisableKey'
        ? `KMS key ${resource.name} of trail ${trail.name} disabled`
        : `KMS key ${resource.name} of trail ${trail.name} scheduled for deletion${typeof event.requestParameters.pendingWindowInDays === 'number' ? ` in ${event.requestParameters.pendingWindowInDays} days` : ''}`;
    const repair = keyRepair(await steps.run('DescribeKey', () => keyState(kms, resource.name)));
    if ('usable' in repair)
        return { outcome: 'already-compliant', reason: `key ${resource.name} is enabled again already`, changes: [change], restored: null };
    if ('stuck' in repair)
        return { outcome: 'failed', reason: `key ${resource.name} cannot be restored: ${repair.stuck}`, changes: [change], restored: false };
    for (const call of repair.calls) {
        await steps.run(call, () => kms.send(call === 'EnableKey' ? new client_kms_dist_cjs/* EnableKeyCommand */.sMP({ KeyId: resource.name }) : new client_kms_dist_cjs/* CancelKeyDeletionCommand */.$7C({ KeyId: resource.name })));
    }
    const after = await steps.run('DescribeKey', () => keyState(kms, resource.name));
    if (after !== 'Enabled') {
        return {
            outcome: 'failed',
            reason: `${repair.calls.join(' and ')} succeeded but key ${resource.name} is ${after ?? 'in an unknown state'}`,
            changes: [change],
            restored: false,
        };
    }
    const health = await trailHealth(ctx);
    const done = repair.calls.length === 2 ? 'its deletion was cancelled and it was enabled again' : 'it was enabled again';
    return {
        outcome: 'restored',
        reason: `key ${resource.name} of trail ${trail.name}: ${done}, verified enabled`,
        changes: [change],
        restored: true,
        isLogging: health.isLogging,
    };
};
/**
 * PutKeyPolicy: alerted, never rewritten (a policy has no deterministic undo). The alert says whether the new policy
 * still lets CloudTrail encrypt (kms:GenerateDataKey* on this key, for this trail's aws:SourceArn and encryption
 * context) and the trail's delivery error.
 */
const keyPolicy = async (ctx) => {
    const { steps, resource, trail } = ctx;
    const kms = await kmsOf(ctx);
    const text = await steps.run('GetKeyPolicy', async () => (await kms.send(new client_kms_dist_cjs/* GetKeyPolicyCommand */.$r8({ KeyId: resource.name, PolicyName: 'default' }))).Policy ?? null);
    // Judged for this trail's own request: its ARN as aws:SourceArn and as the encryption context CloudTrail sends.
    const { trailArn, trailAccount } = trailIdentity(ctx);
    const { problem, certain } = cloudTrailAccess(text, `key ${resource.name}`, [cloudTrailKeyRequest(resource.arn, trailArn, trailAccount)]);
    const health = await trailHealth(ctx);
    const delivery = health.deliveryError ? `; trail ${trail.name} reports delivery error ${health.deliveryError}` : '';
    const change = `the key policy of KMS key ${resource.name} (trail ${trail.name}) was replaced`;
    return {
        outcome: 'alert-only',
        reason: problem
            ? `CloudTrail ${certain ? 'can no longer' : 'may no longer be able to'} encrypt trail ${trail.name}'s logs: ${problem}${delivery}; restore a key policy allowing cloudtrail.amazonaws.com kms:GenerateDataKey*`
            : `${change}; it still allows CloudTrail to encrypt${delivery}`,
        changes: [change],
        restored: problem ? false : null,
        isLogging: health.isLogging,
    };
};
/**
 * DeleteImportedKeyMaterial on a watched trail's key (a key with imported, EXTERNAL key material): the key becomes
 * PendingImport and unusable at once (KMS API reference), so CloudTrail can encrypt nothing and delivers nothing.
 * Only whoever holds the key material can re-import it: `failed` (logging cannot resume) unless DescribeKey finds
 * the key usable again already.
 */
const importedMaterialDeleted = async (ctx) => {
    const { steps, resource, trail } = ctx;
    const kms = await kmsOf(ctx);
    const change = `the imported key material of KMS key ${resource.name} (trail ${trail.name}) was deleted`;
    const state = await steps.run('DescribeKey', () => keyState(kms, resource.name));
    if (state === 'Enabled')
        return { outcome: 'already-compliant', reason: `key ${resource.name} is enabled again already`, changes: [change], restored: null };
    const health = await trailHealth(ctx);
    return {
        outcome: 'failed',
        reason: `key ${resource.name} is ${state ?? 'in an unknown state'}: CloudTrail cannot encrypt trail ${trail.name}'s logs until its key material is imported again (ImportKeyMaterial, by whoever holds it); TrailGuard cannot`,
        changes: [change],
        restored: false,
        isLogging: health.isLogging,
    };
};
/** This family's calls. */
const kmsHandlers = {
    DisableKey: restoreKey,
    ScheduleKeyDeletion: restoreKey,
    PutKeyPolicy: keyPolicy,
    DeleteImportedKeyMaterial: importedMaterialDeleted,
};

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var client_cloudwatch_logs_dist_cjs = __webpack_require__(2684);
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
    const logs = await logsOf(ctx);
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
    const health = await trailHealth(ctx);
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

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var client_s3_dist_cjs = __webpack_require__(3711);
;// CONCATENATED MODULE: ./lambda/impairment/s3.ts
// The S3 family: lifecycle rules, bucket policy and deletion of a bucket a watched trail delivers to.




/** The bucket's lifecycle rules, and the TransitionDefaultMinimumObjectSize S3 keeps beside them (a rewrite must keep it). */
async function lifecycleOf(s3, bucket) {
    try {
        const out = await s3.send(new client_s3_dist_cjs.GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
        return { rules: out.Rules ?? [], minimumObjectSize: out.TransitionDefaultMinimumObjectSize };
    }
    catch (error) {
        if ((0,errors/* errorCode */.CA)(error) === 'NoSuchLifecycleConfiguration')
            return { rules: [], minimumObjectSize: undefined };
        throw error;
    }
}
async function lifecycleRules(s3, bucket) {
    return (await lifecycleOf(s3, bucket)).rules;
}
async function bucketPolicy(s3, bucket) {
    try {
        return (await s3.send(new client_s3_dist_cjs.GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? null;
    }
    catch (error) {
        if ((0,errors/* errorCode */.CA)(error) === 'NoSuchBucketPolicy')
            return null;
        throw error;
    }
}
/**
 * PutBucketLifecycle(Configuration): reads the bucket's rules as they are now (the request may be truncated or
 * superseded) and removes the ones that expire logs sooner than the baseline's `retentionDays`, keeping the others;
 * without `retentionDays` they are reported only. Verified by reading the rules back.
 */
const lifecycle = async (ctx) => {
    const { steps, resource, trail } = ctx;
    const bucket = resource.name;
    const s3 = await s3Of(ctx);
    const now = ctx.deps.now();
    const retention = trail.baseline?.retentionDays;
    const current = await steps.run('GetBucketLifecycleConfiguration', () => lifecycleOf(s3, bucket));
    // Only rules whose filter can reach a key CloudTrail writes count: the others (Athena results, tagged objects) stay.
    const scope = { logKeyPrefixes: trail.logKeyPrefixes };
    const decision = decideLifecycle(current.rules, retention, now, scope);
    const onBucket = decision.expiring.map((r) => `${r.description} is on bucket ${bucket}`);
    const archived = decision.archiving.map((r) => `${r.description} is on bucket ${bucket}`);
    // Archiving is reported, never removed: moving logs to a colder class is often a cost decision only a human can undo.
    const leftInPlace = archived.length > 0
        ? `; left in place, to be judged by a human: ${archived.join('; ')}${retention ? `, sooner than the ${retention} days trail ${trail.name} keeps logs readable` : ''}`
        : '';
    if (decision.expiring.length === 0) {
        // TrailGuard's own rewrite of the rules comes back as this call: nothing expiring left means it is that.
        if (ctx.ownRole)
            return { outcome: 'ignored', reason: "TrailGuard's own lifecycle rewrite: no rule deletes logs", changes: [], restored: null };
        if (archived.length > 0) {
            return {
                outcome: 'alert-only',
                reason: `${archived.join('; ')}${retention ? `: sooner than the ${retention} days trail ${trail.name} keeps logs readable` : ''}; not removed (a transition may be a cost decision): restore the objects to read them, and change the rule if it was not meant`,
                changes: archived,
                restored: false,
            };
        }
        return {
            outcome: 'already-compliant',
            reason: `the lifecycle rules of bucket ${bucket} were changed, and none deletes logs${retention ? ` sooner than ${retention} days` : ''}`,
            changes: [`lifecycle rules of bucket ${bucket} replaced (${decision.kept.length} now)`],
            restored: null,
        };
    }
    if (!decision.remove) {
        return {
            outcome: 'alert-only',
            reason: `${onBucket.join('; ')}: not removed, because the baseline of trail ${trail.name} sets no retentionDays (set it to have shorter rules removed)${leftInPlace}`,
            changes: [...onBucket, ...archived],
            restored: false,
        };
    }
    const removed = decision.expiring.map((r) => r.description);
    if (decision.kept.length === 0)
        await steps.run('DeleteBucketLifecycle', () => s3.send(new client_s3_dist_cjs.DeleteBucketLifecycleCommand({ Bucket: bucket })));
    else
        await steps.run(`PutBucketLifecycleConfiguration: ${decision.kept.length} rules kept`, () => s3.send(new client_s3_dist_cjs.PutBucketLifecycleConfigurationCommand({
            Bucket: bucket,
            LifecycleConfiguration: { Rules: decision.kept },
            // Left out, S3 resets it to its default, changing which objects the kept transition rules move.
            ...(current.minimumObjectSize ? { TransitionDefaultMinimumObjectSize: current.minimumObjectSize } : {}),
        })));
    const after = decideLifecycle(await steps.run('GetBucketLifecycleConfiguration', () => lifecycleRules(s3, bucket)), retention, now, scope);
    if (after.expiring.length > 0) {
        return {
            outcome: 'failed',
            reason: `the lifecycle rules were rewritten but bucket ${bucket} still has ${after.expiring.map((r) => r.description).join('; ')}`,
            changes: onBucket,
            restored: false,
        };
    }
    const sentence = removed.length === 1 ? `${removed[0]} was removed` : `${removed.length} lifecycle rules were removed (${removed.join('; ')})`;
    return {
        outcome: 'restored',
        reason: `${sentence} from bucket ${bucket}; ${describeKept(decision.kept.length)} (trail ${trail.name} keeps logs ${retention} days)${leftInPlace}`,
        changes: [...onBucket, ...archived],
        restored: true,
    };
};
/** Why the trail may no longer deliver, from its bucket policy and its own last delivery error. */
async function deliveryEvidence(ctx, s3) {
    const policy = await ctx.steps.run('GetBucketPolicy', () => bucketPolicy(s3, ctx.resource.name));
    // CloudTrail needs s3:GetBucketAcl (its ACL check) and s3:PutObject on exactly the keys it writes, for this trail.
    const target = await deliveryTarget(ctx);
    const { problem, certain } = cloudTrailAccess(policy, `bucket ${ctx.resource.name}`, cloudTrailBucketRequests(target));
    const health = await trailHealth(ctx);
    const delivery = health.deliveryError
        ? `trail ${ctx.trail.name} reports delivery error ${health.deliveryError}`
        : (health.note ?? (ctx.trail.discovered ? `trail ${ctx.trail.name} reports no delivery error yet` : ''));
    return { problem, certain, text: [problem, delivery].filter(Boolean).join('; '), isLogging: health.isLogging };
}
/**
 * PutBucketPolicy / DeleteBucketPolicy: alerted, never rewritten (a policy has no deterministic undo). The alert says
 * whether the policy now shuts CloudTrail out (evaluated for the trail's own requests: the keys it writes, its
 * aws:SourceArn and aws:SourceAccount, `bucket-owner-full-control`; "may be" when it depends on what TrailGuard cannot
 * evaluate) and what the trail's GetTrailStatus reports as its delivery error.
 */
const policy = async (ctx) => {
    const s3 = await s3Of(ctx);
    const evidence = await deliveryEvidence(ctx, s3);
    const change = ctx.event.eventName === 'DeleteBucketPolicy'
        ? `the policy of bucket ${ctx.resource.name} was deleted`
        : `the policy of bucket ${ctx.resource.name} was replaced`;
    return {
        outcome: 'alert-only',
        reason: evidence.problem
            ? `CloudTrail ${evidence.certain ? 'is' : 'may be'} locked out of its bucket: ${evidence.text}; restore a policy allowing cloudtrail.amazonaws.com s3:GetBucketAcl and s3:PutObject (CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail")`
            : `${change}; it still allows CloudTrail to deliver${evidence.text ? ` (${evidence.text})` : ''}`,
        changes: [change],
        restored: evidence.problem ? false : null,
        isLogging: evidence.isLogging,
    };
};
/** DeleteBucket: nothing to undo (the logs are gone, the name may be taken), so it is `failed`: logging cannot resume. */
const deleteBucket = async (ctx) => {
    const health = await trailHealth(ctx);
    const bucket = ctx.resource.name;
    return {
        outcome: 'failed',
        reason: `bucket ${bucket} was deleted with the logs in it: trail ${ctx.trail.name} cannot deliver until a bucket of that name with CloudTrail's bucket policy exists again` +
            ` (or the trail is pointed at another bucket)${health.deliveryError ? `; the trail reports delivery error ${health.deliveryError}` : ''}`,
        changes: [`bucket ${bucket} deleted`],
        restored: false,
        isLogging: health.isLogging,
    };
};
/** This family's calls. */
const s3Handlers = {
    PutBucketLifecycle: lifecycle,
    PutBucketLifecycleConfiguration: lifecycle,
    PutBucketPolicy: policy,
    DeleteBucketPolicy: policy,
    DeleteBucket: deleteBucket,
};

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
    ...s3Handlers,
    ...kmsHandlers,
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
    const steps = new Steps(event.resource ?? unnamedResource(event));
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
            trail = await findWatchedTrail(event, event.resource, deps.settings, deps);
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

;// CONCATENATED MODULE: ./lambda/impairment/organizations.ts
// AWS Organizations: an account leaving or removed, trusted access for CloudTrail switched off, the CloudTrail
// delegated administrator deregistered. None has a safe automatic undo (it takes the management account and, to
// rejoin, the member's acceptance), so each is alerted with what AWS now reports.


const organizations_CLOUDTRAIL = 'cloudtrail.amazonaws.com';
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
        return typeof principal === 'string' && principal !== organizations_CLOUDTRAIL
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
                const enabled = (out.EnabledServicePrincipals ?? []).some((p) => p.ServicePrincipal === organizations_CLOUDTRAIL);
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
        return typeof principal === 'string' && principal !== organizations_CLOUDTRAIL
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
