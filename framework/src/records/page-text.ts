// The vendor's own text as the record's JSON. A page of N objects is parsed once (the plugin needs the
// objects to normalize them); the record then needs each object again as JSON without its blank members
// (the record text and the input of its id). Cutting the blank members out of the page's text, which is
// already that JSON but for the blanks, is cheaper than pruning the parsed object and serializing it
// again (docs/adr/0006-record-text-from-page-text.md).
//
// The cut text must be exactly what `canonicalize` gives for the parsed object, or ids would change with
// the path a record took. So an object is marked only when its text is what `JSON.stringify` writes: no
// white space outside strings, only the escapes \" \\ \b \f \n \r \t, no key that could be an array
// index (the runtime lists those first), every number in its shortest form. Anything else is left
// unmarked, and the envelope prunes and serializes the object as before.

import { blankString as isBlankText, mayTrim, PRUNED_JSON } from './blank';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

/** A page nested deeper is left to the parsed path (and the scanner's stacks stay small and preallocated). */
const MAX_DEPTH = 64;

// Per open container: where its current member starts, how many members it keeps, and how many cuts
// were recorded before it opened (dropped if it turns out blank as a whole: the parent cuts it instead).
const memberStart = new Int32Array(MAX_DEPTH);
const keptCount = new Int32Array(MAX_DEPTH);
const cutMark = new Int32Array(MAX_DEPTH);
const isObject = new Uint8Array(MAX_DEPTH);
// Ranges [start, end) of the text to leave out, in order; reused from item to item.
const cuts: number[] = [];

/** The scanner's position and findings; one per page. */
interface Scan {
  text: string;
  /** The next backslash at or after the position (text.length if none): most strings have none. */
  nextBackslash: number;
  /** Whether the item's text is what JSON.stringify writes (see the top of this file). */
  ok: boolean;
  /** Whether the last string scanned had an escape. */
  escaped: boolean;
}

function isEscapeKept(code: number): boolean {
  // \" \\ \b \f \n \r \t: the escapes JSON.stringify writes for these characters. `\/` and `\u…` are not
  // (it writes `/` and most characters as they are).
  return (
    code === QUOTE ||
    code === BACKSLASH ||
    code === 98 ||
    code === 102 ||
    code === 110 ||
    code === 114 ||
    code === 116
  );
}

/**
 * The index of the quote closing the string that opens at `start` (-1 if none); checks its escapes on
 * the way.
 */
function stringEnd(scan: Scan, start: number): number {
  const { text } = scan;
  let end = text.indexOf('"', start + 1);
  scan.escaped = end >= 0 && scan.nextBackslash < end;
  if (!scan.escaped) return end;
  // A quote after an odd number of backslashes is part of the string.
  for (;;) {
    let b = end - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((end - 1 - b) % 2 === 0) break;
    end = text.indexOf('"', end + 1);
    if (end < 0) return -1;
  }
  for (let b = scan.nextBackslash; b >= 0 && b < end; b = text.indexOf('\\', b + 2)) {
    if (!isEscapeKept(text.charCodeAt(b + 1))) scan.ok = false;
  }
  const next = text.indexOf('\\', end);
  scan.nextBackslash = next < 0 ? text.length : next;
  return end;
}

/** Whether the string value between the quotes at `start` and `end` is blank as `isBlank` sees it. */
function blankMember(scan: Scan, start: number, end: number): boolean {
  if (end === start + 1) return true;
  const first = scan.text.charCodeAt(start + 1);
  if (first === BACKSLASH) {
    // "\n…" could be white space only once unescaped; "\"…" and "\\…" cannot.
    const next = scan.text.charCodeAt(start + 2);
    if (next !== QUOTE && next !== BACKSLASH) scan.ok = false;
    return false;
  }
  if (!mayTrim(first)) return false;
  // Starts with white space (or a character `trim` might remove): its escapes would have to be read.
  if (scan.escaped) {
    scan.ok = false;
    return false;
  }
  return isBlankText(scan.text.slice(start + 1, end));
}

