// The address holds the what-if: a shared link must reopen exactly the same one.
import { describe, expect, it } from 'vitest';
import { stateFromSearch, stateToSearch } from '../../src/web/urlState.js';

describe('the what-if in the address', () => {
  it('names the scenario and writes each override as path=value, readable', () => {
    const search = stateToSearch({
      scenario: 'gevent-100',
      overrides: [
        { path: 'server.workerConnections', value: '50' },
        { path: 'server.keepalive', value: '500ms' },
      ],
    });
    expect(search).toBe('?scenario=gevent-100&server.workerConnections=50&server.keepalive=500ms');
  });

  it('reads back what it wrote, JSON values and odd characters included', () => {
    const state = {
      scenario: 'gevent-125',
      overrides: [
        { path: 'app.pool', value: '{"size":20,"maxOverflow":0}' },
        { path: 'client.url', value: 'http://x/?a=b&c=d #e' },
        { path: 'seed', value: '7' },
      ],
    };
    expect(stateFromSearch(stateToSearch(state))).toEqual(state);
  });

  it('carries an opened file whole, non-ASCII text included', () => {
    const file = JSON.stringify({ description: 'a 150µs step — “quoted”', seed: 3 });
    const back = stateFromSearch(stateToSearch({ scenario: 'mine', file, overrides: [] }));
    expect(back.file).toBe(file);
    expect(back.scenario).toBe('mine');
    // base64url: nothing a query would need to escape
    expect(new URLSearchParams(stateToSearch({ scenario: 'mine', file, overrides: [] })).get('file')).toMatch(/^[\w-]+$/);
  });

  // Hardening 6: the page said atob's "Invalid character" of a link cut short or edited.
  it('says what is wrong with a file= that is not base64url of UTF-8 text', () => {
    for (const file of ['!!!', '_w']) {
      expect(() => stateFromSearch(`?scenario=x&file=${file}`)).toThrow(
        "the link's file= is not a scenario as this page writes it (its JSON in base64url): the link was cut short or edited",
      );
    }
  });

  it('keeps the last of a repeated path, as repeated --set options do', () => {
    expect(stateFromSearch('?server.workers=2&app.psycogreen=false&server.workers=4').overrides).toEqual([
      { path: 'app.psycogreen', value: 'false' },
      { path: 'server.workers', value: '4' },
    ]);
  });

  it('is empty for the file as it is', () => {
    expect(stateToSearch({ overrides: [] })).toBe('');
    expect(stateFromSearch('')).toEqual({ overrides: [] });
  });
});
