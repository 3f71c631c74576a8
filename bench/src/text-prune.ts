// Prototype (bench only, not product code): the vendor part of a record's JSON built from the page's
// own text by a general JSON splitter, blank members removed from the text, instead of pruning the
// parsed object and serializing it again. `npm run bench -- envelope` times it against the framework's
// path (ADR 0006) and counts how often the two texts are equal (the record id's input). It assumes
// well-formed JSON (the page was parsed before) and is not hardened beyond that.

const QUOTE = 34;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The index just past the string that starts at `start` (a quote). */
function endOfString(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    let backslashes = 0;
    for (let b = i - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
    if (backslashes % 2 === 0) return i + 1;
  }
}

/** The texts of the items of the first array in `text` (a page: `{"computers":[{…},{…}]}`). */
export function splitArrayItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = text.indexOf('[') + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = endOfString(text, i) - 1;
    else if (c === 123 || c === 91) {
      if (depth++ === 0) start = i;
    } else if (c === 125 || c === 93) {
      if (depth === 0) break;
      if (--depth === 0) items.push(text.slice(start, i + 1));
    }
  }
  return items;
}

/** The JSON text without blank members (null, blank strings, empty arrays and objects, recursively). */
export function pruneJsonText(text: string): string | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (isSpace(text.charCodeAt(i))) i++;
  };
  const blankString = (start: number, end: number): boolean => {
    if (end - start === 2) return true;
    const c = text.charCodeAt(start + 1);
    // Only a string that starts with white space or an escape can be blank (see framework's blank.ts).
    if (!(c <= 0x20 || c === 0xa0 || c >= 0x1680 || c === BACKSLASH)) return false;
    return (JSON.parse(text.slice(start, end)) as string).trim() === '';
  };
  const value = (): string | undefined => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      i = endOfString(text, i);
      return blankString(start, i) ? undefined : text.slice(start, i);
    }
    if (c === 123 || c === 91) {
      const object = c === 123;
      const close = object ? 125 : 93;
      let out = '';
      i++;
      skipSpace();
      if (text.charCodeAt(i) === close) {
        i++;
        return undefined;
      }
      for (;;) {
        let key = '';
        if (object) {
          skipSpace();
          const start = i;
          i = endOfString(text, i);
          key = text.slice(start, i);
          skipSpace();
          i++; // the colon
        }
        const v = value();
        if (v !== undefined) out += (out ? ',' : '') + (object ? `${key}:${v}` : v);
        skipSpace();
        if (text.charCodeAt(i++) === close) break;
      }
      if (!out) return undefined;
      return object ? `{${out}}` : `[${out}]`;
    }
    const start = i;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
      i++;
    }
    const literal = text.slice(start, i);
    return literal === 'null' ? undefined : literal;
  };
  return value();
}
