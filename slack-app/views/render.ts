// Renders the message of a stored incident: its alert, or the storm digest it heads.
import type { Services } from '../services.js';
import type { Incident } from '../store/types.js';
import { alertMessage } from './alert.js';
import { digestMessage } from './digest.js';

export async function renderIncident(incident: Incident, services: Pick<Services, 'store' | 'nameOf'>) {
  if (incident.digest) {
    const family = await services.store.family(incident.id);
    return digestMessage(
      incident,
      family.map((i) => i.alert),
      services.nameOf,
    );
  }
  return alertMessage(incident, { accountName: services.nameOf(incident.alert.account) });
}
