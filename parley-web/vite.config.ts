import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Output goes straight into the Maven module's classes so the jar carries static/**.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'target/classes/static',
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
