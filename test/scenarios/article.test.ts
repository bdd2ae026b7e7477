// The article's table (shared/seed, MODEL.md section 5), reproduced from mechanisms.
// Two costs were fitted to the -c 10 and -c 100 rows (docs/calibration.md,
// calibration/article_fit.mjs); every other row is a prediction. The rows are
// calibration/article-rows.json, which article_fit.mjs reads too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { parseJson, validateScenario } from '../../src/scenario/load.js';

interface ArticleRow {
  scenario: string;
  requestsPerSec: number;
  statusCodes: Record<string, number>;
}

const ARTICLE = (JSON.parse(readFileSync('calibration/article-rows.json', 'utf8')) as ArticleRow[]).map((r) => ({
  file: `${r.scenario}.json`,
  rps: r.requestsPerSec,
  statusCodes: r.statusCodes,
}));

function runFile(file: string) {
  const path = `scenarios/${file}`;
  const scenario = validateScenario(parseJson(readFileSync(path, 'utf8'), path), path);
  return summarize(simulate(scenario), file, scenario.seed);
}

describe("the article's measurements", () => {
  for (const row of ARTICLE) {
    it(`${row.file}: the same status codes as the article`, () => {
      expect(runFile(row.file).statusCodes).toEqual(row.statusCodes);
    });

    // -c 125's Requests/sec is not fitted: its 25 refusals cost the worker's loop (the
    // exception, the 500) while successes still authenticate on it. Where the laptop's
    // serial cost of a connection sits (the loop, not the postmaster) was chosen on this
    // row, of two placements (docs/calibration.md).
    it(`${row.file}: Requests/sec within 5 % of the article's ${row.rps}`, () => {
      const rps = runFile(row.file).summary.requestsPerSec;
      expect(Math.abs(rps / row.rps - 1)).toBeLessThanOrEqual(0.05);
    });
  }

  it('every article scenario uses the same machine and database costs (fitted once)', () => {
    const sections = ARTICLE.map((r) => {
      const s = JSON.parse(readFileSync(`scenarios/${r.file}`, 'utf8'));
      const connect = s.app.steps.find((step: { kind: string }) => step.kind === 'dbConnect');
      return JSON.stringify({
        machine: s.machine,
        database: s.database,
        connect,
        backlog: s.server.backlog,
        keepalive: s.server.keepalive,
      });
    });
    expect(new Set(sections).size).toBe(1);
  });
});
