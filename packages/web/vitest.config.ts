import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';

// the folder of this file, so the project runs the same from the repository root or from here
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineProject({
  root,
  plugins: [react()],
  test: {
    name: 'web',
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // component tests render antd in happy-dom: a busy 2-core machine needs more than the default 5 s
    testTimeout: 20_000,
  },
});
