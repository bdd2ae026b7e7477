// A reverse proxy in front of the instances, as nginx's proxy module behaves with its
// defaults (ngx_http_upstream.c, ngx_http_upstream_round_robin.c; MODEL.md's sources):
//
// - Clients connect to its own listening socket (its accept queue: `backlog`); it takes
//   every connection at once (an event loop), keeps a client's connection alive for
//   `keepaliveTimeout` between requests.
// - Each request costs it CPU on its host (`requestCpu`, plus `connectionCpu` for the
//   first request on a new client connection), then goes to an upstream chosen by its
//   policy (balancingPolicy.ts) on a new connection (HTTP/1.0, closed by the instance after
//   the response), or on an idle one it kept (`upstreamKeepalive`: upstreamKeepalive.ts).
// - It waits `connectTimeout` for the instance to accept (a full listen queue drops SYNs:
//   the retransmissions wait 1 s, 3 s...) and `readTimeout` for the response.
// - An attempt that fails (the connect times out or is refused, the instance closes or
//   resets the connection, the read times out) counts against the upstream: after
//   `maxFails` failures it is left out for `failTimeout` (upstream.ts). The request goes to the next
//   upstream not yet tried (proxy_next_upstream error timeout), up to `tries` attempts.
//   After the last attempt: 504 if it timed out, else 502; when no upstream is left to
//   use, before or after a failed attempt ("no live upstreams"), 502.
// - An instance's own response, 500s included, is passed on as it is.
//
// To the client it is the server (ServerSide, and the front listener's Acceptor); to the
// instances it is the client (ClientSide). The client's request waits in UPSTREAM_PHASE
// while upstream requests, each an HttpRequest of its own, account for that time in the
// ordinary phases.
import type { ProcessCpu } from '../../engine/cpu/process.js';
import type { Lane } from '../../engine/lane.js';
import type { Uniform } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { BalancerSettings } from '../../scenario/resolveFleet.js';
import type { Gauge } from '../../stats/timeline.js';
import type { Acceptor, Listener } from '../listener.js';
import {
  BALANCER_PHASE,
  Connection,
  HttpRequest,
  Phase,
  UPSTREAM_PHASE,
  type ClientSide,
  type PhaseLedger,
  type ServerSide,
} from '../request.js';
import { Picker } from './balancingPolicy.js';
import { Exchange } from './exchange.js';
import type { Upstream } from './upstream.js';
import { UpstreamKeepalive } from './upstreamKeepalive.js';

/** What the balancer answered itself, by reason. */
export interface BalancerCounts {
  /** 502: no upstream could be used at all. */
  noLiveUpstreams: number;
  /** 502 after a refused, reset or closed attempt with no other upstream left. */
  badGateway: number;
  /** 504 after a timed-out attempt with no other upstream left. */
  gatewayTimeout: number;
  /** Attempts beyond the first (proxy_next_upstream). */
  retries: number;
  /** New connections to the upstreams, and requests sent on a kept one. */
  upstreamConnects: number;
  upstreamReuses: number;
}

