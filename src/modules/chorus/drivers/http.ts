import { createChorusClient, type ChorusClient, type ChorusClientOptions } from '../chorus.client.js';

/** The real Chorus Pro port over HTTP (PISTE production, qualification, or the local sandbox). */
export function createHttpChorusPort(opts: ChorusClientOptions): ChorusClient {
  return createChorusClient(opts);
}
