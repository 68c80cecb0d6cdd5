// The queue-to-remediator mapping, AWS half: ListEventSourceMappings for the pair; Create, or Update with the settings.
import {
  CreateEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { EventSourceMappingResource } from '../../kinds/event-source-mapping.js';
import { orMissing } from './common.js';
import type { KindIo } from './kind.js';

export const eventSourceMappingIo: KindIo<EventSourceMappingResource> = {
  actions: { read: ['lambda:ListEventSourceMappings'], write: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping'] },

  async read(resource, { accounts, account, region }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    const out = await orMissing(
      lambda.send(new ListEventSourceMappingsCommand({ FunctionName: resource.functionName, EventSourceArn: resource.queueArn })),
    );
    const mapping = out?.EventSourceMappings?.[0];
    if (!mapping?.UUID) return { exists: false };
    return {
      exists: true,
      managed: true,
      fields: {
        batchSize: mapping.BatchSize,
        functionResponseTypes: mapping.FunctionResponseTypes ?? [],
        enabled: !['Disabled', 'Disabling'].includes(mapping.State ?? ''),
        // A filter makes Lambda delete every message it does not match without invoking the remediator.
        filterCriteria: mapping.FilterCriteria?.Filters?.length ? mapping.FilterCriteria.Filters : null,
        ...(resource.maximumConcurrency ? { maximumConcurrency: mapping.ScalingConfig?.MaximumConcurrency ?? null } : {}),
      },
      ids: { uuid: mapping.UUID },
    };
  },

  async apply(resource, { accounts, account, region, create, fields, ids }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    const settings = {
      BatchSize: resource.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures' as const],
      Enabled: true,
      ...(resource.maximumConcurrency ? { ScalingConfig: { MaximumConcurrency: resource.maximumConcurrency } } : {}),
    };
    if (create)
      await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: resource.functionName, EventSourceArn: resource.queueArn, ...settings }),
      );
    else {
      // An empty FilterCriteria removes a filter that would drop TrailGuard's messages unseen.
      const filters = fields.has('filterCriteria') ? { FilterCriteria: {} } : {};
      await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: ids.uuid, FunctionName: resource.functionName, ...settings, ...filters }),
      );
    }
  },
};
