// The parts of docs/validation.md that calibration/validate.mjs writes: each between a pair
// of HTML comments, so that the prose around them stays the authors' and a test can check
// that what stands between them is what the saved runs give today.

export const SECTION_BEGIN = '<!-- calibration/validate.mjs: begin -->';
export const SECTION_END = '<!-- calibration/validate.mjs: end -->';
export const KINDS_BEGIN = '<!-- calibration/validate.mjs: kinds begin -->';
export const KINDS_END = '<!-- calibration/validate.mjs: kinds end -->';

/** Where the generated section between `begin` and `end` lies in `doc`: its text's start and end. */
function sectionBounds(doc: string, begin: string, end: string): [number, number] {
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`the document has no ${begin} ... ${end} section`);
  return [a + begin.length, b];
}

/** The text between `begin` and `end` in `doc`, trimmed. */
export function sectionOf(doc: string, begin = SECTION_BEGIN, end = SECTION_END): string {
  const [from, to] = sectionBounds(doc, begin, end);
  return doc.slice(from, to).trim();
}

/** `doc` with its generated section between `begin` and `end` replaced by `section`. */
export function replaceSection(doc: string, section: string, begin = SECTION_BEGIN, end = SECTION_END): string {
  const [from, to] = sectionBounds(doc, begin, end);
  return `${doc.slice(0, from)}\n${section}\n${doc.slice(to)}`;
}
