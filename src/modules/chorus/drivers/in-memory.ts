import { chorusErrors } from '../chorus.errors.js';
import { checkCodeRetour, type Json } from '../chorus.mapping.js';
import { createChorusOperations } from '../chorus.operations.js';
import type { ChorusPort } from '../chorus.port.js';
import { dispatchSandbox } from '../sandbox/sandbox.handlers.js';
import type { SandboxState } from '../sandbox/sandbox.state.js';

/**
 * In-process port over the sandbox state: no HTTP, no token. Bodies go through a JSON round trip
 * so the driver sees exactly what the HTTP driver would (numbers, nulls, no Buffers).
 */
export function createInMemoryChorusPort({ state, login }: { state: SandboxState; login?: string }): ChorusPort {
  const account = login ? state.accounts.get(login) : [...state.accounts.values()][0];
  if (!account) throw chorusErrors.authFailed('unknown technical account');
  return createChorusOperations(async (path, body = {}) => {
    const reply = dispatchSandbox(state, path, JSON.parse(JSON.stringify(body)) as Json, account);
    if (reply.status === 413) throw chorusErrors.payloadTooLarge();
    if (reply.status === 404) throw chorusErrors.unexpectedResponse(path, 'HTTP 404');
    const json = JSON.parse(JSON.stringify(reply.body)) as Json;
    const { empty } = checkCodeRetour(path, json);
    return { body: json, empty };
  });
}
