/**
 * Cleanups run in reverse order of registration, once, whether the benchmark ends, fails or is
 * interrupted (Ctrl-C): servers are stopped, databases dropped and data folders removed.
 */
type Cleanup = { label: string; fn: () => Promise<void> | void };

const stack: Cleanup[] = [];
let running: Promise<void> | null = null;

export function onCleanup(label: string, fn: () => Promise<void> | void): void {
  stack.push({ label, fn });
}

export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (stack.length) {
      const c = stack.pop()!;
      try {
        await c.fn();
      } catch (err) {
        console.error(`cleanup "${c.label}" failed:`, err instanceof Error ? err.message : err);
      }
    }
  })();
  return running;
}

/** Runs a benchmark's main function with cleanups guaranteed; sets the exit code on failure. */
export async function runBench(name: string, main: () => Promise<void>): Promise<void> {
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`\n${name}: ${signal}, cleaning up…`);
    void runCleanups().finally(() => process.exit(130));
  };
  const crashed = (err: unknown) => {
    console.error(`${name} crashed:`, err instanceof Error ? (err.stack ?? err.message) : err);
    void runCleanups().finally(() => process.exit(1));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  process.on('uncaughtException', crashed);
  try {
    await main();
  } catch (err) {
    console.error(`${name} failed:`, err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  } finally {
    await runCleanups();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    process.off('uncaughtException', crashed);
  }
}
