// A HorizontalPodAutoscaler on CPU (Kubernetes' pkg/controller/podautoscaler, and the
// algorithm its documentation states): every sync period it reads each ready pod's CPU
// use since its last look, as a fraction of the pod's CPU request, and recommends
//
//   desired = ceil(ready pods x mean utilization / target)
//
// unless the ratio is within the tolerance (10 %) of 1. Recommendations are clamped to
// [minReplicas, maxReplicas]; a scale-up adds at most max(100 % of the replicas, 4 pods)
// per look (the default scaleUp policies); a scale-down goes only as low as the highest
// recommendation within the stabilization window. A new pod gets traffic `startupTime`
// after the decision (its workers boot then); a removed pod leaves the balancer at once,
// and its workers finish what they hold and exit.
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import { type AutoscalingSettings, HPA_TOLERANCE } from '../../scenario/resolveFleet.js';
import type { Gauge } from '../../stats/timeline.js';
import type { Upstream } from './upstream.js';
import type { Instance } from './wireFleet.js';

export interface ScaleEvent {
  /** When the autoscaler decided (µs). */
  at: Time;
  from: number;
  to: number;
  /** The ready pods' mean CPU use it read, as a fraction of their request. */
  utilization: number;
}

export class Autoscaler {
  readonly events: ScaleEvent[] = [];
  /** Replicas wanted (ready or starting). */
  private replicas: number;
  /** CPU each instance had used at the last look. */
  private readonly lastCpu: number[];
  /** An instance is a running pod (starting, ready, or draining after removal: not free to reuse). */
  private readonly running: boolean[];
  /** When each pod became ready (it counts only once ready for a whole period). */
  private readonly readySince: (Time | undefined)[];
  private readonly recommendations: { at: Time; replicas: number }[] = [];
  /** Bumped per scale-up of a pod: a readiness of an earlier start, since removed, does nothing. */
  private readonly tokens: number[];

  constructor(
    private readonly sim: Simulation,
    private readonly settings: AutoscalingSettings,
    private readonly instances: readonly Instance[],
    private readonly upstreams: readonly Upstream[],
    initial: number,
    private readonly replicasGauge: Gauge,
  ) {
    this.replicas = initial;
    this.lastCpu = instances.map(() => 0);
    this.running = instances.map((_, i) => i < initial);
    this.readySince = instances.map((_, i) => (i < initial ? 0 : undefined));
    this.tokens = instances.map(() => 0);
  }

  start(): void {
    this.replicasGauge.add(this.replicas, this.sim.now);
    this.sim.schedule(this.settings.syncPeriod, look, this);
  }

  /** @internal one sync period has passed. */
  look(): void {
    const s = this.settings;
    const now = this.sim.now;
    this.sim.schedule(s.syncPeriod, look, this);
    let ready = 0;
    let used = 0;
    for (let i = 0; i < this.instances.length; i++) {
      const cpu = this.instances[i].app.cpuUsed;
      const since = this.readySince[i];
      if (since !== undefined && since <= now - s.syncPeriod) {
        ready++;
        used += cpu - this.lastCpu[i];
      }
      this.lastCpu[i] = cpu;
    }
    if (ready === 0) return;
    const utilization = used / (ready * s.syncPeriod * s.cpuRequest);
    const ratio = utilization / s.target;
    let desired = Math.abs(ratio - 1) <= HPA_TOLERANCE ? this.replicas : Math.ceil(ready * ratio);
    desired = Math.min(s.maxReplicas, Math.max(s.minReplicas, desired));
    this.recommendations.push({ at: now, replicas: desired });
    while (this.recommendations[0].at < now - s.scaleDownStabilization) this.recommendations.shift();
    if (desired > this.replicas) desired = Math.min(desired, this.replicas + Math.max(this.replicas, 4));
    else if (desired < this.replicas) desired = Math.max(desired, ...this.recommendations.map((r) => r.replicas));
    if (desired === this.replicas) return;
    this.events.push({ at: now, from: this.replicas, to: desired, utilization });
    if (desired > this.replicas) this.scaleUp(desired - this.replicas);
    else this.scaleDown(this.replicas - desired);
  }

  private scaleUp(n: number): void {
    for (let i = 0; i < this.instances.length && n > 0; i++) {
      if (this.running[i] || !(this.instances[i].arbiter.drained || this.instances[i].arbiter.workers.length === 0)) continue;
      this.running[i] = true;
      this.replicas++;
      n--;
      this.sim.schedule(this.settings.startupTime, podReady, this, { i, token: ++this.tokens[i] });
    }
  }

  /** @internal pod `i` passed its readiness probe: its workers boot, the balancer sends it requests. */
  ready(i: number, token: number): void {
    if (!this.running[i] || token !== this.tokens[i]) return;
    this.instances[i].arbiter.start();
    this.upstreams[i].ready = true;
    this.readySince[i] = this.sim.now;
    this.lastCpu[i] = this.instances[i].app.cpuUsed;
    this.replicasGauge.add(1, this.sim.now);
  }

  /** Removes the `n` highest-numbered pods, starting ones first. */
  private scaleDown(n: number): void {
    for (let i = this.instances.length - 1; i >= 0 && n > 0; i--) {
      if (!this.running[i]) continue;
      this.running[i] = false;
      this.tokens[i]++;
      this.replicas--;
      n--;
      if (this.upstreams[i].ready) {
        this.upstreams[i].ready = false;
        this.readySince[i] = undefined;
        this.instances[i].arbiter.stop();
        this.replicasGauge.add(-1, this.sim.now);
      }
    }
  }
}

function look(a: Autoscaler): void {
  a.look();
}

function podReady(a: Autoscaler, p: { i: number; token: number }): void {
  a.ready(p.i, p.token);
}
