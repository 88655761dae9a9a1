#!/usr/bin/env python3
"""Benchmark of the checker in the page, in one run, headless Debian Chromium on localhost (prints a table).

Measures, side by side with their peer:
  - first contentful paint of a carrier page with the widget vs the same page without it (the same HTML with
    the form and the widget's <link>/<script> removed, both served through the same route), median of N;
  - time to checker ready, cold and warm, median of --reps fresh profiles (a persistent profile in a temp
    user-data-dir: Playwright's default context never caches the 9.6 MB wasm), vs a bare ``loadPyodide()``
    page (a tiny HTML in a temp dir beside the site, same runtime files), on the main thread and in a module
    worker like ours;
  - the check round trip (submit -> result in the DOM), median of 100, with the page idle before each check
    (as a person types) and back to back (the previous result's rendering then falls inside the next);
  - the longest main-thread task while loading (PerformanceObserver "longtask"), with and without the widget.
Then the cold start under variants of the serving side: plain files vs the precompressed .br siblings
(what the static-host recipe in web/README.md serves): ready time on localhost, bytes on the wire, and what
those bytes alone cost on a slower link (Chromium's network throttling does not reach the Web Worker).

Targets (issue 4): paint cost < 10 %; ready <= 1.15 x bare; check < 10 ms; no long task > 50 ms from us.
Usage: scripts/bench_web.py [--runs N] [--reps N] [--throttle-mbps M]   (needs a built site/: scripts/build)
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
sys.path.insert(0, str(ROOT / "scripts"))
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serve import QuietHandler, served  # noqa: E402

CARRIER = "/site/en/providers/docomo/"

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare loadPyodide</title>
<p>bare</p>
<script type="module">
const t0 = performance.now();
const { loadPyodide } = await import("/site/assets/todoku/pyodide/pyodide.mjs");
const py = await loadPyodide({ indexURL: "/site/assets/todoku/pyodide/" });
window.__ready = performance.now();
</script>
"""

BARE_WORKER_HTML = """<!doctype html><meta charset="utf-8"><title>bare loadPyodide in a worker</title>
<p>bare worker</p>
<script type="module">
const w = new Worker("worker.mjs", { type: "module" });
w.onmessage = () => { window.__ready = performance.now(); };
</script>
"""
BARE_WORKER_MJS = """const { loadPyodide } = await import("/site/assets/todoku/pyodide/pyodide.mjs");
await loadPyodide({ indexURL: "/site/assets/todoku/pyodide/" });
postMessage("ready");
"""

INIT = """
window.__longtasks = [];
try {
  new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
} catch (e) {}
document.addEventListener('todoku:ready', (e) => {
  window.__ready = performance.now(); window.__stages = e.detail.stages; });
"""


class BrotliHandler(QuietHandler):
    """The .br sibling when the browser accepts br (the web/README.md recipe), keeping the original
    Content-Type."""

    def send_head(self) -> io.BytesIO | Any:
        if "br" in self.headers.get("Accept-Encoding", ""):
            path = self.translate_path(self.path)
            if os.path.isfile(path + ".br"):
                with open(path + ".br", "rb") as f:
                    body = f.read()
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Encoding", "br")
                self.send_header("Vary", "Accept-Encoding")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", self.date_time_string(int(os.path.getmtime(path))))
                self.end_headers()
                return io.BytesIO(body)
        return super().send_head()


def strip_widget(html: str) -> str:
    html = re.sub(r'<form class="todoku-check".*?</form>', "", html, flags=re.S)
    html = re.sub(r'<link rel="stylesheet" href="[^"]*todoku-widget\.css">', "", html)
    return re.sub(r'<script type="module"(?: async)? src="[^"]*todoku-widget\.js"></script>', "", html)


