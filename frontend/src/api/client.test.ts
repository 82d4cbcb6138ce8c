import { ApiError, apiFetch, apiGet, apiPost, fieldErrors, problemToError, setCsrfToken } from './client';
import { jsonResponse } from '../test/render';

const problem = {
  type: 'https://tremplin.seinesaintdenis.fr/problems/validation',
  title: 'Requête invalide',
  status: 400,
  detail: 'Certains champs sont invalides.',
  code: 'invalid',
  errors: [
    { field: 'siret', code: 'siret_checksum', detail: 'Le SIRET 12345678901234 est invalide (clé de contrôle).' },
    { field: 'name', code: 'required', detail: 'Le nom est obligatoire.' },
    { field: 'siret', code: 'siret_length', detail: 'Le SIRET doit compter 14 chiffres.' },
  ],
  request_id: 'req-42',
};

type FetchMock = ReturnType<typeof vi.fn<typeof fetch>>;

function lastInit(fn: FetchMock): RequestInit {
  return fn.mock.calls.at(-1)?.[1] as RequestInit;
}

describe('apiFetch', () => {
  afterEach(() => setCsrfToken(null));

  it('gets JSON under /api/v1 with same-origin credentials and a query string', async () => {
    const fetchMock: FetchMock = vi.fn(async () => jsonResponse({ items: [], next_cursor: null }));
    vi.stubGlobal('fetch', fetchMock);
    const data = await apiGet<{ items: unknown[] }>('/calls', { query: { cursor: 'abc', empty: null } });
    expect(data.items).toEqual([]);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/calls?cursor=abc');
    expect(lastInit(fetchMock).credentials).toBe('same-origin');
    expect(new Headers(lastInit(fetchMock).headers).has('X-CSRF-Token')).toBe(false);
  });

  it('sends JSON and the CSRF token on non-GET requests only', async () => {
    const fetchMock: FetchMock = vi.fn(async () => jsonResponse({ id: 7 }, 201));
    vi.stubGlobal('fetch', fetchMock);
    setCsrfToken('tok-123');

    await apiPost('/organisations', { name: 'Vélo Solidaire' });
    let headers = new Headers(lastInit(fetchMock).headers);
    expect(lastInit(fetchMock).method).toBe('POST');
    expect(headers.get('X-CSRF-Token')).toBe('tok-123');
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(lastInit(fetchMock).body).toBe('{"name":"Vélo Solidaire"}');

    await apiGet('/calls');
    headers = new Headers(lastInit(fetchMock).headers);
    expect(headers.has('X-CSRF-Token')).toBe(false);
  });

  it('returns undefined for 204 No Content', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    await expect(apiFetch('/sessions/current', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it('throws an ApiError carrying the problem+json fields', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(problem, 400, 'application/problem+json')));
    const err = await apiPost('/organisations', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid');
    expect(e.title).toBe('Requête invalide');
    expect(e.detail).toBe('Certains champs sont invalides.');
    expect(e.requestId).toBe('req-42');
    expect(e.errors).toHaveLength(3);
    expect(e.errors[0]).toEqual({ field: 'siret', code: 'siret_checksum', detail: problem.errors[0]!.detail });
    expect(e.message).toBe('Certains champs sont invalides.');
  });

  it('turns a non-JSON error page into an ApiError with an http_ code and the header request id', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response('<html>Bad gateway</html>', {
            status: 502,
            headers: { 'Content-Type': 'text/html', 'X-Request-Id': 'edge-1' },
          }),
      ),
    );
    const e = (await apiGet('/calls').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(502);
    expect(e.code).toBe('http_502');
    expect(e.requestId).toBe('edge-1');
    expect(e.errors).toEqual([]);
  });

  it('reports an unreachable server as status 0 network_error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const e = (await apiGet('/calls').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(0);
    expect(e.code).toBe('network_error');
  });

  it('rethrows aborts untouched', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new DOMException('aborted', 'AbortError'))));
    const e = await apiGet('/calls').catch((x: unknown) => x);
    expect(e).not.toBeInstanceOf(ApiError);
    expect((e as DOMException).name).toBe('AbortError');
  });
});

describe('problemToError', () => {
  it('ignores malformed field errors', () => {
    const e = problemToError(422, { code: 'invalid', errors: [null, 'x', { code: 'no_field' }, { field: 'rna' }] });
    expect(e.errors).toEqual([{ field: 'rna', code: '', detail: '' }]);
  });
});

describe('fieldErrors', () => {
  it('maps errors to the first message per field', () => {
    const e = problemToError(400, problem);
    expect(fieldErrors(e)).toEqual({
      siret: problem.errors[0]!.detail,
      name: 'Le nom est obligatoire.',
    });
  });

  it('returns no field message for other errors', () => {
    expect(fieldErrors(new Error('boom'))).toEqual({});
    expect(fieldErrors(problemToError(500, {}))).toEqual({});
  });
});
