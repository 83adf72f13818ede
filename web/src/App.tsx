import { useCallback, useEffect, useState } from 'react';
import { hasSession, logout, onUnauthorized } from './api/client';
import { Login } from './pages/Login';
import { Overview } from './pages/Overview';
import { Explore } from './pages/Explore';
import { Budgets } from './pages/Budgets';
import { Forecast } from './pages/Forecast';
import { ReviewQueue } from './pages/ReviewQueue';
import { ModelReview } from './pages/ModelReview';
import { navigate, usePath } from './lib/router';

const PAGES = [
  { path: '/', label: 'Overview', Page: Overview },
  { path: '/explore', label: 'Explore', Page: Explore },
  { path: '/budgets', label: 'Budgets', Page: Budgets },
  { path: '/forecast', label: 'Forecast', Page: Forecast },
  { path: '/review', label: 'Review queue', Page: ReviewQueue },
  { path: '/model-review', label: 'Model review', Page: ModelReview },
] as const;

type Session = 'checking' | 'in' | 'out';

/** Shows the login until the session cookie is valid; any 401 afterwards drops every page. */
export function App() {
  const [session, setSession] = useState<Session>('checking');
  const path = usePath();

  useEffect(() => {
    onUnauthorized(() => setSession('out'));
    hasSession()
      .then((ok) => setSession(ok ? 'in' : 'out'))
      .catch(() => setSession('out'));
  }, []);

  const signOut = useCallback(async () => {
    await logout();
    setSession('out');
  }, []);

  if (session === 'checking') return <p className="muted center">Loading…</p>;
  if (session === 'out') return <Login onLoggedIn={() => setSession('in')} />;

  const current = PAGES.find((p) => p.path === path) ?? PAGES[0];
  const { Page } = current;
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>
          <span className="mark" aria-hidden="true" /> Burnrate
        </a>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a
              key={p.path}
              href={p.path}
              aria-current={p === current ? 'page' : undefined}
              data-testid={`nav-${p.label.toLowerCase().replaceAll(' ', '-')}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(p.path);
              }}
            >
              {p.label}
            </a>
          ))}
        </nav>
        <button type="button" className="secondary small" onClick={() => void signOut()} data-testid="logout">
          Log out
        </button>
      </header>
      <main>
        <Page key={current.path} />
      </main>
    </div>
  );
}
