// The web app's build (Vite + React). `npm run web:build` writes web/dist, which the API serves at
// `/`; `npm run web:dev` serves it with hot reload and forwards /graphql (HTTP and WebSocket) to
// the API of `npm run dev`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.ENCLAVE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 4000}`;

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every byte comes from Enclave itself: no CDN, no inline data fonts from elsewhere.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    proxy: { '/graphql': { target: api, ws: true, changeOrigin: false } },
  },
});
