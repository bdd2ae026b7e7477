import { describe, expect, it } from 'vitest';
import { textTable } from '../../src/analysis/table.js';

describe('textTable', () => {
  it('aligns each column to its widest cell, the last left ragged', () => {
    expect(
      textTable(
        ['a', 'bb', 'c'],
        [
          ['xxx', 'y', 'zzzz'],
          ['1', '22'],
        ],
      ),
    ).toBe('a    bb  c\nxxx  y   zzzz\n1    22\n');
  });

  // A sweep's table has a row per point; Math.max(...column) overflowed the stack past some
  // hundred thousand rows, after the whole sweep had run.
  it('takes as many rows as a sweep has points', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), 'x']);
    const text = textTable(['point', 'value'], rows);
    expect(text.split('\n')).toHaveLength(300_000 + 2);
    expect(text.endsWith('299999  x\n')).toBe(true);
  });
});
