// The one door to the server: the public JSON API under /api/v1. The web app signs in with a
// session cookie the page cannot read (HttpOnly); it echoes the readable CSRF cookie's value in
// a header on every request that changes something.
const PREFIX = "/api/v1";
const CSRF_COOKIE = "winnow_csrf";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function cookie(name) {
  const found = document.cookie.split("; ").find((pair) => pair.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
}

export const session = {
  /** Whether this browser holds a session (it may still have expired: the server decides). */
  get signedIn() {
    return cookie(CSRF_COOKIE) !== null;
  },
  clear() {
    document.cookie = `${CSRF_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict`;
  },
};

export class ApiError extends Error {
  constructor(status, kind, detail) {
    super(detail || kind || `HTTP ${status}`);
    this.status = status;
    this.kind = kind;
    this.detail = detail;
  }
}

export function loginUrl() {
  const here = location.pathname + location.search;
  return here === "/login" || here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}

async function send(path, { method = "GET", json, form, body, signal } = {}) {
  const headers = { Accept: "application/json" };
  const csrf = cookie(CSRF_COOKIE);
  if (csrf && UNSAFE.has(method)) headers["X-CSRF-Token"] = csrf;
  let payload = body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  } else if (form !== undefined) {
    payload = form;
  }
  const response = await fetch(PREFIX + path, { method, headers, body: payload, signal, credentials: "same-origin" });
  if (response.status === 401 && !path.startsWith("/auth/")) {
    session.clear();
    location.assign(loginUrl());
    throw new ApiError(401, "Unauthorized", "your session has ended; please sign in again");
  }
  if (!response.ok) {
    let kind = "Error";
    let detail = response.statusText;
    try {
      const problem = await response.json();
      kind = problem.error || kind;
      detail = problem.detail || detail;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(response.status, kind, detail);
  }
  return response;
}

/** JSON in, JSON out; resolves to null for 204 No Content. */
export async function api(path, options = {}) {
  const response = await send(path, options);
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** The raw body as a Blob (PDFs, SVG, CSV). */
export async function apiBlob(path, options = {}) {
  const response = await send(path, options);
  return response.blob();
}

/** Poll a background job (`GET /jobs/{id}`) until it ends: `show(job)` after every poll;
 * resolves to the succeeded job, rejects with its error (or `failure`) when it failed. */
export async function followJob(job, show, failure) {
  for (;;) {
    show(job);
    if (job.status === "succeeded") return job;
    if (job.status === "failed") throw new Error(job.error || failure);
    await new Promise((resolve) => setTimeout(resolve, 500));
    job = await api(`/jobs/${job.id}`);
  }
}

/** Whether a route exists on this server (404 for the route itself vs. for a row). */
export function routeMissing(error) {
  return error instanceof ApiError && error.status === 404 && error.detail === "Not Found";
}

/** Fetch a file and hand it to the browser as a download. */
export async function download(path, filename) {
  const blob = await apiBlob(path);
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function login(email, password) {
  const form = new URLSearchParams({ username: email, password });
  const response = await send("/auth/session", { method: "POST", body: form });
  return response.json();
}

export async function logout() {
  try {
    await send("/auth/session", { method: "DELETE" });
  } finally {
    session.clear();
  }
}
