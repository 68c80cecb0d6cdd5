// `trailguard iam`: prints every IAM document an administrator creates for TrailGuard, generated from trailguard.yml, without any AWS call.
import { parseCommandArgs, UsageError } from './cli-args.js';
import { loadConfigFile } from './config-file.js';
import type { Config } from './core/config.js';
import { permissionsBoundaryPolicy } from './core/desired-state.js';
import { errorText } from './core/errors.js';
import {
  applyRoleTrustPolicy,
  boundaryArn,
  deployRolePolicy,
  memberRemediationTrustPolicy,
  planRolePolicy,
  planRoleTrustPolicy,
  PERMISSIONS_BOUNDARY,
  slackAppPolicy,
  slackFunctionPermissionsPolicy,
  type PolicyDocument,
} from './core/iam-policies.js';
import { partitionOf } from './core/arn.js';
import { NAMES } from './core/names.js';

export const IAM_USAGE = `usage: trailguard iam [boundary|apply-role|plan-role|member-plan-role|slack-role] [--config trailguard.yml]
                     [--repository owner/name] [--branch main | --environment name]
                     [--apply-role TrailGuardDeploy] [--plan-role TrailGuardPlan] [--json]

  Prints the IAM documents an administrator creates once, generated from the config (no AWS call):
  boundary          managed policy ${PERMISSIONS_BOUNDARY}, in every account: caps every TrailGuard role
  apply-role        the role GitHub's OIDC gives the apply job (default branch or environment only)
  plan-role         the read-only role GitHub's OIDC gives pull requests
  member-plan-role  the read-only role (roles.plan) the plan role assumes in members
  slack-role        the Slack app's own role (slack.roleArn, or trailguard-slack with slack.deploy: lambda)
  --repository defaults to GITHUB_REPOSITORY; the two OIDC trusts need it.`;

const SECTIONS = ['boundary', 'apply-role', 'plan-role', 'member-plan-role', 'slack-role'] as const;
type Section = (typeof SECTIONS)[number];

export interface IamArgs {
  section: Section | null;
  config: string;
  repository: string | null;
  branch: string;
  environment: string | null;
  applyRole: string;
  planRole: string;
  json: boolean;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Parses the arguments after `iam` (node:util parseArgs); throws IamUsageError naming the bad flag. */
export function parseIamArgs(argv: string[], env: NodeJS.ProcessEnv): IamArgs {
  const flags = ['config', 'repository', 'branch', 'environment', 'apply-role', 'plan-role'] as const;
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...Object.fromEntries(flags.map((f) => [f, { type: 'string' as const }])), json: { type: 'boolean' } },
    1,
  );
  const section = positionals[0] ?? null;
  if (section !== null && !(SECTIONS as readonly string[]).includes(section))
    throw new IamUsageError(`unknown section ${section} (expected one of ${SECTIONS.join(', ')})`);
  const text = (name: (typeof flags)[number]) => values[name] as string | undefined;
  const args: IamArgs = {
    section: section as Section | null,
    config: text('config') ?? 'trailguard.yml',
    repository: text('repository') ?? env.GITHUB_REPOSITORY ?? null,
    branch: text('branch') ?? 'main',
    environment: text('environment') ?? null,
    applyRole: text('apply-role') ?? 'TrailGuardDeploy',
    planRole: text('plan-role') ?? 'TrailGuardPlan',
    json: values.json === true,
  };
  if (args.repository !== null && !/^[\w.-]+\/[\w.-]+$/.test(args.repository))
    throw new IamUsageError(`--repository: expected owner/name, got ${JSON.stringify(args.repository)}`);
  if (!/^[\w./-]+$/.test(args.branch)) throw new IamUsageError(`--branch: expected a branch name, got ${JSON.stringify(args.branch)}`);
  if (args.environment !== null && !/^[\w. -]{1,255}$/.test(args.environment))
    throw new IamUsageError(`--environment: expected a GitHub environment name, got ${JSON.stringify(args.environment)}`);
  for (const [flag, name] of [
    ['--apply-role', args.applyRole],
    ['--plan-role', args.planRole],
  ] as const) {
    if (!ROLE_NAME.test(name)) throw new IamUsageError(`${flag}: expected an IAM role name, got ${JSON.stringify(name)}`);
    if (/^trailguard-/i.test(name))
      throw new IamUsageError(`${flag}: must not start with trailguard- (the deploy role may edit those roles)`);
  }
  return args;
}

export class IamUsageError extends UsageError {}

export interface IamDocument {
  title: string;
  /** What kind of IAM document it is: a trust policy, a role's permissions, or the boundary. */
  use: 'trust' | 'identity' | 'boundary';
  document: PolicyDocument | null;
  note?: string;
}

