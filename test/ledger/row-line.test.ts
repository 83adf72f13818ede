import { describe, expect, it } from 'vitest';
import { fromLine, lineOf, toLine } from '../../src/ledger/row-line.js';
import { makeRow } from '../helpers/rows.js';

describe('ledger row lines', () => {
  it('give back every field of the row, each in its own place', () => {
    // Every field differs from the defaults and from its neighbours, so a swapped or missing field shows.
    const row = makeRow({
      feature: 'search', customer: 'acme', conversation: 'conv-9', user: 'u-1', tags: { team: 'core', env: 'prod' },
      returnedModel: 'gpt-4o-mini-2024-07-18', stream: true, status: 207, errorCode: 'partial', usage: { input: 11, output: 7, cache_read: 3 },
      tokensIn: 11, tokensOut: 7, costNano: 123, savedNano: 45, cache: 'miss', estimated: true, latencyMs: 9.25, ttftMs: 1.5,
      route: 'fallback:1', promptCacheSavedNano: 6, usesTools: true, usesImages: true, requestedModel: 'gpt-4o',
    });
    const back = fromLine(toLine(row));
    expect(back).toEqual(row);
    expect(Object.keys(back).sort()).toEqual(Object.keys(row).sort());
  });

  it('is shorter than the row as a JSON object', () => {
    const row = makeRow();
    expect(toLine(row).length).toBeLessThan(JSON.stringify(row).length * 0.7);
  });

  it('reads the object lines that journals of earlier versions hold', () => {
    const row = makeRow({ customer: 'old' });
    expect(fromLine(JSON.stringify(row))).toEqual(row);
  });

  it('finds a row among lines by its id, not by an id that only appears in another row\'s text', () => {
    const target = makeRow({ costNano: 7 });
    // This row carries the target's id in a tag: it contains the text but is not the row.
    const decoy = makeRow({ tags: { parent: target.id } });
    const lines = [makeRow(), decoy, target, makeRow()].map(toLine);
    expect(lineOf(lines, target.id)).toEqual(target);
    expect(lineOf(lines, 'req_missing')).toBeUndefined();
  });
});
