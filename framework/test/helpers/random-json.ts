// Random JSON for the page scanner's tests: every kind of blank, escapes, unicode, odd numbers.

/** A small random JSON value with blanks in every form, seeded so a failure can be replayed. */
export function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 9 : 12));
  const strings = [
    '',
    ' ',
    '\u00a0',
    'x',
    ' y ',
    'a"b',
    'c\\d',
    'line\nbreak',
    'tab\t',
    '/path',
    'é',
    '日本',
  ];
  const numbers = [0, 1, -1, 42, 1.5, -0.25, 1e21, 1e-7, 123456789012345, 2 ** 53 + 2, 0.1 + 0.2];
  switch (pick) {
    case 0:
      return null;
    case 1:
    case 2:
      return strings[Math.floor(next() * strings.length)];
    case 3:
    case 4:
      return numbers[Math.floor(next() * numbers.length)];
    case 5:
      return next() < 0.5;
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return 'plain';
    case 9:
    case 10: {
      const n = Math.floor(next() * 4);
      return Array.from({ length: n }, () => randomValue(next, depth + 1));
    }
    default: {
      const out: Record<string, unknown> = {};
      const n = Math.floor(next() * 5);
      for (let i = 0; i < n; i++)
        out[['id', 'name', 'tags', 'a b', 'é', 'x_y'][i]] = randomValue(next, depth + 1);
      return out;
    }
  }
}

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
