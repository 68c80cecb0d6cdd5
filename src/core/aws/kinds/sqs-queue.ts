// An SQS queue, AWS half: GetQueueUrl, every attribute and the tags; CreateQueue tagged, or SetQueueAttributes of the differing ones.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SqsQueueResource } from '../../kinds/sqs-queue.js';
import { MANAGED_TAG } from '../../names.js';
import { orMissing, TAG_MAP } from './common.js';
import type { KindIo } from './kind.js';

export const sqsQueueIo: KindIo<SqsQueueResource> = {
  actions: {
    read: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
    write: ['sqs:CreateQueue', 'sqs:TagQueue', 'sqs:SetQueueAttributes'],
  },

  async read(resource, { accounts, account, region }) {
    const sqs = await accounts.client(SQSClient, account, region);
    const url = await orMissing(sqs.send(new GetQueueUrlCommand({ QueueName: resource.name, QueueOwnerAWSAccountId: account })));
    if (!url?.QueueUrl) return { exists: false };
    const [attributes, tags] = await Promise.all([
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: url.QueueUrl, AttributeNames: ['All'] })),
      sqs.send(new ListQueueTagsCommand({ QueueUrl: url.QueueUrl })),
    ]);
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(attributes.Attributes ?? {})) {
      if (name === 'Policy') fields[name] = JSON.parse(value);
      else if (name === 'RedrivePolicy') {
        const redrive = JSON.parse(value) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
        fields[name] = { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount) };
      } else fields[name] = value;
    }
    return { exists: true, managed: tags.Tags?.[MANAGED_TAG.key] === MANAGED_TAG.value, fields, ids: { url: url.QueueUrl } };
  },

  async apply(resource, { accounts, account, region, create, fields, ids }) {
    const sqs = await accounts.client(SQSClient, account, region);
    if (create) await sqs.send(new CreateQueueCommand({ QueueName: resource.name, Attributes: resource.attributes, tags: TAG_MAP }));
    else {
      const changed = Object.fromEntries(Object.entries(resource.attributes).filter(([k]) => fields.has(k)));
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: ids.url, Attributes: changed }));
    }
  },
};
