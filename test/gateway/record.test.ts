import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_APP_SETTINGS } from '../../src/config/schema.js';
import { attribute } from '../../src/gateway/attribution.js';
import type { MeterInput, Outcome } from '../../src/gateway/meter.js';
import { record } from '../../src/gateway/pipeline.js';
import type { JournaledLedger } from '../../src/ledger/journal.js';
import { fromLine } from '../../src/ledger/row-line.js';
import { startRig, type TestRig } from '../helpers/gateway.js';

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig.close());

/** Ids of the rows in the journal's files now. */
function journaledIds(): string[] {
  const dir = join(rig.gateway.deps.config.dataDir, 'journal');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => fromLine(l).id));
}

function meter(id: string): MeterInput {
  const { catalog } = rig.gateway.deps;
  return {
    id, ts: Date.now(), app: 'support', keyId: null, attribution: attribute({}, {}), endpoint: 'openai-chat', provider: 'openai',
    model: 'gpt-4o-mini', requestedModel: 'gpt-4o-mini', entry: catalog.tryResolve('gpt-4o-mini')?.entry, stream: false, body: {},
    route: null, needs: { tools: false, images: false },
  };
}

const outcome: Outcome = { status: 200, errorCode: null, reported: { input: 10, output: 2 }, complete: true, outputText: '', returnedModel: null, latencyMs: 1, ttftMs: null };

describe('recording a row before the answer', () => {
  it('gives the row only once it is in the journal: later when the write waits for the turn, at once when alone', async () => {
    const journal = rig.gateway.deps.ledger as JournaledLedger;
    const alone = journal.alone;
    try {
      // Under load the rows of a turn share one write, at the end of the turn: the answer waits for it.
      journal.alone = () => false;
      const later = record(meter('req_record_later'), outcome, undefined, DEFAULT_APP_SETTINGS, rig.gateway.deps);
      expect(later).toBeInstanceOf(Promise);
      expect(journaledIds()).not.toContain('req_record_later');
      expect((await later).id).toBe('req_record_later');
      expect(journaledIds()).toContain('req_record_later');

      // Alone in flight: written now, and the row comes back without a promise.
      journal.alone = () => true;
      const now = record(meter('req_record_now'), outcome, undefined, DEFAULT_APP_SETTINGS, rig.gateway.deps);
      expect(now).not.toBeInstanceOf(Promise);
      expect(journaledIds()).toContain('req_record_now');
    } finally {
      journal.alone = alone;
    }
  });
});
