// AWS Organizations: an account leaving or removed, trusted access for CloudTrail switched off, the CloudTrail
// delegated administrator deregistered. None has a safe automatic undo (it takes the management account and, to
// rejoin, the member's acceptance), so each is alerted with what AWS now reports.
import { DescribeOrganizationCommand, ListAWSServiceAccessForOrganizationCommand } from '@aws-sdk/client-organizations';
import { errorCode, errorText } from '#core/errors.js';
import type { ImpairmentEvent } from '#core/impairment-event.js';
import type { ImpairmentDeps, ImpairmentHandler, ImpairmentRemedy, ImpairmentStep } from './common.js';

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

/** What Organizations DescribeOrganization, called from inside an account, says about its membership. */
export type Membership =
  | { kind: 'member'; organizationId: string | null; managementAccount: string | null }
  | { kind: 'none' }
  | { kind: 'unknown'; error: string };

/** Membership of `account`, read with TrailGuard's role there; `unknown` (with why) when it cannot be read. */
export async function readMembership(account: string, deps: ImpairmentDeps, step: ImpairmentStep): Promise<Membership> {
  if (!deps.organizations) return { kind: 'unknown', error: 'this remediator has no Organizations access' };
  try {
    const client = await deps.organizations(account);
    const out = await step.run('DescribeOrganization', () => client.send(new DescribeOrganizationCommand({})));
    return { kind: 'member', organizationId: out.Organization?.Id ?? null, managementAccount: out.Organization?.MasterAccountId ?? null };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (errorCode(cause) === 'AWSOrganizationsNotInUseException') {
      step.actions.push('DescribeOrganization');
      return { kind: 'none' };
    }
    return { kind: 'unknown', error: errorText(error) };
  }
}

/**
 * The alert for an account that left or was removed from the organization, given what its own view
 * of Organizations shows now. Pure: the sweep can call it with a membership it read.
 */
export function leftOrganizationRemedy(account: string, membership: Membership): ImpairmentRemedy {
  const consequence =
    'organization trails no longer log it, SCPs no longer bind it, and with members.organization: true the next apply stops protecting it; ' +
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

function accountParam(event: ImpairmentEvent): string | null {
  const id = event.requestParameters.accountId;
  return typeof id === 'string' && /^\d{12}$/.test(id) ? id : null;
}

/** LeaveOrganization: made by the member itself. */
export const leaveOrganization: ImpairmentHandler = {
  resource: (event) => ({ type: 'account', name: event.account, arn: null }),
  changes: (event) => [`account ${event.account} left the organization`],
  async remediate(event, _policy, deps, step) {
    return leftOrganizationRemedy(event.account, await readMembership(event.account, deps, step));
  },
};

/** RemoveAccountFromOrganization: made by the management account, naming the member in `accountId`. */
export const removeAccount: ImpairmentHandler = {
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
export const disableServiceAccess: ImpairmentHandler = {
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
    const consequence =
      'organization trails stop logging the member accounts; re-enable it (EnableAWSServiceAccess for cloudtrail.amazonaws.com, or the CloudTrail console) and check each organization trail';
    let confirmed = '';
    if (deps.organizations) {
      try {
        const client = await deps.organizations(event.account);
        const out = await step.run('ListAWSServiceAccessForOrganization', () =>
          client.send(new ListAWSServiceAccessForOrganizationCommand({})),
        );
        const enabled = (out.EnabledServicePrincipals ?? []).some((p) => p.ServicePrincipal === CLOUDTRAIL);
        confirmed = enabled
          ? ' (yet the organization still lists CloudTrail as trusted: check again)'
          : ' (confirmed: CloudTrail is no longer a trusted service)';
      } catch (error) {
        confirmed = ` (could not confirm: ${errorText(error)})`;
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
export const deregisterDelegatedAdmin: ImpairmentHandler = {
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
      reason:
        `account ${delegate(event)} was deregistered as CloudTrail delegated administrator: it can no longer manage organization trails or Lake event data stores; ` +
        'if that was not planned, register it again (RegisterOrganizationDelegatedAdmin) and update organization.delegatedAdministrators',
    };
  },
};

function delegate(event: ImpairmentEvent): string {
  const params = event.requestParameters;
  // CloudTrail's call names it delegatedAdminAccountId; Organizations' DeregisterDelegatedAdministrator, accountId.
  const id = params.delegatedAdminAccountId ?? params.DelegatedAdminAccountId ?? params.accountId;
  return typeof id === 'string' && /^\d{12}$/.test(id) ? id : '(unknown)';
}
