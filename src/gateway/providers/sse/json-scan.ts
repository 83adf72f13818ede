/**
 * Cheap reads of compact or spaced JSON text without parsing it: the stream readers use these on content
 * deltas (the vast majority of events) and keep JSON.parse for the few events that carry usage.
 *
 * Keys are searched as `key"` and then checked for the opening quote before them: a pattern that starts
 * with `"` (the most frequent character in JSON) makes `indexOf` stop at every quote, about 4× slower.
 * A quoted key cannot occur inside a string value (quotes there are escaped), so a hit followed by a
 * colon is a key.
 */

/** JSON whitespace, by character (or byte) code. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Index of the value after the next `"key":` at or after `from`, or -1. */
export function valueOf(json: string, key: string, from = 0): number {
  const tail = key + '"';
  let at = json.indexOf(tail, from);
  while (at !== -1) {
    if (at > 0 && json.charCodeAt(at - 1) === 34 /* " */) {
      let p = at + tail.length;
      while (isSpace(json.charCodeAt(p))) p++;
      if (json.charCodeAt(p) === 58 /* : */) {
        p++;
        while (isSpace(json.charCodeAt(p))) p++;
        return p;
      }
    }
    at = json.indexOf(tail, at + tail.length);
  }
  return -1;
}

/** Index of the closing quote of the string whose contents start at `from`, or -1 when it is cut off. */
function stringEnd(json: string, from: number): number {
  let q = json.indexOf('"', from);
  while (q !== -1) {
    let backslashes = 0;
    for (let b = q - 1; json.charCodeAt(b) === 92 /* \ */; b--) backslashes++;
    if ((backslashes & 1) === 0) return q;
    q = json.indexOf('"', q + 1);
  }
  return -1;
}

/** The string literal from the quote at `at` to the quote at `end`, unescaped only when it has escapes. */
function decodeAt(json: string, at: number, end: number): string {
  const raw = json.slice(at + 1, end);
  if (raw.indexOf('\\') === -1) return raw;
  try {
    return JSON.parse(json.slice(at, end + 1)) as string;
  } catch {
    return raw;
  }
}

/** The first string value of `key`, or undefined. */
export function firstString(json: string, key: string): string | undefined {
  let v = valueOf(json, key);
  while (v !== -1) {
    if (json.charCodeAt(v) === 34) {
      const end = stringEnd(json, v + 1);
      return end === -1 ? undefined : decodeAt(json, v, end);
    }
    v = valueOf(json, key, v);
  }
  return undefined;
}

/** True when some `key` has an object as its value (`"usage":{`, not `"usage":null`). */
export function hasObjectValue(json: string, key: string): boolean {
  let v = valueOf(json, key);
  while (v !== -1) {
    if (json.charCodeAt(v) === 123 /* { */) return true;
    v = valueOf(json, key, v);
  }
  return false;
}

/**
 * Appends the generated text in each `"delta"` of an event: a string delta itself (Responses API), or,
 * in an object delta (chat chunks, Anthropic), the non-empty strings under `keys`, at any depth (tool-call
 * arguments sit in `tool_calls[].function.arguments`). Lexes the delta object only, not the whole event.
 */
export function collectDeltaText(json: string, keys: ReadonlySet<string>, out: string[]): void {
  let v = valueOf(json, 'delta');
  while (v !== -1) {
    const c = json.charCodeAt(v);
    let next = v;
    if (c === 34) {
      const end = stringEnd(json, v + 1);
      if (end === -1) return;
      if (end > v + 1) out.push(decodeAt(json, v, end));
      next = end + 1;
    } else if (c === 123) {
      next = collectInObject(json, v, keys, out);
    }
    v = valueOf(json, 'delta', next);
  }
}

/** Walks the object (or array) opening at `start`; returns the index after its end. */
function collectInObject(json: string, start: number, keys: ReadonlySet<string>, out: string[]): number {
  const n = json.length;
  let depth = 0;
  let objects = 0; // bit d: the container at depth d is an object
  let expectKey = false;
  let i = start;
  while (i < n) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      const keyStart = i + 1;
      const end = stringEnd(json, keyStart);
      if (end === -1) return n;
      i = end + 1;
      if (!expectKey) continue;
      expectKey = false;
      const key = json.slice(keyStart, end);
      let p = i;
      while (isSpace(json.charCodeAt(p))) p++;
      if (json.charCodeAt(p) !== 58) continue;
      p++;
      while (isSpace(json.charCodeAt(p))) p++;
      if (json.charCodeAt(p) === 34 && keys.has(key)) {
        const valueEnd = stringEnd(json, p + 1);
        if (valueEnd === -1) return n;
        if (valueEnd > p + 1) out.push(decodeAt(json, p, valueEnd));
        i = valueEnd + 1;
      } else i = p;
      continue;
    }
    if (c === 123 || c === 91) {
      if (++depth > 30) return n;
      if (c === 123) objects |= 1 << depth;
      else objects &= ~(1 << depth);
      expectKey = c === 123;
    } else if (c === 125 || c === 93) {
      if (--depth === 0) return i + 1;
      expectKey = false;
    } else if (c === 44) {
      expectKey = ((objects >> depth) & 1) === 1;
    }
    i++;
  }
  return n;
}

/**
 * Index just after the bracket that closes the container `from` is inside of (strings skipped; nested
 * containers opened and closed on the way), or -1 when the text ends first.
 */
function closingEnd(json: string, from: number): number {
  let depth = 0;
  for (let i = from; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(json, i + 1);
      if (i === -1) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth < 0) return i + 1;
  }
  return -1;
}

/**
 * The object value of `key` in the outermost object of a JSON text, parsed alone, when it is the last
 * `"key":{` of the text (where providers put `usage`: after the content). Undefined when there is none,
 * when the last one is nested deeper (what follows it must close the outermost object and end), or
 * when it does not parse; callers then parse the whole text.
 */
export function lastOuterObject(json: string, key: string): Record<string, unknown> | undefined {
  let start = -1;
  for (let v = valueOf(json, key); v !== -1; v = valueOf(json, key, v)) if (json.charCodeAt(v) === 123 /* { */) start = v;
  if (start === -1) return undefined;
  const end = closingEnd(json, start + 1);
  const outerEnd = end === -1 ? -1 : closingEnd(json, end);
  if (outerEnd === -1 || json.charCodeAt(outerEnd - 1) !== 125 /* } */) return undefined;
  for (let i = outerEnd; i < json.length; i++) if (!isSpace(json.charCodeAt(i))) return undefined;
  try {
    return JSON.parse(json.slice(start, end)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
