#!/usr/bin/env python3
"""Reads a storm's packets (storm_wire.sh's tcpdump capture) into each connection's steps.

  storm_wire.py events PCAP APP_PORT PG_PORT HANDLERS   one CSV row per step, ms after hey's first SYN
  storm_wire.py summary DIR                            counts over time and the waits between steps
  storm_wire.py workers DIR                            the waits by worker and by 100 ms window

A PostgreSQL connection's steps, as libpq (fe-connect.c) and the backend (postmaster.c,
auth-scram.c) send them: the client's SYN; its SSLRequest; the server's 'N'; the startup
packet; the server's first answer, AuthenticationSASL (the backend took its slot in
InitProcess) or an ErrorResponse (refused); SASLInitialResponse (client-first);
AuthenticationSASLContinue (server-first); SASLResponse (client-final: the client's proof
is computed); AuthenticationSASLFinal (authenticated, with AuthenticationOk and
ReadyForQuery behind it); the first query; Terminate. An HTTP connection's: the SYN, each
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
    print('kind,port,syn,a,b,c,d,e,f,g,h,i,j,k')
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
        row = {k: '' for k in ('ssl', 'n', 'startup', 'authreq', 'refused', 'cfirst', 'sfirst', 'cfinal', 'ok', 'query', 'term')}
        for t, toserver, payload, length in c['steps']:
            if toserver:
                if length == 8 and len(payload) >= 8 and struct.unpack('>II', payload[:8])[1] == SSL_REQUEST:
                    row['ssl'] = ms(t)
                elif len(payload) >= 8 and payload[4:8] == b'\x00\x03\x00\x00' and not row['startup']:
                    row['startup'] = ms(t)
                elif payload[:1] == b'p':
                    row['cfirst' if not row['cfirst'] else 'cfinal'] = ms(t)
                elif payload[:1] == b'Q' and not row['query']:
                    row['query'] = ms(t)
                elif payload[:1] == b'X':
                    row['term'] = ms(t)
            else:
                kind = payload[:1]
                if kind == b'N' and not row['n']:
                    row['n'] = ms(t)
                elif kind == b'E' and not row['authreq']:
                    row['refused'] = ms(t)
                elif kind == b'R' and len(payload) >= 9:
                    code = struct.unpack('>I', payload[5:9])[0]
                    key = {10: 'authreq', 11: 'sfirst', 12: 'ok', 0: 'ok'}.get(code)
                    if key and not row[key]:
                        row[key] = ms(t)
        print('pg,,' + ms(c['syn']) + ',' + ','.join(row.values()))
    with open(handlers) as f:
        for line in f:
            parts = dict(p.split('=') for p in line.split()[2:] if '=' in p)
            print(f'handler,{parts.get("pid", "")},,{ms(float(parts["start"]))},{ms(float(parts["end"]))},{line.split()[0]}')


PG_STEPS = ('syn', 'ssl', 'n', 'startup', 'authreq', 'refused', 'cfirst', 'sfirst', 'cfinal', 'ok', 'query', 'term')


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
                pg.append(dict(zip(PG_STEPS, (num(x) for x in cells[2:14]))))
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


if __name__ == '__main__':
    if sys.argv[1] == 'events':
        events(*sys.argv[2:6])
    elif sys.argv[1] == 'workers':
        workers(sys.argv[2])
    else:
        summary(sys.argv[2])
