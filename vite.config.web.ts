import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web page: sources in src/web, built into dist/web, which the Fastify server serves at /. */
export default defineConfig({
  root: 'src/web',
  base: '/',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true, sourcemap: true },
  // `npm run dev:web` proxies the API to a server started with PORT=3333.
  server: { port: 5173, proxy: { '/api': 'http://localhost:3333' } },
  logLevel: 'warn',
});
