// The balancer's idle connections to the instances: the most recent to an upstream is
// reused, the least recently used closed beyond the capacity.
import { describe, expect, it } from 'vitest';
import { Upstream } from '../../../src/model/fleet/upstream.js';
import { UpstreamKeepalive } from '../../../src/model/fleet/upstreamKeepalive.js';
import type { Listener } from '../../../src/model/listener.js';
import { Connection, type ClientSide } from '../../../src/model/request.js';

const listener = undefined as unknown as Listener;
const [a, b] = [new Upstream(0, listener), new Upstream(1, listener)];

/** A connection whose instance logs the close it hears of. */
function connection(id: number, closed: number[]): Connection {
  const c = new Connection(id, undefined as unknown as ClientSide);
  c.worker = { requestArrived() {}, firstRequestArrived() {}, clientClosed: (conn) => closed.push(conn.id) };
  return c;
}

describe("the balancer's upstream keepalive cache", () => {
  it('gives back the most recently kept connection to that upstream, and only once', () => {
    const cache = new UpstreamKeepalive(4);
    const [c1, c2, c3] = [1, 2, 3].map((id) => connection(id, []));
    cache.keep(c1, a);
    cache.keep(c2, b);
    cache.keep(c3, a);
    expect(cache.take(a)).toBe(c3);
    expect(cache.take(a)).toBe(c1);
    expect(cache.take(a)).toBeUndefined();
    expect(cache.take(b)).toBe(c2);
  });

  it('closes the least recently used beyond its capacity, and tells its instance', () => {
    const closed: number[] = [];
    const cache = new UpstreamKeepalive(2);
    const [c1, c2, c3] = [1, 2, 3].map((id) => connection(id, closed));
    cache.keep(c1, a);
    cache.keep(c2, b);
    cache.keep(c3, b);
    expect(closed).toEqual([1]);
    expect(c1.open).toBe(false);
    expect(cache.take(a)).toBeUndefined();
  });

  it('forgets a kept connection its instance closed, and says whether it had it', () => {
    const cache = new UpstreamKeepalive(2);
    const [c1, c2] = [1, 2].map((id) => connection(id, []));
    cache.keep(c1, a);
    expect(cache.closed(c2)).toBe(false);
    expect(cache.closed(c1)).toBe(true);
    expect(cache.take(a)).toBeUndefined();
  });
});
