// The central event bus `trailguard`: exists and is tagged; its policy statements are the bus-permission kind.
import type { KindSpec, ResourceBase } from './kind.js';

export interface EventBusResource extends ResourceBase {
  kind: 'event-bus';
}

export const eventBus: KindSpec<EventBusResource> = { kind: 'event-bus', tagged: true, desiredFields: () => ({}) };
