import { useState } from 'react';
import { api, ApiError, query } from '../api/client';
import type { ReviewQueueApp, ReviewSample, ReviewSampleList, ReviewSampleSummary, SampleVerdict } from '../api/types';
import { useApi } from '../api/useApi';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorBox, Loading, Section, Toggle } from '../components/Ui';
import { formatInt, formatPercent, formatTime } from '../lib/format';

type Status = 'pending' | 'reviewed';

interface Turn {
  role: string;
  text: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One content part of any of the three wire formats, as text. */
function partText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (!isObject(part)) return '';
  if (typeof part.text === 'string') return part.text;
  const type = String(part.type ?? '');
  if (type.includes('image')) return '[image]';
  if (type.includes('audio')) return '[audio]';
  if (type === 'tool_use') return `[tool call ${String(part.name ?? '')}] ${JSON.stringify(part.input ?? {})}`;
  if (type === 'tool_result') return `[tool result] ${contentText(part.content)}`;
  return JSON.stringify(part);
}

function contentText(content: unknown): string {
  if (Array.isArray(content)) return content.map(partText).filter(Boolean).join('\n');
  return partText(content);
}

function turnOf(item: unknown): Turn {
  if (!isObject(item)) return { role: 'input', text: partText(item) };
  const calls = Array.isArray(item.tool_calls)
    ? item.tool_calls.map((c) => (isObject(c) && isObject(c.function) ? `[tool call ${String(c.function.name ?? '')}] ${String(c.function.arguments ?? '')}` : '')).filter(Boolean)
    : [];
  if (item.type === 'function_call') return { role: 'tool call', text: `${String(item.name ?? '')} ${String(item.arguments ?? '')}` };
  if (item.type === 'function_call_output') return { role: 'tool', text: contentText(item.output) };
  return { role: String(item.role ?? item.type ?? 'message'), text: [contentText(item.content), ...calls].filter(Boolean).join('\n') };
}

/** The conversation of a stored request body (OpenAI chat, Responses, Anthropic Messages). */
function turnsOf(body: Json): Turn[] {
  const turns: Turn[] = [];
  if (body.system !== undefined) turns.push({ role: 'system', text: contentText(body.system) });
  if (typeof body.instructions === 'string') turns.push({ role: 'instructions', text: body.instructions });
  if (Array.isArray(body.messages)) turns.push(...body.messages.map(turnOf));
  if (typeof body.input === 'string') turns.push({ role: 'user', text: body.input });
  else if (Array.isArray(body.input)) turns.push(...body.input.map(turnOf));
  if (typeof body.prompt === 'string') turns.push({ role: 'user', text: body.prompt });
  return turns;
}

const CONVERSATION_KEYS = new Set(['messages', 'input', 'system', 'instructions', 'prompt']);

function parsePrompt(prompt: string): { turns: Turn[]; params: Json; pretty: string } | undefined {
  try {
    const body = JSON.parse(prompt) as unknown;
    if (!isObject(body)) return undefined;
    const params = Object.fromEntries(Object.entries(body).filter(([k]) => !CONVERSATION_KEYS.has(k)));
    return { turns: turnsOf(body), params, pretty: JSON.stringify(body, null, 2) };
  } catch {
    return undefined; // cut to the size cap as a last resort: shown as stored
  }
}

function FullSample({ sample }: { sample: ReviewSample }) {
  const parsed = parsePrompt(sample.prompt);
  return (
    <div className="sample-full" data-testid="sample-full">
      <h3>Prompt</h3>
      {parsed ? (
        parsed.turns.map((t, i) => (
          <div className="turn" key={i}>
            <div className="turn-role">{t.role}</div>
            <pre className="turn-text">{t.text || '—'}</pre>
          </div>
        ))
      ) : (
        <pre className="turn-text">{sample.prompt}</pre>
      )}
      <h3>Answer</h3>
      <pre className="turn-text answer" data-testid="sample-completion">
        {sample.completion || '(no text: the answer was empty)'}
      </pre>
      {parsed && (
        <details>
          <summary className="small-text">Request as sent (model and parameters: {Object.keys(parsed.params).join(', ') || 'none'})</summary>
          <pre className="code">{parsed.pretty}</pre>
        </details>
      )}
    </div>
  );
}

