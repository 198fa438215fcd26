import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('config', () => {
  it('defaults to embedded PGlite in ./data on port 3000 with fs blobs', () => {
    const c = loadConfig({});
    expect(c.database.url).toBeUndefined();
    expect(c.server.port).toBe(3000);
    expect(c.blobs.driver).toBe('fs');
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it('each bad value is reported with the variable name', () => {
    try {
      loadConfig({ PORT: 'quatre-vingts', DATABASE_URL: 'mysql://x', BLOB_STORE: 'ftp' });
      expect.unreachable();
    } catch (e) {
      const err = e as { code: string; message: string };
      expect(err.code).toBe('config.invalid');
      expect(err.message).toContain('PORT');
      expect(err.message).toContain('DATABASE_URL');
      expect(err.message).toContain('BLOB_STORE');
    }
  });

  it('refuses a secret key that is not 32 bytes', () => {
    expect(() => loadConfig({ SECRET_KEY: 'court' })).toThrow(/SECRET_KEY/);
    expect(loadConfig({ SECRET_KEY: 'ab'.repeat(32) }).security.secretKey).toBe('ab'.repeat(32));
  });

  it('s3 storage requires its settings', () => {
    expect(() => loadConfig({ BLOB_STORE: 's3' })).toThrow(/S3_ENDPOINT/);
  });
});
