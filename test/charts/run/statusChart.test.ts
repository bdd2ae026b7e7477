import { describe, expect, it } from 'vitest';
import { statusChart } from '../../../src/charts/run/statusChart.js';
import { OUTCOME_COLOR } from '../../../src/charts/style.js';
import { TOO_MANY_CLIENTS } from '../../../src/model/database/postgres.js';
import { run } from '../../helpers.js';
import { scenarioRun } from '../fixtures.js';

describe('the status chart', () => {
  it('has a bar per status code, coloured by class, and names the exception behind the 500s', () => {
    const { summary } = scenarioRun('gevent-125');
    const spec = statusChart(summary) as any;
    expect(spec.data.values).toEqual([
      { ending: 'HTTP 204', outcome: '2xx', count: 100 },
      { ending: 'HTTP 500', outcome: '5xx', count: 25 },
    ]);
    const color = spec.layer[0].encoding.color.scale;
    expect(color.range[color.domain.indexOf('5xx')]).toBe(OUTCOME_COLOR['5xx']);
    expect(spec.title.subtitle).toContain(`[25] gunicorn logged: psycopg2.OperationalError: ${TOO_MANY_CLIENTS}`);
  });

  it('has a bar per transport error, with the whole message in the subtitle', () => {
    const { summary } = run({ client: { timeout: 0.5 } });
    const spec = statusChart(summary) as any;
    const [message] = Object.keys(summary.errors);
    expect(spec.data.values).toEqual([{ ending: `error: ${message}`, outcome: 'errors (no response)', count: 10 }]);
    expect(spec.title.subtitle).toContain(`[10] error: ${message}`);
  });

  it('leaves room after the longest bar for its count', () => {
    const { summary } = scenarioRun('gevent-125');
    const spec = statusChart(summary) as any;
    expect(spec.encoding.x.scale.domain[1]).toBeGreaterThan(100);
    expect(spec.layer[1].mark.type).toBe('text');
  });
});
