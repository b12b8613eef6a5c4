/** The local HTTP server's handling around the app. */

/** Most of an unread request body the server reads and drops to keep a connection open. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Reads and drops what is left of a request body, up to
 * {@link DRAIN_LIMIT_BYTES}. Whether all of it was read.
 */
async function drain(request: Request): Promise<boolean> {
  if (request.body === null) return true;
  // Partly read already (the body limit reads a chunked body until it is over): it cannot be drained here.
  if (request.bodyUsed) return false;
  const reader = request.body.getReader();
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    read += value.byteLength;
    if (read > DRAIN_LIMIT_BYTES) {
      await reader.cancel();
      return false;
    }
  }
}

/**
 * The app's `fetch` as the local server runs it. A request the app refused
 * before reading its body (a `413`, a `401`, a `415`) would otherwise leave
 * the rest of the body on a kept-alive connection and break the client's next
 * request on it: the body is drained, and past {@link DRAIN_LIMIT_BYTES} the
 * connection is closed cleanly with `Connection: close`.
 */
export function localFetch<A extends unknown[]>(
  fetch: (request: Request, ...rest: A) => Response | Promise<Response>,
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    const response = await fetch(request, ...rest);
    if (response.status < 400 || request.body === null) return response;
    let drained = false;
    try {
      drained = await drain(request);
    } catch {
      // The body broke off while being read: close the connection.
    }
    if (drained) return response;
    const headers = new Headers(response.headers);
    headers.set('connection', 'close');
    return new Response(response.body, { status: response.status, headers });
  };
}
