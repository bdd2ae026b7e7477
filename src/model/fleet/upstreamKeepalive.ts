// The balancer's cache of idle connections to the instances (nginx's `keepalive` in an
// upstream block, ngx_http_upstream_keepalive_module.c): a connection whose response came
// back is kept for the next request to the same instance, at most `capacity` in all; the
// least recently used one is closed beyond that.
import type { Connection } from '../request.js';
import type { Upstream } from './upstream.js';

export class UpstreamKeepalive {
  /** Kept connections, least recently used first, and the upstream of each. */
  private readonly kept: Connection[] = [];
  private readonly keptTo = new Map<Connection, Upstream>();

  constructor(private readonly capacity: number) {}

  /** The most recently kept idle connection to `u`, taken out of the cache. */
  take(u: Upstream): Connection | undefined {
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const c = this.kept[i];
      if (this.keptTo.get(c) !== u) continue;
      this.kept.splice(i, 1);
      this.keptTo.delete(c);
      return c;
    }
    return undefined;
  }

  /** Keeps `upConn` to `u`, closing the least recently used beyond the capacity. */
  keep(upConn: Connection, u: Upstream): void {
    this.kept.push(upConn);
    this.keptTo.set(upConn, u);
    if (this.kept.length > this.capacity) {
      const oldest = this.kept.shift()!;
      this.keptTo.delete(oldest);
      oldest.open = false;
      oldest.worker?.clientClosed(oldest);
    }
  }

  /** The instance closed `upConn`: out of the cache if it was there (its keep-alive ran out); false if it was not. */
  closed(upConn: Connection): boolean {
    if (!this.keptTo.has(upConn)) return false;
    this.keptTo.delete(upConn);
    this.kept.splice(this.kept.indexOf(upConn), 1);
    return true;
  }
}
