import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { requireRole, requireTenant } from '../../app/http-auth.js';
import type { ChorusClientOptions } from './chorus.client.js';
import { connectorHealth, testConnectorConnection, updateConnectorSettings, viewConnectorSettings, type SettingsInput } from './chorus.settings.js';

const settingsProperties = {
  oauthUrl: { type: 'string', maxLength: 500 },
  apiUrl: { type: 'string', maxLength: 500 },
  clientId: { type: 'string', maxLength: 200 },
  clientSecret: { type: 'string', maxLength: 500 },
  login: { type: 'string', maxLength: 200 },
  password: { type: 'string', maxLength: 500 },
  structures: {
    type: 'array',
    maxItems: 50,
    items: {
      type: 'object',
      required: ['siret'],
      additionalProperties: false,
      properties: {
        siret: { type: 'string', maxLength: 20 },
        idStructureCPP: { type: 'integer', minimum: 1 },
        serviceFilter: { type: 'array', maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 100 } },
      },
    },
  },
  passwordExpiresOn: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }, { type: 'string', maxLength: 0 }] },
} as const;

/** A tenant administrator signed in: machine keys never read or change the connector. */
function admin(req: FastifyRequest) {
  const { principal, tenantId } = requireTenant(req);
  requireRole(principal, 'tenant_admin');
  return { principal: principal as { kind: 'user'; userId: string }, tenantId };
}

/** Chorus Pro connector administration: settings (secrets write-only), connection test, health. */
export function registerChorusRoutes(
  app: FastifyInstance,
  deps: { db: Db; secretKey: Buffer | string; clock: Clock; logger?: Logger; clientOptions?: Partial<ChorusClientOptions> },
) {
  app.get('/api/admin/chorus/settings', { schema: { tags: ['chorus'], summary: 'Paramètres du connecteur Chorus Pro (les secrets ne sont jamais renvoyés)' } }, async (req) => {
    const { tenantId } = admin(req);
    return viewConnectorSettings(deps, tenantId);
  });

  app.put(
    '/api/admin/chorus/settings',
    {
      schema: {
        tags: ['chorus'],
        summary: 'Enregistrer les paramètres (un secret laissé vide garde la valeur enregistrée ; structures recherchées par SIRET)',
        body: { type: 'object', additionalProperties: false, required: ['structures'], properties: settingsProperties },
      },
    },
    async (req) => {
      const { principal, tenantId } = admin(req);
      return updateConnectorSettings(deps, tenantId, req.body as SettingsInput, { kind: 'user', userId: principal.userId });
    },
  );

  app.post(
    '/api/admin/chorus/test-connection',
    { schema: { tags: ['chorus'], summary: 'Tester la connexion (jeton PISTE, compte technique, structures) sans rien enregistrer', body: { type: 'object', additionalProperties: false, properties: settingsProperties } } },
    async (req) => {
      const { tenantId } = admin(req);
      return testConnectorConnection(deps, tenantId, (req.body ?? {}) as SettingsInput);
    },
  );

  app.get('/api/admin/chorus/health', { schema: { tags: ['chorus'], summary: 'Santé du connecteur : dernière synchronisation, dernière erreur, compteurs, expiration du mot de passe technique' } }, async (req) => {
    const { tenantId } = admin(req);
    return connectorHealth(deps, tenantId);
  });
}
