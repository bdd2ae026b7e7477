import { describe, expect, it } from 'vitest';
import { parseHeyCommand } from '../../src/analysis/heyCommand.js';

describe('parseHeyCommand', () => {
  it("reads the article's command", () => {
    expect(parseHeyCommand('$ hey -n 10 -c 10 -t 0 http://127.0.0.1:8000', 'x')).toEqual({
      requests: 10,
      concurrency: 10,
      timeout: 0,
      keepAlive: true,
      url: 'http://127.0.0.1:8000',
      text: '$ hey -n 10 -c 10 -t 0 http://127.0.0.1:8000',
    });
  });

  it("uses hey's defaults for flags not given (-n 200, -c 50, -t 20)", () => {
    expect(parseHeyCommand('hey http://127.0.0.1:8000/', 'x')).toMatchObject({ requests: 200, concurrency: 50, timeout: 20, keepAlive: true });
  });

  it("accepts Go's flag spellings and skips flags that do not change the load", () => {
    const c = parseHeyCommand(`/usr/bin/hey --n=30 -c=3 -disable-keepalive -H 'X-A: b c' -m GET http://127.0.0.1:8000/x`, 'x');
    expect(c).toMatchObject({ requests: 30, concurrency: 3, timeout: 20, keepAlive: false, url: 'http://127.0.0.1:8000/x' });
  });

  const bad: [string, RegExp][] = [
    ['$ ab -n 10 http://x', /expected a hey command line/],
    ['$ hey -z 10s http://x', /-z \(run for a duration\) is not modelled/],
    ['$ hey -q 5 http://x', /-q \(rate limit per worker\) is not modelled/],
    ['$ hey -n ten http://x', /-n ten: expected a positive integer/],
    ['$ hey -t 1.5 http://x', /-t 1\.5: expected whole seconds/],
    ['$ hey -frobnicate http://x', /unknown hey flag -frobnicate/],
    ['$ hey -n', /-n needs a value/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      expect(() => parseHeyCommand(line, 'f.txt:1')).toThrow(message);
    });
  }
});
