// What the module Web Workers share (todoku-audit-worker.mjs, todoku-message-worker.mjs, todoku-sender-worker.mjs;
// todoku-worker.mjs uses serve() and detail() only): starting the checker once through todoku-pyodide.mjs's
// loadChecker (the snapshot, the fallback and every fetch stay there) and the message plumbing around it.
import { loadChecker } from "./todoku-pyodide.mjs";

// an error as text for the page ({detail} of the messages)
export const detail = (e) => String((e && e.message) || e);

// boot(), for a worker that starts lazily (the page sends {type: "warm"} or its first request): the first call
// loads Pyodide, our wheel and the packages of `extras` (loadChecker's), and imports the Python entry `module`;
// later calls get the same promise. Posts {type: "loading"}, then {type: "ready", ms}, or {type: "failed",
// reason, detail} (reason: todoku-pyodide.mjs's LoadError reason, else "crash"). Resolves to {api, loaded}
// (loaded: what loadChecker resolved to).
export function bootOnce(module, extras = []) {
  let booting = null;
  return () => {
    if (!booting) {
      booting = (async () => {
        const t0 = performance.now();
        postMessage({ type: "loading" });
        const loaded = await loadChecker({}, extras);
        const api = loaded.pyodide.pyimport(module);
        postMessage({ type: "ready", ms: performance.now() - t0 });
        return { api, loaded };
      })();
      booting.catch((e) => postMessage({ type: "failed", reason: (e && e.reason) || "crash", detail: detail(e) }));
    }
    return booting;
  };
}

// The worker's self.onmessage: {type: "warm"} only starts boot(); any other type with a handler runs
// handlers[type](msg, booted) once boot() has resolved (booted: what it resolved to). A failed start was already
// reported by boot(): the request is dropped. An error a handler throws is posted as {type: "failed", detail}.
// idle(booted, asked), optional: run once after a "warm" start when no request has come by then, for work
// that uses the page's idle time (the audit's warm-up); asked() tells whether a request has come since, so that
// idle stops, and idle must give way between its steps (each request waits for the step that is running).
export function serve(boot, handlers, idle = null) {
  let requests = 0;
  let idled = false;
  self.onmessage = (ev) => {
    const msg = ev.data || {};
    if (msg.type === "warm") {
      boot().then((booted) => {
        if (idle && !idled && requests === 0) {
          idled = true;
          return idle(booted, () => requests > 0);
        }
        return undefined;
      }).catch(() => {});
    } else if (Object.prototype.hasOwnProperty.call(handlers, msg.type)) {
      requests += 1;
      boot().then((booted) => handlers[msg.type](msg, booted), () => {})
        .catch((e) => postMessage({ type: "failed", detail: detail(e) }));
    }
  };
}
