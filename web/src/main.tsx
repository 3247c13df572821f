/** alphalab dashboard: hash-routed pages over the same-origin API (docs/dashboard.md). */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DriftPage } from './pages/Drift.tsx';
import { ImportancePage } from './pages/Importance.tsx';
import { ModelsPage } from './pages/Models.tsx';
import { ResearchPage } from './pages/Research.tsx';
import { SignalsPage } from './pages/Signals.tsx';
import './style.css';

const PAGES = [
  ['research', 'Research'],
  ['signals', 'Signal feed'],
  ['models', 'Models'],
  ['importance', 'Feature importance'],
  ['drift', 'Drift'],
] as const;
type PageId = (typeof PAGES)[number][0];

const current = (): PageId => {
  const h = window.location.hash.replace(/^#\/?/, '');
  return (PAGES.find(([id]) => id === h)?.[0] ?? 'research') as PageId;
};

function App() {
  const [page, setPage] = useState<PageId>(current);
  // The token lives for the browser tab only.
  const [token, setToken] = useState(() => sessionStorage.getItem('alphalab.token') ?? '');
  useEffect(() => {
    const on = () => setPage(current());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const onToken = (t: string) => {
    setToken(t);
    sessionStorage.setItem('alphalab.token', t);
  };
  return (
    <>
      <header>
        <h1>alphalab</h1>
        <nav>
          {PAGES.map(([id, label]) => (
            <a
              key={id}
              href={`#/${id}`}
              className={id === page ? 'current' : undefined}
              data-testid={`nav-${id}`}
            >
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main data-page={page}>
        {page === 'research' && <ResearchPage />}
        {page === 'signals' && <SignalsPage />}
        {page === 'models' && <ModelsPage token={token} onToken={onToken} />}
        {page === 'importance' && <ImportancePage />}
        {page === 'drift' && <DriftPage token={token} onToken={onToken} />}
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
