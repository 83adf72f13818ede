import { useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Archetype, Forecast as ForecastResult, ScenarioInput } from '../api/types';
import { useApi } from '../api/useApi';
import { ErrorBox, Loading, Section } from '../components/Ui';
import { ForecastInputs } from './ForecastInputs';
import { ForecastResults } from './ForecastResults';
import { formatUsd } from '../lib/format';

const DEFAULT_COMPARE = 'gpt-4o-mini, claude-haiku-4-5, gemini-2.5-flash';

/** Runs the forecast 400 ms after the last edit; a newer edit cancels the call in flight. */
function useForecast(scenario: ScenarioInput | undefined, compare: string[]) {
  const [result, setResult] = useState<ForecastResult>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify([scenario, compare]);
  useEffect(() => {
    if (!scenario) return;
    const ctl = new AbortController();
    setBusy(true);
    const timer = setTimeout(() => {
      api<ForecastResult>('/api/forecast', { method: 'POST', body: { scenario, compare }, signal: ctl.signal })
        .then((r) => {
          setResult(r);
          setError(undefined);
        })
        .catch((e: unknown) => {
          if (!ctl.signal.aborted) setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
        })
        .finally(() => {
          if (!ctl.signal.aborted) setBusy(false);
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
    // `key` stands for both inputs (compared by value, not identity).
  }, [key]);
  return { result, error, busy };
}

export function Forecast() {
  const archetypes = useApi<{ archetypes: Archetype[] }>('/api/forecast/archetypes');
  const [archetypeId, setArchetypeId] = useState<string>();
  const [scenario, setScenario] = useState<ScenarioInput>();
  const [compareText, setCompareText] = useState(DEFAULT_COMPARE);
  const compare = useMemo(() => compareText.split(/[\s,]+/).filter(Boolean), [compareText]);
  const { result, error, busy } = useForecast(scenario, compare);

  const choose = (id: string) => {
    const a = archetypes.data?.archetypes.find((x) => x.id === id);
    if (!a) return;
    setArchetypeId(id);
    setScenario(structuredClone(a.scenario));
  };

  useEffect(() => {
    const first = archetypes.data?.archetypes[0];
    if (first && !archetypeId) {
      setArchetypeId(first.id);
      setScenario(structuredClone(first.scenario));
    }
  }, [archetypes.data, archetypeId]);

  const archetype = archetypes.data?.archetypes.find((a) => a.id === archetypeId);
  return (
    <div className="page" data-testid="forecast">
      <h1>Forecast</h1>
      <p className="muted">What a feature will cost before you build it: start from a deployment like yours and change the inputs; the results follow.</p>
      <ErrorBox error={archetypes.error} />
      {!scenario && !archetypes.error && <Loading what="archetypes" />}
      {scenario && (
        <div className="forecast-layout">
          <Section title="Inputs" testId="forecast-inputs">
            <label>
              <span>Start from</span>
              <select value={archetypeId} onChange={(e) => choose(e.target.value)} data-testid="forecast-archetype">
                {archetypes.data?.archetypes.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name ?? a.scenario.name ?? a.id}
                  </option>
                ))}
              </select>
            </label>
            {archetype && (
              <p className="muted small-text">
                {archetype.description}
                {archetype.articleRangeUsd && ` (typically ${formatUsd(archetype.articleRangeUsd[0])}–${formatUsd(archetype.articleRangeUsd[1])} a month to run)`}
              </p>
            )}
            <ForecastInputs key={archetypeId} scenario={scenario} onChange={setScenario} />
            <label>
              <span>Compare with models (comma-separated)</span>
              <input value={compareText} onChange={(e) => setCompareText(e.target.value)} data-testid="forecast-compare" />
            </label>
          </Section>
          <div className="forecast-results" aria-live="polite" aria-busy={busy} data-testid="forecast-results" data-busy={busy}>
            <ErrorBox error={error} testId="forecast-error" />
            {result ? <ForecastResults result={result} stale={busy || error !== undefined} /> : !error && <Loading what="the forecast" />}
          </div>
        </div>
      )}
    </div>
  );
}
