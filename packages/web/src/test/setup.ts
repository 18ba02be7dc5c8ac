import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// findBy…/waitFor give up after this long. Testing Library's 1 s was not enough on a 2-core CI machine
// running the suite's files in parallel: a lazily loaded page could take longer to appear (a ceiling,
// not a timing check — a passing test waits only as long as the page takes).
configure({ asyncUtilTimeout: 5_000 });

const realFetch = globalThis.fetch;

// vitest runs without globals, so Testing Library cannot register its own cleanup
afterEach(() => {
  cleanup();
  localStorage.clear();
  globalThis.fetch = realFetch;
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// antd reads these; happy-dom provides matchMedia but not always with listeners wired
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
