import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server proxies the API (and its WebSocket) to a Patchbay started on the default port.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
      '/healthz': 'http://127.0.0.1:8080',
    },
  },
  build: { outDir: 'dist', chunkSizeWarningLimit: 2000 },
});
