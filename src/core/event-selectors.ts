// Whether a trail still records every management event, and the selectors that make it do so again.
import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector } from '@aws-sdk/client-cloudtrail';

export interface Selectors {
  eventSelectors: EventSelector[];
  advancedEventSelectors: AdvancedEventSelector[];
}

type Loose = Record<string, unknown>;
const pick = (o: Loose, key: string): unknown => o[key] ?? o[key.charAt(0).toLowerCase() + key.slice(1)];
const list = (value: unknown): Loose[] => (Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Loose[]) : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Reads selectors from an SDK response (PascalCase) or a CloudTrail record's requestParameters (camelCase). */
export function normalizeSelectors(source: Loose): Selectors {
  return {
    eventSelectors: list(pick(source, 'EventSelectors')).map((s) => ({
      ReadWriteType: (pick(s, 'ReadWriteType') as EventSelector['ReadWriteType']) ?? 'All',
      IncludeManagementEvents: pick(s, 'IncludeManagementEvents') !== false,
      DataResources: list(pick(s, 'DataResources')).map((d) => ({ Type: pick(d, 'Type') as string, Values: strings(pick(d, 'Values')) })),
      ExcludeManagementEventSources: strings(pick(s, 'ExcludeManagementEventSources')),
    })),
    advancedEventSelectors: list(pick(source, 'AdvancedEventSelectors')).map((s) => ({
      ...(typeof pick(s, 'Name') === 'string' ? { Name: pick(s, 'Name') as string } : {}),
      FieldSelectors: list(pick(s, 'FieldSelectors')).map((f) => {
        const field: AdvancedFieldSelector = { Field: String(pick(f, 'Field')) };
        for (const op of ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const) {
          const values = strings(pick(f, op));
          if (values.length > 0) field[op] = values;
        }
        return field;
      }),
    })),
  };
}

function isManagementAdvanced(selector: AdvancedEventSelector): boolean {
  return (selector.FieldSelectors ?? []).some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'));
}

/** Read and write management events, from every source: what TrailGuard requires of a trail. */
export function managementFullyRecorded(selectors: Selectors): boolean {
  let read = false;
  let write = false;
  if (selectors.advancedEventSelectors.length > 0) {
    for (const s of selectors.advancedEventSelectors) {
      if (!isManagementAdvanced(s)) continue;
      const fields = s.FieldSelectors ?? [];
      if (fields.some((f) => f.Field !== 'eventCategory' && f.Field !== 'readOnly')) continue;
      const readOnly = fields.find((f) => f.Field === 'readOnly');
      if (!readOnly) {
        read = write = true;
      } else {
        const values = readOnly.Equals ?? [];
        if (values.includes('true')) read = true;
        if (values.includes('false')) write = true;
      }
    }
    return read && write;
  }
  for (const s of selectors.eventSelectors) {
    if (s.IncludeManagementEvents === false || (s.ExcludeManagementEventSources ?? []).length > 0) continue;
    const type = s.ReadWriteType ?? 'All';
    if (type === 'All' || type === 'ReadOnly') read = true;
    if (type === 'All' || type === 'WriteOnly') write = true;
  }
  return read && write;
}

export const MANAGEMENT_SELECTOR_NAME = 'All management events (TrailGuard)';
const MAX_BASIC_SELECTORS = 5;

/**
 * Selectors that record every management event again while keeping each data-event
 * selector as it was: management recording moves to one selector of its own.
 */
export function restoreManagementEvents(current: Selectors): Selectors {
  if (current.advancedEventSelectors.length > 0) {
    return {
      eventSelectors: [],
      advancedEventSelectors: [
        ...current.advancedEventSelectors.filter((s) => !isManagementAdvanced(s)),
        { Name: MANAGEMENT_SELECTOR_NAME, FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ],
    };
  }
  const management: EventSelector = {
    ReadWriteType: 'All',
    IncludeManagementEvents: true,
    DataResources: [],
    ExcludeManagementEventSources: [],
  };
  const dataOnly = current.eventSelectors
    .filter((s) => (s.DataResources ?? []).length > 0)
    .map((s) => ({ ...s, IncludeManagementEvents: false, ExcludeManagementEventSources: [] }));
  if (dataOnly.length + 1 <= MAX_BASIC_SELECTORS) return { eventSelectors: [...dataOnly, management], advancedEventSelectors: [] };
  // No room for a selector of its own: widen the first one (records more, never less).
  const [first, ...rest] = dataOnly;
  return { eventSelectors: [{ ...first, ...management, DataResources: first?.DataResources ?? [] }, ...rest], advancedEventSelectors: [] };
}

/** One line for an alert: what a PutEventSelectors call set. */
export function describeSelectors(selectors: Selectors): string {
  if (selectors.advancedEventSelectors.length > 0) {
    return `advanced selectors: ${selectors.advancedEventSelectors.map((s) => s.Name ?? (s.FieldSelectors ?? []).map((f) => f.Field).join('+')).join(', ')}`;
  }
  if (selectors.eventSelectors.length === 0) return 'no event selectors';
  return selectors.eventSelectors
    .map((s) => {
      const mgmt = s.IncludeManagementEvents === false ? 'management events off' : `management ${s.ReadWriteType ?? 'All'}`;
      const excluded = (s.ExcludeManagementEventSources ?? []).length ? `, excluding ${s.ExcludeManagementEventSources?.join(', ')}` : '';
      const data = (s.DataResources ?? []).length ? `, ${s.DataResources?.length} data resource type(s)` : '';
      return `${mgmt}${excluded}${data}`;
    })
    .join('; ');
}
