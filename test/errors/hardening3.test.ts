// The third hardening round: each case with the input that showed it.
import { copyFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepId } from '../../src/analysis/sweep/sweep.js';
import { sim } from '../sim.js';
import { refusedOnOneLine, scratchScenario } from './refusal.js';

const { dir, scenario } = scratchScenario('hardening3');

describe('sim merge --sweep-id --shards: the shards of one sweep, cut so, and no other', async () => {
  const grid = ['--vary', 'seed=1..7'];
  /** A folder of a sweep's shard-<i>.json files, as the jobs of sim sweep --emit write them. */
  async function shardFolder(name: string, shards: number, ...flags: string[]) {
    const folder = join(dir, name);
    mkdirSync(folder);
    for (let i = 0; i < shards; i++) {
      const argv = ['sweep', scenario, ...grid, ...flags, '--shard-index', String(i), '--shards', String(shards)];
      expect((await sim(...argv, '--json', join(folder, `shard-${i}.json`))).code).toBe(0);
    }
    return folder;
  }
  const whole = await sim('sweep', scenario, ...grid, '--json');
  const id = sweepId(JSON.parse(whole.out).sweep);
  const folder = await shardFolder('three', 3);
  // The same scenario's name and grid, another --set: what an earlier sweep leaves on a volume.
  const earlier = await shardFolder('earlier', 3, '--set', 'client.requests=10');

  it('a complete folder of the sweep merges into the bytes it merged into without them, the whole sweep', async () => {
    const told = await sim('merge', folder, '--sweep-id', id, '--shards', '3', '--json');
    expect(told.err).toBe('');
    expect(told.out).toBe(whole.out);
    expect((await sim('merge', folder, '--json')).out).toBe(whole.out);
  });

  it("refuses a shard of another sweep, naming it, though the folder's shards agree among themselves", async () => {
    // Unchecked, the earlier sweep's complete folder merged in silence.
    const other = sweepId(JSON.parse((await sim('sweep', scenario, ...grid, '--set', 'client.requests=10', '--json')).out).sweep);
    refusedOnOneLine(
      await sim('merge', earlier, '--sweep-id', id, '--shards', '3'),
      `sim: ${earlier}/shard-0.json: a shard of sweep ${other}, not of sweep ${id} (--sweep-id): another scenario, --set, --vary, seed or replications, left there by an earlier sweep? Run this shard again, or merge the shards of one sweep\n`,
    );
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    for (const i of [0, 2]) copyFileSync(join(folder, `shard-${i}.json`), join(mixed, `shard-${i}.json`));
    copyFileSync(join(earlier, 'shard-1.json'), join(mixed, 'shard-1.json'));
    // Named where it is, not as the one differing from the first file.
    refusedOnOneLine(
      await sim('merge', mixed, '--sweep-id', id),
      `sim: ${mixed}/shard-1.json: a shard of sweep ${other}, not of sweep ${id}`,
    );
  });

  it('refuses a folder without every one of shard-0 to shard-<N-1>, or with one beyond', async () => {
    refusedOnOneLine(
      await sim('merge', folder, '--shards', '4'),
      `sim: ${folder}: no shard-3.json, expected shard-0.json to shard-3.json (--shards 4): has that shard run?\n`,
    );
    refusedOnOneLine(
      await sim('merge', folder, '--shards', '2'),
      `sim: ${folder}/shard-2.json: beyond the --shards 2 (shard-0.json to shard-1.json): left there by an earlier sweep cut into more shards? Remove it\n`,
    );
  });

  it('refuses a shard cut into another count, the whole sweep given as a shard, and a shard renamed', async () => {
    const two = await shardFolder('two', 2);
    refusedOnOneLine(
      await sim('merge', join(two, 'shard-0.json'), join(two, 'shard-1.json'), '--shards', '3'),
      `sim: ${two}/shard-0.json: shard 1/2 (cut into 2 shards), expected one of --shards 3: left there by an earlier sweep cut otherwise? Run this shard again\n`,
    );
    const file = join(dir, 'whole.json');
    expect((await sim('sweep', scenario, ...grid, '--json', file)).code).toBe(0);
    refusedOnOneLine(await sim('merge', file, '--shards', '1'), `sim: ${file}: the output of a whole sweep (it has no "shard")`);
    renameSync(join(two, 'shard-0.json'), join(two, 'shard-x.json'));
    renameSync(join(two, 'shard-1.json'), join(two, 'shard-0.json'));
    renameSync(join(two, 'shard-x.json'), join(two, 'shard-1.json'));
    refusedOnOneLine(
      await sim('merge', two, '--shards', '2'),
      `sim: ${two}/shard-0.json: holds shard 2/2, expected shard 1/2 (shard-<i>.json holds the 0-based shard i, as the jobs of sim sweep --emit name them): renamed since?\n`,
    );
    // Without --shards, as before: the points are all there once, whatever the names.
    expect((await sim('merge', two, '--json')).out).toBe(whole.out);
  });

  it('refuses a --sweep-id that is not one and a --shards that is not a count', async () => {
    refusedOnOneLine(
      await sim('merge', folder, '--sweep-id', 'ABC'),
      `sim: --sweep-id ABC: expected the 16 hex digits the jobs of sim sweep --emit name a sweep by, got "ABC"\n`,
    );
    refusedOnOneLine(await sim('merge', folder, '--shards', '0'), 'sim: --shards 0: expected a whole number >= 1, got "0"\n');
    // A count past any grid would have been looked for file by file.
    refusedOnOneLine(await sim('merge', folder, '--shards', '1e15'), 'sim: --shards 1e15: expected at most 1000000');
  });
});
