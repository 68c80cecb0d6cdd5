// Review rv2: a canary vouches for the member-region it came from, not the one it claims.
import { describe, expect, it } from 'vitest';
import { parseCanaryEvent } from '#core/sweep.js';

const ACCOUNT = '222222222222';

/** A canary as the central bus receives it from real EventBridge: the envelope keeps the source account and region. */
function forwarded(envelopeRegion: string, claimedRegion: string) {
  return {
    version: '0',
    id: 'e-forged',
    source: 'trailguard.canary',
    'detail-type': 'TrailGuard Canary',
    account: ACCOUNT,
    region: envelopeRegion,
    time: '2026-11-29T18:00:00Z',
    resources: [],
    detail: { account: ACCOUNT, region: claimedRegion, sweepId: 's1', sentAt: '2026-11-29T18:00:00.000Z' },
  };
}

describe('review rv2: a canary claiming another region than the one it was forwarded from', () => {
  // Any principal of a member with events:PutEvents on its own default bus can put a `trailguard.canary` event there:
  // `trailguard-forward` matches that source and forwards it with the forwarder role, so the new bus policy (only the
  // forwarder role is admitted) does not stop it. The envelope account is checked against detail.account, but the
  // envelope region is not read at all: a canary put in us-east-1 (whose path works) with detail.region eu-west-1 is
  // recorded as eu-west-1's, so eu-west-1's forwarding path "works" for every sweep while it is broken.
  // Fixed: when the envelope names the sending account (real EventBridge), its region must be detail.region too
  // (moto drops the account and rewrites the region of forwarded events, DESIGN.md "Testing").
  it('refuses a canary whose envelope region differs from detail.region, naming both', () => {
    expect(() => parseCanaryEvent(forwarded('us-east-1', 'eu-west-1'))).toThrow(
      /canary: detail.region eu-west-1 differs from the envelope region us-east-1/,
    );
  });

  it('accepts the canary of the region it was forwarded from', () => {
    expect(parseCanaryEvent(forwarded('eu-west-1', 'eu-west-1'))).toMatchObject({ account: ACCOUNT, region: 'eu-west-1' });
  });
});
