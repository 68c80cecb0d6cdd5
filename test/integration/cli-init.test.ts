// `trailguard init` against moto: the file it writes from the caller, its Organization and the members' real trails.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, CreateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parseDocument } from 'yaml';
import { main } from '../../src/cli.js';
import { parseConfig } from '#core/config.js';
import { MotoWorld } from '../support/aws.js';

const MANAGEMENT = '610000000000';
const CENTRAL = '610000000010';
const [PAYMENTS, DATA] = ['610000000011', '610000000012'];
let world: MotoWorld;

/** Runs the CLI in this process as `account` (moto acts in the account the credentials were assumed into). */
async function trailguardAs(account: string, ...argv: string[]) {
  const credentials = await world.credentialsFor(account);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: inject('motoEndpoint'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
  });
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), tty: false, env: process.env });
  return { code, stdout, stderr };
}

async function trail(account: string, region: string, input: { Name: string; S3BucketName: string } & Record<string, unknown>) {
  const s3 = await world.memberClient(S3Client, account, region, { forcePathStyle: true });
  await s3.send(
    new CreateBucketCommand({
      Bucket: input.S3BucketName,
      ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );
  await (await world.memberClient(CloudTrailClient, account, region)).send(new CreateTrailCommand(input));
}

function tempConfig(): string {
  return join(mkdtempSync(join(tmpdir(), 'tg-init-')), 'trailguard.yml');
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  delete process.env.AWS_PROFILE;
  // The management account: an Organization, its organization trail, a single-region trail and one homed in eu-west-1.
  await (await world.memberClient(OrganizationsClient, MANAGEMENT, 'us-east-1')).send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  await trail(MANAGEMENT, 'us-east-1', {
    Name: 'org-audit',
    S3BucketName: 'init-org-audit-610000000000',
    IsMultiRegionTrail: true,
    IsOrganizationTrail: true,
    EnableLogFileValidation: true,
    S3KeyPrefix: 'org',
  });
  await trail(MANAGEMENT, 'us-east-1', { Name: 'regional', S3BucketName: 'init-regional-610000000000', IncludeGlobalServiceEvents: false });
  await trail(MANAGEMENT, 'eu-west-1', { Name: 'true', S3BucketName: '123', IsMultiRegionTrail: true });
  // Two members outside any Organization: the same trail name with different buckets, and a trail of one's own.
  await trail(PAYMENTS, 'us-east-1', { Name: 'shared', S3BucketName: 'init-shared-610000000011' });
  await trail(DATA, 'us-east-1', { Name: 'shared', S3BucketName: 'init-shared-610000000012' });
  await trail(DATA, 'eu-west-1', {
    Name: 'data-audit',
    S3BucketName: 'init-data-610000000012',
    IsMultiRegionTrail: true,
    EnableLogFileValidation: true,
  });
});

describe('trailguard init', () => {
  it('writes a commented YAML 1.2 config from the Organization and the real trails, organization trail included, that plan accepts', async () => {
    const path = tempConfig();

    const init = await trailguardAs(MANAGEMENT, 'init', '--config', path);
    const text = readFileSync(path, 'utf8');
    const config = parseConfig(text, path);
    const plan = await trailguardAs(MANAGEMENT, 'plan', '--config', path);

    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(parseDocument(text, { version: '1.2' }).errors).toEqual([]);
    expect(text).toMatch(/^# trailguard\.yml, written by `trailguard init`/);
    expect(text).toContain(`central: { account: "${MANAGEMENT}", region: us-east-1 }`);
    expect(text).toContain(`managementAccount: "${MANAGEMENT}"`);
    expect(text).toContain(`- { id: "${MANAGEMENT}"`);
    expect(config.central).toEqual({ account: MANAGEMENT, region: 'us-east-1' });
    expect(config.organizationId).toMatch(/^o-/);
    expect(config.organization).toEqual({ managementAccount: MANAGEMENT, delegatedAdministrators: [] });
    expect(config.members.accounts.map((a) => a.id)).toEqual([MANAGEMENT]);
    expect(config.members.discoverRegions).toBe(true);
    expect(config.trails).toEqual([
      {
        name: 'org-audit',
        s3BucketName: 'init-org-audit-610000000000',
        s3KeyPrefix: 'org',
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        isOrganizationTrail: true,
      },
      {
        name: 'regional',
        s3BucketName: 'init-regional-610000000000',
        isMultiRegionTrail: false,
        includeGlobalServiceEvents: false,
        enableLogFileValidation: false,
        isOrganizationTrail: false,
      },
      // YAML 1.2 would read these as a boolean and a number: the library quotes them.
      {
        name: 'true',
        s3BucketName: '123',
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: false,
        isOrganizationTrail: false,
      },
    ]);
    expect(init.stdout).toMatch(new RegExp(`^Wrote ${path}: 1 member account, 3 baseline trails, regions: auto\\.`));
    expect(init.stdout).toContain(`trailguard iam --config ${path} --repository <owner>/<repo>`);
    expect(init.stdout).toContain('.github/workflows/trailguard.yml');
    expect(init.stdout).toContain('slack-app/manifest.yml');
    // regions: auto found the eu-west-1 home region; nothing is deployed yet, so plan reports drift that apply fixes.
    expect(plan.stderr).not.toContain('trailguard:');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(new RegExp(`${MANAGEMENT}\\s+\\S+\\s+eu-west-1\\s+drift`));
  });

  it('refuses to overwrite an existing file without --force, and replaces it with --force', async () => {
    const path = tempConfig();
    writeFileSync(path, '# mine\n');

    const refused = await trailguardAs(MANAGEMENT, 'init', '--config', path);
    const kept = readFileSync(path, 'utf8');
    const forced = await trailguardAs(MANAGEMENT, 'init', '--config', path, '--force');

    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `trailguard: ${path} already exists: not overwritten (pass --force to replace it)\n`,
    });
    expect(kept).toBe('# mine\n');
    expect(forced.code).toBe(0);
    expect(parseConfig(readFileSync(path, 'utf8')).central.account).toBe(MANAGEMENT);
  });

  it('with --accounts outside an Organization: pins what agrees, leaves a trail name whose trails differ unpinned and says so (exit 1)', async () => {
    const path = tempConfig();

    const init = await trailguardAs(CENTRAL, 'init', '--config', path, '--accounts', `${PAYMENTS},${DATA}`);
    const text = readFileSync(path, 'utf8');
    const config = parseConfig(text, path);

    expect(init.code).toBe(1);
    expect(init.stderr).toContain(`trailguard: ${path} was written with gaps:`);
    expect(init.stderr).toContain('trail name shared: its trails differ in s3BucketName');
    expect(text).toContain('# NOT PINNED: trail name shared: its trails differ in s3BucketName');
    expect(config.central.account).toBe(CENTRAL);
    expect(config.organizationId).toBeUndefined();
    expect(config.organization).toBeUndefined();
    expect(config.members.accounts).toEqual([{ id: PAYMENTS }, { id: DATA }]);
    expect(config.trails).toEqual([
      {
        name: 'data-audit',
        s3BucketName: 'init-data-610000000012',
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        isOrganizationTrail: false,
      },
    ]);
  });

  it('outside an Organization without --accounts: says to pass --accounts and writes nothing', async () => {
    const path = tempConfig();

    const init = await trailguardAs(CENTRAL, 'init', '--config', path);

    expect(init.code).toBe(1);
    expect(init.stderr).toBe(
      `trailguard: account ${CENTRAL} is not in an AWS Organization it may read (Organizations DescribeOrganization): pass --accounts with the member account ids\nNothing was written.\n`,
    );
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
});
