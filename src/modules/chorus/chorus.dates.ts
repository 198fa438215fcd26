/**
 * Chorus timestamps: ISO-8601 with or without offset, or `YYYY-MM-DD HH:MM[:SS]`. The note says
 * offset-less values are Europe/Paris local time, so we convert them to UTC instants here.
 */
const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Offset of Europe/Paris from UTC at the given instant, in minutes (60 or 120). */
function parisOffsetMinutes(utcMs: number): number {
  const p: Record<string, number> = {};
  for (const part of parisParts.formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** Converts a wall-clock time in Paris to the UTC instant (ms). */
export function parisLocalToUtcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  let guess = naive - parisOffsetMinutes(naive) * 60_000;
  // A second pass settles instants next to a DST change.
  guess = naive - parisOffsetMinutes(guess) * 60_000;
  return guess;
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const offsetPattern = /(Z|[+-]\d{2}:?\d{2})$/;

/** Parses a Chorus date-time into an ISO UTC string; null if unreadable. */
export function parseChorusDateTime(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const v = value.trim();
  if (offsetPattern.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  const m = localPattern.exec(v);
  if (!m) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const t = parisLocalToUtcMs(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Formats an instant as Paris wall-clock `YYYY-MM-DDTHH:MM:SS` (what Chorus windows expect). */
export function formatParisLocal(d: Date): string {
  const p: Record<string, string> = {};
  for (const part of parisParts.formatToParts(d)) if (part.type !== 'literal') p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** Reads a window bound (date or date-time, Paris) as UTC ms; `end` makes a bare date inclusive. */
export function parseWindowBound(value: string, end: boolean): number | null {
  const m = localPattern.exec(value.trim());
  if (!m) {
    const iso = parseChorusDateTime(value);
    return iso ? Date.parse(iso) : null;
  }
  if (m[4] === undefined) {
    return end
      ? parisLocalToUtcMs(+m[1], +m[2], +m[3], 23, 59, 59, 999)
      : parisLocalToUtcMs(+m[1], +m[2], +m[3]);
  }
  const iso = parseChorusDateTime(value);
  if (!iso) return null;
  // "…T23:59:59" is inclusive of that whole second.
  return end && m[6] !== undefined && m[7] === undefined ? Date.parse(iso) + 999 : Date.parse(iso);
}
