import { runChorusPortContract } from '../chorus.contract-suite.js';
import { createSandboxState } from '../sandbox/sandbox.state.js';
import { createInMemoryChorusPort } from './in-memory.js';

runChorusPortContract('in-memory', async () => {
  const state = createSandboxState();
  return { state, port: createInMemoryChorusPort({ state }), teardown: async () => {} };
});
