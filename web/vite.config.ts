import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The agent workspace SPA. Fastify serves web/dist; `vite web` proxies /api to a local `facteur start`. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // pdf.js is a lazily loaded chunk of its own; it is large but never on the first load.
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': process.env.FACTEUR_API ?? 'http://localhost:3000' } },
});
