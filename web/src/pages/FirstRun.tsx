import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import { ErrorBox, Section } from '../components/Ui';
import { formatUsd } from '../lib/format';

function snippets(origin: string) {
  return {
    openai: `import OpenAI from 'openai';

// A virtual key from: burnrate keys create --app my-app
const client = new OpenAI({ baseURL: '${origin}/v1', apiKey: process.env.BURNRATE_KEY });

const reply = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello through Burnrate' }],
});`,
    anthropic: `import Anthropic from '@anthropic-ai/sdk';

// A virtual key from: burnrate keys create --app my-app
const client = new Anthropic({ baseURL: '${origin}', apiKey: process.env.BURNRATE_KEY });

const reply = await client.messages.create({
  model: 'claude-haiku-4-5',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Hello through Burnrate' }],
});`,
    curl: `curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer $BURNRATE_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
  };
}

type Sdk = keyof ReturnType<typeof snippets>;

function CopyButton({ text, testId }: { text: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <button type="button" className="secondary small" onClick={() => void copy()} data-testid={testId}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** The empty-ledger page: how to send the first request through the gateway. */
export function FirstRun({ onData }: { onData: () => void }) {
  const origin = window.location.origin;
  const [sdk, setSdk] = useState<Sdk>('openai');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [sent, setSent] = useState(false);
  const code = snippets(origin)[sdk];

  // The ledger writes in batches: reload until the request shows up (this page then goes away).
  useEffect(() => {
    if (!sent) return;
    let tries = 0;
    const timer = setInterval(() => {
      if (++tries > 15) clearInterval(timer);
      onData();
    }, 500);
    return () => clearInterval(timer);
  }, [sent, onData]);

  const sendDemo = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<{ requestId: string; costUsd: number }>('/api/demo/request', { method: 'POST', body: {} });
      setResult(`Sent request ${r.requestId}: it cost ${formatUsd(r.costUsd)}. Loading the dashboard…`);
      setSent(true);
      onData();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page first-run" data-testid="first-run">
      <h1>Send your first request through Burnrate</h1>
      <p>
        The ledger is empty. Point your SDK at this gateway and every request is metered, priced and checked against your budgets; the
        dashboard fills in as traffic arrives.
      </p>
      <ol className="steps">
        <li>
          Create a virtual key for your app: <code>burnrate keys create --app my-app</code> (keep the printed key as <code>BURNRATE_KEY</code>).
        </li>
        <li>
          Use it with your SDK: OpenAI clients take the base URL <code data-testid="openai-base-url">{origin}/v1</code>, Anthropic clients{' '}
          <code data-testid="anthropic-base-url">{origin}</code>.
        </li>
        <li>Send a request, then come back here.</li>
      </ol>
      <Section
        title="Snippet"
        actions={
          <>
            <label className="inline">
              <span className="sr-only">SDK</span>
              <select value={sdk} onChange={(e) => setSdk(e.target.value as Sdk)} data-testid="snippet-sdk">
                <option value="openai">OpenAI (Node)</option>
                <option value="anthropic">Anthropic (Node)</option>
                <option value="curl">curl</option>
              </select>
            </label>
            <CopyButton text={code} testId="snippet-copy" />
          </>
        }
      >
        <pre className="code" data-testid="snippet">
          <code>{code}</code>
        </pre>
      </Section>
      <Section title="Or try it now">
        <p>Send one simulated request (app <code>demo</code>, no provider key needed) and see it land in the ledger.</p>
        <button type="button" onClick={() => void sendDemo()} disabled={busy} data-testid="demo-request">
          {busy ? 'Sending…' : 'Send a demo request'}
        </button>
        {result && (
          <p className="good" role="status" data-testid="demo-result">
            {result}
          </p>
        )}
        <ErrorBox error={error} />
        <p className="muted small-text">
          For a month of realistic traffic run <code>burnrate demo</code>.
        </p>
      </Section>
    </div>
  );
}
