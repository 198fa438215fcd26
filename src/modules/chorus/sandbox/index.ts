/** Public API of the in-project Chorus Pro sandbox. */
export { startChorusSandbox, type ChorusSandbox, type ChorusSandboxOptions } from './sandbox.server.js';
export { createSandboxState, defaultStructure, defaultAccount, type SandboxState, type SandboxStateOptions } from './sandbox.state.js';
export { seedInvoices, makeDraft, tinyPdf, type SeedOptions } from './sandbox.seed.js';
export { buildPivotXml, readPivotDrafts } from './sandbox.pivot.js';
export { sandboxFlowSyntax } from './sandbox.supplier.js';
export { dispatchSandbox } from './sandbox.handlers.js';
export { recipientTransitions, sandboxCodes } from './sandbox.transitions.js';
export type * from './sandbox.models.js';
