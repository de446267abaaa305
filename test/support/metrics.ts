/** What a service's /metrics says, for tests that count requests. */

/** Requests the service at `url` counted for routes matching `route` (strata_http_requests_total, every method and status). */
export async function requestsTo(url: string, route: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^strata_http_requests_total\{([^}]*)\} (\d+)/gm)) if (route.test(/route="([^"]*)"/.exec(m[1])?.[1] ?? '')) n += Number(m[2]);
  return n;
}
