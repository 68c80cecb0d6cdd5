// Store keys shared by the SQLite and DynamoDB stores, in a module of their own so the Lambda bundle never pulls SQLite in.
import { alertTarget, type Alert } from '#core/alert.js';

/** Tampering with the same account, region and trail (or rule, or role) shares this key: `<account>/<region>/<name>`. */
export const trailKey = (alert: Alert) => `${alert.account}/${alert.region}/${alertTarget(alert).name}`;