def fcp(context: BrowserContext, url: str, html: str) -> float:
    page = context.new_page()
    page.route(url, lambda route: route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8"))
    page.goto(url, wait_until="load")
    v = page.evaluate("""() => new Promise(res => {
        const e = performance.getEntriesByName('first-contentful-paint')[0];
        if (e) return res(e.startTime);
        new PerformanceObserver(l => res(l.getEntries()[0].startTime)).observe({type: 'paint', buffered: true});
    })""")
    page.close()
    return float(v)


def ready_time(context: BrowserContext, url: str) -> dict[str, Any]:
    """Navigate (starting the checker at once through a shared-link fragment) and wait for ready."""
    page = context.new_page()
    sizes: list[int] = []
    # page events include the worker's requests; body sizes as sent on the wire (0 when served from cache)
    page.on("requestfinished", lambda r: sizes.append(max(0, r.sizes()["responseBodySize"])))
    page.goto(url)
    page.wait_for_function("() => window.__ready !== undefined", timeout=180_000)
    out = page.evaluate("""() => ({ready: window.__ready, longest: Math.max(0, ...window.__longtasks),
        stages: window.__stages || null,
        bytes: performance.getEntriesByType('resource').reduce((s, e) => s + (e.transferSize || 0), 0)})""")
    out["bytes"] = sum(sizes)
    out["page"] = page
    return dict(out)


def round_trips(page: Page, n: int) -> list[list[float]]:
    """Submit -> result in the DOM, n times: [settled], [back to back], [time in Python (worker)].

    "settled": before each check the page has rendered the previous result and is idle, as when a person
    types one address after another. "back to back": the next check is submitted the moment the previous
    result is in the DOM, so the browser's rendering of that result (style, layout, paint of the page)
    falls inside the next measurement."""
    return list(page.evaluate("""async (n) => {
        const form = document.querySelector('form[data-todoku="check"]');
        const addrs = ['taro@gmial.com', 'x@docomo.ne.jp', 'a..b@docomo.ne.jp', 'hanako@ezweb.ne.jp'];
        const settle = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 20)));
        const once = async (i) => {
            form.elements.address.value = addrs[i % addrs.length];
            const done = new Promise(r => form.addEventListener('todoku:result', r, {once: true}));
            const t = performance.now();
            form.requestSubmit();
            const ev = await done;
            return [performance.now() - t, ev.detail.workerMs];
        };
        const settled = [], b2b = [], inWorker = [];
        for (let i = 0; i < n; i++) {
            await settle();
            const [ms, w] = await once(i);
            settled.push(ms);
            inWorker.push(w);
        }
        await settle();
        for (let i = 0; i < n; i++) b2b.push((await once(i))[0]);
        return [settled, b2b, inWorker];
    }""", n))


def med(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="paint samples per side (default 9)")
    ap.add_argument("--reps", type=int, default=3, help="fresh profiles for the ready times, median (default 3)")
    ap.add_argument("--throttle-mbps", type=float, default=40.0,
                    help="link speed for the transfer-time estimate of the cold-start variants (0: skip)")
    args = ap.parse_args(argv)
    if not (SITE / "assets" / "todoku" / "manifest.json").is_file():
        print("bench_web: site/ is not built with the checker: run scripts/build", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="todoku-bench-"))
    servers = ExitStack()
    try:
        (tmp / "site").symlink_to(SITE)
        (tmp / "bare").mkdir()
        (tmp / "bare" / "index.html").write_text(BARE_HTML, encoding="utf-8")
        (tmp / "bare" / "worker.html").write_text(BARE_WORKER_HTML, encoding="utf-8")
        (tmp / "bare" / "worker.mjs").write_text(BARE_WORKER_MJS, encoding="utf-8")
        base = servers.enter_context(served(tmp))
        base_br = servers.enter_context(served(tmp, BrotliHandler))
        page_html = (SITE / "en/providers/docomo/index.html").read_text(encoding="utf-8")
        rows: list[tuple[str, str, str, str]] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # 1. paint: the same page with and without the widget, alternating, warm HTTP cache for both
            ctx = browser.new_context()
            with_w: list[float] = []
            without: list[float] = []
            url = base + CARRIER
            fcp(ctx, url, page_html)
            fcp(ctx, url, strip_widget(page_html))
            for i in range(args.runs):
                # alternate the order and let the previous page's background work (the widget's worker
                # compiling the wasm) die down, so neither side pays for the other
                for side in ((with_w, page_html), (without, strip_widget(page_html)))[:: 1 if i % 2 else -1]:
                    side[0].append(fcp(ctx, url, side[1]))
                    time.sleep(1.5)
            ctx.close()
            a, b = med(with_w), med(without)
            rows.append(("FCP carrier page (median ms)", f"{a:.0f} with widget", f"{b:.0f} without",
                         f"{(a / b - 1) * 100:+.1f} % (target < 10 %)"))

            # 2. ready, cold and warm, ours vs bare, in persistent profiles
            def profile_run(base_url: str, path: str) -> tuple[BrowserContext, dict[str, Any], dict[str, Any]]:
                d = tempfile.mkdtemp(prefix="todoku-profile-", dir=tmp)
                ctx = pw.chromium.launch_persistent_context(d, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                            headless=True)
                ctx.add_init_script(INIT)
                cold = ready_time(ctx, base_url + path)
                cold["page"].close()
                warm = ready_time(ctx, base_url + path)
                return ctx, cold, warm

            ours_path = CARRIER + "#check=taro%40docomo.ne.jp"

            def repeated(path: str, with_round_trips: bool,
                         ) -> tuple[dict[str, Any], dict[str, Any], list[list[float]] | None]:
                """``--reps`` fresh profiles, ours and bare interleaved by the caller; the median run's figures."""
                colds: list[dict[str, Any]] = []
                warms: list[dict[str, Any]] = []
                rts: list[list[float]] | None = None
                for _ in range(args.reps):
                    ctx, cold, warm = profile_run(base, path)
                    if with_round_trips and rts is None:
                        rts = round_trips(warm["page"], 100)
                    ctx.close()
                    colds.append(cold)
                    warms.append(warm)

                def pick(runs: list[dict[str, Any]]) -> dict[str, Any]:
                    return sorted(runs, key=lambda r: r["ready"])[len(runs) // 2]

                return pick(colds), pick(warms), rts

            cold_o, warm_o, measured = repeated(ours_path, True)
            assert measured is not None
            rt, rt_b2b, rt_worker = measured
            cold_b, warm_b, _ = repeated("/bare/index.html", False)
            cold_bw, warm_bw, _ = repeated("/bare/worker.html", False)
            rows.append(("ready, cold (ms)", f"{cold_o['ready']:.0f} ours", f"{cold_b['ready']:.0f} bare",
                         f"{cold_o['ready'] / cold_b['ready']:.2f} x (target <= 1.15 x)"))
            rows.append(("ready, warm (ms)", f"{warm_o['ready']:.0f} ours", f"{warm_b['ready']:.0f} bare",
                         f"{warm_o['ready'] / warm_b['ready']:.2f} x"))
            rows.append(("ready vs bare loadPyodide() in a worker (ms)",
                         f"{cold_o['ready']:.0f} / {warm_o['ready']:.0f} ours",
                         f"{cold_bw['ready']:.0f} / {warm_bw['ready']:.0f} bare",
                         (f"cold / warm, {cold_o['ready'] / cold_bw['ready']:.2f} x / "
                          f"{warm_o['ready'] / warm_bw['ready']:.2f} x")))
            rows.append(("transferred cold / warm (kB)",
                         f"{cold_o['bytes'] / 1e3:.0f} / {warm_o['bytes'] / 1e3:.0f} ours",
                         f"{cold_b['bytes'] / 1e3:.0f} / {warm_b['bytes'] / 1e3:.0f} bare", ""))
            rows.append(("check round trip, submit -> result shown (ms, n=100)", f"{med(rt):.2f} median",
                         f"{med(rt_worker):.2f} in Python", f"p90 {sorted(rt)[89]:.1f}; target < 10 ms"))
            rows.append(("  the same, back to back (previous render inside)", f"{med(rt_b2b):.2f} median", "",
                         f"p90 {sorted(rt_b2b)[89]:.1f}"))
            # 3. long tasks while loading: our page vs the same page without the widget
            ctx = browser.new_context()
            ctx.add_init_script(INIT)
            p = ctx.new_page()
            p.route(base + CARRIER, lambda r: r.fulfill(status=200, body=strip_widget(page_html),
                                                        content_type="text/html; charset=utf-8"))
            p.goto(base + CARRIER, wait_until="load")
            p.wait_for_timeout(1000)
            longest_without = p.evaluate("Math.max(0, ...window.__longtasks)")
            ctx.close()
            rows.append(("longest main-thread task while loading (ms)", f"{cold_o['longest']:.0f} with widget",
                         f"{longest_without:.0f} without", "target: none > 50 ms from us"))

            # 4. cold start variants: plain files vs the precompressed .br siblings (web/README.md recipe)
            cold_rows = []
            for name, u in (("plain files", base), ("brotli .br siblings", base_br)):
                ctx, c, _ = profile_run(u, ours_path)
                ctx.close()
                cold_rows.append((name, c["ready"], c["bytes"]))
            browser.close()
        w = max(len(r[0]) for r in rows) + 2
        print(f"{'':{w}}{'ours':>26}{'peer':>26}   verdict")
        for r in rows:
            print(f"{r[0]:{w}}{r[1]:>26}{r[2]:>26}   {r[3]}")
        for label, run in (("cold", cold_o), ("warm", warm_o)):
            st = run["stages"] or {}
            print(f"\nour loading stages, {label} (ms since the worker started): "
                  + ", ".join(f"{k} {v}" for k, v in st.items()))
        print("\ncold start by serving variant (our carrier page, checker started at once, localhost):")
        for name, ms, by in cold_rows:
            line = f"  {name:<22} ready {ms:7.0f} ms   transferred {by / 1e6:6.2f} MB"
            if args.throttle_mbps:  # the wire time the bytes alone would cost on a slower link
                line += f"   ~{by * 8 / (args.throttle_mbps * 1e6):4.1f} s of transfer at {args.throttle_mbps:g} Mbit/s"
            print(line)
    finally:
        servers.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
