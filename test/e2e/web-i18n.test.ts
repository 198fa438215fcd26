import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/messages-en.js';
import { fr } from '../../web/src/messages-fr.js';

// The web app's dictionaries: English must say the same things as the French reference.
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('web dictionaries', () => {
  it('has an English text for every French key, and no English key unknown in French', () => {
    expect(Object.keys(fr).filter((k) => !(k in en))).toEqual([]);
    expect(Object.keys(en).filter((k) => !(k in fr))).toEqual([]);
  });

  it('uses the same {placeholders} in both languages', () => {
    const mismatched = Object.entries(fr)
      .filter(([k, v]) => k in en && placeholders(en[k]).join() !== placeholders(v).join())
      .map(([k]) => k);
    expect(mismatched).toEqual([]);
  });

  it('labels every invoice status and action of the lifecycle in French', async () => {
    const { statuses, actions, statusLabels, actionLabels } = await import('../../src/modules/invoices/invoices.lifecycle.js');
    for (const s of statuses) expect(fr[`status.${s}` as keyof typeof fr]).toBe(statusLabels[s]);
    for (const a of actions) expect(fr[`action.${a}` as keyof typeof fr]).toBe(actionLabels[a]);
  });

  it("labels every notification event the server sends, with the server's French wording", async () => {
    const { notificationEvents, eventLabels } = await import('../../src/modules/notifications/notifications.templates.js');
    for (const ev of notificationEvents) expect(fr[`ws.event.${ev}` as keyof typeof fr]).toBe(eventLabels[ev]);
  });
});
