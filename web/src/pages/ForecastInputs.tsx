import { useState } from 'react';
import type { RangeInput, ScenarioInput } from '../api/types';
import { edit, expectedOf, modelLabel, rangeText, trafficUnit, withExpected } from '../lib/scenario';

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o4-mini', 'claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1', 'gemini-2.5-flash', 'gemini-2.5-pro'];

interface NumberFieldProps {
  label: string;
  value: RangeInput | undefined;
  onChange: (v: number) => void;
  testId: string;
  step?: number;
  min?: number;
  max?: number;
  /** Shown and edited as a percentage (the scenario holds a share). */
  percent?: boolean;
}

/** A number input for a ranged scenario value: edits the expected value; the range is scaled along. */
function NumberField({ label, value, onChange, testId, step = 1, min = 0, max, percent }: NumberFieldProps) {
  const expected = expectedOf(value);
  const shown = percent ? Math.round(expected * 1000) / 10 : expected;
  const [text, setText] = useState<string>();
  const note = rangeText(value);
  return (
    <label>
      <span>
        {label}
        {note && !percent && <small className="muted"> ({note})</small>}
      </span>
      <input
        type="number"
        inputMode="decimal"
        step={step}
        min={min}
        max={max}
        value={text ?? String(shown)}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(n)) onChange(percent ? n / 100 : n);
        }}
        onBlur={() => setText(undefined)}
        data-testid={testId}
      />
    </label>
  );
}

