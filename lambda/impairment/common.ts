// What every log-impairment family shares: the handler shape the registry maps names to, and the step recorder.
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ImpairmentResourceType } from '#core/alert.js';
import type { ImpairmentEvent } from '#core/impairment-event.js';
import type { Decision, RemediateDeps, RemediationPolicy } from '../remediate.js';
import type { RemediatorSettings } from '../settings.js';
import { RecordedSteps } from '../steps.js';

/** What the call impaired, as the alert's `resource` shows it. */
export interface ImpairmentResource {
  type: ImpairmentResourceType;
  name: string;
  /** The resource's ARN when the record tells it; null otherwise (an account, an organization whose id is unknown). */
  arn: string | null;
}

export interface ImpairmentDeps extends RemediateDeps {
  /** An Organizations client acting in `account` through TrailGuard's role there. Throws AssumeRoleError when it cannot be assumed. */
  organizations?(account: string): Promise<OrganizationsClient>;
}

export type ImpairmentPolicy = RemediationPolicy & Pick<RemediatorSettings, 'eventDataStores'>;

/** A family's answer: the outcome, why, and whether the resource is back (`restored`, null: nothing to put back). */
export interface ImpairmentRemedy extends Pick<Decision, 'outcome' | 'reason' | 'isLogging'> {
  restored: boolean | null;
}

export interface ImpairmentDecision extends Decision {
  resource: ImpairmentResource & { restored: boolean | null };
}

/** Records the AWS calls a family makes (the alert's `actions`) and names the resource in any error. */
export class ImpairmentStep extends RecordedSteps {
  constructor(
    readonly event: ImpairmentEvent,
    readonly resource: ImpairmentResource,
  ) {
    super();
  }

  protected subject(): string {
    return `${this.resource.name} in ${this.event.account}/${this.event.region}`;
  }
}

/**
 * One watched call's handling, as `lambda/impairment/index.ts` maps it. The registry calls
 * `remediate` only for a successful call by a principal neither on the allow list nor TrailGuard's
 * own restoration: a failed call is `blocked` and an allowed one `allowed`, without an AWS call.
 */
export interface ImpairmentHandler {
  /** What the call impaired, from the record alone (also for alerts that call nothing in AWS). */
  resource(event: ImpairmentEvent): ImpairmentResource;
  /** What the call changed, in words a responder reads at 3 a.m. */
  changes(event: ImpairmentEvent): string[];
  /** Decides and acts through `step`; AWS errors may propagate (the registry turns them into `failed`). */
  remediate(event: ImpairmentEvent, policy: ImpairmentPolicy, deps: ImpairmentDeps, step: ImpairmentStep): Promise<ImpairmentRemedy>;
  /** Why this record of a watched call does not concern logging (then: `rejected`, no alert); null when it does. */
  notConcerned?(event: ImpairmentEvent): string | null;
  /** True for a call TrailGuard's own role makes towards the baseline (its record comes back): no alert. */
  isOwnRestoration?(event: ImpairmentEvent, policy: ImpairmentPolicy): boolean;
}
