// The typed API client (openapi-fetch over the generated schema) and error helpers.
// No UI framework here: the phone bar, the admin console and the mobile page share it.
import createClient from 'openapi-fetch';
import type { paths } from '../api/schema';
import type { ErrorBody } from '../api/types';

/** Same-origin client; the session cookie rides along. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

/** An API failure with the server's stable code. */
export class ApiFailure extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Turns an openapi-fetch result into data, or throws an ApiFailure with the server's code. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) {
    return result.data as T;
  }
  throw toFailure(result.response.status, result.error);
}

/** Builds an ApiFailure from a status and a parsed error body of any shape. */
export function toFailure(status: number, body: unknown): ApiFailure {
  const err = (body as Partial<ErrorBody> | undefined)?.error;
  if (err && typeof err.code === 'string') {
    return new ApiFailure(status, err.code, err.message ?? err.code, (err.details ?? undefined) as Record<string, unknown> | undefined);
  }
  return new ApiFailure(status, status >= 500 ? 'internal' : 'bad_request', `HTTP ${status}`);
}
