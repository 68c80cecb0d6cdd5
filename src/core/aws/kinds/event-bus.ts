// The central bus, AWS half: DescribeEventBus (shared with its grants) and its tags; CreateEventBus tagged.
import { CreateEventBusCommand, EventBridgeClient, ListTagsForResourceCommand } from '@aws-sdk/client-eventbridge';
import type { EventBusResource } from '../../kinds/event-bus.js';
import { managedIn, TAG_LIST } from './common.js';
import type { KindIo } from './kind.js';

export const eventBusIo: KindIo<EventBusResource> = {
  actions: { read: ['events:DescribeEventBus', 'events:ListTagsForResource'], write: ['events:CreateEventBus', 'events:TagResource'] },

  async read(resource, { accounts, account, region, bus: busOf }) {
    const bus = await busOf(resource.name);
    if (!bus) return { exists: false };
    const events = await accounts.client(EventBridgeClient, account, region);
    const { Tags } = await events.send(new ListTagsForResourceCommand({ ResourceARN: bus.arn }));
    return { exists: true, managed: managedIn(Tags), fields: {} };
  },

  async apply(resource, { accounts, account, region }) {
    const events = await accounts.client(EventBridgeClient, account, region);
    await events.send(new CreateEventBusCommand({ Name: resource.name, Tags: TAG_LIST }));
  },
};
