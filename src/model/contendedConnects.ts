// Threads of one worker process doing libpq's connect work at the same moment (gthread; a
// `def` handler's threadpool): psycopg2 runs PQconnectdb with the GIL released, and OpenSSL
// 3 takes a process-wide lock in each HMAC_Init_ex of the scram proof, so the threads'
// cores fight over it. A thread's connect work costs app.steps.N.contendedCpu more when it
// starts while another thread of its process is at it (calibration/connect_threads.sh).
import type { AppHost, HttpRequest } from './request.js';

export class ContendedConnects {
  /** Per worker process: the requests whose connect work runs on a thread now (running or waiting for a core). */
  private readonly busy = new Map<AppHost, Set<HttpRequest>>();

  /** `req`'s connect work starts on a thread: the extra CPU it pays (0 when no other thread of its process is at it). */
  start(req: HttpRequest, extra: number): number {
    const host = req.host!;
    let others = this.busy.get(host);
    if (others === undefined) {
      others = new Set();
      this.busy.set(host, others);
    }
    const paid = others.size > 0 ? extra : 0;
    others.add(req);
    return paid;
  }

  /** `req`'s connect work is done, or its worker was killed. */
  end(req: HttpRequest): void {
    if (this.busy.size > 0) this.busy.get(req.host!)?.delete(req);
  }
}
