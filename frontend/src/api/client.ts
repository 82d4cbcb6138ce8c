// The one way pages talk to the Go API: JSON over same-origin fetch under /api/v1, CSRF token on
// unsafe methods, and RFC 9457 problem+json errors turned into a typed ApiError.

/** Base path of the versioned API. */
export const apiBase = '/api/v1';

/** One field-level validation error from a problem document. */
export interface FieldError {
  /** JSON path of the offending field, e.g. "siret" or "budget.lines[2].amount_cents". */
  field: string;
  /** Stable machine code, e.g. "siret_checksum". */
  code: string;
  /** Human message in French from the server. */
  detail: string;
}

/** Shape of the server's application/problem+json bodies. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  request_id?: string;
}

/** Code used when the server could not be reached at all. */
export const networkErrorCode = 'network_error';

/** An error answered by the API (or the absence of an answer, with status 0). */
export class ApiError extends Error {
  /** HTTP status; 0 when the request never got a response. */
  readonly status: number;
  /** Stable machine code, e.g. "invalid_json", "not_found". */
  readonly code: string;
  /** Short summary from the problem document. */
  readonly title: string;
  /** Human explanation from the problem document (French). */
  readonly detail: string;
  /** Field-level validation errors, empty when none. */
  readonly errors: FieldError[];
  /** Server request id to quote to support, "" when unknown. */
  readonly requestId: string;
  /** Problem type URI, "about:blank" when absent. */
  readonly type: string;

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    detail?: string;
    errors?: FieldError[];
    requestId?: string;
    type?: string;
    cause?: unknown;
  }) {
    super(init.detail || init.title || init.code, { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.detail = init.detail ?? '';
    this.errors = init.errors ?? [];
    this.requestId = init.requestId ?? '';
    this.type = init.type ?? 'about:blank';
  }

  /** True for a 404 answer. */
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** Reports whether err is an ApiError. */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function parseFieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e): FieldError[] => {
    if (typeof e !== 'object' || e === null) return [];
    const r = e as Record<string, unknown>;
    const field = str(r.field);
    if (field === undefined) return [];
    return [{ field, code: str(r.code) ?? '', detail: str(r.detail) ?? '' }];
  });
}

/**
 * Builds an ApiError from an HTTP status, the response body (parsed JSON or raw text) and the
 * X-Request-Id header. Tolerates bodies that are not problem documents (proxies, HTML pages).
 */
export function problemToError(status: number, body: unknown, headerRequestId?: string | null): ApiError {
  const p = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return new ApiError({
    status: typeof p.status === 'number' ? p.status : status,
    code: str(p.code) ?? `http_${status}`,
    title: str(p.title) ?? '',
    detail: str(p.detail) ?? '',
    errors: parseFieldErrors(p.errors),
    requestId: str(p.request_id) ?? headerRequestId ?? '',
    type: str(p.type) ?? 'about:blank',
  });
}

let csrfToken: string | null = null;

/** Stores the CSRF token sent with every non-GET request (kept in memory only). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The CSRF token currently stored, or null. */
export function getCsrfToken(): string | null {
  return csrfToken;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Options of an API call. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Serialised as JSON. Use FormData for uploads (sent as multipart). */
  body?: unknown;
  /** Appended as a query string; null and undefined values are left out. */
  query?: Query;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function buildUrl(path: string, query?: Query): string {
  const url = apiBase + (path.startsWith('/') ? path : `/${path}`);
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined) qs.append(k, String(v));
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Calls the API and returns the decoded JSON body (undefined for 204).
 * Throws ApiError for any non-2xx answer or when the server cannot be reached;
 * an aborted request rethrows the AbortError untouched so TanStack Query can ignore it.
 */
export async function apiFetch<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers = new Headers(opts.headers);
  headers.set('Accept', 'application/json, application/problem+json');
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers.set('X-CSRF-Token', csrfToken);

  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: networkErrorCode, cause: err });
  }

  const data = await readBody(res);
  if (!res.ok) throw problemToError(res.status, data, res.headers.get('X-Request-Id'));
  return data as T;
}

/** GET shorthand. */
export function apiGet<T>(path: string, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
  return apiFetch<T>(path, { ...opts, method: 'GET' });
}

/** POST shorthand. */
export function apiPost<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
  return apiFetch<T>(path, { ...opts, method: 'POST', body });
}

/**
 * Maps an error's field-level details to one message per field, for forms:
 * { siret: "Le SIRET …" }. The first message wins when a field has several.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isApiError(err)) return out;
  for (const e of err.errors) if (!(e.field in out)) out[e.field] = e.detail || e.code;
  return out;
}
