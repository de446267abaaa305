/** A Dataset's relative file:// location is made absolute once, when the Dataset is taken in, against one stated base. */
import { describe, expect, it } from 'vitest';
import { anchorLocation } from '../../src/dataset/dataset-location.ts';
import type { Dataset } from '../../src/dataset/dataset-document.ts';

const ds = (location?: string): Dataset => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'd' }, spec: { shape: 'tree', ...(location ? { location } : {}) } });

describe('anchorLocation', () => {
  it.each([
    { what: 'a relative path', location: 'file://examples/retail/data', want: 'file:///srv/strata/examples/retail/data' },
    { what: 'a ./ path', location: 'file://./data', want: 'file:///srv/strata/data' },
    { what: 'a ../ path', location: 'file://../shared/data', want: 'file:///srv/shared/data' },
    { what: 'an absolute path, as it is', location: 'file:///data/x', want: 'file:///data/x' },
    { what: 'another scheme, as it is', location: 's3://bucket/key', want: 's3://bucket/key' },
    { what: 'a stream, as it is', location: 'redis-stream://events', want: 'redis-stream://events' },
  ])('$what', ({ location, want }) => {
    expect(anchorLocation(ds(location), '/srv/strata').spec.location).toBe(want);
  });

  it('leaves a Dataset without a location, and the Dataset it was given, alone', () => {
    expect(anchorLocation(ds(), '/srv')).toEqual(ds());
    const given = ds('file://data');
    expect(anchorLocation(given, '/srv').spec.location).toBe('file:///srv/data');
    expect(given.spec.location).toBe('file://data');
  });
});
