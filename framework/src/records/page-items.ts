// A page's objects parsed one at a time, when the host reads them, instead of all at once when the page
// arrives. A page of 1,000 parsed computers stays alive until its last record is built, so the young
// generation's scavenges copied all of them again and again (≈ 18 µs per record in round 7's GC trace);
// parsed on the way, each computer dies young. The page's text is checked in full before anything is
// emitted, so a malformed page still fails where it was fetched (and is retried there), not halfway
// through its records (ADR 0007).

import type { PageItemList } from '../types';
import { markPrunedJson, scanPage, type PageScan } from './page-text';

export interface PageItemsOptions {
  /**
   * Top-level members of each object to read without parsing it (`peek`), e.g. the ID a cursor or a
   * de-duplication needs. The last occurrence wins, as in `JSON.parse`.
   */
  peek?: readonly string[];
  /**
   * The only top-level members `at` parses, for a normalizer that reads no others; the record still
   * carries the whole object, cut from the page's text. Objects whose text is not used for the record
   * are parsed whole.
   */
  members?: readonly string[];
}

/** Any character JSON.stringify escapes; none may appear as is in a page read lazily. */
const CONTROL = /[\u0000-\u001f]/;

/**
 * The objects of a page, each parsed when it is read and marked with its text for the envelope
 * (`adoptPageTexts`). Iterating again parses again: the host reads each page once. Objects whose text
 * is not in `JSON.stringify`'s form were parsed when the page was read, and are kept as parsed.
 */
export class PageItems<T = unknown> implements PageItemList<T> {
  private constructor(
    private readonly text: string,
    private readonly scan: PageScan | undefined,
    /** Parsed up front: every object of a page read as a whole, the non-canonical ones otherwise. */
    private readonly parsed: ReadonlyArray<T | undefined>,
    private readonly peekKeys: readonly string[],
    /** Indexes into `peekKeys` of the members `at` parses, or undefined for all. */
    private readonly members: readonly number[] | undefined,
    /** Positions in the page of the items this list holds, or undefined for all of them. */
    private readonly positions: readonly number[] | undefined,
  ) {}

  /** Items already parsed, e.g. by a plugin that reads its pages itself or in a test. */
  static of<T>(items: readonly T[], options: PageItemsOptions = {}): PageItems<T> {
    return new PageItems<T>('', undefined, items, options.peek ?? [], undefined, undefined);
  }

  /** @internal */
  static read<T>(
    text: string,
    scan: PageScan | undefined,
    parsed: ReadonlyArray<T | undefined>,
    peek: readonly string[],
    members: readonly number[] | undefined,
  ): PageItems<T> {
    return new PageItems<T>(text, scan, parsed, peek, members, undefined);
  }

  get length(): number {
    return this.positions?.length ?? this.scan?.starts.length ?? this.parsed.length;
  }

  /** The object at `index`, parsed now unless it was parsed with the page. */
  at(index: number): T {
    const n = this.position(index);
    const parsed = this.parsed[n];
    if (parsed !== undefined || this.scan === undefined) return parsed as T;
    const json = this.scan.texts[n];
    if (json === undefined) return JSON.parse(this.itemText(n)) as T;
    const item = JSON.parse(this.members ? this.membersText(n) : this.itemText(n)) as T & object;
    markPrunedJson(item, json);
    return item;
  }

  /**
   * The whole object at `index` as `JSON.parse` of the page gives it: all members, no text mark. For
   * checks that the records built from `at` are the same (the testkit's conformance suite).
   */
  whole(index: number): T {
    const n = this.position(index);
    const parsed = this.parsed[n];
    if (parsed !== undefined || this.scan === undefined) return parsed as T;
    return JSON.parse(this.itemText(n)) as T;
  }

  /** The value of the peeked member `key` of the object at `index`, without parsing the object. */
  peek(index: number, key: string): unknown {
    const k = this.peekKeys.indexOf(key);
    if (k < 0) throw new RangeError(`"${key}" is not among the peeked members (${this.peekKeys.join(', ')})`);
    const n = this.position(index);
    const parsed = this.parsed[n];
    if (parsed !== undefined || this.scan === undefined) {
      return parsed !== null && typeof parsed === 'object'
        ? (parsed as Record<string, unknown>)[key]
        : undefined;
    }
    const at = n * this.peekKeys.length + k;
    const start = this.scan.peekStarts[at];
    return start < 0 ? undefined : (JSON.parse(this.text.slice(start, this.scan.peekEnds[at])) as unknown);
  }

  /** The items at these indexes, in this order. */
  pick(indexes: readonly number[]): PageItems<T> {
    const positions = indexes.map((i) => this.position(i));
    return new PageItems<T>(this.text, this.scan, this.parsed, this.peekKeys, this.members, positions);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** The text of the object at page position `n`, as the page has it. */
  private itemText(n: number): string {
    return this.text.slice(this.scan!.starts[n], this.scan!.ends[n]);
  }

  /** The object at page position `n` with only the chosen members, as JSON. */
  private membersText(n: number): string {
    const { peekStarts, peekEnds } = this.scan!;
    const base = n * this.peekKeys.length;
    let json = '';
    for (const k of this.members!) {
      const start = peekStarts[base + k];
      if (start < 0) continue;
      json += `${json ? ',' : '{'}${JSON.stringify(this.peekKeys[k])}:${this.text.slice(start, peekEnds[base + k])}`;
    }
    return json ? `${json}}` : '{}';
  }

  private position(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`item ${index} is outside the page's ${this.length} items`);
    }
    return this.positions === undefined ? index : this.positions[index];
  }
}

/**
 * Reads the array under `key` of a JSON page. A page in `JSON.stringify`'s form, `{"<key>":[{…},…]}`,
 * is checked in full but its objects are parsed only when read (`PageItems`); any other page is parsed
 * as a whole. Throws a `SyntaxError` for malformed JSON, as `JSON.parse` does; undefined when the page
 * has no array under `key`.
 */
export function pageItems<T = unknown>(
  page: string,
  key: string,
  options: PageItemsOptions = {},
): PageItems<T> | undefined {
  const peek = [...new Set([...(options.peek ?? []), ...(options.members ?? [])])];
  const scan = CONTROL.test(page) ? undefined : scanPage(page, key, peek);
  if (scan === undefined) {
    const items = (JSON.parse(page) as Record<string, unknown> | null)?.[key];
    return Array.isArray(items) ? PageItems.of(items as T[], { peek }) : undefined;
  }
  // A canonical object is valid JSON; any other is parsed now, so that a malformed one fails here.
  const parsed: Array<T | undefined> = new Array(scan.starts.length);
  for (let n = 0; n < scan.starts.length; n++) {
    if (!scan.canonical[n]) parsed[n] = JSON.parse(page.slice(scan.starts[n], scan.ends[n])) as T;
  }
  return PageItems.read(
    page,
    scan,
    parsed,
    peek,
    options.members?.map((m) => peek.indexOf(m)),
  );
}
