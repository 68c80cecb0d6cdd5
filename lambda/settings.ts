// The remediator's environment (DESIGN.md "Remediator"), checked once at cold start.
import { z } from 'zod';
import {
  DEFAULT_ROLES,
  EventDataStoreBaselineSchema,
  OrganizationSchema,
  organizationTrailIssues,
  TrailBaselineSchema,
  type Organization,
} from '#core/config.js';
import { issuesOf } from '#core/config.js';
import { ConfigError } from '#core/errors.js';

const json = <T extends z.ZodType>(schema: T, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const SettingsSchema = z
  .object({
    TRAILGUARD_TOPIC_ARN: z.string().regex(/^arn:[\w-]+:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'expected an SNS topic ARN'),
    TRAILGUARD_REMEDIATION_ROLE: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name')
      .default(DEFAULT_ROLES.remediation),
    TRAILGUARD_EXTERNAL_ID: z
      .string()
      .optional()
      .transform((v) => v || null),
    TRAILGUARD_ALLOW: json(z.array(z.string().startsWith('arn:', 'expected a principal ARN pattern')), '[]'),
    TRAILGUARD_TRAILS: json(z.array(TrailBaselineSchema), '[]'),
    /** `eventDataStores` of trailguard.yml: CloudTrail Lake settings restored after UpdateEventDataStore. */
    TRAILGUARD_EVENT_DATA_STORES: json(z.array(EventDataStoreBaselineSchema), '[]'),
    /** `organization` of trailguard.yml: where organization trails are restored and recreated. */
    TRAILGUARD_ORGANIZATION: json(OrganizationSchema.nullable(), 'null'),
  })
  .superRefine((s, ctx) => {
    for (const { index, message } of organizationTrailIssues(s.TRAILGUARD_TRAILS, s.TRAILGUARD_ORGANIZATION, {
      trails: 'TRAILGUARD_TRAILS',
      organization: 'TRAILGUARD_ORGANIZATION',
    })) {
      ctx.addIssue({ code: 'custom', path: ['TRAILGUARD_TRAILS', index, 'isOrganizationTrail'], message });
    }
  });

export interface RemediatorSettings {
  topicArn: string;
  topicRegion: string;
  remediationRole: string;
  externalId: string | null;
  allow: string[];
  trails: z.output<typeof TrailBaselineSchema>[];
  /** Baseline event data stores (CloudTrail Lake), by name. */
  eventDataStores: z.output<typeof EventDataStoreBaselineSchema>[];
  /** Management account and CloudTrail delegated administrators; null when not configured. */
  organization: Organization | null;
}

export function loadSettings(env: NodeJS.ProcessEnv): RemediatorSettings {
  const result = SettingsSchema.safeParse(env);
  if (!result.success) throw new ConfigError('remediator environment', issuesOf(result.error));
  const s = result.data;
  return {
    topicArn: s.TRAILGUARD_TOPIC_ARN,
    topicRegion: s.TRAILGUARD_TOPIC_ARN.split(':')[3]!,
    remediationRole: s.TRAILGUARD_REMEDIATION_ROLE,
    externalId: s.TRAILGUARD_EXTERNAL_ID,
    allow: s.TRAILGUARD_ALLOW,
    trails: s.TRAILGUARD_TRAILS,
    eventDataStores: s.TRAILGUARD_EVENT_DATA_STORES,
    organization: s.TRAILGUARD_ORGANIZATION,
  };
}
