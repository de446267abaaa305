/** Pages by path without reloads: links under /ui/ push history; back and forward re-render. */
import { signal } from '@preact/signals';

export const location = signal(window.location.pathname + window.location.search);

export function navigate(to: string): void {
  if (to === location.value) return;
  history.pushState(null, '', to);
  location.value = to;
}

window.addEventListener('popstate', () => {
  location.value = window.location.pathname + window.location.search;
});

/** Same-origin /ui/ links without modifier keys change page in place. */
document.addEventListener('click', (e) => {
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith('/ui/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

/** The page a path names, with its parameter. */
export function route(path: string): { page: string; param?: string; query: URLSearchParams } {
  const [p, q = ''] = path.split('?');
  const query = new URLSearchParams(q);
  const m = /^\/ui\/([^/]+)(?:\/(.+?))?\/?$/.exec(p);
  if (!m) return { page: 'runs', query };
  return { page: m[1], param: m[2] ? decodeURIComponent(m[2]) : undefined, query };
}
