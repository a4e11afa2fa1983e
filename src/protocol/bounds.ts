// Bounds on an event's `data`, checked at every edge (native frames, legacy payloads, events the
// extension makes) before anything is stored. JSON.parse accepts any depth, but JSON.stringify,
// structured clone and every recursive reader downstream do not: one event nested a few thousand
// levels deep made the hub throw a RangeError when it journaled or forwarded it. So depth and size
// are measured here without recursion, and a value over either limit is refused with a reason.

/** `data` itself is level 1; an object or array inside it is level 2, and so on. */
export const MAX_EVENT_DATA_DEPTH = 64;
/** Measured as the length of the data's JSON text (in characters), a little over what is sent. */
export const MAX_EVENT_DATA_CHARS = 256 * 1024;

export interface DataBounds {
  maxDepth: number;
  maxChars: number;
}

export const DEFAULT_DATA_BOUNDS: DataBounds = { maxDepth: MAX_EVENT_DATA_DEPTH, maxChars: MAX_EVENT_DATA_CHARS };

/**
 * Why `data` cannot be stored as event data, or undefined when it can: too deep, too large, or a
 * value JSON cannot carry (a function, a symbol, a bigint, undefined inside an array). Walks the
 * value with an explicit stack, so a value nested 100,000 levels deep costs a refusal, not a crash,
 * and stops at the first limit it crosses.
 */
export function eventDataProblem(data: unknown, bounds: DataBounds = DEFAULT_DATA_BOUNDS): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: data, depth: 1 }];
  let chars = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    switch (typeof value) {
      case 'string':
        chars += value.length + 2;
        break;
      case 'number':
        chars += Number.isFinite(value) ? String(value).length : 4; // NaN and Infinity become null
        break;
      case 'boolean':
        chars += value ? 4 : 5;
        break;
      case 'object': {
        if (value === null) {
          chars += 4;
          break;
        }
        if (depth > bounds.maxDepth) {
          return `data nests deeper than ${bounds.maxDepth} levels (the limit for event data)`;
        }
        if (Array.isArray(value)) {
          chars += 2 + Math.max(0, value.length - 1);
          for (let i = value.length - 1; i >= 0; i--) {
            if (value[i] === undefined) return `data holds undefined at an array index; JSON cannot carry it`;
            stack.push({ value: value[i], depth: depth + 1 });
          }
        } else {
          const keys = Object.keys(value);
          chars += 2 + Math.max(0, keys.length - 1);
          for (const key of keys) {
            const child = (value as Record<string, unknown>)[key];
            if (child === undefined) continue; // JSON.stringify leaves the key out
            chars += key.length + 3;
            stack.push({ value: child, depth: depth + 1 });
          }
        }
        break;
      }
      case 'undefined':
        if (depth === 1) return 'data is missing';
        break;
      default:
        return `data holds a ${typeof value}; JSON cannot carry it`;
    }
    if (chars > bounds.maxChars) {
      return `data is larger than ${bounds.maxChars} characters as JSON (the limit for event data)`;
    }
  }
  return undefined;
}