export class LoadBalancer implements Acceptor, ServerSide, ClientSide {
  readonly index = 0;
  listening = false;
  readonly takesNow = true;
  readonly counts: BalancerCounts = {
    noLiveUpstreams: 0,
    badGateway: 0,
    gatewayTimeout: 0,
    retries: 0,
    upstreamConnects: 0,
    upstreamReuses: 0,
  };
  /** Requests it received, and client connections it holds. */
  requests = 0;
  private openConns = 0;
  peakConnections = 0;
  private readonly idleClients = new Set<Connection>();
  /** The request in progress on each client connection (its `source` is the client's own). */
  private readonly inProgress = new Map<Connection, Exchange>();
  /** Idle upstream connections kept for the next request. */
  private readonly kept: UpstreamKeepalive;
  private readonly picker: Picker;
  private readonly clientKeepalive: Lane;
  private readonly connectTimers: Lane;
  private readonly readTimers: Lane;
  private ids = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly settings: BalancerSettings,
    /** Its own listening socket, which clients connect to. */
    readonly front: Listener,
    readonly upstreams: readonly Upstream[],
    /** nginx's worker processes on its host. */
    readonly process: ProcessCpu,
    uniform: Uniform,
    /** Where upstream requests account for their time (the run's ledger). */
    private readonly ledger: PhaseLedger,
    private readonly keepaliveGauge: Gauge,
  ) {
    this.picker = new Picker(settings.policy, uniform);
    this.kept = new UpstreamKeepalive(settings.upstreamKeepalive);
    this.clientKeepalive = sim.lane(settings.keepaliveTimeout);
    this.connectTimers = sim.lane(settings.connectTimeout);
    this.readTimers = sim.lane(settings.readTimeout);
  }

  start(): void {
    this.front.acceptorReady(this);
  }

  // ---- The client's side: Acceptor and ServerSide ------------------------------------

  accept(conn: Connection): void {
    if (++this.openConns > this.peakConnections) this.peakConnections = this.openConns;
    conn.worker = this;
    if (conn.pending) this.arrived(conn);
    else if (conn.request !== undefined) conn.awaitingRequest = true;
    else this.park(conn);
  }

  /** It never fills: its connections are limited by the upstreams, not by room of its own. */
  fullAfterOne(): boolean {
    return false;
  }

  readable(): void {}

  idleWake(_empty: boolean): boolean {
    return true;
  }

  firstRequestArrived(conn: Connection): void {
    conn.awaitingRequest = false;
    this.arrived(conn);
  }

  requestArrived(conn: Connection): void {
    if (!this.idleClients.delete(conn)) throw new Error('load balancer: request on a connection it is not reading');
    conn.idleOnServer = false;
    conn.keepaliveToken++;
    this.keepaliveGauge.add(-1, this.sim.now);
    this.arrived(conn);
  }

  clientClosed(conn: Connection): void {
    conn.open = false;
    if (conn.awaitingRequest) {
      conn.awaitingRequest = false;
      this.openConns--;
      return;
    }
    if (this.idleClients.delete(conn)) {
      conn.idleOnServer = false;
      conn.keepaliveToken++;
      this.keepaliveGauge.add(-1, this.sim.now);
      this.openConns--;
      return;
    }
    // A request in progress: nginx sees the client gone and closes the upstream connection
    // (proxy_ignore_client_abort off); `respond` finds the client gone and drops it.
    const ex = this.inProgress.get(conn);
    this.inProgress.delete(conn);
    if (ex !== undefined && ex.upConn !== undefined) this.abandonAttempt(ex);
    this.openConns--;
  }

  private arrived(conn: Connection): void {
    const req = conn.request!;
    conn.pending = false;
    this.requests++;
    const ex = new Exchange(this, req);
    this.inProgress.set(conn, ex);
    req.enter(BALANCER_PHASE, this.sim.now);
    const cpu = this.settings.requestCpu + (conn.handled++ === 0 ? this.settings.connectionCpu : 0);
    this.process.run(cpu, cpuDone, ex);
  }

  /** @internal its CPU for the request is done: on to an upstream. */
  forward(ex: Exchange): void {
    const req = ex.req;
    if (req.abandoned || !req.conn.open) return;
    const now = this.sim.now;
    const usable = this.upstreams.filter((u) => u.usable(now, this.settings.maxConns) && !ex.tried.includes(u.index));
    if (usable.length === 0) {
      // ngx_http_upstream_next with NGX_HTTP_UPSTREAM_FT_NOLIVE: 502, whatever failed before.
      this.counts.noLiveUpstreams++;
      this.respond(ex, 502);
      return;
    }
    const u = this.upstreams[this.picker.pick(usable).index];
    const kept = this.kept.take(u);
    if (ex.attempts++ > 0) this.counts.retries++;
    ex.tried.push(u.index);
    ex.upstream = u;
    ex.timedOut = false;
    ex.connected = kept !== undefined;
    u.attempts++;
    if (++u.active > u.peakActive) u.peakActive = u.active;
    req.enter(UPSTREAM_PHASE, now);
    const token = ++ex.token;
    const upConn = kept ?? new Connection(++this.ids, this);
    // It carries its client request's id: the same request, one hop further.
    const upReq = new HttpRequest(req.id, upConn, now, this.ledger, kept !== undefined ? Phase.thread : Phase.connect);
    upReq.keepAlive = this.settings.upstreamKeepalive > 0;
    upConn.request = upReq;
    upConn.source = ex;
    ex.upConn = upConn;
    ex.upReq = upReq;
    if (kept !== undefined) {
      this.counts.upstreamReuses++;
      this.readTimers.schedule(readTimedOut, ex, token);
      upConn.pending = true;
      upConn.worker!.requestArrived(upConn);
    } else {
      this.counts.upstreamConnects++;
      // A refused connect fails at once (the RST of a loopback or LAN round trip): "connect() failed (111: Connection refused)".
      if (u.refuses) this.connectFailed(upConn, 'connection refused');
      else {
        this.connectTimers.schedule(connectTimedOut, ex, token);
        u.listener.syn(upConn);
      }
    }
  }

  // ---- The instances' side: ClientSide ----------------------------------------------

  connected(upConn: Connection): void {
    const ex = this.exchangeOf(upConn);
    if (ex === undefined) return;
    const upReq = ex.upReq!;
    upReq.enter(Phase.backlog, this.sim.now);
    // Its request goes out with the handshake; the read timer starts (the connect timer
    // finds the token unchanged but the connection established, and does nothing).
    upConn.pending = true;
    ex.connected = true;
    this.readTimers.schedule(readTimedOut, ex, ex.token);
  }

  connectFailed(upConn: Connection, _error: string): void {
    upConn.open = false;
    const ex = this.exchangeOf(upConn);
    if (ex !== undefined) this.attemptFailed(ex, false);
  }

  response(upReq: HttpRequest, status: number): void {
    const upConn = upReq.conn;
    const ex = this.exchangeOf(upConn);
    if (ex === undefined) return;
    upReq.settle(this.sim.now);
    const u = ex.upstream!;
    u.active--;
    u.responses++;
    ex.upConn = ex.upReq = undefined;
    ex.token++;
    upConn.source = undefined;
    upConn.request = undefined;
    if (upConn.open && this.settings.upstreamKeepalive > 0) this.kept.keep(upConn, u);
    this.respond(ex, status);
  }

  /** An instance finished a request the balancer had given up on (timed out, or its client left): nothing to pass on. */
  lateResponse(_upReq: HttpRequest): void {}

  serverClosed(upConn: Connection): void {
    // An idle kept connection the instance closed (its keep-alive ran out).
    if (this.kept.closed(upConn)) return;
    const ex = this.exchangeOf(upConn);
    // Closed with the request in it and no response: "upstream prematurely closed connection".
    if (ex !== undefined) this.attemptFailed(ex, false);
  }

  // ---- Timers ---------------------------------------------------------------------------

  /** @internal proxy_connect_timeout ran out for attempt `token` of `ex`. */
  connectTimeout(ex: Exchange, token: number): void {
    if (token !== ex.token || ex.upConn === undefined || ex.connected) return;
    ex.upConn.open = false; // its SYN retransmissions stop
    this.attemptFailed(ex, true);
  }

  /** @internal proxy_read_timeout ran out for attempt `token` of `ex`. */
  readTimeout(ex: Exchange, token: number): void {
    if (token !== ex.token || ex.upConn === undefined) return;
    const upConn = ex.upConn;
    upConn.open = false;
    // The instance's worker finds its client gone (its handler runs on; the response goes nowhere).
    if (upConn.worker !== undefined) upConn.worker.clientClosed(upConn);
    this.attemptFailed(ex, true);
  }

  // ---- Outcomes -------------------------------------------------------------------------

  private exchangeOf(upConn: Connection): Exchange | undefined {
    const ex = upConn.source;
    return ex instanceof Exchange && ex.upConn === upConn ? ex : undefined;
  }

  /** The current attempt failed: the upstream's failure counts, then the next upstream or an error. */
  private attemptFailed(ex: Exchange, timedOut: boolean): void {
    const u = ex.upstream!;
    const now = this.sim.now;
    ex.upReq!.settle(now);
    ex.upConn!.source = undefined;
    ex.upConn = ex.upReq = undefined;
    ex.token++;
    ex.timedOut = timedOut;
    u.active--;
    const s = this.settings;
    u.failed(now, s.maxFails, s.failTimeout);
    if (ex.req.abandoned || !ex.req.conn.open) return;
    if (ex.attempts < s.tries) this.forward(ex);
    else this.giveUp(ex);
  }

  private giveUp(ex: Exchange): void {
    if (ex.timedOut) this.counts.gatewayTimeout++;
    else this.counts.badGateway++;
    this.respond(ex, ex.timedOut ? 504 : 502);
  }

  /** The client went away mid-request: the upstream connection is closed. */
  private abandonAttempt(ex: Exchange): void {
    const upConn = ex.upConn!;
    ex.upReq!.settle(this.sim.now);
    ex.upstream!.active--;
    ex.upConn = ex.upReq = undefined;
    ex.token++;
    upConn.source = undefined;
    upConn.open = false;
    if (upConn.worker !== undefined) upConn.worker.clientClosed(upConn);
  }

  /** Answers the client: `status`, then keeps its connection alive or closes it. */
  private respond(ex: Exchange, status: number): void {
    const req = ex.req;
    const conn = req.conn;
    this.inProgress.delete(conn);
    if (req.abandoned || !conn.open) return;
    if (this.settings.keepaliveTimeout > 0 && req.keepAlive) {
      this.park(conn);
      conn.client.response(req, status);
    } else {
      conn.open = false;
      this.openConns--;
      conn.client.response(req, status);
    }
  }

  private park(conn: Connection): void {
    conn.idleOnServer = true;
    this.idleClients.add(conn);
    this.keepaliveGauge.add(1, this.sim.now);
    this.clientKeepalive.schedule(clientIdleExpired, conn, conn.keepaliveToken);
  }

  /** @internal keepalive_timeout ran out on an idle client connection. */
  clientExpired(conn: Connection, token: number): void {
    if (token !== conn.keepaliveToken || !this.idleClients.delete(conn)) return;
    conn.idleOnServer = false;
    conn.open = false;
    this.keepaliveGauge.add(-1, this.sim.now);
    this.openConns--;
    conn.client.serverClosed(conn);
  }
}

function cpuDone(ex: Exchange): void {
  ex.lb.forward(ex);
}

function connectTimedOut(ex: Exchange, token: number): void {
  ex.lb.connectTimeout(ex, token);
}

function readTimedOut(ex: Exchange, token: number): void {
  ex.lb.readTimeout(ex, token);
}

function clientIdleExpired(conn: Connection, token: number): void {
  (conn.worker as LoadBalancer).clientExpired(conn, token);
}
