import { describe, expect, it } from 'vitest';
import { complete, dgpSettingsFrom, ecbRateFor, estimateLatePayment, interrupt, ordonnateurDueOn, startPeriod, viewDgp } from './workflow.dgp.js';

const commune = { dgpDays: 30, comptableDays: 10 };
const hospital = { dgpDays: 50, comptableDays: 15 };
// Noon in Paris (UTC+2 in May).
const at = (day: string, hhmm = '10:00') => new Date(`${day}T${hhmm}:00Z`);

describe('DGP clock (worked examples of the domain notes)', () => {
  it('commune, 30 days: suspension keeps 22 days, completion opens a new 30-day period', () => {
    let s = startPeriod(commune, at('2024-05-02'));
    expect(s.dueOn).toBe('2024-06-01');
    expect(ordonnateurDueOn(s)).toBe('2024-05-22');
    s = interrupt(s, at('2024-05-10'));
    expect(s.balanceDays).toBe(22);
    expect(s.dueOn).toBe('2024-06-01');
    s = complete(s, at('2024-05-20'));
    expect(s.periodDays).toBe(30);
    expect(s.dueOn).toBe('2024-06-19');
    expect(ordonnateurDueOn(s)).toBe('2024-06-09');
  });

  it('hospital, 50 days: the balance (42 days) exceeds 30 and is kept for the new period', () => {
    let s = startPeriod(hospital, at('2024-05-02'));
    expect(s.dueOn).toBe('2024-06-21');
    expect(ordonnateurDueOn(s)).toBe('2024-06-06');
    s = complete(interrupt(s, at('2024-05-10')), at('2024-05-20'));
    expect(s.balanceDays).toBe(42);
    expect(s.dueOn).toBe('2024-07-01');
  });

  it('the clock is frozen while suspended: days left stay at the balance whatever the date', () => {
    const s = interrupt(startPeriod(commune, at('2024-05-02')), at('2024-05-10'));
    expect(viewDgp(s, 'suspended', at('2024-05-11')).daysLeft).toBe(22);
    expect(viewDgp(s, 'suspended', at('2024-07-30')).daysLeft).toBe(22);
    expect(viewDgp(s, 'suspended', at('2024-07-30')).overdue).toBe(false);
  });
});

describe('DGP around daylight-saving changes (Europe/Paris days)', () => {
  it('a reception at 00:30 Paris on the spring-forward day counts from that day, not the UTC day before', () => {
    // 2026-03-28T23:30Z = 2026-03-29 00:30 CET (clocks go to CEST at 02:00 that night).
    const s = startPeriod(commune, new Date('2026-03-28T23:30:00Z'));
    expect(s.dueOn).toBe('2026-04-28');
    // 2026-03-29T22:30Z = 2026-03-30 00:30 CEST: one Paris day after reception.
    expect(viewDgp(s, 'received', new Date('2026-03-29T22:30:00Z')).daysLeft).toBe(29);
    expect(viewDgp(s, 'received', new Date('2026-03-29T21:30:00Z')).daysLeft).toBe(30);
  });

  it('autumn fall-back: 22:30Z is the next Paris day before the change, the same day after it', () => {
    // 2026-10-24T22:30Z = 25 Oct 00:30 CEST; 2026-10-25T22:30Z = 25 Oct 23:30 CET.
    const before = startPeriod(commune, new Date('2026-10-24T22:30:00Z'));
    const after = startPeriod(commune, new Date('2026-10-25T22:30:00Z'));
    expect(before.dueOn).toBe('2026-11-24');
    expect(after.dueOn).toBe('2026-11-24');
  });

  it('suspension and completion across the DST change keep whole Paris days', () => {
    let s = startPeriod(hospital, new Date('2026-03-10T09:00:00Z'));
    expect(s.dueOn).toBe('2026-04-29');
    s = interrupt(s, new Date('2026-03-28T23:30:00Z')); // 29 March, Paris
    expect(s.balanceDays).toBe(31);
    s = complete(s, new Date('2026-04-01T21:59:00Z')); // 1 April 23:59 CEST
    expect(s.periodDays).toBe(31);
    expect(s.dueOn).toBe('2026-05-02');
  });
});

describe('late-payment estimate (ECB + 8 points, €40)', () => {
  const rates = [
    { from: '2024-01-01', ratePercent: '4.50' },
    { from: '2024-07-01', ratePercent: '4.25' },
  ];
  it('uses the rate in force on the first day of the half-year in which interest starts', () => {
    expect(ecbRateFor(rates, '2024-06-30')).toBe('4.50');
    expect(ecbRateFor(rates, '2024-07-01')).toBe('4.25');
    expect(ecbRateFor(rates, '2023-12-31')).toBeNull();
  });
  it('computes interest in exact decimals: 1200 × 12.5 % × 10 / 365', () => {
    const e = estimateLatePayment({ principal: '1200.00', dueOn: '2024-06-01', endDay: '2024-06-11', ecbRates: rates })!;
    expect(e.daysLate).toBe(10);
    expect(e.ratePercent).toBe('12.5');
    // 1200 * 0.125 * 10 / 365 = 4.1095… → 4.11
    expect(e.interest).toBe('4.11');
    expect(e.indemnity).toBe('40.00');
    expect(e.total).toBe('44.11');
  });
  it('is nothing when paid on the due date, and says so when no ECB rate is configured', () => {
    expect(estimateLatePayment({ principal: '1200.00', dueOn: '2024-06-01', endDay: '2024-06-01', ecbRates: rates })).toBeNull();
    const e = estimateLatePayment({ principal: '1200.00', dueOn: '2024-06-01', endDay: '2024-06-03', ecbRates: [] })!;
    expect(e.ratePercent).toBeNull();
    expect(e.interest).toBeNull();
    expect(e.indemnity).toBe('40.00');
  });
  it('keeps cents exact where floats would drift', () => {
    const e = estimateLatePayment({ principal: '0.10', dueOn: '2024-01-01', endDay: '2025-01-01', ecbRates: [{ from: '2024-01-01', ratePercent: '0.20' }] })!;
    // 0.10 × 8.2 % × 366 / 365 = 0.00822… → 0.01
    expect(e.interest).toBe('0.01');
  });
});

describe('settings', () => {
  it('defaults to 30 days with a 20 + 10 split, 50 days with 35 + 15', () => {
    expect(dgpSettingsFrom({})).toMatchObject({ dgpDays: 30, comptableDays: 10, alertDaysBefore: [10, 5] });
    expect(dgpSettingsFrom({ dgpDays: 50 })).toMatchObject({ dgpDays: 50, comptableDays: 15 });
    expect(dgpSettingsFrom({ dgpDays: 30, comptableDays: 5 }).comptableDays).toBe(5);
  });
  it('ignores garbage', () => {
    expect(dgpSettingsFrom({ dgpDays: 'x', comptableDays: -3, alertDaysBefore: ['a', 3] })).toMatchObject({ dgpDays: 30, comptableDays: 10, alertDaysBefore: [3] });
  });
});
