import { render } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { App } from '../App';
import { createQueryClient } from '../queryClient';
import { routes } from '../routes';

/** Renders the whole app (layout, routes, providers) at path, with retries off. */
export function renderApp(path = '/') {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Infinity } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const result = render(<App router={router} queryClient={queryClient} />);
  return { ...result, router, queryClient };
}

/** A JSON Response as the Go server would send it. */
export function jsonResponse(body: unknown, status = 200, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

/** Replaces fetch with a mock answering per URL path; unknown paths get a 404 problem. */
export function mockFetch(handlers: Record<string, () => Response | Promise<Response>>) {
  const fn = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(typeof input === 'string' ? input : input.toString(), 'http://localhost');
    const h = handlers[url.pathname];
    if (h) return h();
    return jsonResponse({ title: 'Not Found', status: 404, code: 'not_found' }, 404, 'application/problem+json');
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}
