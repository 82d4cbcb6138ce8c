/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Go server listens on 8080 by default; in development Vite serves the app
// and forwards API and probe calls to it so cookies stay same-origin.
const backend = process.env.TREMPLIN_BACKEND ?? 'http://127.0.0.1:8080';
// The server accepts a write only from its own origin (TREMPLIN_BASE_URL, by default the backend's
// address). A write from this dev server's page carries the dev server's origin: present it as the
// site's. Only that origin is rewritten, so a write from any other page is still refused.
const siteOrigin = new URL(process.env.TREMPLIN_BASE_URL ?? backend).origin;

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': {
        target: backend,
        changeOrigin: false,
        configure: (proxy) => {
          proxy.on('proxyReq', (proxyReq, req) => {
            if (req.headers.origin && req.headers.origin === `http://${req.headers.host}`) proxyReq.setHeader('origin', siteOrigin);
          });
        },
      },
      '/healthz': backend,
      '/readyz': backend,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP forbids inline scripts and data: scripts; keep assets as files.
    assetsInlineLimit: 0,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries change less often than our code: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'router', test: /node_modules[\\/](react-router|cookie|set-cookie-parser)[\\/]/ },
            { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/ },
            { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements|use-sync-external-store)[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // Run in a zone far from Paris so a date shown without timeZone: 'Europe/Paris' fails a test.
    env: { TZ: 'Pacific/Auckland' },
    restoreMocks: true,
    unstubGlobals: true,
  },
});