/** Scans the number at `start`; returns its end. Marks the scan not ok unless it is in shortest form. */
function numberEnd(scan: Scan, start: number): number {
  const { text } = scan;
  let i = start;
  let plain = text.charCodeAt(i) !== 45;
  if (!plain) i++;
  const firstDigit = i;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) i++;
    else if (c === 46 || c === 101 || c === 69 || c === 43 || c === 45) {
      plain = false;
      i++;
    } else break;
  }
  // Digits only, no leading zero, at most 15 of them: a double prints them back as they are.
  const digits = i - firstDigit;
  if (plain && digits <= 15 && (digits === 1 || text.charCodeAt(firstDigit) !== 48)) return i;
  const token = text.slice(start, i);
  if (String(Number(token)) !== token) scan.ok = false;
  return i;
}

/**
 * Scans the object at `start` (a `{`) and returns its end; `scan.ok` says whether its text can be
 * used, and the returned text is the object without its blank members (or undefined).
 */
function itemText(scan: Scan, start: number): { end: number; json: string | undefined } {
  const { text } = scan;
  let depth = 0;
  let nCuts = 0;
  isObject[0] = 1;
  keptCount[0] = 0;
  cutMark[0] = 0;
  let i = start + 1;
  if (text.charCodeAt(i) === CLOSE_OBJECT) return { end: i + 1, json: undefined };
  for (;;) {
    memberStart[depth] = i;
    let c = text.charCodeAt(i);
    if (isObject[depth] === 1) {
      if (c !== QUOTE) return { end: -1, json: undefined };
      const k = text.charCodeAt(i + 1);
      if (k >= 48 && k <= 57) scan.ok = false;
      const keyEnd = stringEnd(scan, i);
      if (keyEnd < 0) return { end: -1, json: undefined };
      i = keyEnd + 1;
      if (text.charCodeAt(i) !== COLON) return { end: -1, json: undefined };
      c = text.charCodeAt(++i);
    }
    let blank = false;
    if (c === QUOTE) {
      const end = stringEnd(scan, i);
      if (end < 0) return { end: -1, json: undefined };
      blank = blankMember(scan, i, end);
      i = end + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (text.charCodeAt(i + 1) === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        blank = true;
        i += 2;
      } else {
        if (++depth === MAX_DEPTH) return { end: -1, json: undefined };
        isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
        keptCount[depth] = 0;
        cutMark[depth] = nCuts;
        i++;
        continue;
      }
    } else if (c === 116 && text.startsWith('true', i)) i += 4;
    else if (c === 102 && text.startsWith('false', i)) i += 5;
    else if (c === 110 && text.startsWith('null', i)) {
      blank = true;
      i += 4;
    } else if (c === 45 || (c >= 48 && c <= 57)) i = numberEnd(scan, i);
    else return { end: -1, json: undefined }; // white space: not JSON.stringify's text
    // The member ended at i: cut it if blank, then go on after its comma, or close its container (and
    // every container that closes with it).
    for (;;) {
      if (!blank) keptCount[depth]++;
      else if (keptCount[depth] > 0) {
        // After a kept member: the comma before this one goes with it.
        cuts[nCuts++] = memberStart[depth] - 1;
        cuts[nCuts++] = i;
      } else {
        // Nothing kept before it: the comma after it goes with it, if there is one.
        cuts[nCuts++] = memberStart[depth];
        cuts[nCuts++] = text.charCodeAt(i) === COMMA ? i + 1 : i;
      }
      const next = text.charCodeAt(i);
      if (next === COMMA) {
        i++;
        break;
      }
      if (next !== (isObject[depth] === 1 ? CLOSE_OBJECT : CLOSE_ARRAY)) return { end: -1, json: undefined };
      i++;
      blank = keptCount[depth] === 0;
      if (blank) nCuts = cutMark[depth];
      if (depth === 0) {
        if (blank) return { end: i, json: undefined };
        return { end: i, json: joinKept(text, start, i, nCuts) };
      }
      depth--;
    }
  }
}

