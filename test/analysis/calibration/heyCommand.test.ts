import { describe, expect, it } from 'vitest';
import { parseHeyCommand } from '../../../src/analysis/calibration/heyCommand.js';

describe('parseHeyCommand', () => {
  it("reads the article's command", () => {
    expect(parseHeyCommand('$ hey -n 10 -c 10 -t 0 http://127.0.0.1:8000', 'x')).toEqual({
      requests: 10,
      concurrency: 10,
      timeout: 0,
      rate: undefined,
      duration: undefined,
      keepAlive: true,
      cpus: undefined,
      url: 'http://127.0.0.1:8000',
      text: '$ hey -n 10 -c 10 -t 0 http://127.0.0.1:8000',
    });
  });

  it("uses hey's defaults for flags not given (-n 200, -c 50, -t 20)", () => {
    expect(parseHeyCommand('hey http://127.0.0.1:8000/', 'x')).toMatchObject({
      requests: 200,
      concurrency: 50,
      timeout: 20,
      keepAlive: true,
    });
  });

  it("accepts Go's flag spellings and skips flags that do not change the load", () => {
    const c = parseHeyCommand(`/usr/bin/hey --n=30 -c=3 -disable-keepalive -H 'X-A: b c' -m GET http://127.0.0.1:8000/x`, 'x');
    expect(c).toMatchObject({ requests: 30, concurrency: 3, timeout: 20, keepAlive: false, url: 'http://127.0.0.1:8000/x' });
  });

  it('reads -cpus (GOMAXPROCS), a positive integer', () => {
    expect(parseHeyCommand('hey -cpus 1 -c 2 http://x', 'x')).toMatchObject({ cpus: 1, concurrency: 2 });
    expect(() => parseHeyCommand('hey -cpus 0 http://x', 'x')).toThrow(/-cpus 0: expected a positive integer/);
  });

  it('reads -q (per-worker rate, 0 = none) and -z (a Go duration)', () => {
    expect(parseHeyCommand('hey -c 2 -q 5 -z 1m30s http://x', 'x')).toMatchObject({ rate: 5, duration: 90 });
    expect(parseHeyCommand('hey -q 0 -z 250ms http://x', 'x')).toMatchObject({ rate: undefined, duration: 0.25 });
  });

  const bad: [string, RegExp][] = [
    ['$ ab -n 10 http://x', /expected a hey command line/],
    ['$ hey -z 10 http://x', /-z 10: expected a Go duration such as 10s/],
    ['$ hey -q fast http://x', /-q fast: expected requests per second/],
    // Hardening 6: hey's flag parsing refuses 1e400 (out of range); it was read as an infinite rate.
    ['$ hey -q 1e400 http://x', /-q 1e400: expected requests per second, a finite number \(0 for no limit\)/],
    ['$ hey -q Infinity http://x', /-q Infinity: expected requests per second, a finite number/],
    ['$ hey -q= http://x', /-q : expected requests per second, a finite number/],
    ['$ hey -n ten http://x', /-n ten: expected a positive integer/],
    ['$ hey -t 1.5 http://x', /-t 1\.5: expected whole seconds/],
    ['$ hey -frobnicate http://x', /unknown hey flag -frobnicate/],
    ['$ hey -n', /-n needs a value/],
    // Review: hey exits on these; read as sent they were "the command sends 0 requests".
    ['$ hey -n 10 -c 100 http://x', /hey -n 10 -c 100: hey refuses -n less than -c \("-n cannot be less than -c"\)/],
    ['$ hey -n 10 http://x', /hey -n 10 -c 50 \(hey's default\): hey refuses -n less than -c/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      expect(() => parseHeyCommand(line, 'f.txt:1')).toThrow(message);
    });
  }
});
