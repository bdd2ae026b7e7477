# The worker's CPU to resume a greenlet whose IO completed: SELECT 1 on one open connection,
# N times, in a gevent process with psycogreen (every wait goes through gevent's hub) and in
# plain psycopg2 (libpq blocks in the kernel); the difference per query is the resume cost
# (one wait per query: send, wait for the answer).
import os, sys, time
mode = sys.argv[1]; n = int(sys.argv[2])
if mode == 'gevent':
    from gevent import monkey; monkey.patch_all()
    import psycogreen.gevent; psycogreen.gevent.patch_psycopg()
import psycopg2
c = psycopg2.connect(host='127.0.0.1', port=int(os.environ.get('CAL_PGPORT', '54329')), dbname='postgres', user='postgres', password=os.environ.get('CAL_PGPASSWORD', 'password'))
c.autocommit = True
cur = c.cursor()
for _ in range(200): cur.execute('SELECT 1'); cur.fetchall()
t = time.process_time()
for _ in range(n): cur.execute('SELECT 1'); cur.fetchall()
print(f"{mode}: {1e6*(time.process_time()-t)/n:.1f} us per query")
