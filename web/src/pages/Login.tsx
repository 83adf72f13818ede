import { useState, type FormEvent } from 'react';
import { login } from '../api/client';

/** The admin token is exchanged for an HttpOnly cookie; it is never kept in the page. */
export function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (await login(token.trim())) {
        setToken('');
        onLoggedIn();
      } else setError('That token is not the admin token.');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" data-testid="login">
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h1>
          <span className="mark" aria-hidden="true" /> Burnrate
        </h1>
        <p className="muted">What your AI costs, what it will cost, and the budget that keeps it there.</p>
        <label htmlFor="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          data-testid="login-token"
        />
        <p className="hint muted">
          Printed by <code>burnrate serve</code> on first start, or set with <code>BURNRATE_ADMIN_TOKEN</code>.
        </p>
        {error && (
          <div className="error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy || !token} data-testid="login-submit">
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
