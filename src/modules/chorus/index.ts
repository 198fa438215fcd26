/** Public API of the Chorus Pro connector (the CLI, `chorus.cli.ts`, is loaded by the entry point only). */
export type { ChorusPort } from './chorus.port.js';
export type * from './chorus.models.js';
export { encryptSecret, decryptSecret, truncateMotif } from './chorus.models.js';
export { createChorusClient, type ChorusClient, type ChorusClientOptions } from './chorus.client.js';
export { createHttpChorusPort } from './drivers/http.js';
export { createInMemoryChorusPort } from './drivers/in-memory.js';
export { syncTenant, type SyncCounts, type SyncTenantArgs } from './chorus.sync.js';
export { createChorusPushHandler, chorusPushKind } from './chorus.push.js';
export { saveConnectorSettings, loadConnectorSettings, getConnectorStatus, createTenantPortResolver } from './chorus.connectors.js';
export { startDemoChorus } from './chorus.demo.js';
export { chorusPaths } from './chorus.mapping.js';
