// Each connection's steps to PostgreSQL in a wired system, in the figures storm_wire.py
// reads from the real packets: its SYN, the client's turns (asked, answered; the SSL
// request sent after the connected socket's), its backend's start, the startup packet,
// ready or refused, and its first two queries (psycopg2's BEGIN, answered, then the
// handler's). Times in µs of simulated time. Used by storm_wire_model.mjs and
// spread_wire_model.mjs. Node only (npm run build first).
import { Attempt } from '../dist/model/database/connectionAttempt.js';

// The client's answers go to their attempt, a record the server reuses: the hooks are the
// class's, set once, and each run points them at its own records.
let current = { answered: (_attempt) => {}, started: (_attempt) => {} };
const answered = Attempt.prototype.answered;
Attempt.prototype.answered = function (error) {
  current.answered(this);
  answered.call(this, error);
};
const backendStarted = Attempt.prototype.backendStarted;
Attempt.prototype.backendStarted = function () {
  current.started(this);
  backendStarted.call(this);
};

/** Hooks `system`'s PostgreSQL (before it runs): its connections' records, by request. */
export function recordConnects(system) {
  const pg = system.postgres;
  const now = () => system.sim.now;
  const conns = new Map();
  const rec = (attempt) => conns.get(attempt.req);
  const pmSyn = pg.postmaster.syn.bind(pg.postmaster);
  pg.postmaster.syn = (attempt) => {
    if (attempt.synCount === 0) conns.set(attempt.req, { syn: now(), turns: [] });
    pmSyn(attempt);
  };
  const turn = pg.client.turn.bind(pg.client);
  pg.client.turn = (attempt, cpu) => {
    rec(attempt)?.turns.push({ asked: now(), slotted: attempt.slotted });
    turn(attempt, cpu);
  };
  current = {
    answered(attempt) {
      const r = rec(attempt);
      if (r?.turns.length) r.turns[r.turns.length - 1].answered = now();
      // The last connected-socket turn sends the SSL request.
      if (r && r.ssl === undefined && !attempt.requestSent && attempt.turnsLeft === 0) r.ssl = now();
    },
    started(attempt) {
      const r = rec(attempt);
      if (r) r.started = now();
    },
  };
  const packet = pg.startupPacketRead.bind(pg);
  pg.startupPacketRead = (attempt) => {
    const r = rec(attempt);
    if (r) r.startup = now();
    packet(attempt);
  };
  const finish = pg.finish.bind(pg);
  pg.finish = (attempt, error) => {
    const r = rec(attempt);
    if (r) {
      if (error === undefined) r.ok = now();
      else if (/too many|reserved/.test(error)) r.refused = now();
    }
    finish(attempt, error);
  };
  // psycopg2 outside autocommit sends BEGIN before the handler's query: the first query
  // is its, answered when its done callback runs.
  const query = pg.query.bind(pg);
  pg.query = (req, cpu, wait, done, a, ...rest) => {
    const r = conns.get(req);
    if (r && r.query === undefined) {
      r.query = now();
      const answer = (x, error) => {
        r.answered = now();
        done(x, error);
      };
      query(req, cpu, wait, answer, a, ...rest);
      return;
    }
    if (r && r.query2 === undefined) r.query2 = now();
    query(req, cpu, wait, done, a, ...rest);
  };
  return conns;
}
