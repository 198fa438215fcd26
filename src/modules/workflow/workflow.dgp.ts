import { addDays, daysBetween, parisDay } from '../../shared/clock.js';
import { D, toAmount, type Amount } from '../../shared/money.js';

/**
 * The délai global de paiement (DGP) as pure functions over one invoice's clock state.
 * Legal days are Europe/Paris calendar days (CCP R.2192-12 ff.); every input instant is turned
 * into a Paris day before any arithmetic, so DST changes never shift a deadline.
 */

export type EcbRate = { from: string; ratePercent: string };

export type DgpSettings = {
  dgpDays: number;
  /** Share of the comptable public (décret 2013-269 art. 12): 10 days of 30, 15 of 50. */
  comptableDays: number;
  /** ECB main refinancing rate per half-year (1 January / 1 July), as data. */
  ecbRates: EcbRate[];
  /** Alerts J−n before the ordonnateur's deadline, plus one on overrun. */
  alertDaysBefore: number[];
};

export const LATE_PAYMENT_POINTS = '8';
export const RECOVERY_INDEMNITY = '40.00';
/** R.2192-29: a new period after completion is 30 days, or the balance left if it exceeds 30. */
export const MIN_NEW_PERIOD_DAYS = 30;

export function dgpSettingsFrom(raw: Record<string, unknown> | null | undefined): DgpSettings {
  const r = raw ?? {};
  const dgpDays = positiveInt(r.dgpDays) ?? 30;
  const defaultComptable = dgpDays >= 50 ? 15 : dgpDays >= 30 ? 10 : 0;
  const comptableDays = nonNegativeInt(r.comptableDays) ?? defaultComptable;
  const ecbRates = Array.isArray(r.ecbRates)
    ? (r.ecbRates as Array<Record<string, unknown>>)
        .filter((e) => typeof e?.from === 'string' && typeof e?.ratePercent === 'string')
        .map((e) => ({ from: e.from as string, ratePercent: e.ratePercent as string }))
    : [];
  const alertDaysBefore = Array.isArray(r.alertDaysBefore) ? (r.alertDaysBefore as unknown[]).map(nonNegativeInt).filter((n): n is number => n !== null) : [10, 5];
  return { dgpDays, comptableDays: Math.min(comptableDays, dgpDays), ecbRates, alertDaysBefore };
}

function positiveInt(v: unknown): number | null {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 && n <= 365 ? n : null;
}
function nonNegativeInt(v: unknown): number | null {
  const n = Number(v);
  return v !== undefined && v !== null && Number.isInteger(n) && n >= 0 && n <= 365 ? n : null;
}

export type DgpState = {
  dgpDays: number;
  comptableDays: number;
  periodStartedAt: Date | null;
  periodDays: number;
  dueOn: string | null;
  interruptedAt: Date | null;
  balanceDays: number | null;
  completedAt: Date | null;
  mandatedOn: string | null;
  paidOn: string | null;
};

export function startPeriod(settings: Pick<DgpSettings, 'dgpDays' | 'comptableDays'>, startedAt: Date | null): DgpState {
  return {
    dgpDays: settings.dgpDays,
    comptableDays: settings.comptableDays,
    periodStartedAt: startedAt,
    periodDays: settings.dgpDays,
    dueOn: startedAt ? addDays(parisDay(startedAt), settings.dgpDays) : null,
    interruptedAt: null,
    balanceDays: null,
    completedAt: null,
    mandatedOn: null,
    paidOn: null,
  };
}

/** R.2192-27: the clock stops; the balance left at the notification date is kept for the new period. */
export function interrupt(state: DgpState, at: Date): DgpState {
  const balance = state.dueOn ? Math.max(0, daysBetween(parisDay(at), state.dueOn)) : state.dgpDays;
  return { ...state, interruptedAt: at, balanceDays: balance };
}

/** R.2192-29: from the reception of all documents, max(30, balance) days. */
export function complete(state: DgpState, at: Date): DgpState {
  const periodDays = Math.max(MIN_NEW_PERIOD_DAYS, state.balanceDays ?? state.dgpDays);
  return { ...state, completedAt: at, periodStartedAt: at, periodDays, dueOn: addDays(parisDay(at), periodDays) };
}

