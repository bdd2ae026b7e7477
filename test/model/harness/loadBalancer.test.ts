// The load balancer alone: a client on its front socket, instances that are fake acceptors
// answering after a delay (or never), checked against an event log written by hand.
import { describe, expect, it } from 'vitest';
import { ProcessCpu } from '../../../src/engine/cpu/process.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { LoadBalancer } from '../../../src/model/fleet/loadBalancer.js';
import { Upstream } from '../../../src/model/fleet/upstream.js';
import { Listener, type Acceptor } from '../../../src/model/listener.js';
import { Connection, HttpRequest } from '../../../src/model/request.js';
import type { BalancerSettings } from '../../../src/scenario/resolveFleet.js';
import { gauge, harness, loggingClient, type Harness } from './harness.js';

const SETTINGS: BalancerSettings = {
  policy: 'round-robin',
  requestCpu: 100,
  connectionCpu: 0,
  cores: 1,
  workerProcesses: 1,
  backlog: 511,
  keepaliveTimeout: 0,
  upstreamKeepalive: 0,
  maxConns: 0,
  connectTimeout: 60_000_000,
  readTimeout: 1_000_000,
  nextUpstream: true,
  tries: 2,
  maxFails: 1,
  failTimeout: 10_000_000,
};

/** An instance that takes every connection and answers `status` after `delay` µs (never, if undefined), closing it (HTTP/1.0). */
function instance(h: Harness, index: number, delay: number | undefined, status = 204): Listener {
  const listener = new Listener(h.sim, 128, [1_000_000], 'first', () => 0, gauge());
  const a: Acceptor = {
    index: 0,
    listening: false,
    takesNow: true,
    fullAfterOne: () => false,
    accept(conn: Connection) {
      h.note(`instance ${index} got ${conn.request!.id}`);
      conn.worker = {
        requestArrived() {},
        firstRequestArrived() {},
        clientClosed: () => h.note(`instance ${index} lost ${conn.request?.id ?? 'its client'}`),
      };
      if (delay !== undefined)
        h.sim.schedule(
          delay,
          () => {
            if (!conn.open) return;
            conn.open = false;
            conn.client.response(conn.request!, status);
          },
          undefined,
        );
    },
    readable() {},
    idleWake: () => true,
  };
  listener.acceptorReady(a);
  return listener;
}

function setup(h: Harness, instances: Listener[], settings: Partial<BalancerSettings> = {}) {
  const front = new Listener(h.sim, 511, [1_000_000], 'first', () => 0, gauge());
  const lb = new LoadBalancer(
    h.sim,
    { ...SETTINGS, ...settings },
    front,
    instances.map((l, i) => new Upstream(i, l)),
    new ProcessCpu(new SharedCpu(h.sim, 1), 1, 'balancer'),
    () => 0,
    new Float64Array(16),
    gauge(),
  );
  lb.start();
  const client = loggingClient(h);
  /** The client sends request `id` at `t`, on a new connection. */
  const send = (t: number, id: number) =>
    h.at(t, () => {
      const conn = new Connection(id, client);
      conn.request = new HttpRequest(id, conn, h.sim.now, new Float64Array(16), 0);
      front.syn(conn);
    });
  return { lb, send };
}

describe('the load balancer, alone', () => {
  it('sends requests round-robin after its CPU, one at a time on its one process, and passes the answers on', () => {
    const h = harness();
    const { send } = setup(h, [instance(h, 0, 1000), instance(h, 1, 1000, 500)]);
    for (const id of [1, 2, 3]) send(0, id);
    expect(h.run()).toEqual([
      '0 connected 1',
      '0 connected 2',
      '0 connected 3',
      // 100 µs of its CPU each, one after another.
      '100 instance 0 got 1',
      '200 instance 1 got 2',
      '300 instance 0 got 3',
      '1100 response 1 204',
      // An instance's 500 goes to the client as it is.
      '1200 response 2 500',
      '1300 response 3 204',
    ]);
  });

  it('sends each request to the upstream with the fewest in flight (least-connections)', () => {
    const h = harness();
    // Instance 0 answers in 5 ms, instance 1 in 1 ms.
    const { send } = setup(h, [instance(h, 0, 5000), instance(h, 1, 1000)], { policy: 'least-connections', requestCpu: 0 });
    send(0, 1);
    send(0, 2);
    send(2000, 3);
    send(3000, 4);
    expect(h.run().filter((l) => l.includes('got'))).toEqual([
      '0 instance 0 got 1',
      '0 instance 1 got 2',
      // At 2 ms: 0 has one in flight, 1 none: 1.
      '2000 instance 1 got 3',
      // At 3 ms: 0 still has one, 1 none again: 1.
      '3000 instance 1 got 4',
    ]);
  });

  it('times out a slow upstream (504 only when no other is left), leaves it out, and then answers 502 at once', () => {
    // The kit's fleet-slow run: both instances slower than proxy_read_timeout (1 s), max_fails 1.
    const h = harness();
    const { lb, send } = setup(h, [instance(h, 0, undefined), instance(h, 1, undefined)], { requestCpu: 0 });
    send(0, 1);
    send(0, 2);
    send(1_500_000, 3);
    expect(h.run()).toEqual([
      '0 connected 1',
      '0 connected 2',
      '0 instance 0 got 1',
      '0 instance 1 got 2',
      // Request 1 times out on 0, which is left out; it goes on to 1.
      '1000000 instance 0 lost 1',
      '1000000 instance 1 got 1',
      // Request 2 times out on 1, which is left out too: no live upstream to try next: 502.
      '1000000 instance 1 lost 2',
      '1000000 response 2 502',
      '1500000 connected 3',
      // Both left out for fail_timeout: no live upstreams.
      '1500000 response 3 502',
      // Request 1's second (and last) attempt times out: 504.
      '2000000 instance 1 lost 1',
      '2000000 response 1 504',
    ]);
    expect(lb.counts).toMatchObject({ gatewayTimeout: 1, badGateway: 0, noLiveUpstreams: 2, retries: 1 });
  });
});
