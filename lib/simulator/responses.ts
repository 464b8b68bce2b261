/**
 * Small, immediate responses: JSON errors and the `status` / `echo_auth` faults.
 *
 * @module
 */

import type { Fault } from "./fault.ts";
import { errorBody } from "./openai_shapes.ts";

/**
 * A JSON response.
 *
 * @example Usage
 * ```ts
 * import { jsonResponse } from "./responses.ts";
 * const res = jsonResponse(404, { error: { message: "no" } });
 * console.log(res.status, res.headers.get("content-type")); // 404 "application/json"
 * ```
 *
 * @param status HTTP status.
 * @param value The JSON value of the body.
 * @param headers Extra headers.
 * @returns The response.
 */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * The response of a `status` fault: the given body (default: an OpenAI-style JSON error naming the
 * status), content type and headers.
 *
 * @param fault The fault.
 * @returns The response.
 */
export function statusFaultResponse(fault: Extract<Fault, { kind: "status" }>): Response {
  const body = fault.body ??
    JSON.stringify(errorBody(`Simulated status ${fault.status}`, "simulated_error", fault.status));
  const contentType = fault.contentType ??
    (fault.body === undefined ? "application/json" : "text/plain; charset=utf-8");
  return new Response(body, {
    status: fault.status,
    headers: { "content-type": contentType, ...fault.headers },
  });
}

/**
 * The response of an `echo_auth` fault: 401 with the received `Authorization` header inside the
 * error message, as careless servers do (to test that clients redact it).
 *
 * @param headers The request's headers.
 * @returns The response.
 */
export function echoAuthResponse(headers: Headers): Response {
  const auth = headers.get("authorization") ?? "(none)";
  return jsonResponse(
    401,
    errorBody(`Incorrect API key provided: ${auth}`, "invalid_request_error", "invalid_api_key"),
  );
}
