// Threads of one worker process at libpq's connect work together pay contendedCpu more
// (OpenSSL 3's process-wide lock); threads of different processes do not.
import { describe, expect, it } from 'vitest';
import { ContendedConnects } from '../../src/model/contendedConnects.js';
import type { AppHost, HttpRequest } from '../../src/model/request.js';

const on = (host: AppHost) => ({ host }) as HttpRequest;

describe('contended connects', () => {
  it('charge the extra to a connect that starts beside another of its process, not to one alone or in another process', () => {
    const a = {} as AppHost;
    const b = {} as AppHost;
    const c = new ContendedConnects();
    const first = on(a);
    expect(c.start(first, 4)).toBe(0);
    expect(c.start(on(a), 4)).toBe(4);
    expect(c.start(on(b), 4)).toBe(0);
  });

  it('stop charging once the other has ended (done, or its worker killed)', () => {
    const a = {} as AppHost;
    const c = new ContendedConnects();
    const first = on(a);
    c.start(first, 4);
    c.end(first);
    expect(c.start(on(a), 4)).toBe(0);
  });
});
