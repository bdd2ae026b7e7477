// The what-if page. It opens a scenario (the link's, the server's default, or a file the
// user brings), shows its main fields as controls, and reruns it in a Web Worker on every
// change; the address always holds the what-if, so it can be shared as a link.
//
//   link / list / file --> WhatIf (the file's JSON + --set overrides) --> controls, address, command
//                             |
//                             '--> WhatIfRunner (debounced; a change cancels a run) --> worker
//                                     --> run: figures, hey's report, charts --> sweep charts
import { scenarioJsonSchema } from '../../scenario/jsonSchema.js';
import { validateScenario } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/schema.js';
import { controlsFor, withOverrideValues } from '../controls.js';
import type { WorkerMessage } from '../protocol.js';
import { WhatIfRunner, type WorkerLike } from '../runner.js';
import type { ScenarioIndex } from '../scenarioIndex.js';
import { stateFromSearch, stateToSearch } from '../urlState.js';
import {
  runCommand,
  scenarioFileName,
  scenarioFileText,
  whatIfScenario,
  withOverride,
  withoutOverride,
  type Override,
  type WhatIf,
} from '../whatIf.js';
import { ControlsView } from './controlsView.js';
import { ResultsView } from './resultsView.js';
import { fetchIndex, fetchScenario, scenarioFromText, type LoadedScenario } from './scenarioSource.js';

/** Quiet time after a change before the run starts: a slider drag is one run. */
const DEBOUNCE_MS = 150;
/** When the page says a run is taking long. */
const SLOW_RUN_MS = 5000;
let slowRun: ReturnType<typeof setTimeout> | undefined;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const schema = scenarioJsonSchema();

let index: ScenarioIndex = { default: '', scenarios: [] };
let loaded: LoadedScenario | undefined;
/** The file as loaded, validated: what the controls and their reset buttons go back to. */
let fileScenario: Scenario | undefined;
let whatIf: WhatIf = { name: '', raw: {}, overrides: [] };
/** The article's runs send one request per hey worker (-n = -c); moving -c then moves -n too. */
let tieLoad = false;

const controls = new ControlsView(element('controls'), {
  set: (path, value) => change(tied(withOverride(whatIf.overrides, path, value), path, value)),
  reset: (path) => change(withoutOverride(whatIf.overrides, path)),
});
const results = new ResultsView(
  element('figures'),
  element('warnings'),
  element('report'),
  document.querySelectorAll<HTMLElement>('.chart'),
);
let shown: Promise<void> = Promise.resolve();
const runner = new WhatIfRunner({
  createWorker: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }) as unknown as WorkerLike,
  // Answers are shown one after another, so a run's charts are drawn before its sweep's.
  onMessage: (m) => {
    shown = shown.then(() => show(m));
  },
  debounceMs: DEBOUNCE_MS,
  // For whoever watches the page (a test, a curious reader): which run is going, how many were cut short.
  onRun: (id) => {
    document.body.dataset.started = String(id);
    document.body.dataset.cancelled = String(runner.cancelled);
  },
});

/** Opens a scenario with the given overrides: new controls, then a run. */
function open(scenario: LoadedScenario, overrides: Override[]): void {
  loaded = scenario;
  whatIf = { name: scenario.name, raw: scenario.raw, overrides };
  element<HTMLSelectElement>('scenario').value = scenario.text === undefined ? scenario.name : '';
  const description = (scenario.raw as { description?: unknown })?.description;
  const about = element('scenario-description');
  about.textContent = typeof description === 'string' ? description : '';
  about.title = about.textContent;
  try {
    fileScenario = validateScenario(scenario.raw, scenario.file);
  } catch (e) {
    fileScenario = undefined;
    // The previous scenario's run must not come back over the message.
    runner.cancel();
    element('controls').replaceChildren();
    setState('invalid', (e as Error).message);
    return;
  }
  const c = fileScenario.client;
  tieLoad = c.arrivals === undefined && c.duration === undefined && c.requests === c.concurrency;
  controls.build(controlsFor(schema, fileScenario, fileScenario));
  addTieCheckbox();
  change(overrides);
}

/** The what-if changed: show it everywhere at once, and run it once changes stop. */
function change(overrides: Override[]): void {
  if (loaded === undefined || fileScenario === undefined) return;
  whatIf = { ...whatIf, overrides };
  let scenario: Scenario | undefined;
  try {
    scenario = whatIfScenario(whatIf);
  } catch {
    // The worker says what is wrong; the controls keep the file's shape meanwhile.
  }
  const shownControls =
    scenario !== undefined
      ? controlsFor(schema, scenario, fileScenario)
      : withOverrideValues(controlsFor(schema, fileScenario, fileScenario), overrides);
  controls.update(shownControls, new Set(overrides.map((o) => o.path)));
  history.replaceState(null, '', stateToSearch({ scenario: whatIf.name, file: loaded.text, overrides }) || location.pathname);
  element('command').textContent = runCommand(whatIf, loaded.file);
  performance.clearMarks();
  performance.clearMeasures();
  performance.mark('what-if:change');
  document.body.dataset.sweep = 'pending';
  setState('running', 'Running…');
  runner.request(whatIf);
  // A run that never ends (a what-if the model cannot finish) would leave "Running…" forever.
  clearTimeout(slowRun);
  slowRun = setTimeout(() => {
    if (document.body.dataset.state === 'running') {
      element('status').textContent =
        `Still running after ${SLOW_RUN_MS / 1000} s: a large what-if takes a while, and one that never ends runs on. Any change cancels it.`;
    }
  }, SLOW_RUN_MS);
}

