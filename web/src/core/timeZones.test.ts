import { describe, expect, test } from 'vitest';
import { FIRST_ZONES, browserZones, timeZoneOptions } from './timeZones';

describe('time zone options', () => {
  test('China first, then the rest sorted, each once', () => {
    const got = timeZoneOptions(['Europe/Berlin', 'Asia/Shanghai', 'America/Chicago', 'Europe/Berlin']);
    expect(got.slice(0, FIRST_ZONES.length)).toEqual(FIRST_ZONES);
    expect(got.slice(FIRST_ZONES.length)).toEqual(['America/Chicago', 'Europe/Berlin']);
  });

  test('a stored zone the browser does not list stays choosable', () => {
    expect(timeZoneOptions([], 'Asia/Urumqi')).toContain('Asia/Urumqi');
    expect(timeZoneOptions([], 'Asia/Shanghai').filter((z) => z === 'Asia/Shanghai')).toHaveLength(1);
  });

  test("the browser's list holds real zones", () => {
    const zones = browserZones();
    if (zones.length > 0) expect(zones).toContain('America/New_York');
  });
});