function joinKept(text: string, start: number, end: number, nCuts: number): string {
  if (nCuts === 0) return text.slice(start, end);
  let json = text.slice(start, cuts[0]);
  for (let k = 1; k < nCuts - 1; k += 2) json += text.slice(cuts[k], cuts[k + 1]);
  return json + text.slice(cuts[nCuts - 1], end);
}

/** What `scanPage` found: per item, where its text is and its text without blanks. */
export interface PageScan {
  /** Each item's text is `text.slice(starts[n], ends[n])`. */
  starts: number[];
  ends: number[];
  /** The item's text without its blank members, when it is exactly what `JSON.stringify` writes. */
  texts: Array<string | undefined>;
  /** Whether the item's text is valid JSON in JSON.stringify's form (blank or not). */
  canonical: boolean[];
}

function newScan(text: string): Scan {
  const next = text.indexOf('\\');
  return {
    text,
    nextBackslash: next < 0 ? text.length : next,
    ok: true,
    escaped: false,
  };
}

/**
 * Scans a page of the form `{"<key>":[{…},{…},…]}` (JSON.stringify's form, objects only) item by item.
 * Undefined when the page is in another form (white space, another member, anything but objects in
 * the array): the caller parses it as a whole. An item the scan accepts but that is not in canonical
 * form may still be invalid JSON; one in canonical form is valid.
 */
function scanPage(page: string, key: string): PageScan | undefined {
  const prefix = `{${JSON.stringify(key)}:[`;
  if (!page.startsWith(prefix) || !page.endsWith(']}')) return undefined;
  const scan = newScan(page);
  const found: PageScan = { starts: [], ends: [], texts: [], canonical: [] };
  let i = prefix.length;
  if (page.charCodeAt(i) === CLOSE_ARRAY) return i === page.length - 2 ? found : undefined;
  for (;;) {
    if (page.charCodeAt(i) !== OPEN_OBJECT) return undefined;
    scan.ok = true;
    const { end, json } = itemText(scan, i);
    if (end < 0) return undefined;
    found.starts.push(i);
    found.ends.push(end);
    found.texts.push(scan.ok ? json : undefined);
    found.canonical.push(scan.ok);
    i = end;
    if (page.charCodeAt(i) === COMMA) i++;
    else break;
  }
  // The array must be the page's only member (a repeated key would give the parsed page the items of
  // its last occurrence).
  return i === page.length - 2 && page.charCodeAt(i) === CLOSE_ARRAY ? found : undefined;
}

/** Marks `item` with its text, for the envelope (see `prunedJson`). */
function markPrunedJson(item: object, json: string): void {
  Object.defineProperty(item, PRUNED_JSON, { value: json, configurable: true, writable: true });
}

/**
 * Marks each object of the page's array under `key` with its own text, blank members cut out, for the
 * envelope to use as the object's JSON instead of pruning and serializing it again (see
 * `canonicalize`). `page` must be the text `items` was parsed from (`JSON.parse(page)[key]`), in the
 * form `{"<key>":[…]}`; the items must not be changed afterwards. Objects whose text is not exactly
 * what the envelope would write are left unmarked (they take the parsed path), and so is every object
 * of a page in another form. Returns how many objects were marked.
 */
export function adoptPageTexts(page: string, key: string, items: readonly unknown[]): number {
  if (items.length === 0 || !items.every(isPlainObject)) return 0;
  const found = scanPage(page, key);
  if (found === undefined || found.starts.length !== items.length) return 0;
  let marked = 0;
  for (let n = 0; n < items.length; n++) {
    const json = found.texts[n];
    const item = items[n] as object;
    if (json !== undefined && Object.isExtensible(item)) {
      markPrunedJson(item, json);
      marked++;
    }
  }
  return marked;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