/** With -n tied to -c, setting client.concurrency sets client.requests too. */
function tied(overrides: Override[], path: string, value: string): Override[] {
  return tieLoad && path === 'client.concurrency' ? withOverride(overrides, 'client.requests', value) : overrides;
}

async function show(m: WorkerMessage): Promise<void> {
  const current = runner.isCurrent(m.id);
  switch (m.kind) {
    case 'run': {
      await results.showRun(m.summary, m.text, m.charts);
      if (!runner.isCurrent(m.id)) return;
      const ms = performance.measure('what-if:update', 'what-if:change').duration;
      document.body.dataset.run = String(m.id);
      setState(
        'ready',
        `Updated in ${ms.toFixed(0)} ms (${m.summary.simulation.events.toLocaleString('en')} events); sweeping around the point…`,
      );
      return;
    }
    case 'sweep': {
      if (!current) return;
      if (m.charts === null) {
        element('status').textContent = element('status').textContent!.replace(
          /sweeping.*$/,
          `sweeping around the point: ${m.done} of ${m.total}…`,
        );
        return;
      }
      await results.showSweep(m.charts, m.note);
      if (!runner.isCurrent(m.id)) return;
      const update = performance.getEntriesByName('what-if:update')[0]?.duration ?? NaN;
      const sweep = performance.measure('what-if:sweep', 'what-if:change').duration;
      document.body.dataset.sweep = 'done';
      setState(
        'ready',
        m.total === 0
          ? `Updated in ${update.toFixed(0)} ms. ${m.note}`
          : `Updated in ${update.toFixed(0)} ms; the sweep of ${m.total} runs around the point in ${sweep.toFixed(0)} ms.`,
      );
      return;
    }
    case 'invalid':
      if (current) setState('invalid', m.message);
      return;
    case 'failed':
      console.error(`the simulator failed: ${m.message}`);
      if (current) setState('failed', `The simulator failed (a bug; please report it with the scenario): ${m.message}`);
      return;
  }
}

/** From the moment a scenario is asked for, the page is no longer showing the what-if in view. */
function opening(what: string): void {
  document.body.dataset.sweep = 'pending';
  setState('running', `Opening ${what}…`);
}

function setState(state: 'running' | 'ready' | 'invalid' | 'failed', text: string): void {
  document.body.dataset.state = state;
  element('status').textContent = text;
}

function addTieCheckbox(): void {
  const row = document.querySelector('[data-path="client.requests"]');
  if (row === null || !tieLoad) return;
  const label = document.createElement('label');
  label.className = 'tie';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = true;
  box.addEventListener('change', () => {
    tieLoad = box.checked;
  });
  label.append(box, ' requests follow concurrency (-n = -c, as the article ran hey)');
  row.after(label);
}

async function openListed(name: string, overrides: Override[]): Promise<void> {
  const entry = index.scenarios.find((s) => s.name === name);
  if (entry === undefined)
    throw new Error(`no scenario named "${name}" here; the list has ${index.scenarios.map((s) => s.name).join(', ')}`);
  open(await fetchScenario(entry), overrides);
}

function openText(fileName: string, text: string): void {
  try {
    open(scenarioFromText(fileName, text), []);
  } catch (e) {
    runner.cancel();
    setState('invalid', (e as Error).message);
  }
}

function wire(): void {
  const select = element<HTMLSelectElement>('scenario');
  select.addEventListener('change', () => {
    if (select.value === '') return;
    opening(select.value);
    openListed(select.value, []).catch(fail);
  });
  const input = element<HTMLInputElement>('open-file');
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (file === undefined) return;
    opening(file.name);
    openText(file.name, await file.text());
    input.value = '';
  });
  window.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  window.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  window.addEventListener('drop', async (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file === undefined) return;
    opening(file.name);
    openText(file.name, await file.text());
  });
  element('download').addEventListener('click', () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([scenarioFileText(whatIf)], { type: 'application/json' }));
    a.download = scenarioFileName(whatIf);
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  });
  element('copy-link').addEventListener('click', () => {
    navigator.clipboard.writeText(location.href).then(
      () => (element('status').textContent = 'Link copied: it opens this what-if.'),
      () => (element('status').textContent = 'Copy the address from the address bar: it holds this what-if.'),
    );
  });
  element('reset-all').addEventListener('click', () => change([]));
}

function fail(e: unknown): void {
  console.error(e);
  setState('failed', (e as Error).message);
}

async function start(): Promise<void> {
  wire();
  index = await fetchIndex();
  const select = element<HTMLSelectElement>('scenario');
  select.append(new Option('(an opened file)', ''), ...index.scenarios.map((s) => new Option(s.name, s.name)));
  const state = stateFromSearch(location.search);
  if (state.file !== undefined) {
    open(scenarioFromText(`${state.scenario ?? 'scenario'}.json`, state.file), state.overrides);
  } else {
    await openListed(state.scenario ?? index.default, state.overrides);
  }
}

start().catch(fail);
