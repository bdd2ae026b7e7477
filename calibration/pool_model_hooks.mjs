// What the kit's diagnostics of SQLAlchemy's pool in the model (pool_spans_model.mjs,
// pool_churn_model.mjs, pool_churn_rows.mjs) hook into the built model: how long each
// request holds its pooled connection, a thread's take of the GIL after its IO, and a measured
// machine's scheduling as --set expressions. Diagnostics only: nothing here is the model's.
import { readFileSync } from 'node:fs';
import { App } from '../dist/model/app.js';
import { ConnectionPool } from '../dist/model/database/pool.js';

/**
 * Records each request's hold of a pooled connection, from when its request gets it (queued,
 * opened or waited for) to its checkin, on the clock `now()`; `changed(+1 | -1)` hears each
 * checkout and checkin. `held` is the list of holds (µs); `reset()` empties it for the next run.
 */
export function watchPoolHolds(now, changed = () => {}) {
  const watch = {
    held: [],
    reset() {
      watch.held = [];
      from.clear();
    },
  };
  const from = new Map();
  const checkout = ConnectionPool.prototype.checkout;
  ConnectionPool.prototype.checkout = function (req, clientCpu, done, a) {
    const got = (x, error) => {
      if (error === undefined) {
        changed(1);
        from.set(req, now());
      }
      return done(x, error);
    };
    return checkout.call(this, req, clientCpu, got, a);
  };
  const checkin = ConnectionPool.prototype.checkin;
  ConnectionPool.prototype.checkin = function (req) {
    if (from.has(req)) {
      watch.held.push(now() - from.get(req));
      from.delete(req);
      changed(-1);
    }
    return checkin.call(this, req);
  };
  return watch;
}

/**
 * A thread whose IO ended takes the GIL back before going on (CPython's
 * PyEval_RestoreThread), which the model leaves out. `glue()` says how, run by run: undefined,
 * the model as it is; 0, the take alone; more, that many µs of CPU as a piece of its own.
 */
export function takeGilOnResume(glue) {
  const resume = App.prototype.resume;
  App.prototype.resume = function (req) {
    const host = req.host;
    const g = glue();
    if (g === undefined || host === undefined || host.blockingHoldsLoop || req.hasLoop) {
      resume.call(this, req);
    } else if (g > 0) {
      this.onLoop(req, g, (app, r) => app.next(r));
    } else {
      host.loop.acquire(
        (app, r) => {
          if (r.killed) return;
          r.hasLoop = true;
          app.next(r);
        },
        this,
        req,
      );
    }
  };
}

/** The scheduling measure.sh measured in `scenarioFile`'s machine, as --set expressions. */
export function measuredScheduling(scenarioFile) {
  const m = JSON.parse(readFileSync(scenarioFile, 'utf8')).machine;
  return [
    `machine.runQueues=${m.runQueues}`,
    `machine.timeSlices=${m.timeSlices}`,
    `machine.wakeupPreemption=${m.wakeupPreemption}`,
    `machine.wakeupLatency=${JSON.stringify(m.wakeupLatency)}`,
  ];
}
