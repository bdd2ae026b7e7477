import { describe, expect, it } from 'vitest';
import { authOverrideWarning } from '../../src/scenario/authOverride.js';
import { parseSetExpression } from '../../src/scenario/overrides.js';

const scram = {
  database: { authMethod: 'scram-sha-256' },
  app: { steps: [{ kind: 'dbConnect', cpu: 0.0034 }, { kind: 'dbQuery', time: 1 }, { kind: 'dbClose' }] },
};
const set = (...e: string[]) => e.map(parseSetExpression);

describe('a database.authMethod switched on the command line', () => {
  it("warns when a dbConnect cpu is still the file's, naming the step and both methods", () => {
    const w = authOverrideWarning(() => scram, set('database.authMethod=md5'));
    expect(w).toContain('--set database.authMethod=md5');
    expect(w).toContain("file's scram-sha-256");
    expect(w).toContain('app.steps[0].cpu');
  });

  it("names a contendedCpu the file sets too: the threads' fight is over scram-sha-256's HMACs", () => {
    const threaded = structuredClone(scram);
    (threaded.app.steps[0] as Record<string, unknown>).contendedCpu = 0.0008;
    const w = authOverrideWarning(() => threaded, set('database.authMethod=trust', 'app.steps.0.cpu=0.0003'));
    expect(w).toContain('app.steps[0].contendedCpu');
    expect(w).not.toContain('app.steps[0].cpu ');
  });

  it('is quiet when the same --set prices the connect too', () => {
    expect(authOverrideWarning(() => scram, set('database.authMethod=md5', 'app.steps.0.cpu=0.0004'))).toBeUndefined();
  });

  it("is quiet when the file leaves the connect's cpu to the method's default", () => {
    const unpriced = { database: { authMethod: 'scram-sha-256' }, app: { steps: [{ kind: 'dbConnect' }] } };
    expect(authOverrideWarning(() => unpriced, set('database.authMethod=trust'))).toBeUndefined();
  });

  it("is quiet when the method is the file's, or left alone", () => {
    expect(authOverrideWarning(() => scram, set('database.authMethod=scram-sha-256'))).toBeUndefined();
    expect(authOverrideWarning(() => scram, set('client.concurrency=10'))).toBeUndefined();
  });

  it('takes a file without authMethod as scram-sha-256, and looks in every endpoint', () => {
    const endpoints = {
      app: { endpoints: [{ steps: [{ kind: 'dbQuery', time: 1 }] }, { steps: [{ kind: 'dbConnect', cpu: 0.003 }] }] },
    };
    const w = authOverrideWarning(() => endpoints, set('database.authMethod=md5'));
    expect(w).toContain("file's scram-sha-256");
    expect(w).toContain('app.endpoints[1].steps[0].cpu');
  });
});