export function ordonnateurDueOn(state: DgpState): string | null {
  return state.dueOn ? addDays(state.dueOn, -state.comptableDays) : null;
}

export type DgpPhase = 'not_started' | 'running' | 'suspended' | 'mandated' | 'paid' | 'stopped';

export type DgpView = {
  phase: DgpPhase;
  dueOn: string | null;
  ordonnateurDueOn: string | null;
  /** Days from today to the due date (negative when overdue); frozen at the balance while suspended. */
  daysLeft: number | null;
  ordonnateurDaysLeft: number | null;
  overdue: boolean;
  daysLate: number;
};

const stoppedStatuses = new Set(['rejected']);

export function viewDgp(state: DgpState, invoiceStatus: string, now: Date): DgpView {
  const today = parisDay(now);
  const ordo = ordonnateurDueOn(state);
  if (stoppedStatuses.has(invoiceStatus)) return { phase: 'stopped', dueOn: state.dueOn, ordonnateurDueOn: ordo, daysLeft: null, ordonnateurDaysLeft: null, overdue: false, daysLate: 0 };
  if (!state.dueOn) return { phase: 'not_started', dueOn: null, ordonnateurDueOn: null, daysLeft: null, ordonnateurDaysLeft: null, overdue: false, daysLate: 0 };
  if (invoiceStatus === 'suspended') {
    return { phase: 'suspended', dueOn: state.dueOn, ordonnateurDueOn: ordo, daysLeft: state.balanceDays, ordonnateurDaysLeft: null, overdue: false, daysLate: 0 };
  }
  const end = state.paidOn ?? today;
  const daysLeft = daysBetween(end, state.dueOn);
  const phase: DgpPhase = state.paidOn ? 'paid' : state.mandatedOn || ['mandated', 'accountant', 'accounted'].includes(invoiceStatus) ? 'mandated' : 'running';
  return {
    phase,
    dueOn: state.dueOn,
    ordonnateurDueOn: ordo,
    daysLeft,
    ordonnateurDaysLeft: phase === 'running' && ordo ? daysBetween(today, ordo) : null,
    overdue: daysLeft < 0,
    daysLate: Math.max(0, -daysLeft),
  };
}

/** The ECB rate in force on the first day of the half-year in which interest started to run (R.2192-31). */
export function ecbRateFor(rates: EcbRate[], interestStartDay: string): string | null {
  const [y, m] = interestStartDay.split('-').map(Number);
  const halfYearStart = `${y}-${m <= 6 ? '01' : '07'}-01`;
  const applicable = rates.filter((r) => r.from <= halfYearStart).sort((a, b) => (a.from < b.from ? 1 : -1));
  return applicable[0]?.ratePercent ?? null;
}

export type LatePaymentEstimate = {
  daysLate: number;
  ratePercent: string | null;
  interest: Amount | null;
  indemnity: Amount;
  total: Amount | null;
};

/**
 * Estimated intérêts moratoires (principal TTC × (ECB + 8 points) × days / 365) and the €40
 * indemnity. An estimate: the texts leave the base and end date to practice (see domain notes).
 */
export function estimateLatePayment({ principal, dueOn, endDay, ecbRates }: { principal: Amount | null; dueOn: string; endDay: string; ecbRates: EcbRate[] }): LatePaymentEstimate | null {
  const daysLate = daysBetween(dueOn, endDay);
  if (daysLate <= 0) return null;
  const ecb = ecbRateFor(ecbRates, addDays(dueOn, 1));
  const ratePercent = ecb === null ? null : new D(ecb).plus(LATE_PAYMENT_POINTS).toFixed();
  const interest = ratePercent === null || principal === null ? null : toAmount(new D(principal).times(ratePercent).div(100).times(daysLate).div(365));
  return { daysLate, ratePercent, interest, indemnity: RECOVERY_INDEMNITY, total: interest === null ? null : toAmount(new D(interest).plus(RECOVERY_INDEMNITY)) };
}
