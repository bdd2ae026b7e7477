# What part of a connect's client CPU comes before the first wait: psycopg2.connect(async_=1)
# returns right after libpq's PQconnectStart (conninfo, socket, connect()); the poll loop does
# the rest (SSL request, startup, authentication, ReadyForQuery).
import os, psycopg2, select, time, sys
n = int(sys.argv[1])
start = rest = 0.0
for _ in range(n):
    t0 = time.process_time()
    c = psycopg2.connect(host='127.0.0.1', port=int(os.environ.get('CAL_PGPORT', '54329')), dbname='postgres', user='postgres', password=os.environ.get('CAL_PGPASSWORD', 'password'), async_=1)
    t1 = time.process_time()
    while True:
        s = c.poll()
        if s == psycopg2.extensions.POLL_OK: break
        if s == psycopg2.extensions.POLL_READ: select.select([c.fileno()], [], [])
        else: select.select([], [c.fileno()], [])
    t2 = time.process_time()
    c.close()
    start += t1 - t0; rest += t2 - t1
print(f"start {1e3*start/n:.3f} ms, rest {1e3*rest/n:.3f} ms per connect (n {n})")
