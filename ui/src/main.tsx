/** The strata web UI: one page, routed by path (see router.ts), data from /v1. */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { needToken, setToken, tokenRefused } from './api.ts';
import { DatasetPage } from './pages/dataset-page.tsx';
import { FlowsPage, RulesPage } from './pages/registry-pages.tsx';
import { RunPage } from './pages/run-page.tsx';
import { RunsPage } from './pages/runs-page.tsx';
import { location, route } from './router.ts';
import './style.css';

function TokenForm() {
  const [value, setValue] = useState('');
  return (
    <form class="token" onSubmit={(e) => { e.preventDefault(); setToken(value.trim()); window.location.reload(); }}>
      <p>This strata asks for a bearer token (one of <code>STRATA_API_TOKENS</code>). It is kept in this tab only.</p>
      {tokenRefused.value && <p class="error" role="alert">The token given was refused: {tokenRefused.value}. Check it against <code>STRATA_API_TOKENS</code> and give it again.</p>}
      <input type="password" name="token" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      <button type="submit">Use token</button>
    </form>
  );
}

function App() {
  const { page, param } = route(location.value);
  let body;
  if (page === 'runs' && param) body = <RunPage key={param} id={param} />;
  else if (page === 'runs') body = <RunsPage />;
  else if (page === 'datasets' && param) body = <DatasetPage key={param} name={param} />;
  else if (page === 'flows') body = <FlowsPage key={param ?? ''} name={param} />;
  else if (page === 'rules' || page === 'generators') body = <RulesPage />;
  else body = <p class="error">no page {location.value}</p>;
  const nav = (href: string, label: string, on: boolean) => <a href={href} class={on ? 'on' : ''}>{label}</a>;
  return (
    <>
      <nav class="top">
        <span class="brand">strata</span>
        {nav('/ui/runs', 'Runs', page === 'runs')}
        {nav('/ui/flows', 'Flows', page === 'flows')}
        {nav('/ui/rules', 'Rules & generators', page === 'rules' || page === 'generators')}
      </nav>
      <main>{needToken.value ? <TokenForm /> : body}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
