#!/usr/bin/env python3
"""Reads a storm's packets (storm_wire.sh's tcpdump capture) into each connection's steps.

  storm_wire.py events PCAP APP_PORT PG_PORT HANDLERS   one CSV row per step, ms after hey's first SYN
  storm_wire.py summary DIR                            counts over time and the waits between steps
  storm_wire.py workers DIR                            the waits by worker and by 100 ms window
  storm_wire.py tail DIR                               one wave's connects: where the last responses waited

A PostgreSQL connection's steps, as libpq (fe-connect.c) and the backend (postmaster.c,
auth-scram.c) send them: the client's SYN; its SSLRequest; the server's 'N'; the startup
packet; the server's first answer, AuthenticationSASL (the backend took its slot in
InitProcess) or an ErrorResponse (refused); SASLInitialResponse (client-first);
AuthenticationSASLContinue (server-first); SASLResponse (client-final: the client's proof
is computed); AuthenticationSASLFinal (authenticated, with AuthenticationOk and
ReadyForQuery behind it); the first query; Terminate. With md5 the one challenge,
AuthenticationMD5Password, counts as both the slot's first answer and the server-first, and
the one PasswordMessage as both client-first and proof. An HTTP connection's: the SYN, each
request and its response's status. The handlers' own log lines (start and end) come in
as rows too.
"""
import bisect
import os
import statistics
import struct
import sys

SSL_REQUEST = 80877103


