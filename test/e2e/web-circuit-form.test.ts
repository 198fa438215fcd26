import { describe, expect, it } from 'vitest';
import type { Circuit } from '../../web/src/pages/admin/admin-api.js';
import { formOf, inputOf } from '../../web/src/pages/admin/circuit-form.js';

// Unit tests of the circuit editor's form conversion (Node); the administration e2e drives the screen.
describe('circuit editor form', () => {
  it('turns what an administrator types into the API definition: French amounts, lists, assignees', () => {
    const f = formOf(null);
    const input = inputOf({
      ...f,
      name: '  Voirie  ',
      priority: '10',
      serviceIds: ['svc_voirie'],
      minTtc: '5 000,00',
      maxTtc: '',
      sirets: '412 378 945, 38912045600041;',
      cadres: 'A1, A9',
      steps: [
        { ...f.steps[0], label: ' Visa du service ' },
        { ...f.steps[0], kind: 'signature', assigneeKind: 'user', userId: 'user_1' },
        { ...f.steps[0], assigneeKind: 'role', role: 'service_agent', serviceId: '' },
        { ...f.steps[0], assigneeKind: 'service', serviceId: 'svc_fin' },
      ],
    });
    expect(input).toEqual({
      name: 'Voirie',
      priority: 10,
      active: true,
      conditions: { serviceIds: ['svc_voirie'], minTtc: '5000.00', supplierSirets: ['412378945', '38912045600041'], cadres: ['A1', 'A9'] },
      steps: [
        { kind: 'visa', label: 'Visa du service', assignee: { kind: 'service' } },
        { kind: 'signature', assignee: { kind: 'user', userId: 'user_1' } },
        { kind: 'visa', assignee: { kind: 'role', role: 'service_agent', serviceId: null } },
        { kind: 'visa', assignee: { kind: 'service', serviceId: 'svc_fin' } },
      ],
    });
  });

  it('sends an unreadable amount as typed, so that the server names the field', () => {
    expect(inputOf({ ...formOf(null), name: 'X', minTtc: 'mille' }).conditions.minTtc).toBe('mille');
  });

  it('reads a stored circuit back into the form and out again unchanged', () => {
    const c: Circuit = {
      id: 'circuit_1',
      name: 'Écoles',
      priority: 30,
      active: false,
      conditions: { serviceIds: ['svc_ecoles'], minTtc: '100.00', maxTtc: '5000.00', supplierSirets: ['38912045600041'], sources: ['chorus'], cadres: ['A1'] },
      steps: [
        { kind: 'visa', label: 'Visa', assignee: { kind: 'service' } },
        { kind: 'signature', label: 'Signature', assignee: { kind: 'role', role: 'finance_agent', serviceId: 'svc_fin' } },
        { kind: 'visa', label: 'Contrôle', assignee: { kind: 'user', userId: 'user_2' } },
      ],
    };
    const { id: _id, ...definition } = c;
    expect(inputOf(formOf(c))).toEqual(definition);
  });
});
