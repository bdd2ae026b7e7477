import { describe, expect, it } from 'vitest';
import { checkAxes, parseVary } from '../../../src/analysis/sweep/vary.js';

describe('--vary expressions', () => {
  it('a range includes both ends', () => {
    expect(parseVary('client.concurrency=10..50:10')).toEqual({
      expression: 'client.concurrency=10..50:10',
      paths: ['client.concurrency'],
      values: [10, 20, 30, 40, 50],
    });
  });

  it('a range stops at the last step that fits, and the step defaults to 1', () => {
    expect(parseVary('server.workers=1..10:4').values).toEqual([1, 5, 9]);
    expect(parseVary('server.workers=1..4').values).toEqual([1, 2, 3, 4]);
  });

  // Hardening 6: rounded to 12 digits, every seed of a timestamp's range was the first.
  it('a range of whole numbers is exact however many digits they have', () => {
    expect(parseVary('seed=1733600000000..1733600000003').values).toEqual([1733600000000, 1733600000001, 1733600000002, 1733600000003]);
    expect(parseVary('seed=9007199254740989..9007199254740991').values).toEqual([9007199254740989, 9007199254740990, 9007199254740991]);
  });

  it('a decimal step keeps its last value and prints without rounding noise', () => {
    expect(parseVary('server.keepalive=0.1..0.5:0.1').values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('a list reads numbers and booleans as JSON, anything else as a string', () => {
    expect(parseVary('server.workerClass=sync,gevent').values).toEqual(['sync', 'gevent']);
    expect(parseVary('server.keepalive=2,250ms').values).toEqual([2, '250ms']);
    expect(parseVary('client.keepAlive=true,false').values).toEqual([true, false]);
  });

  it('several fields move together, as the article raised -n with -c', () => {
    const axis = parseVary('client.concurrency,client.requests=10..150:5');
    expect(axis.paths).toEqual(['client.concurrency', 'client.requests']);
    expect(axis.values).toHaveLength(29);
  });

  const bad: [string, RegExp][] = [
    ['client.concurrency', /--vary client\.concurrency: expected path=values/],
    ['=1,2', /expected path=values/],
    ['client..concurrency=1,2', /is not a list of field paths/],
    ['client.concurrency=', /no values after "="/],
    ['client.concurrency=10..x:5', /"10\.\.x:5" is not a range: expected from\.\.to:step with numbers/],
    ['client.concurrency=10..20:0', /the step must be greater than 0, got 0/],
    // Newcomer: was "at server.workers: expected a number, got string "1-8"".
    ['server.workers=1-8', /^--vary server\.workers=1-8: "1-8" is not a range: write it with two dots, 1\.\.8$/],
    ['client.concurrency=10-200:10', /"10-200:10" is not a range: write it with two dots, 10\.\.200:10$/],
    ['client.concurrency=200..10:10', /the range goes down \(200\.\.10\); write it upwards, e\.g\. 10\.\.200:10/],
    ['client.concurrency=1..1e9', /1000000000 values; at most 100000 on one axis/],
    // Bad-input audit: both were "Infinity values; at most 100000 on one axis".
    ['client.concurrency=1..1e400', /^--vary client\.concurrency=1\.\.1e400: the number 1e400 is too large$/],
    ['client.concurrency=0..1e308:1e-308', /: more than 1\.7976931348623157e\+308 values; at most 100000 on one axis$/],
    // Hardening: a list's 1e400 was Infinity, refused at the first point as "(server.workers=null): ... got null".
    ['server.workers=1,1e400', /^--vary server\.workers=1,1e400: the number 1e400 is too large$/],
    ['server.workers=-1e400', /^--vary server\.workers=-1e400: the number -1e400 is too large$/],
    ['a,a=1,2', /a field is named twice/],
    // Hardening 2: was refused at the first point as "--set app.steps[x=1: ...", a --set nobody typed.
    ['app.steps[x=1', /^--vary app\.steps\[x=1: "app\.steps\[x" is not a field path such as server\.workers or app\.steps\[0\]\.time$/],
  ];
  for (const [expression, message] of bad) {
    it(`rejects ${expression} with a message naming it`, () => {
      expect(() => parseVary(expression)).toThrow(message);
    });
  }

  it('rejects two axes setting the same field', () => {
    expect(() => checkAxes([parseVary('client.concurrency=1,2'), parseVary('client.requests,client.concurrency=5,6')])).toThrow(
      /--vary client\.requests,client\.concurrency=5,6: client\.concurrency is already varied by --vary client\.concurrency=1,2/,
    );
  });
});

describe('--vary with objects', () => {
  it('takes a list of whole sections, its commas inside the objects not splitting it', () => {
    const axis = parseVary('app.pool={"size":5,"maxOverflow":0},{"size":20,"maxOverflow":10}');
    expect(axis.paths).toEqual(['app.pool']);
    expect(axis.values).toEqual([
      { size: 5, maxOverflow: 0 },
      { size: 20, maxOverflow: 10 },
    ]);
    expect(parseVary('app.status=200,"a,b"').values).toEqual([200, 'a,b']);
  });

  // Fresh-eyes audit: a list was kept as the string "[1]", which fleet.down then refused
  // with "expected a list, got string "[1]"".
  it('takes a list of lists, for a field that is one', () => {
    expect(parseVary('fleet.down=[],[1],[1,2]').values).toEqual([[], [1], [1, 2]]);
  });
});
