import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

describe('the app', () => {
  it('closes a database connection the handler left open when the request ends, as CPython does on return', () => {
    // The connection object dies with the handler's frame (refcount 0 closes it). Two
    // slots, ten requests one after another: none is refused, none left open.
    const { summary, result } = run({
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.01 }] },
      client: { requests: 10, concurrency: 1, timeout: 0 },
      database: { maxConnections: 2, superuserReservedConnections: 1, superuser: true },
    });
    expect(summary.statusCodes).toEqual({ '200': 10 });
    expect(result.database!.peakOpen).toBe(1);
    expect(result.database!.openAtEnd).toBe(0);
  });
});
