/** Injected time source: deadline logic is tested with a fixed or moving clock. */
export type Clock = { now: () => Date };

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(start: Date | string): Clock & { set: (d: Date | string) => void; advance: (ms: number) => void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (d) => {
      current = new Date(d);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

const parisDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Europe/Paris (legal dates: reception, due date), as YYYY-MM-DD. */
export function parisDay(d: Date): string {
  return parisDate.format(d);
}

/** Adds whole calendar days to a YYYY-MM-DD date (no time zone involved). */
export function addDays(day: string, days: number): string {
  const [y, m, dd] = day.split('-').map(Number);
  const t = Date.UTC(y, m - 1, dd) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Whole days from day a to day b (YYYY-MM-DD), b - a. */
export function daysBetween(a: string, b: string): number {
  const ta = Date.parse(`${a}T00:00:00Z`);
  const tb = Date.parse(`${b}T00:00:00Z`);
  return Math.round((tb - ta) / 86_400_000);
}
