import { describe, expect, it } from 'vitest';
import { managementFullyRecorded, normalizeSelectors, restoreManagementEvents, type Selectors } from '#core/event-selectors.js';
import { loadFixture } from '../support/fixtures.js';

const basic = (...eventSelectors: Selectors['eventSelectors']): Selectors => ({ eventSelectors, advancedEventSelectors: [] });
const s3Data = { Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::bucket/'] };

describe('managementFullyRecorded', () => {
  it('accepts the default selector and a read + write pair', () => {
    expect(managementFullyRecorded(basic({ ReadWriteType: 'All', IncludeManagementEvents: true }))).toBe(true);
    expect(
      managementFullyRecorded(
        basic({ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }, { ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }),
      ),
    ).toBe(true);
  });

  it('refuses the fixture: read-only and management events off', () => {
    expect(managementFullyRecorded(normalizeSelectors(loadFixture('put-event-selectors').detail.requestParameters))).toBe(false);
  });

  it('refuses write-only, excluded sources and no selectors', () => {
    expect(managementFullyRecorded(basic({ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }))).toBe(false);
    expect(
      managementFullyRecorded(
        basic({ ReadWriteType: 'All', IncludeManagementEvents: true, ExcludeManagementEventSources: ['kms.amazonaws.com'] }),
      ),
    ).toBe(false);
    expect(managementFullyRecorded(basic())).toBe(false);
  });

  it('reads advanced selectors: category Management with no narrowing field', () => {
    const full: Selectors = {
      eventSelectors: [],
      advancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
    };
    const readOnly: Selectors = {
      eventSelectors: [],
      advancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['true'] },
          ],
        },
      ],
    };
    const noKms: Selectors = {
      eventSelectors: [],
      advancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] },
          ],
        },
      ],
    };

    expect(managementFullyRecorded(full)).toBe(true);
    expect(managementFullyRecorded(readOnly)).toBe(false);
    expect(managementFullyRecorded(noKms)).toBe(false);
  });
});

describe('restoreManagementEvents', () => {
  it('keeps data-event selectors as they were and records all management events', () => {
    const current = basic({
      ReadWriteType: 'ReadOnly',
      IncludeManagementEvents: true,
      DataResources: [s3Data],
      ExcludeManagementEventSources: [],
    });

    const restored = restoreManagementEvents(current);

    expect(managementFullyRecorded(restored)).toBe(true);
    expect(restored.eventSelectors).toEqual([
      { ReadWriteType: 'ReadOnly', IncludeManagementEvents: false, DataResources: [s3Data], ExcludeManagementEventSources: [] },
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ]);
  });

  it('widens the first selector when five data selectors leave no room', () => {
    const five = basic(
      ...Array.from({ length: 5 }, () => ({
        ReadWriteType: 'WriteOnly' as const,
        IncludeManagementEvents: false,
        DataResources: [s3Data],
      })),
    );

    const restored = restoreManagementEvents(five);

    expect(restored.eventSelectors).toHaveLength(5);
    expect(managementFullyRecorded(restored)).toBe(true);
    expect(restored.eventSelectors.every((s) => s.DataResources?.length === 1)).toBe(true);
  });

  it('replaces narrowed advanced management selectors and keeps data ones', () => {
    const data = {
      Name: 'S3 data',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
      ],
    };
    const current: Selectors = {
      eventSelectors: [],
      advancedEventSelectors: [
        data,
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['true'] },
          ],
        },
      ],
    };

    const restored = restoreManagementEvents(current);

    expect(managementFullyRecorded(restored)).toBe(true);
    expect(restored.advancedEventSelectors[0]).toEqual(data);
    expect(restored.advancedEventSelectors).toHaveLength(2);
  });
});
