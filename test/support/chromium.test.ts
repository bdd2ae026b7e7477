// Issue 17, item 26: without Chromium the browser tests were skipped without a word.
import { describe, expect, it } from 'vitest';
import { chromiumStatus } from './chromium.js';
import { isCi } from './ci.js';

describe('the browser tests without a browser', () => {
  it('fail under CI', () => {
    expect(() => chromiumStatus('/no/such/chromium', { CI: 'true' })).toThrow('/no/such/chromium is missing under CI=true');
    expect(() => chromiumStatus('/no/such/chromium', { CI: '1' })).toThrow();
  });
  it('are skipped elsewhere, saying why and how to install it', () => {
    const s = chromiumStatus('/no/such/chromium', {});
    expect(s.available).toBe(false);
    expect(s.skipped).toContain('/no/such/chromium is missing');
    expect(s.skipped).toContain('apt-get install chromium');
    expect(chromiumStatus('/no/such/chromium', { CI: 'false' }).available).toBe(false);
  });
  it('run where it is', () => {
    expect(chromiumStatus(process.execPath, { CI: 'true' })).toEqual({ available: true });
    expect(isCi({ CI: 'yes' })).toBe(true);
  });
});
