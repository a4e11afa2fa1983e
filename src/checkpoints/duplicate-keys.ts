// JSON.parse keeps the last of two equal keys without a word, so a checkpoint file could show one
// text in a review and restore another. This scan finds duplicate keys in JSON text that already
// parsed. It never recurses (nesting costs memory for the stack array, not call stack) and skips
// string contents with indexOf, so the 64 MiB contents file of a checkpoint is scanned quickly.

export interface DuplicateKey {
  key: string;
  /** Where the object holding it is, e.g. `file_snapshots`; '' for the top-level object. */
  where: string;
}

interface Frame {
  isObject: boolean;
  keys: Set<string> | undefined;
  expectKey: boolean;
  where: string;
  lastKey: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote that closes the string whose opening quote is at `start`. */
function closingQuote(text: string, start: number): number {
  let at = text.indexOf('"', start + 1);
  for (;;) {
    if (at < 0) return text.length; // not JSON after all; the caller parsed it, so this does not happen
    let backslashes = 0;
    for (let i = at - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
}

/**
 * Duplicate keys in valid JSON text, in the order found, at most `limit` of them.
 * `where` names the object by its keys from the top (`a.b`, `[]` for array elements).
 */
export function findDuplicateKeys(text: string, limit = 10): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Frame[] = [];
  let i = 0;
  const childWhere = (parent: Frame | undefined): string => {
    if (!parent) return '';
    const step = parent.isObject ? parent.lastKey : '[]';
    return parent.where === '' ? step : `${parent.where}.${step}`;
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      const top = stack[stack.length - 1];
      if (top?.isObject && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys!.has(key)) {
          found.push({ key, where: top.where });
          if (found.length >= limit) return found;
        } else {
          top.keys!.add(key);
        }
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const isObject = c === 0x7b;
      stack.push({
        isObject,
        keys: isObject ? new Set() : undefined,
        expectKey: isObject,
        where: childWhere(stack[stack.length - 1]),
        lastKey: '',
      });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.isObject) top.expectKey = true;
    }
    i++;
  }
  return found;
}

/** `duplicate key "a" in file_snapshots, duplicate key "b"`: for a refusal message. */
export function describeDuplicateKeys(duplicates: readonly DuplicateKey[]): string {
  return duplicates.map((d) => `duplicate key ${JSON.stringify(d.key)}${d.where ? ` in ${d.where}` : ''}`).join(', ');
}
