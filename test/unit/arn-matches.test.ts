// The allow-list matcher against look-alike principals: a wildcard never crosses an ARN segment or a path component.
import { describe, expect, it } from 'vitest';
import { arnMatches } from '#core/arn.js';

const BREAK_GLASS = 'arn:aws:iam::*:role/BreakGlass';

describe('arnMatches', () => {
  // [pattern, principal ARN, expected, why]
  const table: [string, string, boolean, string][] = [
    [BREAK_GLASS, 'arn:aws:iam::222222222222:role/BreakGlass', true, 'the role itself, any account'],
    [BREAK_GLASS, 'arn:aws:sts::222222222222:assumed-role/BreakGlass/alice', true, 'a session of the role counts as the role'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:user/:role/BreakGlass', false, 'a user at path /:role/ (IAM paths may contain :)'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:user/BreakGlass', false, 'a user with the same name'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:group/BreakGlass', false, 'a group with the same name'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:user/role/BreakGlass', false, 'a user at path /role/'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:role/ops/BreakGlass', false, 'a role at a path is role/<path>/X'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:role/BreakGlassX', false, 'a longer role name'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:role/xBreakGlass', false, 'a prefixed role name'],
    [BREAK_GLASS, 'arn:aws:sts::222222222222:assumed-role/Admin/BreakGlass', false, 'a session NAMED BreakGlass of another role'],
    [BREAK_GLASS, 'arn:aws:sts::222222222222:federated-user/BreakGlass', false, 'a federated user named BreakGlass'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:root', false, 'the root user'],
    [BREAK_GLASS, 'arn:aws:iam::222222222222:role/BreakGlass/extra', false, 'an extra component after the name'],
    [BREAK_GLASS, 'arn:aws:iam::2222:2222:role/BreakGlass', false, 'an account field with a colon in it'],
    [BREAK_GLASS, 'arn:aws:iam:us-east-1:222222222222:role/BreakGlass', false, 'IAM ARNs have an empty region field'],
    [BREAK_GLASS, 'arn:aws-cn:iam::222222222222:role/BreakGlass', false, 'another partition'],
    ['arn:aws:iam::222222222222:role/BreakGlass', 'arn:aws:iam::333333333333:role/BreakGlass', false, 'another account'],
    [
      'arn:aws:iam::222222222222:role/BreakGlass',
      'arn:aws:sts::333333333333:assumed-role/BreakGlass/s',
      false,
      'a session in another account',
    ],
    [
      'arn:aws:iam::22222222222?:role/BreakGlass',
      'arn:aws:iam::222222222223:role/BreakGlass',
      true,
      '? matches one character of the account',
    ],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::222222222222:role/Anything', true, '* matches a whole role name'],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::222222222222:role/ops/Anything', false, '* is one path component only'],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::222222222222:user/Anything', false, 'a user never matches a role/ pattern'],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::222222222222:user/role/x', false, 'a user at path /role/ never matches a role/ pattern'],
    ['arn:aws:iam::*:role/ops/*', 'arn:aws:iam::222222222222:role/ops/BreakGlass', true, 'a role at a path, by path pattern'],
    ['arn:aws:iam::*:role/ops/*', 'arn:aws:iam::222222222222:role/ops/deep/BreakGlass', false, 'a deeper path'],
    ['arn:aws:iam::*:role/*/BreakGlass', 'arn:aws:iam::222222222222:role/ops/BreakGlass', true, '* as the path component'],
    ['arn:aws:iam::*:role/Break*', 'arn:aws:iam::222222222222:role/BreakGlass', true, '* inside a name'],
    ['arn:aws:iam::*:role/Break*', 'arn:aws:sts::222222222222:assumed-role/BreakGlass/s', true, '* inside a name, session'],
    ['arn:aws:iam::*:role/Break*', 'arn:aws:iam::222222222222:role/Break/Glass', false, '* inside a name does not cross /'],
    ['arn:aws:iam::*:user/alice', 'arn:aws:iam::222222222222:user/alice', true, 'a user pattern'],
    ['arn:aws:iam::*:user/alice', 'arn:aws:iam::222222222222:role/alice', false, 'a role never matches a user/ pattern'],
    ['arn:aws:iam::*:user/alice', 'arn:aws:sts::222222222222:assumed-role/alice/s', false, 'a session never matches a user/ pattern'],
    ['arn:aws:iam::*:root', 'arn:aws:iam::222222222222:root', true, 'root'],
    ['arn:aws:iam::*:*', 'arn:aws:iam::222222222222:user/team/alice', false, 'a trailing * does not swallow the resource type and path'],
    ['arn:aws:sts::*:assumed-role/BreakGlass/*', 'arn:aws:sts::222222222222:assumed-role/BreakGlass/alice', true, 'a session pattern'],
    [
      'arn:aws:sts::*:assumed-role/BreakGlass/*',
      'arn:aws:sts::222222222222:assumed-role/Other/BreakGlass',
      false,
      'a session pattern, other role',
    ],
    [
      'arn:aws:sts::*:assumed-role/BreakGlass/alice',
      'arn:aws:sts::222222222222:assumed-role/BreakGlass/bob',
      false,
      'a session pattern, other session',
    ],
    ['arn:aws:iam::*:role/Break.Glass', 'arn:aws:iam::222222222222:role/BreakxGlass', false, '. is a literal character'],
    ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::222222222222:role/breakglass', false, 'role names compare case-sensitively as text'],
    ['arn:aws:iam::*:role/BreakGlass', 'not an arn', false, 'not an ARN'],
    ['arn:aws:iam::*:role/BreakGlass', '', false, 'empty'],
  ];

  it.each(table)('%s vs %s -> %s (%s)', (pattern, arn, expected) => {
    expect(arnMatches(pattern, arn)).toBe(expected);
  });
});
