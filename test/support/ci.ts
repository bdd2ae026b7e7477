// Whether the tests run under CI, where a test that cannot run must fail rather than be
// skipped unseen (test/support/chromium.ts, test/support/slurm.ts).

/** CI=true (or 1, yes): set by CI services and by .ci/run's environment. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false' && v !== 'no';
}
