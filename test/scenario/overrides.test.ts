// --set's values: an object or a list is read as a scenario file's JSON is (src/scenario/
// jsonText.ts's limits), since JSON.parse alone takes any depth and a key twice.
import { describe, expect, it } from 'vitest';
import { parseVary } from '../../src/analysis/sweep/vary.js';
import { parseSetExpression } from '../../src/scenario/overrides.js';
import { sim } from '../sim.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('--set reads an object or a list as a scenario file is read', () => {
  it('takes what a file takes, as JSON.parse reads it', () => {
    expect(parseSetExpression('app.pool={"size": 5, "x": [1, {"y": "a:b"}]}').value).toEqual({ size: 5, x: [1, { y: 'a:b' }] });
    expect(parseSetExpression(`client.x=${nested(256)}`).value).toHaveLength(1);
    expect(parseSetExpression('client.url=http://x:80/').value).toBe('http://x:80/');
  });

  it.each([
    ['a list nested past 256 levels', `client.x=${nested(300)}`, 'nested deeper than 256 levels'],
    ['an object nested past 256 levels', `client.x=${nestedObject(300)}`, 'nested deeper than 256 levels'],
    [
      'a key given twice',
      'server={"workers": 1, "workers": 2}',
      'the key "workers" appears twice in this object (the second would silently win)',
    ],
    ['a number past a double inside', 'client={"requests": 1e400}', 'the number 1e400 is too large'],
  ])('refuses %s, naming the --set', (_what, expression, problem) => {
    expect(() => parseSetExpression(expression)).toThrow(`--set ${expression}: ${problem}`);
  });

  it('refuses an object nested past 256 levels in a --vary list, naming the --vary', () => {
    const expression = `app.pool={"size":5},${nestedObject(300)}`;
    expect(() => parseVary(expression)).toThrow(`--vary ${expression}: nested deeper than 256 levels`);
    expect(parseVary('app.pool={"size":5},{"size":10}').values).toEqual([{ size: 5 }, { size: 10 }]);
  });

  // Validation walks the value: a list nested 50,000 deep overflowed the stack, and every
  // command that takes --set said "sim: internal error: Maximum call stack size exceeded".
  it.each([
    ['run', ['run', 'scenarios/gevent-100.json']],
    ['compare', ['compare', 'scenarios/gevent-100.json', 'test/fixtures/hey/patched-c10.r1.txt']],
    ['sweep', ['sweep', 'scenarios/gevent-100.json', '--vary', 'server.workers=1,2']],
    ['fit', ['fit', 'scenarios/gevent-100.json', 'test/fixtures/hey/patched-c10.r1.txt', '--free', 'database.backendStartTime']],
  ])('sim %s refuses a --set nested 50,000 deep with exit code 2 and one line', async (_command, argv) => {
    const { code, out, err } = await sim(...argv, '--set', `client.x=${nested(50_000)}`);
    expect(err).toMatch(/^sim: --set client\.x=\[+ .* \]+: nested deeper than 256 levels\n$/);
    expect(code).toBe(2);
    expect(out).toBe('');
  });

  it('sim sweep refuses a --vary object nested 20,000 deep with exit code 2 and one line', async () => {
    const { code, err } = await sim('sweep', 'scenarios/gevent-100.json', '--vary', `app.steps.1=${nestedObject(20_000)}`);
    expect(err).toMatch(/^sim: --vary app\.steps\.1=.*: nested deeper than 256 levels\n$/);
    expect(code).toBe(2);
  });
});
