import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { composeApp, type AppServices } from '../../app/compose.js';
import { findTenantBySlug } from '../tenants/tenants.usecases.js';
import { createChorusClient } from './chorus.client.js';
import { getConnectorStatus, createTenantPortResolver, saveConnectorSettings } from './chorus.connectors.js';
import { chorusErrors } from './chorus.errors.js';
import { syncTenant } from './chorus.sync.js';

export type ChorusCliIo = { stdout: (s: string) => void; stderr: (s: string) => void };

export const chorusUsage = `Usage :
  facteur chorus configure --tenant <slug> --oauth-url <url> --api-url <url> --client-id <id>
      --client-secret-file <fichier> --login <compte technique> --password-file <fichier>
      --siret <SIRET> [--siret <SIRET>]… [--password-expires AAAA-MM-JJ]
      (les secrets ne sont jamais acceptés en argument ; la structure est recherchée sur Chorus Pro)
  facteur chorus status --tenant <slug> [--check] [--json]
  facteur chorus sync --tenant <slug> [--json]
`;

const readSecret = (file: string | undefined, what: string) => {
  if (!file) throw chorusErrors.invalidInput(what, 'fichier obligatoire');
  const v = readFileSync(file, 'utf8').trim();
  if (!v) throw chorusErrors.invalidInput(what, 'fichier vide');
  return v;
};

/** `facteur chorus …` — the entry point passes argv after "chorus"; services are built here. */
export async function runChorusCommand(argv: string[], io: ChorusCliIo, services?: AppServices): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !['configure', 'status', 'sync'].includes(sub)) {
    io.stderr(chorusUsage);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      tenant: { type: 'string' },
      'oauth-url': { type: 'string' },
      'api-url': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-file': { type: 'string' },
      login: { type: 'string' },
      'password-file': { type: 'string' },
      siret: { type: 'string', multiple: true },
      'password-expires': { type: 'string' },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (!values.tenant) {
    io.stderr(`--tenant est obligatoire\n\n${chorusUsage}`);
    return 2;
  }
  const s = services ?? (await composeApp(loadConfig()));
  try {
    const tenant = await findTenantBySlug(s.db, values.tenant);
    if (sub === 'configure') {
      const need = (k: 'oauth-url' | 'api-url' | 'client-id' | 'login') => {
        if (!values[k]) throw chorusErrors.invalidInput(k, 'obligatoire');
        return values[k]!;
      };
      const creds = {
        oauthUrl: need('oauth-url'),
        apiUrl: need('api-url'),
        clientId: need('client-id'),
        clientSecret: readSecret(values['client-secret-file'], 'client-secret-file'),
        login: need('login'),
        password: readSecret(values['password-file'], 'password-file'),
      };
      if (!values.siret?.length) throw chorusErrors.invalidInput('siret', 'au moins une structure');
      // Looking the structures up proves the credentials work before anything is stored.
      const client = createChorusClient({ ...creds, logger: s.logger });
      const structures = [];
      for (const siret of values.siret) {
        const found = await client.findStructureBySiret(siret);
        if (!found) throw chorusErrors.invalidInput('siret', `structure ${siret} introuvable sur Chorus Pro`);
        structures.push({ siret, idStructureCPP: found.idStructureCPP });
      }
      await saveConnectorSettings({ db: s.db, secretKey: s.secretKey, clock: s.clock }, tenant.id, { ...creds, structures, passwordExpiresOn: values['password-expires'] }, { kind: 'system', component: 'cli' });
      io.stdout(`Connecteur Chorus Pro enregistré pour ${tenant.slug} : ${structures.map((x) => `${x.siret} → ${x.idStructureCPP}`).join(', ')}`);
      return 0;
    }
    if (sub === 'status') {
      const st = await getConnectorStatus({ db: s.db, clock: s.clock }, tenant.id);
      let check: string | null = null;
      if (values.check && st.configured) {
        const port = await createTenantPortResolver({ db: s.db, secretKey: s.secretKey, logger: s.logger })(tenant.id);
        check = `connexion OK (${(await port.testConnection()).latencyMs} ms)`;
      }
      if (values.json) io.stdout(JSON.stringify({ ...st, check }, null, 2));
      else {
        io.stdout(st.configured ? `Chorus Pro : configuré (${st.structures.map((x) => x.siret).join(', ')})` : 'Chorus Pro : non configuré');
        io.stdout(`Dernière synchronisation : ${st.lastSyncAt ?? 'jamais'}${st.lastError ? ` — ${st.lastError}` : ''}`);
        if (st.passwordExpiresInDays !== null) {
          io.stdout(st.passwordExpiresInDays < 0 ? `Mot de passe du compte technique EXPIRÉ depuis le ${st.passwordExpiresOn}` : `Mot de passe du compte technique : expire le ${st.passwordExpiresOn} (dans ${st.passwordExpiresInDays} j)`);
        }
        if (st.pushErrors) io.stdout(`${st.pushErrors} facture(s) dont le dernier statut a été refusé par Chorus Pro`);
        if (st.importErrors) io.stdout(`${st.importErrors} facture(s) en erreur d’import (reprises à chaque synchronisation)`);
        if (check) io.stdout(check);
      }
      return 0;
    }
    const port = await createTenantPortResolver({ db: s.db, secretKey: s.secretKey, logger: s.logger })(tenant.id);
    let last = 0;
    const counts = await syncTenant({
      db: s.db,
      port,
      blobs: s.blobs,
      tenantId: tenant.id,
      clock: s.clock,
      logger: s.logger,
      onProgress: (c) => {
        if (c.seen - last >= 100) {
          last = c.seen;
          io.stderr(`… ${c.seen} factures examinées, ${c.created} nouvelles`);
        }
      },
    });
    if (values.json) io.stdout(JSON.stringify(counts));
    else io.stdout(`Synchronisation : ${counts.seen} examinées, ${counts.created} nouvelles, ${counts.statusChanges} changements de statut, ${counts.importErrors} en erreur d’import, ${counts.failed} en échec`);
    return counts.failed ? 1 : 0;
  } finally {
    if (!services) await s.close();
  }
}
