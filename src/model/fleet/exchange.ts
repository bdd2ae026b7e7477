// One client request on its way through the load balancer: the attempts it made, the
// upstream request of the current one, and the token that tells an earlier attempt's
// timers they are stale.
import type { Connection, HttpRequest } from '../request.js';
import type { LoadBalancer } from './loadBalancer.js';
import type { Upstream } from './upstream.js';

export class Exchange {
  /** Attempts so far, and the upstreams they went to. */
  attempts = 0;
  readonly tried: number[] = [];
  upstream: Upstream | undefined = undefined;
  upConn: Connection | undefined = undefined;
  upReq: HttpRequest | undefined = undefined;
  /** Bumped per attempt: a timer of an earlier attempt finds it changed and does nothing. */
  token = 0;
  /** The last attempt timed out (504 if no other upstream is left). */
  timedOut = false;
  /** The current attempt's connection is established (its connect timer no longer applies). */
  connected = false;

  constructor(
    readonly lb: LoadBalancer,
    readonly req: HttpRequest,
  ) {}
}
