// The controls column: one row per field (its name, its path, an input, the schema's
// description, and a reset button once it differs from the file), grouped as the
// scenario file is. Built once per scenario and then only updated, so a slider being
// dragged is never replaced under the pointer.
import { GROUPS, type Control } from '../controls.js';
import { POSITIONS, sliderScale } from '../sliderScale.js';

export interface ControlEvents {
  /** The user set `path` to `value` (the text --set reads). */
  set(path: string, value: string): void;
  /** The user asked for the file's own value back. */
  reset(path: string): void;
}

interface Row {
  element: HTMLElement;
  update(control: Control): void;
}

export class ControlsView {
  private rows = new Map<string, Row>();

  constructor(
    private readonly form: HTMLFormElement,
    private readonly events: ControlEvents,
  ) {
    form.addEventListener('submit', (e) => e.preventDefault());
  }

  /** Replaces every row: a new scenario was opened. */
  build(controls: readonly Control[]): void {
    this.form.replaceChildren();
    this.rows.clear();
    for (const group of GROUPS) {
      const inGroup = controls.filter((c) => c.group === group);
      if (inGroup.length === 0) continue;
      const fieldset = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = group;
      fieldset.append(legend);
      for (const control of inGroup) {
        const row = this.row(control);
        this.rows.set(control.path, row);
        fieldset.append(row.element);
      }
      this.form.append(fieldset);
    }
  }

  /** Shows the what-if's values; `changed` are the paths it overrides. */
  update(controls: readonly Control[], changed: ReadonlySet<string>): void {
    for (const control of controls) {
      const row = this.rows.get(control.path);
      if (row === undefined) continue;
      row.element.hidden = !control.applies;
      row.element.classList.toggle(
        'changed',
        [...changed].some((p) => p === control.path || p.startsWith(`${control.path}.`)),
      );
      row.update(control);
    }
    // A group with nothing that applies (the load of stepped arrivals) is not shown at all.
    for (const fieldset of this.form.querySelectorAll('fieldset')) {
      fieldset.hidden = [...fieldset.querySelectorAll<HTMLElement>('.control')].every((row) => row.hidden);
    }
  }

  private row(control: Control): Row {
    const element = document.createElement('div');
    element.className = 'control';
    element.dataset.path = control.path;
    element.dataset.kind = control.kind;
    const id = `control-${control.path.replace(/\./g, '-')}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.append(span('name', control.name), span('path', control.path));
    const inputs = document.createElement('div');
    inputs.className = 'inputs';
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'reset';
    reset.textContent = 'reset';
    reset.title = "Back to the scenario file's value";
    reset.addEventListener('click', () => this.events.reset(control.path));
    const description = document.createElement('p');
    description.className = 'description';
    description.textContent = control.description;
    element.append(label, inputs, description);
    const update = this.inputs(control, id, inputs);
    inputs.append(reset);
    return { element, update };
  }

  /** The input(s) for one control, and how to show a new value in them. */
  private inputs(control: Control, id: string, into: HTMLElement): (c: Control) => void {
    const { path } = control;
    switch (control.kind) {
      case 'boolean':
      case 'section': {
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.id = id;
        box.addEventListener('change', () => {
          if (control.kind === 'boolean') this.events.set(path, String(box.checked));
          // An optional section is switched on with all its defaults, and off by dropping it.
          else if (box.checked) this.events.set(path, '{}');
          else this.events.reset(path);
        });
        into.append(box, span('unit', control.kind === 'section' ? 'on' : ''));
        return (c) => {
          box.checked = c.value === true;
        };
      }
      case 'choice': {
        const select = document.createElement('select');
        select.id = id;
        for (const option of control.options ?? []) select.append(new Option(option, option));
        select.addEventListener('change', () => this.events.set(path, select.value));
        into.append(select);
        return (c) => {
          select.value = String(c.value);
        };
      }
      default: {
        const kind = control.kind as 'integer' | 'number' | 'seconds';
        const slider = document.createElement('input');
        slider.type = 'range';
        slider.min = '0';
        slider.max = String(POSITIONS);
        slider.tabIndex = -1; // the number box is the keyboard's input
        slider.setAttribute('aria-hidden', 'true');
        const box = document.createElement('input');
        box.type = 'number';
        box.id = id;
        box.step = kind === 'integer' ? '1' : 'any';
        if (control.min !== undefined) box.min = String(control.min);
        if (control.max !== undefined) box.max = String(control.max);
        // The slider's span is fixed when the scenario opens, so it does not move while dragged.
        const scale = sliderScale(control.min ?? 0, control.sliderMax ?? 1, kind);
        slider.addEventListener('input', () => {
          const value = String(scale.value(slider.valueAsNumber));
          box.value = value;
          this.events.set(path, value);
        });
        box.addEventListener('input', () => {
          // Half-typed text ("", "-") is not a value yet; the next keystroke will be.
          if (box.value === '' || !Number.isFinite(box.valueAsNumber)) return;
          slider.value = String(scale.position(box.valueAsNumber));
          this.events.set(path, box.value);
        });
        into.append(slider, box, span('unit', kind === 'seconds' ? 's' : ''));
        return (c) => {
          const value = typeof c.value === 'number' ? c.value : Number(c.value);
          if (document.activeElement !== slider) slider.value = String(scale.position(value));
          if (document.activeElement !== box) box.value = Number.isFinite(value) ? String(value) : '';
        };
      }
    }
  }
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}
