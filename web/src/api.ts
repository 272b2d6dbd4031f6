/** Thin fetch wrapper. The token travels in the HttpOnly cookie the page was served with. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export async function api<T>(path: string, opts: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  const init: RequestInit = { method: opts.method ?? 'GET', credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText);
  }
  return data as T;
}

export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export interface FileItem {
  id: number;
  path: string;
  name: string;
  kind: string;
  capturedAt: string | null;
  camera: string | null;
  width: number | null;
  height: number | null;
  thumbnail: string | null;
  preview: string | null;
  /** present, offline (its drive is not plugged in) or cloud (evicted to iCloud). */
  state?: string;
  score?: number | null;
  /** Why a search matched ("text \"EXIT\"; tag dog"). */
  why?: string | null;
}

export interface PassStatus { done: number; failed: number; pending: number; running: number; dead: number; perMinute: number; etaSeconds: number | null }

export interface Status {
  files: number;
  passes: Record<string, PassStatus>;
  /** `away`: jobs put aside until their photo's drive is plugged back in (older daemons: absent). */
  queue: { pending: number; leased: number; dead: number; waiting: number; away?: number };
  throughput: { runsPerMinute: number; filesPerMinute: number; lastRunAt: number | null };
  /** `untimed`: passes with work left that have not run lately (OCR runs last); `seconds` covers the others. */
  eta: { seconds: number | null; untimed?: Record<string, number> };
  recentErrors: { fileId: number; path: string | null; pass: string; code: string | null; error: string | null; at: number; status: string }[];
  deadJobs: { jobId: number; fileId: number; path: string | null; pass: string; code: string | null; error: string | null; at: number }[];
  paused: boolean;
  watch: unknown;
  libraries: string[];
  models: { role: string; id: string | null; present: boolean; hint?: string }[];
  permissions: { name: string; state: string; binary?: string; howTo?: string }[];
  xmp?: { overwritten: number; unrecovered: number } | null;
}

export interface Person { id: number; name: string | null; ignored: boolean; faceCount: number; fileCount: number; faces: number[] }
