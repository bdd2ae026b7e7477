// The page's state in its address, so a what-if can be shared as a link:
//
//   ?scenario=gevent-100&server.workerConnections=50&app.psycogreen=false
//
// `scenario` names a listed scenario; every other parameter is one --set override, its
// key the field path and its value the text --set reads. A scenario that is not on the
// server (a file dropped on the page) travels whole, as base64url JSON in `file`.
import type { Override } from './whatIf.js';

export interface UrlState {
  /** A listed scenario's name, or the dropped file's name. */
  scenario?: string;
  /** The dropped file's JSON text, when the scenario is not one the server lists. */
  file?: string;
  overrides: Override[];
}

const SCENARIO = 'scenario';
const FILE = 'file';

export function stateToSearch(state: UrlState): string {
  const params = new URLSearchParams();
  if (state.scenario !== undefined) params.set(SCENARIO, state.scenario);
  if (state.file !== undefined) params.set(FILE, toBase64Url(state.file));
  for (const o of state.overrides) params.append(o.path, o.value);
  const text = params.toString();
  // Dots, commas and colons need no escaping in a query; leaving them makes the link readable.
  return text === '' ? '' : `?${text.replace(/%2C/gi, ',').replace(/%3A/gi, ':')}`;
}

export function stateFromSearch(search: string): UrlState {
  const params = new URLSearchParams(search);
  const state: UrlState = { overrides: [] };
  for (const [key, value] of params) {
    if (key === SCENARIO) state.scenario = value;
    else if (key === FILE) state.file = fromBase64Url(value);
    else if (key !== '') {
      // A repeated path keeps its last value, as repeated --set options do.
      state.overrides = state.overrides.filter((o) => o.path !== key);
      state.overrides.push({ path: key, value });
    }
  }
  return state;
}

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  // A link cut short or edited: atob's "Invalid character", or bytes that are not UTF-8,
  // said nothing of which part of the address was wrong.
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    throw new Error(
      "the link's file= is not a scenario as this page writes it (its JSON in base64url): the link was cut short or edited; open the file again, or a listed scenario",
    );
  }
}
