import { describe, expect, it } from 'vitest';
import { accountName, parseConfig, validateConfig, WATCHED_EVENTS } from '#core/config.js';
import { ConfigError } from '#core/errors.js';

const minimal = `
version: 1
central: { account: "111111111111", region: us-east-1 }
members:
  accounts:
    - { id: "222222222222", name: payments-prod }
`;

function issues(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills every default from DESIGN.md', () => {
    const config = parseConfig(minimal);

    expect(config.roles).toEqual({
      deploy: 'OrganizationAccountAccessRole',
      remediation: 'TrailGuardRemediator',
      reader: 'TrailGuardReader',
      plan: null,
      externalId: null,
    });
    expect(config.watch).toEqual([...WATCHED_EVENTS]);
    expect(config.members.regions).toEqual(['us-east-1']);
    expect(config.members.organization).toBe(false);
    expect(config.remediator.delivery).toBe('direct');
    expect(config.alerts.endpoint).toBeNull();
    expect(config.trails).toEqual([]);
    expect(accountName(config, '222222222222')).toBe('payments-prod');
    expect(accountName(config, '999999999999')).toBe('999999999999');
  });

  it('reads the full example of DESIGN.md', () => {
    const config = parseConfig(`
version: 1
central: { account: "111111111111", region: us-east-1 }
organizationId: o-abc123def4
members:
  accounts:
    - { id: "222222222222", name: payments-prod }
  organization: false
  exclude: []
  regions: [us-east-1, eu-west-1]
roles:
  deploy: OrganizationAccountAccessRole
  remediation: TrailGuardRemediator
  externalId: null
watch: [StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors]
trails:
  - name: org-audit
    s3BucketName: central-trail-logs
    isMultiRegionTrail: true
    includeGlobalServiceEvents: true
    enableLogFileValidation: true
allow: ["arn:aws:iam::*:role/BreakGlass"]
remediator: { delivery: direct }
alerts: { endpoint: null }
slack: { channel: C0123456789, responders: [] }
`);
    expect(config.members.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(config.trails[0]).toMatchObject({ name: 'org-audit', s3BucketName: 'central-trail-logs', isMultiRegionTrail: true });
    expect(config.slack?.channel).toBe('C0123456789');
    expect(config.organizationId).toBe('o-abc123def4');
  });

  it('names the path of a bad account id', () => {
    expect(issues(`${minimal}    - { id: "2222" }\n`)).toEqual(['members.accounts[1].id: expected 12 digits']);
  });

  it('explains an unquoted account id instead of silently reading a number', () => {
    expect(issues(minimal.replace('"111111111111"', '111111111111'))[0]).toMatch(
      /^central\.account: expected a 12-digit account id as a quoted string/,
    );
  });

  it('reports every bad field at once, unknown fields included', () => {
    const found = issues(`
version: 2
central: { account: "111111111111", region: moon-1 }
members: { acounts: [] }
watch: [StopLogging, CreateTrail]
remediator: { delivery: carrier-pigeon }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        'version: expected 1 (the only config version)',
        'central.region: expected an AWS region such as us-east-1',
        'members.acounts: unknown field',
        expect.stringMatching(/^watch\[1\]: /),
        expect.stringMatching(/^remediator\.delivery: /),
      ]),
    );
  });

  it('requires members from a list or the organization', () => {
    expect(issues(minimal.replace(/members:[\s\S]*/, 'members: { accounts: [] }\n'))).toEqual([
      'members: list accounts or set organization: true',
    ]);
  });

  it('rejects duplicates with the path of the second one', () => {
    expect(issues(`${minimal}    - { id: "222222222222" }\n`)).toEqual(['members.accounts[1].id: duplicate of members.accounts[0].id']);
  });

  it('treats YAML 1.1 booleans as strings, so `yes` is an error, not true', () => {
    expect(issues(`${minimal}  organization: yes\n`)).toEqual([expect.stringMatching(/^members\.organization: expected boolean/)]);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(issues('version: 1\ncentral: { account: "1"\n')[0]).toMatch(/^line \d+: /);
  });

  it('rejects an alerts endpoint that is not https', () => {
    expect(issues(`${minimal}alerts: { endpoint: "http://example.com/hook" }\n`)).toEqual([
      'alerts.endpoint: expected an https:// URL (SNS delivers alerts to it)',
    ]);
  });

  it('refuses SignatureVersion 1 by default; alerts.allowSignatureVersion1 must be a YAML boolean', () => {
    expect(parseConfig(minimal).alerts.allowSignatureVersion1).toBe(false);
    expect(parseConfig(`${minimal}alerts: { allowSignatureVersion1: true }\n`).alerts).toEqual({
      endpoint: null,
      allowSignatureVersion1: true,
      acceptedSubscriptions: [],
    });
    expect(issues(`${minimal}alerts: { allowSignatureVersion1: yes }\n`)).toEqual([
      expect.stringMatching(/^alerts\.allowSignatureVersion1: expected boolean/),
    ]);
  });

  it('validates objects as well as text, with the source in the message', () => {
    expect(() => validateConfig({ version: 1 }, 'inline config')).toThrow(/^inline config is invalid:\n {2}central: /);
  });
});

describe('the README', () => {
  it('shows a trailguard.yml that parses', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    const example = /## `trailguard.yml`\s*```yaml\n([\s\S]*?)```/.exec(readme)?.[1];

    expect(example).toBeDefined();
    expect(parseConfig(example!).members.regions).toEqual(['us-east-1', 'eu-west-1']);
  });
});

describe('regions', () => {
  it('refuses a region typo with the path of the field, even where the shape looks right', () => {
    expect(issues(`${minimal}  regions: [eu-wst-1, eu-west-1, us-esat-1]\n`)).toEqual([
      'members.regions[0]: unknown AWS region "eu-wst-1" (not in the AWS SDK\'s region list)',
      'members.regions[2]: unknown AWS region "us-esat-1" (not in the AWS SDK\'s region list)',
    ]);
    expect(issues(minimal.replace('region: us-east-1', 'region: eu-wst-1'))).toEqual([
      'central.region: unknown AWS region "eu-wst-1" (not in the AWS SDK\'s region list)',
    ]);
  });

  it('accepts regions of every partition', () => {
    const gov = minimal.replace('region: us-east-1', 'region: us-gov-west-1');
    expect(parseConfig(`${gov}  regions: [us-gov-west-1, us-gov-east-1]\n`).members.regions).toEqual(['us-gov-west-1', 'us-gov-east-1']);
    expect(parseConfig(minimal.replace('region: us-east-1', 'region: cn-north-1')).central.region).toBe('cn-north-1');
  });

  it('refuses regions from two partitions: one deployment cannot forward between them', () => {
    expect(issues(`${minimal}  regions: [us-east-1, cn-north-1]\n`)).toEqual([
      'members.regions[1]: cn-north-1 is in partition aws-cn, central.region us-east-1 is in aws: EventBridge cannot forward across partitions',
    ]);
  });

  it("reads `auto`: regions discovered from the members' trails, starting with the central region", () => {
    const config = parseConfig(`${minimal.replace('region: us-east-1', 'region: eu-west-1')}  regions: auto\n`);

    expect(config.members.discoverRegions).toBe(true);
    expect(config.members.regions).toEqual(['eu-west-1']);
    expect(parseConfig(minimal).members.discoverRegions).toBe(false);
  });

  it('explains a value that is neither auto nor a list', () => {
    expect(issues(`${minimal}  regions: automatic\n`)).toEqual([
      'members.regions: expected auto or a list of regions such as [us-east-1, eu-west-1]',
    ]);
    expect(issues(`${minimal}  regions: []\n`)).toEqual(['members.regions: expected at least one region']);
  });
});
