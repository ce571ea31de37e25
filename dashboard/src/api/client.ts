// A thin fetch wrapper: same-origin cookies, the anti-forgery header on state changes, and
// problem-details errors turned into readable messages.
import type { paths } from "./schema";
import type { SessionInfo } from "./types";

let csrf: { headerName: string; token: string } | null = null;

export function setAntiforgery(token: SessionInfo["antiforgery"]): void {
  if (token) csrf = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function problem(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body: unknown = await response.json();
    if (body && typeof body === "object") {
      const p = body as { title?: string; detail?: string };
      message = [p.title, p.detail].filter(Boolean).join(": ") || message;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, message);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: signal ?? null });
  if (!response.ok) throw await problem(response);
  return (await response.json()) as T;
}

export async function send<T>(method: "POST" | "PATCH" | "DELETE" | "PUT", path: string, body?: unknown): Promise<T | null> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf) headers[csrf.headerName] = csrf.token;
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok) throw await problem(response);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? (JSON.parse(text) as T) : null;
}

/** A fresh id for idempotent interventions. */
export function requestId(): string {
  return crypto.randomUUID();
}

// Reads typed by path: the route, its path and query parameters and its answer all come from the
// generated OpenAPI types, so a wrong route or parameter is a compile error.
type GetOperation<P extends keyof paths> = NonNullable<paths[P]["get"]>;
type GetAnswer<O> = O extends { responses: { 200: { content: { "application/json": infer T } } } } ? T : never;
type GetQuery<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type GetPathParameters<O> = O extends { parameters: { path: infer A } } ? NonNullable<A> : never;
type Readable = { [P in keyof paths]: GetAnswer<GetOperation<P>> extends never ? never : P }[keyof paths];

export interface GetOptions<P extends Readable> {
  path?: GetPathParameters<GetOperation<P>>;
  query?: Partial<Record<keyof GetQuery<GetOperation<P>>, string | number | null | undefined>>;
  signal?: AbortSignal;
}

/** The URL of a route with its parameters filled in; empty query values are left out. */
export function urlOf(route: string, path: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const filled = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(path[name] ?? "")));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

export function apiGet<P extends Readable>(route: P, options: GetOptions<P> = {}): Promise<GetAnswer<GetOperation<P>>> {
  return getJson(urlOf(route, options.path as Record<string, unknown> | undefined, options.query), options.signal);
}
