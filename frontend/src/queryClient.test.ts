import { ApiError } from './api/client';
import { shouldRetry } from './queryClient';

describe('shouldRetry', () => {
  it('retries network failures and server errors at most twice', () => {
    const down = new ApiError({ status: 0, code: 'network_error' });
    const unavailable = new ApiError({ status: 503, code: 'unavailable' });
    expect(shouldRetry(0, down)).toBe(true);
    expect(shouldRetry(1, unavailable)).toBe(true);
    expect(shouldRetry(2, unavailable)).toBe(false);
  });

  it('never retries client errors or programming errors', () => {
    expect(shouldRetry(0, new ApiError({ status: 404, code: 'not_found' }))).toBe(false);
    expect(shouldRetry(0, new ApiError({ status: 409, code: 'conflict' }))).toBe(false);
    expect(shouldRetry(0, new TypeError('x is undefined'))).toBe(false);
  });
});