function SampleCard({ s, reviewer, onReviewed }: { s: ReviewSampleSummary; reviewer: string; onReviewed: () => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState(s.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const full = useApi<ReviewSample>(open ? `/api/review/samples/${encodeURIComponent(s.id)}` : null);

  const judge = async (verdict: SampleVerdict) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/review/samples/${encodeURIComponent(s.id)}`, {
        method: 'POST',
        body: { verdict, ...(reviewer.trim() ? { reviewer: reviewer.trim() } : {}), ...(note.trim() ? { note: note.trim() } : {}) },
      });
      onReviewed();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
      setBusy(false);
    }
  };

  return (
    <li className="card sample" data-testid="sample" data-id={s.id} data-verdict={s.verdict ?? ''}>
      <header className="section-head">
        <h2>
          {s.app}
          {s.feature && <span className="muted small-text"> / {s.feature}</span>}
        </h2>
        <div className="actions small-text">
          <span className="muted">
            {s.model} · {formatTime(s.ts)}
          </span>
          {s.truncated && <span className="tag warn">truncated</span>}
          {s.verdict && (
            <span className={`tag ${s.verdict === 'bad' ? 'bad' : 'good'}`} data-testid="sample-verdict">
              {s.verdict}
              {s.reviewer ? ` · ${s.reviewer}` : ''}
            </span>
          )}
        </div>
      </header>
      {open ? (
        <>
          <ErrorBox error={full.error} />
          {full.data ? <FullSample sample={full.data} /> : !full.error && <Loading what="the sample" />}
        </>
      ) : (
        <div className="sample-previews">
          <div>
            <div className="muted small-text">Asked</div>
            <p className="preview" data-testid="sample-prompt-preview">{s.promptPreview || '—'}</p>
          </div>
          <div>
            <div className="muted small-text">Answered</div>
            <p className="preview" data-testid="sample-completion-preview">{s.completionPreview || '—'}</p>
          </div>
        </div>
      )}
      <button type="button" className="link small-text" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="sample-toggle">
        {open ? 'Show less' : 'Show the whole prompt and answer'}
      </button>
      <ErrorBox error={error} />
      <div className="verdict-row">
        <label className="grow">
          <span className="sr-only">Note</span>
          <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} placeholder="Note (optional): what is wrong or right about it?" data-testid="sample-note" />
        </label>
        <button type="button" disabled={busy} onClick={() => void judge('good')} data-testid="sample-good">
          Good
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void judge('bad')} data-testid="sample-bad">
          Bad
        </button>
      </div>
    </li>
  );
}

const appColumns: Column<ReviewQueueApp>[] = [
  { key: 'app', label: 'App', value: (a) => a.app },
  { key: 'sampleRate', label: 'Sample rate', value: (a) => a.sampleRate, render: (a) => (a.sampleRate > 0 ? formatPercent(a.sampleRate, 1) : 'off'), numeric: true },
  { key: 'pending', label: 'Pending', value: (a) => a.pending, render: (a) => formatInt(a.pending), numeric: true },
  { key: 'reviewed', label: 'Reviewed', value: (a) => a.reviewed, render: (a) => formatInt(a.reviewed), numeric: true },
  { key: 'bad', label: 'Bad', value: (a) => a.bad, render: (a) => `${formatInt(a.bad)}${a.reviewed ? ` (${formatPercent(a.bad / a.reviewed)})` : ''}`, numeric: true },
];

const CONFIG_SNIPPET = `# burnrate.yaml
apps:
  support-bot:
    storeContent: true       # keep prompts and answers of sampled requests
    reviewSampleRate: 0.02   # 2 % of its requests (the default with storeContent)`;

function OptIn() {
  return (
    <Section title="No app sends samples yet" testId="review-empty">
      <p>
        Prompts and answers are never stored unless an app opts in. To have a share of an app's requests kept here for review, set{' '}
        <code>storeContent</code> and <code>reviewSampleRate</code> for it in <code>burnrate.yaml</code> and restart the gateway:
      </p>
      <pre className="code">
        <code>{CONFIG_SNIPPET}</code>
      </pre>
      <p className="muted small-text">
        The sample is picked from the request id. Each stored prompt and answer is capped at 64 KB; the newest 1,000 unreviewed samples are kept per app.
      </p>
    </Section>
  );
}

/** The sampled review queue: a share of opted-in apps' requests, with prompt and answer, graded good or bad. */
export function ReviewQueue() {
  const [app, setApp] = useState('');
  const [status, setStatus] = useState<Status>('pending');
  const [reviewer, setReviewer] = useState('');
  const list = useApi<ReviewSampleList>(`/api/review/samples${query({ app, status, limit: 50 })}`);
  const apps = list.data?.apps ?? [];
  const sampling = apps.some((a) => a.sampleRate > 0);

  return (
    <div className="page" data-testid="review-queue">
      <h1>Review queue</h1>
      <p className="muted">
        A share of the requests of each app that opts in, kept with its prompt and answer so a person can check them: wrong answers show up
        here before they pile up for weeks. A verdict also counts as feedback on the request (bad −1, good +1) in the model review.
      </p>
      <ErrorBox error={list.error} />
      {!list.data && !list.error && <Loading what="the review queue" />}
      {list.data && !sampling && apps.every((a) => a.pending + a.reviewed === 0) && <OptIn />}
      {list.data && apps.length > 0 && (
        <>
          <Section title="Apps" testId="review-apps">
            <DataTable rows={apps} columns={appColumns} rowKey={(a) => a.app} testId="review-apps-table" exportName="review-queue-apps" onOpen={(a) => setApp(a.app)} />
          </Section>
          <div className="filters">
            <label>
              <span>App</span>
              <select value={app} onChange={(e) => setApp(e.target.value)} data-testid="review-app">
                <option value="">All apps</option>
                {apps.map((a) => (
                  <option key={a.app} value={a.app}>
                    {a.app}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>Reviewer (optional)</span>
              <input value={reviewer} onChange={(e) => setReviewer(e.target.value)} maxLength={200} placeholder="Your name" data-testid="review-reviewer" />
            </label>
            <Toggle<Status>
              label="Which samples"
              value={status}
              onChange={setStatus}
              options={[
                { value: 'pending', label: 'To review' },
                { value: 'reviewed', label: 'Reviewed' },
              ]}
              testId="review-status"
            />
          </div>
          {list.data.samples.length === 0 ? (
            <p className="muted" data-testid="review-none">
              {status === 'pending' ? 'Nothing waiting for review: new samples appear here as the apps get traffic.' : 'No sample has a verdict yet.'}
            </p>
          ) : (
            <ul className="plain samples" data-testid="samples">
              {list.data.samples.map((s) => (
                <SampleCard key={s.id} s={s} reviewer={reviewer} onReviewed={list.reload} />
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
