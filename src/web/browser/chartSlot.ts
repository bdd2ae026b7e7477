// One place on the page where a chart is drawn with vega-embed; drawing a new spec there
// first releases the previous chart's view (its listeners and timers), so a page that
// redraws on every change does not grow.
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';

export class ChartSlot {
  private shown: Result | undefined;

  constructor(readonly element: HTMLElement) {}

  async draw(spec: TopLevelSpec): Promise<void> {
    this.clear();
    this.element.classList.remove('failed');
    try {
      // The editor and compiled actions would open pages elsewhere; export stays.
      this.shown = await embed(this.element, spec, {
        renderer: 'svg',
        actions: { export: true, source: true, compiled: false, editor: false },
      });
    } catch (e) {
      this.element.classList.add('failed');
      this.element.textContent = `This chart could not be drawn: ${(e as Error).message}`;
      console.error(e);
    }
  }

  /** Shows a line of text instead of a chart. */
  note(text: string): void {
    this.clear();
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = text;
    this.element.append(p);
  }

  clear(): void {
    this.shown?.finalize();
    this.shown = undefined;
    this.element.replaceChildren();
  }
}
