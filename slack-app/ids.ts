// Slack ids of the app, in one place: external code and the manifest rely on them.
export const ACTION_ACK = 'trailguard_ack';
export const ACTION_RECHECK = 'trailguard_recheck';
export const COMMAND_STATUS = '/trail-status';

export const BLOCK_ACTIONS = 'trailguard_actions';
export const BLOCK_STATUS = 'trailguard_status';

/**
 * Message metadata `event_type` of every message that shows alerts; its `event_payload` is `{ alert_id }` (and
 * `alert_ids` for a digest thread reply). The poster finds its own earlier posts by it (conversations.history).
 */
export const METADATA_ALERT = 'trailguard_alert';
/** The Refresh button under a /trail-status answered from the sweep's snapshot: starts a sweep. */
export const ACTION_REFRESH = 'trailguard_refresh';
