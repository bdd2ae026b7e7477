// nginx's passive health check on one upstream: max_fails failures within fail_timeout of
// the first leave it out for fail_timeout.
import { describe, expect, it } from 'vitest';
import { Upstream } from '../../../src/model/fleet/upstream.js';
import type { Listener } from '../../../src/model/listener.js';

const upstream = () => new Upstream(0, undefined as unknown as Listener);

describe('an upstream as the balancer sees it', () => {
  it('is left out for failTimeout after maxFails failures within failTimeout of the first', () => {
    const u = upstream();
    u.failed(100, 2, 1000);
    expect(u.usable(100, 0)).toBe(true);
    u.failed(900, 2, 1000);
    expect([u.failures, u.downUntil]).toEqual([2, 1900]);
    expect(u.usable(1899, 0)).toBe(false);
    expect(u.usable(1900, 0)).toBe(true);
  });

  it('starts counting again when a failure comes more than failTimeout after the first', () => {
    const u = upstream();
    u.failed(100, 2, 1000);
    u.failed(1101, 2, 1000);
    expect(u.usable(1101, 0)).toBe(true);
    u.failed(1200, 2, 1000);
    expect(u.downUntil).toBe(2200);
  });

  it('is never left out with maxFails 0, though its failures count', () => {
    const u = upstream();
    for (const t of [1, 2, 3]) u.failed(t, 0, 1000);
    expect([u.failures, u.usable(3, 0)]).toEqual([3, true]);
  });

  it('is not usable at maxConns requests in flight (0: no limit), nor before it is ready', () => {
    const u = upstream();
    u.active = 2;
    expect([u.usable(0, 2), u.usable(0, 3), u.usable(0, 0)]).toEqual([false, true, true]);
    u.ready = false;
    expect(u.usable(0, 0)).toBe(false);
  });
});