def packets(path):
    """(time, src port, dst port, SYN?, payload bytes) of each TCP/IPv4 packet."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xA1B2C3D4, 0xA1B23C4D) else '>'
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    link = struct.unpack(endian + 'I', data[20:24])[0]
    skip = {1: 14, 113: 16, 276: 20, 0: 4}[link]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(endian + 'IIII', data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = pkt[skip:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        tcp = ip[ihl:]
        sport, dport = struct.unpack('>HH', tcp[:4])
        thl = (tcp[12] >> 4) * 4
        flags = tcp[13]
        length = total - ihl - thl
        t = sec + frac / (1e9 if nano else 1e6)
        yield t, sport, dport, bool(flags & 2) and not flags & 16, tcp[thl:], length


def events(pcap, app, pg, handlers):
    app, pg = int(app), int(pg)
    conns = {}  # (server port, client port) -> steps
    order = []
    t0 = None
    for t, sport, dport, syn, payload, length in packets(pcap):
        if dport in (app, pg):
            key, toserver = (dport, sport), True
        elif sport in (app, pg):
            key, toserver = (sport, dport), False
        else:
            continue
        if syn and toserver:
            if t0 is None and key[0] == app:
                t0 = t
            # A port reused by a later connection starts a new record.
            c = {'server': key[0], 'syn': t, 'steps': [], 'cn': 0, 'sn': 0}
            conns[key] = c
            order.append(c)
            continue
        c = conns.get(key)
        if c is None or length <= 0:
            continue
        c['steps'].append((t, toserver, payload, length))
    if t0 is None:
        sys.exit('no SYN to the app port in ' + pcap)
    ms = lambda t: f'{(t - t0) * 1000:.3f}'
    print('kind,port,syn,a,b,c,d,e,f,g,h,i,j,k,l,m,n')
    for c in order:
        if c['server'] == app:
            # One row per request: when it was written, when its response began, its status.
            req = None
            for t, toserver, payload, _ in c['steps']:
                if toserver and payload[:4] in (b'GET ', b'POST', b'HEAD'):
                    req = t
                elif not toserver and payload.startswith(b'HTTP/') and req is not None:
                    print(f'http,,{ms(c["syn"])},{ms(req)},{ms(t)},{payload[9:12].decode()}')
                    req = None
            if req is not None:
                print(f'http,,{ms(c["syn"])},{ms(req)},,')
            continue
        row = {k: '' for k in ('ssl', 'n', 'startup', 'authreq', 'refused', 'cfirst', 'sfirst', 'cfinal', 'ok', 'query', 'term', 'answered', 'query2', 'result2')}
        md5 = False
        for t, toserver, payload, length in c['steps']:
            if toserver:
                if length == 8 and len(payload) >= 8 and struct.unpack('>II', payload[:8])[1] == SSL_REQUEST:
                    row['ssl'] = ms(t)
                elif len(payload) >= 8 and payload[4:8] == b'\x00\x03\x00\x00' and not row['startup']:
                    row['startup'] = ms(t)
                elif payload[:1] == b'p' and md5:
                    # md5's one PasswordMessage is both its first and its last answer.
                    row['cfirst'] = row['cfinal'] = ms(t)
                elif payload[:1] == b'p':
                    row['cfirst' if not row['cfirst'] else 'cfinal'] = ms(t)
                elif payload[:1] == b'Q' and not row['query']:
                    row['query'] = ms(t)
                elif payload[:1] == b'Q' and not row['query2']:
                    # psycopg2 outside autocommit: the first query is its BEGIN, the handler's follows.
                    row['query2'] = ms(t)
                elif payload[:1] == b'X':
                    row['term'] = ms(t)
            else:
                kind = payload[:1]
                if row['query'] and not row['answered'] and not row['query2'] and kind in (b'C', b'T', b'Z'):
                    row['answered'] = ms(t)
                elif row['query2'] and not row['result2'] and kind in (b'C', b'T', b'Z', b'E'):
                    row['result2'] = ms(t)
                elif kind == b'N' and not row['n']:
                    row['n'] = ms(t)
                elif kind == b'E' and not row['authreq']:
                    row['refused'] = ms(t)
                elif kind == b'R' and len(payload) >= 9:
                    code = struct.unpack('>I', payload[5:9])[0]
                    if code == 5 and not row['authreq']:
                        # AuthenticationMD5Password: the slot taken, and the only challenge.
                        md5 = True
                        row['authreq'] = row['sfirst'] = ms(t)
                    key = {10: 'authreq', 11: 'sfirst', 12: 'ok', 0: 'ok'}.get(code)
                    if key and not row[key]:
                        row[key] = ms(t)
        print('pg,,' + ms(c['syn']) + ',' + ','.join(row.values()))
    with open(handlers) as f:
        for line in f:
            parts = dict(p.split('=') for p in line.split()[2:] if '=' in p)
            print(f'handler,{parts.get("pid", "")},,{ms(float(parts["start"]))},{ms(float(parts["end"]))},{line.split()[0]}')


PG_STEPS = ('syn', 'ssl', 'n', 'startup', 'authreq', 'refused', 'cfirst', 'sfirst', 'cfinal', 'ok', 'query', 'term', 'answered', 'query2', 'result2')


def load(path):
    http, pg, handlers = [], [], []
    with open(path) as f:
        next(f)
        for line in f:
            cells = line.rstrip('\n').split(',')
            num = lambda s: float(s) if s else None
            if cells[0] == 'http':
                http.append({'syn': num(cells[2]), 'req': num(cells[3]), 'resp': num(cells[4]), 'status': cells[5]})
            elif cells[0] == 'pg':
                # Older captures have no first answer nor second query: None.
                pg.append(dict(zip(PG_STEPS, [num(x) for x in cells[2:17]] + [None] * (17 - len(cells)))))
            else:
                handlers.append({'pid': cells[1], 'start': num(cells[3]), 'end': num(cells[4]), 'failed': cells[5] == 'failed'})
    return http, pg, handlers


def summary(directory):
    at = (100, 200, 300, 500, 1000)
    print('Counts by ' + '/'.join(f'{t / 1000:g}' for t in at) + ' s after hey\'s first SYN (tcpdump on lo; handlers: their log lines).')
    print('Waits: median ms over the connections to PostgreSQL whose SYN came in the first second.')
    names = sorted(n for n in os.listdir(directory) if n.endswith('.events.csv'))
    for name in names:
        http, pg, handlers = load(os.path.join(directory, name))
        by = lambda xs: '/'.join(str(sum(1 for x in xs if x is not None and x <= t)) for t in at)
        firsts = {}
        for h in http:
            firsts.setdefault(h['syn'], h['req'])
        print(f'{name[:-len(".events.csv")]}:')
        print(f'  hey: dials {by([h["syn"] for h in http if h["syn"] in firsts and firsts[h["syn"]] == h["req"]])}, '
              f'first requests written {by(firsts.values())}; handlers started {by([h["start"] for h in handlers])}')
        print(f'  libpq: SYNs {by([c["syn"] for c in pg])}, startup packets {by([c["startup"] for c in pg])}, proofs sent {by([c["cfinal"] for c in pg])}')
        print(f'  PostgreSQL: slots taken {by([c["authreq"] for c in pg])}, refused {by([c["refused"] for c in pg])}, authenticated {by([c["ok"] for c in pg])}')
        wave = [c for c in pg if c['syn'] <= 1000]
        pairs = (('syn', 'ssl', 'connect to SSLRequest (worker)'), ('ssl', 'n', "SSLRequest to 'N' (postmaster, backend)"),
                 ('n', 'startup', "'N' to startup packet (worker)"), ('startup', 'authreq', 'startup to slot (backend)'),
                 ('authreq', 'cfirst', 'slot to client-first (worker)'), ('cfirst', 'sfirst', 'client-first to server-first (backend)'),
                 ('sfirst', 'cfinal', 'server-first to proof (worker)'), ('cfinal', 'ok', 'proof to authenticated (backend)'),
                 ('ok', 'query', 'authenticated to query (worker)'))
        waits = []
        for a, b, label in pairs:
            d = [c[b] - c[a] for c in wave if c[a] is not None and c[b] is not None]
            if d:
                waits.append(f'{label} {statistics.median(d):.1f}')
        print('  waits: ' + '; '.join(waits))
        # The slots over time: taken (AuthenticationSASL) and not yet terminated.
        held = []
        for t in at:
            held.append(sum(1 for c in pg if c['authreq'] is not None and c['authreq'] <= t and (c['term'] is None or c['term'] > t)))
        pre = [sum(1 for c in pg if c['syn'] <= t and (c['startup'] is None or c['startup'] > t) and (c['refused'] is None or c['refused'] > t)) for t in at]
        print(f'  at those times: slots held {"/".join(map(str, held))}, connections before their startup packet {"/".join(map(str, pre))}')
        pids = sorted({h['pid'] for h in handlers if h['pid']})
        if pids:
            # Each worker's handlers (the app's log lines name their process): when each started its share.
            per = [by([h['start'] for h in handlers if h['pid'] == p]) for p in pids]
            print(f'  handlers started by worker: {"; ".join(per)}')


def workers(directory):
    # Each connection to PostgreSQL belongs to the handler that started just before its SYN
    # (the handler connects first thing; the actors app's log lines name their process).
    print("Median ms (count) of each wait, by worker and by when it began (100 ms windows); a connection's")
    print("worker is the handler whose start came last before its SYN (within 20 ms).")
    kinds = (('syn', 'ssl', 'connected'), ('n', 'startup', "'N'"), ('authreq', 'cfirst', 'SASL'), ('sfirst', 'cfinal', 'proof'))
    for name in sorted(n for n in os.listdir(directory) if n.endswith('.events.csv')):
        _, pg, handlers = load(os.path.join(directory, name))
        starts = sorted((h['start'], h['pid']) for h in handlers if h['start'] is not None and h['pid'])
        if not starts:
            continue
        times = [t for t, _ in starts]
        used = [False] * len(starts)
        for c in sorted(pg, key=lambda c: c['syn']):
            i = bisect.bisect_right(times, c['syn']) - 1
            while i >= 0 and used[i]:
                i -= 1
            if i >= 0 and c['syn'] - times[i] < 20:
                used[i] = True
                c['pid'] = starts[i][1]
        pids = sorted({c['pid'] for c in pg if 'pid' in c})
        print(f"{name[:-len('.events.csv')]}: {sum(1 for c in pg if 'pid' in c)} of {len(pg)} connections matched")
        for lo in range(100, 800, 100):
            row = []
            for p in pids:
                cells = []
                for a, b, label in kinds:
                    d = [c[b] - c[a] for c in pg if c.get('pid') == p and c[a] is not None and c[b] is not None and lo <= c[a] < lo + 100]
                    cells.append(f"{label} {statistics.median(d):.0f} ({len(d)})" if d else f"{label} -")
                row.append(', '.join(cells))
            print(f"  {lo}-{lo + 100} ms: " + ' | '.join(row))


def tail(directory):
    # One wave (hey -n C -c C): each response's latency is its connect's and pg_sleep's, so
    # the spread of the responses is the spread of the connects' ends (the queries sent).
    print('One wave per run, ms after hey\'s first SYN: first-last of each step over the connections;')
    print('backend = proof sent to authenticated (SASLFinal, sent with ReadyForQuery), worker = authenticated')
    print('to query sent; "after the last proof": connections whose query was sent after the last proof was.')
    span = lambda xs: f'{min(xs):.0f}-{max(xs):.0f}' if xs else '-'
    med = lambda xs: f'{statistics.median(xs):.1f}' if xs else '-'
    for name in sorted(n for n in os.listdir(directory) if n.endswith('.events.csv')):
        http, pg, _ = load(os.path.join(directory, name))
        done = [c for c in pg if c['cfinal'] is not None and c['ok'] is not None and c['query'] is not None]
        if not done:
            continue
        resp = [h['resp'] for h in http if h['resp'] is not None]
        last_proof = max(c['cfinal'] for c in done)
        late = [c for c in done if c['query'] > last_proof]
        backend = [c['ok'] - c['cfinal'] for c in done]
        worker = [c['query'] - c['ok'] for c in done]
        print(f"{name[:-len('.events.csv')]}: {len(done)} connects; " + (f"responses {span(resp)} (spread {max(resp) - min(resp):.0f})" if resp else 'responses not captured'))
        print(f"  SYNs {span([c['syn'] for c in done])}; startup packets {span([c['startup'] for c in done])}; "
              f"proofs sent {span([c['cfinal'] for c in done])}; authenticated {span([c['ok'] for c in done])}; queries {span([c['query'] for c in done])}")
        # Whether the postmaster kept up: an SSL request is answered ('N') only once the
        # postmaster has accepted the connection and forked its backend, and that backend ran.
        lag = [c['n'] - c['ssl'] for c in done if c['n'] is not None and c['ssl'] is not None]
        if lag:
            print(f"  SSL requests sent {span([c['ssl'] for c in done if c['ssl'] is not None])}; SSL request to 'N' median {med(lag)} max {max(lag):.1f}; "
                  f"the last 'N' {max(c['n'] for c in done if c['n'] is not None) - max(c['syn'] for c in done):.1f} after the last SYN")
        # The first round of proofs is as long as the client-firsts already sent when it begins:
        # how quickly the backends answered the startup packets with their challenge decides it.
        first = min(c['cfinal'] for c in done)
        early = [c for c in done if c['startup'] < first and c['authreq'] is not None]
        challenge = [c['authreq'] - c['startup'] for c in early]
        print(f"  before the first proof ({first:.0f}): startup packets {len(early)}, challenges {sum(1 for c in early if c['authreq'] < first)}, "
              f"client-firsts {sum(1 for c in done if c['cfirst'] is not None and c['cfirst'] < first)}; "
              f"their startup packet to challenge (backend) median {med(challenge)} max {max(challenge):.1f}" if challenge else "")
        two = [c for c in done if c['answered'] is not None and c['query2'] is not None]
        if two:
            print(f"  BEGIN answered {span([c['answered'] for c in two])} (backend median {med([c['answered'] - c['query'] for c in two])}, "
                  f"max {max(c['answered'] - c['query'] for c in two):.1f}); the handler's query sent {span([c['query2'] for c in two])} "
                  f"(worker median {med([c['query2'] - c['answered'] for c in two])}, max {max(c['query2'] - c['answered'] for c in two):.1f})")
        print(f"  backend median {med(backend)} max {max(backend):.1f}; worker median {med(worker)} max {max(worker):.1f}; "
              f"after the last proof: {len(late)}, of which authenticated after it {sum(1 for c in late if c['ok'] > last_proof)}, "
              f"their backend median {med([c['ok'] - c['cfinal'] for c in late])}, worker median {med([c['query'] - c['ok'] for c in late])}")
        # In tenths of the wave's span from the first proof to the last query: proofs sent,
        # authentications, queries sent.
        lo, hi = min(c['cfinal'] for c in done), max(c['query'] for c in done)
        bins = lambda xs: ' '.join(f'{sum(1 for x in xs if lo + (hi - lo) * k / 10 <= x < lo + (hi - lo) * (k + 1) / 10 or (k == 9 and x == hi)):3d}' for k in range(10))
        print(f"  tenths of {lo:.0f}-{hi:.0f}: proofs  {bins([c['cfinal'] for c in done])}")
        print(f"  {' ' * (len(f'tenths of {lo:.0f}-{hi:.0f}: '))}auth    {bins([c['ok'] for c in done])}")
        print(f"  {' ' * (len(f'tenths of {lo:.0f}-{hi:.0f}: '))}queries {bins([c['query'] for c in done])}")
        ends = [c for c in two if c['result2'] is not None and c['term'] is not None]
        if ends:
            print(f"  the handler's query answered {span([c['result2'] for c in ends])}; Terminate sent {span([c['term'] for c in ends])} "
                  f"(worker median {med([c['term'] - c['result2'] for c in ends])}, max {max(c['term'] - c['result2'] for c in ends):.1f})")
        if two:
            hi2 = max(c['query2'] for c in two)
            lo2 = min(c['query'] for c in two)
            bins2 = lambda xs: ' '.join(f'{sum(1 for x in xs if lo2 + (hi2 - lo2) * k / 10 <= x < lo2 + (hi2 - lo2) * (k + 1) / 10 or (k == 9 and x == hi2)):3d}' for k in range(10))
            print(f"  tenths of {lo2:.0f}-{hi2:.0f}: BEGIN sent {bins2([c['query'] for c in two])}")
            print(f"  {' ' * (len(f'tenths of {lo2:.0f}-{hi2:.0f}: '))}answered   {bins2([c['answered'] for c in two])}")
            print(f"  {' ' * (len(f'tenths of {lo2:.0f}-{hi2:.0f}: '))}query sent {bins2([c['query2'] for c in two])}")


if __name__ == '__main__':
    if sys.argv[1] == 'tail':
        tail(sys.argv[2])
    elif sys.argv[1] == 'events':
        events(*sys.argv[2:6])
    elif sys.argv[1] == 'workers':
        workers(sys.argv[2])
    else:
        summary(sys.argv[2])
