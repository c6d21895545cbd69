// The time zones an enterprise can choose (IANA names), for the settings page: the browser's
// own list (Intl), China's first, then the others in alphabetical order. The server checks the
// name against its own time-zone database.

/** Zones offered first: where most of our enterprises are. */
export const FIRST_ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'America/New_York', 'UTC'];

/** Every zone to offer: `FIRST_ZONES`, then the rest of `all` sorted; `current` is kept in. */
export function timeZoneOptions(all: readonly string[], current?: string): string[] {
  const rest = [...new Set(all)].filter((z) => !FIRST_ZONES.includes(z)).sort();
  const out = [...FIRST_ZONES, ...rest];
  if (current && !out.includes(current)) out.push(current);
  return out;
}

/** The browser's IANA zones, or none when it cannot list them. */
export function browserZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}
