export const id = 676;
export const ids = [676];
export const modules = {

/***/ 2676:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SweepEnvironmentSchema: () => (/* binding */ SweepEnvironmentSchema),
  createDefaultSweepDeps: () => (/* binding */ createDefaultSweepDeps),
  loadSweepEnvironment: () => (/* binding */ loadSweepEnvironment),
  sendSweepMessages: () => (/* binding */ sendSweepMessages)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js
var dist_cjs = __webpack_require__(4305);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-organizations/dist-cjs/index.js
var client_organizations_dist_cjs = __webpack_require__(2503);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sqs/dist-cjs/index.js
var client_sqs_dist_cjs = __webpack_require__(8868);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(2857);
// EXTERNAL MODULE: ./src/core/arn.ts
var arn = __webpack_require__(7136);
// EXTERNAL MODULE: ./src/core/config.ts
var config = __webpack_require__(4489);
// EXTERNAL MODULE: ./src/core/aws/clients.ts + 1 modules
var clients = __webpack_require__(5493);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js
var lib_dynamodb_dist_cjs = __webpack_require__(8907);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/sweep.ts + 1 modules
var sweep = __webpack_require__(8042);
;// CONCATENATED MODULE: ./src/core/aws/state-table.ts



/**
 * Reads and writes `trailguard-state` (partition key `pk`, sort key `sk`, both strings) following the contract in
 * README "The sweep". Every method propagates DynamoDB's errors; callers decide whether they fail a sweep.
 */
class StateTable {
    tableName;
    doc;
    constructor(client, tableName) {
        this.tableName = tableName;
        this.doc = lib_dynamodb_dist_cjs/* DynamoDBDocumentClient */.TG.from(client, { marshallOptions: { removeUndefinedValues: true } });
    }
    /** Records a canary's arrival (`pk=canary`); an older canary arriving late never replaces a newer one. */
    async recordCanary(arrival, now) {
        try {
            await this.doc.send(new lib_dynamodb_dist_cjs/* PutCommand */.Z$({
                TableName: this.tableName,
                Item: {
                    pk: 'canary',
                    sk: `${arrival.account}#${arrival.region}`,
                    lastSeenAt: now.toISOString(),
                    eventId: arrival.eventId,
                    sentAt: arrival.sentAt,
                    sweepId: arrival.sweepId,
                },
                // A future-dated item (forged, or written by hand) is replaced by any real arrival.
                ConditionExpression: 'attribute_not_exists(sentAt) OR sentAt <= :sentAt OR sentAt > :future',
                ExpressionAttributeValues: {
                    ':sentAt': arrival.sentAt,
                    ':future': new Date(now.getTime() + sweep/* CANARY_MAX_SKEW_MS */.GS).toISOString(),
                },
            }));
        }
        catch (error) {
            if ((0,errors/* errorCode */.CA)(error) !== 'ConditionalCheckFailedException')
                throw error;
        }
    }
    async canary(account, region) {
        const out = await this.doc.send(new lib_dynamodb_dist_cjs/* GetCommand */.s$({ TableName: this.tableName, Key: { pk: 'canary', sk: `${account}#${region}` } }));
        return out.Item ?? null;
    }
    async startSweep(item) {
        await this.doc.send(new lib_dynamodb_dist_cjs/* PutCommand */.Z$({ TableName: this.tableName, Item: { pk: 'sweep', sk: 'latest', ...item, findings: 0, done: 0 } }));
    }
    /**
     * Counts one account of `sweepId` done with its findings; the last one sets `finishedAt`. A worker of an older
     * sweep (redelivered late) changes nothing.
     */
    async finishAccount(sweepId, findings, now) {
        try {
            const out = await this.doc.send(new lib_dynamodb_dist_cjs/* UpdateCommand */.fR({
                TableName: this.tableName,
                Key: { pk: 'sweep', sk: 'latest' },
                UpdateExpression: 'ADD done :one, findings :n',
                ConditionExpression: 'sweepId = :id',
                ExpressionAttributeValues: { ':one': 1, ':n': findings, ':id': sweepId },
                ReturnValues: 'ALL_NEW',
            }));
            const item = out.Attributes;
            if (item && (item.done ?? 0) >= item.accounts && !item.finishedAt) {
                await this.doc.send(new lib_dynamodb_dist_cjs/* UpdateCommand */.fR({
                    TableName: this.tableName,
                    Key: { pk: 'sweep', sk: 'latest' },
                    UpdateExpression: 'SET finishedAt = :at',
                    ConditionExpression: 'sweepId = :id',
                    ExpressionAttributeValues: { ':at': now.toISOString(), ':id': sweepId },
                }));
            }
        }
        catch (error) {
            if ((0,errors/* errorCode */.CA)(error) !== 'ConditionalCheckFailedException')
                throw error;
        }
    }
    async latestSweep() {
        const out = await this.doc.send(new lib_dynamodb_dist_cjs/* GetCommand */.s$({ TableName: this.tableName, Key: { pk: 'sweep', sk: 'latest' } }));
        return out.Item ?? null;
    }
    async status(account, region) {
        const out = await this.doc.send(new lib_dynamodb_dist_cjs/* GetCommand */.s$({ TableName: this.tableName, Key: { pk: 'status', sk: `${account}#${region}` } }));
        return out.Item ? fromStatusItem(out.Item) : null;
    }
    async putStatus(item) {
        const { rows, ...rest } = item;
        await this.doc.send(new lib_dynamodb_dist_cjs/* PutCommand */.Z$({
            TableName: this.tableName,
            Item: { pk: 'status', sk: `${item.account}#${item.region}`, ...rest, rows: JSON.stringify(rows) },
        }));
    }
    /** Every status snapshot (all member-regions), for `/trail-status`. */
    async allStatus() {
        const items = [];
        let start;
        do {
            const out = await this.doc.send(new lib_dynamodb_dist_cjs/* QueryCommand */.sf({
                TableName: this.tableName,
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: { ':pk': 'status' },
                ExclusiveStartKey: start,
            }));
            for (const item of out.Items ?? [])
                items.push(fromStatusItem(item));
            start = out.LastEvaluatedKey;
        } while (start);
        return items;
    }
    /** The findings recorded for one member-region (`sk` begins with `<account>#<region>#`). */
    async findings(account, region) {
        const out = [];
        let start;
        do {
            const page = await this.doc.send(new lib_dynamodb_dist_cjs/* QueryCommand */.sf({
                TableName: this.tableName,
                KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
                ExpressionAttributeValues: { ':pk': 'finding', ':prefix': `${account}#${region}#` },
                ExclusiveStartKey: start,
            }));
            for (const item of page.Items ?? []) {
                out.push({ key: item.sk, firstSeenAt: item.firstSeenAt, alertId: item.alertId, state: item.state });
            }
            start = page.LastEvaluatedKey;
        } while (start);
        return out;
    }
    async putFinding(item) {
        const { key, ...rest } = item;
        await this.doc.send(new lib_dynamodb_dist_cjs/* PutCommand */.Z$({ TableName: this.tableName, Item: { pk: 'finding', sk: key, ...rest } }));
    }
}
function fromStatusItem(item) {
    const [account = '', region = ''] = String(item.sk).split('#');
    const { pk: _pk, sk: _sk, rows, ...rest } = item;
    return { ...rest, account, region, rows: typeof rows === 'string' ? JSON.parse(rows) : [] };
}

// EXTERNAL MODULE: ./src/core/names.ts
var names = __webpack_require__(2483);
// EXTERNAL MODULE: ./lambda/guard.ts + 2 modules
var guard = __webpack_require__(9586);
;// CONCATENATED MODULE: ./lambda/sweep-deps.ts
// The sweep's real dependencies in the remediator Lambda, from its environment (written by `apply`).











/**
 * `TRAILGUARD_SWEEP`: who the planner sweeps. `members` is the account list, or `organization` for every ACTIVE account
 * Organizations `ListAccounts` returns (the central account must be the management account or a delegated
 * administrator), minus `exclude`. `canaryGraceSeconds`: how long a canary has to arrive before a sweep judges it.
 */
const SweepEnvironmentSchema = schemas/* strictObject */.rej({
    members: schemas/* union */.KCZ([schemas/* literal */.euz('organization'), schemas/* array */.YOg(schemas/* string */.YjP().regex(arn/* ACCOUNT_ID */.W_))]),
    exclude: schemas/* array */.YOg(schemas/* string */.YjP().regex(arn/* ACCOUNT_ID */.W_)).default([]),
    canaryGraceSeconds: schemas/* number */.aig().int().min(0).max(3600).default(config/* DEFAULT_CANARY_GRACE_SECONDS */.ke),
    /** `sweep.schedule`: the planner alerts a previous sweep older than twice it. Absent (older deployments): not checked. */
    schedule: schemas/* string */.YjP().min(1).max(256).nullable().optional(),
});
/** How long a container keeps the Organization's member list. */
const MEMBERS_TTL_MS = 5 * 60_000;
/** Reads `TRAILGUARD_SWEEP`; throws naming the variable and the path of the bad field. */
function loadSweepEnvironment(env) {
    let value;
    try {
        value = JSON.parse(env.TRAILGUARD_SWEEP ?? '');
    }
    catch {
        throw new Error('TRAILGUARD_SWEEP: expected JSON (apply writes it when the sweep is configured)');
    }
    const result = SweepEnvironmentSchema.safeParse(value);
    if (!result.success) {
        const issue = result.error.issues[0];
        throw new Error(`TRAILGUARD_SWEEP.${issue.path.join('.')}: ${issue.message}`);
    }
    return result.data;
}
/** Sends account messages to `queueUrl`, ten per SendMessageBatch; throws naming the first message SQS refused. */
async function sendSweepMessages(sqs, queueUrl, messages) {
    for (let i = 0; i < messages.length; i += 10) {
        const batch = messages.slice(i, i + 10);
        const out = await sqs.send(new client_sqs_dist_cjs/* SendMessageBatchCommand */.vY({
            QueueUrl: queueUrl,
            Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
        }));
        const failed = out.Failed?.[0];
        if (failed)
            throw new Error(`SendMessageBatch to ${queueUrl} refused ${batch[Number(failed.Id)]?.account}: ${failed.Code} ${failed.Message ?? ''}`);
    }
}
/** Real sweep dependencies: the handler's CloudTrail access and publisher, the guard's EventBridge clients, the table and queue. */
function createDefaultSweepDeps(deps, env, options) {
    const sweepEnv = loadSweepEnvironment(env);
    const pipeline = (0,guard.loadPipelineEnvironment)(env);
    if (!pipeline)
        throw new Error('TRAILGUARD_PIPELINE: required by the sweep (the watched regions)');
    const [, partition, , region, account] = deps.settings.topicArn.split(':');
    const home = region;
    const base = { ...options.clientOptions, region: home };
    const state = new StateTable((0,clients/* createClient */.UU)(dist_cjs.DynamoDBClient, base), env.TRAILGUARD_STATE_TABLE ?? sweep/* SWEEP_NAMES */.OM.table);
    const sqs = (0,clients/* createClient */.UU)(client_sqs_dist_cjs/* SQSClient */.hW, base);
    let queueUrl;
    let organizationMembers;
    return {
        ...deps,
        state,
        events: options.events,
        sweep: {
            regions: pipeline.regions,
            centralBusArn: `arn:${partition}:events:${home}:${account}:event-bus/${names/* NAMES */.X.bus}`,
            canaryGraceMs: sweepEnv.canaryGraceSeconds * 1000,
            watch: pipeline.watch,
            ...(sweepEnv.schedule !== undefined ? { schedule: sweepEnv.schedule } : {}),
        },
        members() {
            const exclude = new Set(sweepEnv.exclude);
            if (Array.isArray(sweepEnv.members))
                return Promise.resolve(sweepEnv.members.filter((m) => !exclude.has(m)));
            // Every worker that sees an organization trail asks (one member reads those of an unswept owner): one
            // ListAccounts walk per container every few minutes, not one per account swept.
            const now = Date.now();
            if (!organizationMembers || now - organizationMembers.at > MEMBERS_TTL_MS) {
                const list = (async () => {
                    const organizations = (0,clients/* createClient */.UU)(client_organizations_dist_cjs.OrganizationsClient, base);
                    const out = [];
                    for await (const page of (0,client_organizations_dist_cjs.paginateListAccounts)({ client: organizations }, {})) {
                        for (const a of page.Accounts ?? [])
                            if (a.Id && a.State === 'ACTIVE' && !exclude.has(a.Id))
                                out.push(a.Id);
                    }
                    return out;
                })();
                const entry = { at: now, list };
                list.catch(() => {
                    if (organizationMembers === entry)
                        organizationMembers = undefined;
                });
                organizationMembers = entry;
            }
            return organizationMembers.list;
        },
        async enqueue(messages) {
            queueUrl ??= sqs
                .send(new client_sqs_dist_cjs/* GetQueueUrlCommand */.EX({ QueueName: sweep/* SWEEP_NAMES */.OM.queue, QueueOwnerAWSAccountId: account }))
                .then((o) => o.QueueUrl);
            await sendSweepMessages(sqs, await queueUrl, messages);
        },
    };
}


/***/ })

};
