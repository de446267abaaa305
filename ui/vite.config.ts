/**
 * The web UI's build: one page (index.html) bundled into ui/dist with hashed asset names,
 * served by the API under /ui/. JSX goes to preact through vite's own transform (no plugin).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // elkjs is one large module (about 1.5 MB, run in a worker): no point warning about it.
    chunkSizeWarningLimit: 3000,
    target: 'es2022',
  },
  worker: { format: 'es' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
