// Writing a TrailGuard role: the boundary goes on first (the deploy policy edits only roles that carry it), and a missing boundary policy says who creates it.
import {
  CreateRoleCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Accounts } from '#core/aws/accounts.js';
import { applyChange } from '#core/aws/writers.js';
import { validateConfig } from '#core/config.js';
import { desiredState } from '#core/desired-state.js';
import type { Change } from '#core/plan.js';

const iam = mockClient(IAMClient);
const accounts = { client: async () => new IAMClient({ region: 'us-east-1' }) } as unknown as Accounts;
const config = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }] },
});
const role = desiredState(config, { members: ['222222222222'], codeSha256: 'x' }).find(
  (r) => r.key === '222222222222/global/iam-role/TrailGuardRemediator',
)!;
const change = (action: Change['action'], fields: string[]): Change => ({
  key: role.key,
  account: role.account,
  region: role.region,
  kind: 'iam-role',
  name: role.name,
  action,
  reason: action,
  fields,
});
const options = { accounts, homeRegion: 'us-east-1', code: Buffer.from('') };

afterEach(() => iam.reset());

describe('iam-role writer', () => {
  it('creates the role with the boundary of its own account', async () => {
    await applyChange(change('create', []), role, { exists: false }, options);

    expect(iam.commandCalls(CreateRoleCommand)[0]!.args[0].input.PermissionsBoundary).toBe(
      'arn:aws:iam::222222222222:policy/trailguard-boundary',
    );
  });

  it('on a role without the boundary, sets it before touching trust or policy (AWS would deny those first)', async () => {
    const calls: string[] = [];
    iam.on(PutRolePermissionsBoundaryCommand).callsFake(() => calls.push('boundary'));
    iam.on(UpdateAssumeRolePolicyCommand).callsFake(() => calls.push('trust'));
    iam.on(PutRolePolicyCommand).callsFake(() => calls.push('policy'));

    await applyChange(
      change('update', ['inline policy TrailGuardRemediator', 'trustPolicy', 'permissionsBoundary']),
      role,
      { exists: true, managed: true, fields: {} },
      options,
    );

    expect(calls).toEqual(['boundary', 'trust', 'policy']);
  });

  it('a boundary policy that does not exist yet fails with who creates it and how', async () => {
    iam.on(CreateRoleCommand).rejects(
      new NoSuchEntityException({
        message: 'Scope ARN arn:aws:iam::222222222222:policy/trailguard-boundary does not exist or is not attachable.',
        $metadata: {},
      }),
    );

    await expect(applyChange(change('create', []), role, { exists: false }, options)).rejects.toThrow(
      /role TrailGuardRemediator in 222222222222: the permissions boundary arn:aws:iam::222222222222:policy\/trailguard-boundary does not exist; an administrator creates it once in every account with the document `trailguard iam boundary` prints/,
    );
  });
});
