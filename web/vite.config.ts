import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The dashboard. `vite build web` writes web/dist (served by `burnrate serve` at `/`);
 * `vite web` serves it in development and proxies the admin API to a running gateway
 * (BURNRATE_URL, default http://127.0.0.1:4000).
 */
const gateway = process.env.BURNRATE_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts (bar + line, tree-shaken) is ~530 kB minified, 180 kB gzipped, in a chunk of its own.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // Libraries in their own files: they change less often than the app and stay cached.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': gateway, '/v1': gateway },
  },
});