/** Every document, keyed by section; a document that cannot be generated for this config has a note instead. */
export function iamDocuments(config: Config, args: IamArgs): Record<Section, IamDocument[]> {
  const { account, region } = config.central;
  const p = partitionOf(region);
  const roles = { region, deployRole: config.roles.deploy, remediationRole: config.roles.remediation, readerRole: config.roles.reader };
  const memberPlanRole = config.roles.plan;
  const oidc = args.repository
    ? { account, region, repository: args.repository, branch: args.branch, ...(args.environment ? { environment: args.environment } : {}) }
    : null;
  const needsRepository = 'needs --repository owner/name (or GITHUB_REPOSITORY)';
  const slackMembers = config.members.organization
    ? null
    : config.members.accounts.map((a) => a.id).filter((id) => !config.members.exclude.includes(id));
  return {
    boundary: [
      {
        use: 'boundary',
        title: `Permissions boundary: managed policy ${PERMISSIONS_BOUNDARY} (${boundaryArn('<account>', region)}), created by an administrator in the central account and every member`,
        document: permissionsBoundaryPolicy(config),
      },
    ],
    'apply-role': [
      {
        use: 'trust',
        title: `Apply role ${args.applyRole} (central account): trust, GitHub OIDC from ${args.environment ? `environment ${args.environment}` : `refs/heads/${args.branch}`} only`,
        document: oidc ? applyRoleTrustPolicy(oidc) : null,
        ...(oidc ? {} : { note: needsRepository }),
      },
      {
        use: 'identity',
        title: `Apply role ${args.applyRole}: permissions (also roles.deploy = ${config.roles.deploy} in members, unless it is an administrator there)`,
        document: deployRolePolicy(roles),
      },
    ],
    'plan-role': [
      {
        use: 'trust',
        title: `Plan role ${args.planRole} (central account): trust, GitHub OIDC from pull requests`,
        document: oidc ? planRoleTrustPolicy(oidc) : null,
        ...(oidc ? {} : { note: needsRepository }),
      },
      memberPlanRole
        ? {
            use: 'identity',
            title: `Plan role ${args.planRole}: permissions (read-only; assumes roles.plan = ${memberPlanRole} in members)`,
            document: planRolePolicy({ ...roles, memberRole: memberPlanRole }),
          }
        : {
            use: 'identity',
            title: `Plan role ${args.planRole}: permissions`,
            document: null,
            note: `set roles.plan in ${args.config}: without it a plan assumes roles.deploy (${config.roles.deploy}) in members, and a role trusted from pull requests must never assume that`,
          },
    ],
    'member-plan-role': memberPlanRole
      ? [
          {
            use: 'trust',
            title: `Member plan role ${memberPlanRole} (every member): trust, the central plan role only`,
            document: memberRemediationTrustPolicy({
              account: '<member>',
              centralAccount: account,
              region,
              trustedPrincipalArns: [`arn:${p}:iam::${account}:role/${args.planRole}`],
              baseline: [],
            }),
          },
          {
            use: 'identity',
            title: `Member plan role ${memberPlanRole}: permissions (read-only)`,
            document: {
              Version: '2012-10-17',
              Statement: planRolePolicy({ ...roles, memberRole: memberPlanRole }).Statement.filter(
                (s) => ![s.Action].flat().includes('sts:AssumeRole'),
              ),
            },
          },
        ]
      : [{ use: 'identity', title: 'Member plan role', document: null, note: 'roles.plan is not set' }],
    'slack-role': [
      // slack.deploy: lambda: apply creates the role with this policy; printed for review, not to be created by hand.
      config.slack?.deploy === 'lambda' && config.slack.secrets && (slackMembers || config.organizationId)
        ? {
            use: 'identity',
            title: `Slack app role ${NAMES.slackRole} (created by apply, slack.deploy: lambda): permissions (assumes roles.reader = ${config.roles.reader} in members, reads the two named secrets)`,
            document: slackFunctionPermissionsPolicy({
              centralAccount: config.central.account,
              region,
              readerRole: config.roles.reader,
              members: slackMembers,
              organizationId: config.organizationId,
              secrets: config.slack.secrets,
            }),
          }
        : config.slack?.roleArn && (slackMembers || config.organizationId)
          ? {
              use: 'identity',
              title: `Slack app role ${config.slack.roleArn}: permissions (assumes roles.reader = ${config.roles.reader} in members)`,
              document: slackAppPolicy({
                region,
                readerRole: config.roles.reader,
                members: slackMembers,
                organizationId: config.organizationId,
                centralAccount: config.central.account,
              }),
            }
          : {
              use: 'identity',
              title: 'Slack app role',
              document: null,
              note: config.slack?.roleArn
                ? 'members come from the Organization: set organizationId so the role is scoped with aws:ResourceOrgID'
                : 'slack.roleArn is not set',
            },
    ],
  };
}

/**
 * Runs `trailguard iam ...`; resolves to the exit code (0 printed, 1 bad or missing config). A usage error goes to
 * `onUsageError` (the CLI prints it with the usage line and exits 2).
 */
export async function runIamCommand(
  argv: string[],
  io: { stdout: (text: string) => void; stderr: (text: string) => void; env: NodeJS.ProcessEnv },
  onUsageError: (error: unknown) => number,
): Promise<number> {
  let args: IamArgs;
  try {
    args = parseIamArgs(argv, io.env);
  } catch (error) {
    if (error instanceof UsageError) return onUsageError(error);
    throw error;
  }
  let config: Config;
  try {
    config = loadConfigFile(args.config);
  } catch (error) {
    io.stderr(`trailguard: ${errorText(error)}\n`);
    return 1;
  }
  const all = iamDocuments(config, args);
  const chosen = args.section ? { [args.section]: all[args.section] } : all;
  if (args.json) {
    io.stdout(`${JSON.stringify(chosen, null, 2)}\n`);
    return 0;
  }
  const blocks = Object.values(chosen).flatMap((documents) =>
    documents.map((d) => `# ${d.title}\n${d.document ? JSON.stringify(d.document, null, 2) : `(not printed: ${d.note})`}\n`),
  );
  io.stdout(blocks.join('\n'));
  return 0;
}