/** One model for every call; typing one replaces an archetype's model mix. */
function ModelField({ scenario: s, onChange }: { scenario: ScenarioInput; onChange: (s: ScenarioInput) => void }) {
  const [text, setText] = useState(s.model ?? '');
  return (
    <label>
      <span>Model{s.models && !s.model ? ` (now a mix: ${modelLabel(s)})` : ''}</span>
      <input
        list="forecast-models"
        value={text}
        placeholder={s.model ? undefined : 'type a model to replace the mix'}
        onChange={(e) => {
          setText(e.target.value);
          const m = e.target.value.trim();
          if (m)
            onChange(
              edit(s, (d) => {
                d.model = m;
                delete d.models;
              }),
            );
        }}
        data-testid="forecast-model"
      />
      <datalist id="forecast-models">
        {MODELS.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
    </label>
  );
}

export function ForecastInputs({ scenario: s, onChange }: { scenario: ScenarioInput; onChange: (s: ScenarioInput) => void }) {
  const unit = trafficUnit(s);
  const change = (fn: (d: ScenarioInput) => void) => onChange(edit(s, fn));
  const perTurn = (field: 'systemPromptTokens' | 'ragContextTokens' | 'userMessageTokens' | 'outputTokens' | 'toolRounds', label: string, testId: string) => (
    <NumberField
      label={label}
      value={s.perTurn[field] as RangeInput | undefined}
      testId={testId}
      onChange={(v) => change((d) => void (d.perTurn[field] = withExpected(d.perTurn[field] as RangeInput | undefined, v)))}
    />
  );
  const infra = Object.entries(s.infrastructure ?? {});
  const [newItem, setNewItem] = useState('');

  return (
    <div className="inputs">
      <fieldset>
        <legend>Traffic</legend>
        <label>
          <span>Traffic is counted in</span>
          <select
            value={unit}
            onChange={(e) =>
              change((d) => {
                const v = d.traffic[unit];
                delete d.traffic[unit];
                d.traffic[e.target.value as typeof unit] = v;
              })
            }
            data-testid="forecast-traffic-unit"
          >
            <option value="conversationsPerDay">conversations a day</option>
            <option value="interactionsPerDay">single interactions a day</option>
          </select>
        </label>
        <NumberField
          label={unit === 'conversationsPerDay' ? 'Conversations per day' : 'Interactions per day'}
          value={s.traffic[unit]}
          onChange={(v) => change((d) => void (d.traffic[unit] = withExpected(d.traffic[unit], v)))}
          testId="forecast-per-day"
        />
        {unit === 'conversationsPerDay' && (
          <NumberField
            label="Turns per conversation"
            value={s.traffic.turnsPerConversation ?? 1}
            min={1}
            max={100}
            onChange={(v) => change((d) => void (d.traffic.turnsPerConversation = withExpected(d.traffic.turnsPerConversation, v)))}
            testId="forecast-turns"
          />
        )}
        <NumberField
          label="Days with traffic a month"
          value={s.traffic.workingDaysPerMonth ?? 30}
          min={1}
          max={31}
          onChange={(v) => change((d) => void (d.traffic.workingDaysPerMonth = withExpected(d.traffic.workingDaysPerMonth, v)))}
          testId="forecast-days"
        />
        <NumberField
          label="Growth a month (%)"
          percent
          step={0.5}
          min={-99}
          value={s.traffic.monthlyGrowth ?? 0}
          onChange={(v) => change((d) => void (d.traffic.monthlyGrowth = withExpected(d.traffic.monthlyGrowth, v)))}
          testId="forecast-growth"
        />
      </fieldset>

      <fieldset>
        <legend>Tokens per turn</legend>
        {perTurn('systemPromptTokens', 'System prompt', 'forecast-system-tokens')}
        {perTurn('ragContextTokens', 'Retrieved context (RAG)', 'forecast-rag-tokens')}
        {perTurn('userMessageTokens', 'User message', 'forecast-user-tokens')}
        {perTurn('outputTokens', 'Output', 'forecast-output-tokens')}
        {perTurn('toolRounds', 'Tool-call rounds', 'forecast-tool-rounds')}
      </fieldset>

      <fieldset>
        <legend>Model and caching</legend>
        <ModelField scenario={s} onChange={onChange} />
        <NumberField
          label="Prompt cache share (%)"
          percent
          max={100}
          value={s.caching?.promptCacheShare ?? 0}
          onChange={(v) => change((d) => void (d.caching = { ...d.caching, promptCacheShare: withExpected(d.caching?.promptCacheShare, v) }))}
          testId="forecast-prompt-cache"
        />
        <NumberField
          label="Response cache share (%)"
          percent
          max={100}
          value={s.caching?.responseCacheShare ?? 0}
          onChange={(v) => change((d) => void (d.caching = { ...d.caching, responseCacheShare: withExpected(d.caching?.responseCacheShare, v) }))}
          testId="forecast-response-cache"
        />
        <label className="check">
          <input
            type="checkbox"
            checked={s.caching?.cacheSystemPrompt ?? false}
            onChange={(e) => change((d) => void (d.caching = { ...d.caching, cacheSystemPrompt: e.target.checked }))}
            data-testid="forecast-cache-system"
          />
          <span>System prompt read from the provider's prompt cache</span>
        </label>
      </fieldset>

      <fieldset data-testid="forecast-infra">
        <legend>Infrastructure (USD a month)</legend>
        {infra.length === 0 && <p className="muted small-text">No infrastructure items.</p>}
        {infra.map(([name, v]) => (
          <div className="infra-row" key={name}>
            <NumberField label={name} value={v} onChange={(n) => change((d) => void (d.infrastructure![name] = withExpected(d.infrastructure![name], n)))} testId={`forecast-infra-${name}`} />
            <button type="button" className="secondary small" aria-label={`Remove ${name}`} onClick={() => change((d) => void delete d.infrastructure![name])}>
              Remove
            </button>
          </div>
        ))}
        <div className="infra-row">
          <label>
            <span>New item</span>
            <input value={newItem} onChange={(e) => setNewItem(e.target.value)} placeholder="vector database" data-testid="forecast-infra-new" />
          </label>
          <button
            type="button"
            className="secondary small"
            disabled={!/^[A-Za-z][\w .-]{0,99}$/.test(newItem.trim()) || newItem.trim() in (s.infrastructure ?? {})}
            onClick={() => {
              change((d) => void (d.infrastructure = { ...d.infrastructure, [newItem.trim()]: 50 }));
              setNewItem('');
            }}
            data-testid="forecast-infra-add"
          >
            Add ($50)
          </button>
        </div>
      </fieldset>
      <NumberField
        label="Safety factor for the budget (×)"
        step={0.5}
        min={1}
        max={100}
        value={(s.safetyFactor as number | undefined) ?? 2}
        onChange={(v) => change((d) => void (d.safetyFactor = v))}
        testId="forecast-safety"
      />
    </div>
  );
}
