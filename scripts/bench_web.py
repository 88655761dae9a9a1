#!/usr/bin/env python3
"""Benchmark of the checker in the page, in one run, headless Debian Chromium on localhost (prints tables).

Time to the first verdict, cold (a fresh persistent profile: empty HTTP and code caches; the browser left to
settle after its launch, see settle()) and warm (the same profile, a new page), median of --reps runs, for three
ways a reader meets the checker:
  - /en/checker/ with an address typed (and Enter pressed) as soon as the form exists;
  - /en/providers/docomo/#check=... (a shared link: the page starts the checker while it loads);
  - /en/audit/ with a 1,000-row customer list (scripts/gen_audit_list.py) chosen as soon as the form exists;
against the peer: a bare page that only runs ``loadPyodide()`` from the same runtime files, served by the
same server in the same run (ratio = ours / bare). Each under two servers: a plain static server (Python's
http.server: no compression, no cache headers) and scripts/serve.py (the .br/.gz siblings, ETag
revalidation, immutable content-hashed files: the web/README.md recipe). For each: bytes on the wire (encoded
bodies, the workers' requests included), the longest main-thread task (PerformanceObserver "longtask": the
page's, Material's script included) and the longest of ours ("ours": the longest run of one of our page
scripts, assets/todoku/todoku-*.js, named by a long animation frame, the only frames that name scripts: 0 when
none of ours ran in a frame of 50 ms or more).

Levers, one by one (serve.py, the shared link, cold and warm): the memory snapshot switched off (the manifest
served without it: the normal boot, which is also the fallback path), and the other standard library (a start
this run makes with scripts/build_web.py's make_start: the whole zip when the site ships the trimmed one, the
trimmed one otherwise), and the restore after the whole download (the manifest without the snapshot's size: the
runtime compiled only once the snapshot is in, as loadPyodide alone does), interleaved with the shipped start
and the bare page. Compression and caching: the plain server's rows against serve.py's. The audit's idle
warm-up: /en/audit/ at a reader's pace (the list chosen PAUSE s after the checker is ready), from choosing to
the summary, with the warm-up and without it (the manifest with "warmUp": false), interleaved.
Also: the carrier page's first contentful paint with and without the widget (paint cost target < 10 %) and
the check round trip once ready. The load average is printed before and after: this 2-core machine is
shared, compare within one run only.

Targets (issue 14): first verdict cold <= 0.6 x bare loadPyodide(); warm well under a second; our longest
main-thread task < 50 ms; paint cost < 10 %.
Usage: scripts/bench_web.py [--reps N] [--runs N] [--quick]   (needs a built site/: scripts/build)
"""
from __future__ import annotations

import argparse
import http.server
import io
import json
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
#: seconds between the checker being ready and the list being chosen, in the audit at a reader's pace
PAUSE = 3.0
PYODIDE_STDLIB = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"
TARGETS = {  # name -> (path, how the first verdict is asked for)
    "/checker/, typed at once": ("/site/en/checker/", "type"),
    "provider page, shared #check= link": (CARRIER + "#check=taro%40docomo.ne.jp", "link"),
    "/audit/, 1,000-row list": ("/site/en/audit/", "audit"),
    "bare loadPyodide() page": ("/bare/index.html", "bare"),
}

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare loadPyodide</title>
<p>bare</p>
<script type="module">
const { loadPyodide } = await import("/site/assets/todoku/pyodide/pyodide.mjs");
const py = await loadPyodide({ indexURL: "/site/assets/todoku/pyodide/" });
window.__verdict = performance.now();
</script>
"""

INIT = """
window.__longtasks = []; window.__ours = [];
try {
  new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
} catch (e) {}
// long animation frames name the scripts that ran in them: ours are the ones served from assets/todoku/
try {
  new PerformanceObserver(l => {
    for (const e of l.getEntries()) for (const s of e.scripts || []) {
      if ((s.sourceURL || '').includes('/assets/todoku/todoku-')) {
        window.__ours.push([s.duration, `${s.sourceURL.split('/').pop()} ${s.invoker.startsWith('http') ? 'evaluation'
                                          : s.invoker}${s.sourceFunctionName ? ' ' + s.sourceFunctionName : ''}`]);
      }
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
} catch (e) {}
document.addEventListener('todoku:ready', (e) => {
  window.__ready = performance.now(); window.__stages = e.detail.stages;
});
// the first verdict: a checker result in the DOM, or the audit's summary shown
new MutationObserver((muts) => {
  if (window.__verdict !== undefined) return;
  for (const m of muts) {
    const t = m.target;
    if ((t.matches && t.matches('output.todoku-result') && t.dataset.verdict) ||
        (t.matches && t.matches('form.todoku-audit') && t.dataset.state === 'done')) {
      window.__verdict = performance.now();
      return;
    }
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-verdict', 'data-state'] });
"""


class PlainHandler(QuietHandler):
    """A plain static server: the files as they are (right types), no compression, no cache headers."""

    def send_head(self) -> Any:
        return http.server.SimpleHTTPRequestHandler.send_head(self)

    def end_headers(self) -> None:
        http.server.SimpleHTTPRequestHandler.end_headers(self)


class ManifestHandler(QuietHandler):
    """serve.py, with each language's manifest.json changed by ``patch`` (a key set to None is left out), and
    ``/assets/todoku/variant/`` served from ``variant`` (a start made by this run: see start_variant)."""

    variant: Path | None = None
    patch: dict[str, Any] = {}

    def translate_path(self, path: str) -> str:
        if "/assets/todoku/variant/" in path and self.variant is not None:
            return str(self.variant / path.split("/assets/todoku/variant/", 1)[1].split("?")[0])
        return str(super().translate_path(path))

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if not (path.endswith("manifest.json") and os.path.isfile(path)):
            return super().send_head()  # type: ignore[no-untyped-call]
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        doc = {k: v for k, v in {**doc, **self.patch}.items() if v is not None}
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class NoSnapshotHandler(ManifestHandler):
    """The manifest without its snapshot: the normal boot (also the fallback path)."""

    patch = {"snapshot": None}


class NoWarmUpHandler(ManifestHandler):
    """The manifest with "warmUp": false: the audit's worker does not use the page's idle time."""

    patch = {"warmUp": False}


class SerialRestoreHandler(ManifestHandler):
    """The manifest without the snapshot's size: loadPyodide gets the snapshot itself and compiles the runtime
    only once all of it is in (web/todoku-pyodide.mjs overlappedSnapshot needs the size)."""

    patch = {"snapshotBytes": None}


def shipped_start() -> str:
    """What the built site starts from, in words (its manifest)."""
    m = json.loads((SITE / "assets/todoku/manifest.json").read_text(encoding="utf-8"))
    return ("snapshot" if m.get("snapshot") else "no snapshot") + (", trimmed stdlib" if m.get("stdlib") else
                                                                   ", whole stdlib")


def start_variant(tmp: Path) -> tuple[type[ManifestHandler], str, str]:
    """The other standard library than the shipped one (the whole zip when the site ships the trimmed one, and
    the reverse), with a snapshot made for it from the site's own wheel (scripts/build_web.py make_start: the
    snapshot and the zip must match). Returns the handler, the lever's name and what the variant holds."""
    import build_web  # noqa: PLC0415 (scripts/ is on sys.path; heavy: only when the levers run)

    manifest = json.loads((SITE / "assets/todoku/manifest.json").read_text(encoding="utf-8"))
    wheel = SITE / "assets/todoku" / manifest["wheel"].split("?")[0]
    extras = [p for p in (SITE / "assets/todoku/wheels").iterdir() if p.suffix in (".whl", ".zip") and p != wheel]
    trim = not manifest.get("stdlib")
    out = tmp / "variant"
    snapshot, stdlib, info = build_web.make_start(wheel, out, trim=trim, extras=extras)
    build_web.compress_siblings(snapshot, quality=build_web.SNAPSHOT_BROTLI_QUALITY, cache=False, zstd=True)
    patch: dict[str, Any] = {"snapshot": f"variant/{snapshot.name}", "snapshotBytes": snapshot.stat().st_size}
    whole = PYODIDE_STDLIB.stat().st_size
    if stdlib is not None:
        build_web.compress_siblings(stdlib, zstd=True)
        patch["stdlib"] = f"variant/{stdlib.name}"
        br = Path(str(stdlib) + ".br").stat().st_size
        what = (f"{info['stdlibFiles']} files, {stdlib.stat().st_size / 1e6:.2f} MB stored / {br / 1e6:.2f} MB "
                f"brotli (the whole zip: {whole / 1e6:.2f} MB)")
    else:
        patch["stdlib"] = None  # the manifest without it: Pyodide's own python_stdlib.zip
        what = f"Pyodide's whole python_stdlib.zip, {whole / 1e6:.2f} MB"
    handler = type("Variant", (ManifestHandler,), {"variant": out, "patch": patch})
    return handler, "snapshot + trimmed stdlib" if trim else "snapshot + whole stdlib", what


def strip_widget(html: str) -> str:
    html = re.sub(r'<form class="todoku-check".*?</form>', "", html, flags=re.S)
    html = re.sub(r'<link rel="stylesheet" href="[^"]*todoku-widget\.css">', "", html)
    html = re.sub(r'<link rel="modulepreload" href="[^"]*todoku-[^"]*">', "", html)
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


def first_verdict(context: BrowserContext, base: str, target: str, audit_list: bytes) -> dict[str, Any] | None:
    """Navigate, ask for a verdict the way ``target`` says, wait for it: ms since navigation start, bytes on
    the wire, longest main-thread task, our loading stages."""
    path, how = TARGETS[target]
    page = context.new_page()
    sizes: list[int] = []
    # page events include the workers' requests; encoded body sizes (0 when served from cache or a 304)
    page.on("requestfinished", lambda r: sizes.append(max(0, r.sizes()["responseBodySize"])))
    page.goto(base + path, wait_until="commit")
    if how == "type":
        # as soon as the widget holds the form (before, Enter would submit the bare HTML form)
        field = page.locator('form[data-todoku="check"][data-state] input[name="address"]').first
        field.fill("taro@gmial.com")
        field.press("Enter")
    elif how == "audit":
        page.locator('form.todoku-audit.todoku-audit--enhanced input[type="file"]').set_input_files(
            {"name": "list.csv", "mimeType": "text/csv", "buffer": audit_list})
    try:
        page.wait_for_function("() => window.__verdict !== undefined", timeout=180_000, polling=50)
    except Exception:  # a failed run is reported and left out of the medians, never the end of the run
        print(f"bench_web: no verdict for {target} on {base}: {page.url}", file=sys.stderr, flush=True)
        page.close()
        return None
    out: dict[str, Any] = page.evaluate("""() => ({ms: window.__verdict, longest: Math.max(0, ...window.__longtasks),
                                   ours: Math.max(0, ...window.__ours.map(o => o[0])),
                                   oursWhat: (window.__ours.slice().sort((a, b) => b[0] - a[0])[0] || [0, ''])[1],
                                   stages: window.__stages || null})""")
    page.wait_for_timeout(200)  # the last responses' "requestfinished"
    out["bytes"] = sum(sizes)
    page.close()
    return out


def audit_at_reader_pace(context: BrowserContext, base: str, audit_list: bytes, pause: float) -> float | None:
    """/en/audit/ as a reader uses it: the page open, the checker ready, the list chosen ``pause`` s later; ms
    from choosing the file to the summary shown (the worker's idle warm-up, when on, has run meanwhile)."""
    page = context.new_page()
    page.goto(base + TARGETS["/audit/, 1,000-row list"][0])
    try:
        page.wait_for_selector("form.todoku-audit[data-ready]", timeout=180_000)
        page.wait_for_timeout(pause * 1000)
        t0 = float(page.evaluate("performance.now()"))
        page.locator('form.todoku-audit.todoku-audit--enhanced input[type="file"]').set_input_files(
            {"name": "list.csv", "mimeType": "text/csv", "buffer": audit_list})
        page.wait_for_function("() => window.__verdict !== undefined", timeout=180_000, polling=20)
        return float(page.evaluate("window.__verdict")) - t0
    except Exception:
        print(f"bench_web: no audit summary on {base}", file=sys.stderr, flush=True)
        return None
    finally:
        page.close()


def round_trips(page: Page, n: int) -> list[list[float]]:
    """Submit -> result in the DOM, n times, the page idle before each: [ms], [time in Python (worker)]."""
    times: list[list[float]] = page.evaluate("""async (n) => {
        const form = document.querySelector('form[data-todoku="check"]');
        const addrs = ['taro@gmial.com', 'x@docomo.ne.jp', 'a..b@docomo.ne.jp', 'hanako@ezweb.ne.jp'];
        const settle = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 20)));
        const out = [], inWorker = [];
        for (let i = 0; i < n; i++) {
            await settle();
            form.elements.address.value = addrs[i % addrs.length];
            const done = new Promise(r => form.addEventListener('todoku:result', r, {once: true}));
            const t = performance.now();
            form.requestSubmit();
            const ev = await done;
            out.push(performance.now() - t);
            inWorker.push(ev.detail.workerMs);
        }
        return [out, inWorker];
    }""", n)
    return times


def med(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def chromium_cpu() -> float:
    """CPU seconds used so far by every running Chromium process (/proc; 0 where /proc is not there)."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        if "chrom" in name:
            total += int(rest[11]) + int(rest[12])  # utime, stime
    return total / tick


def settle(limit: float = 15.0) -> float:
    """Waits until the browser just launched is idle: Chromium 156 loads its omnibox popup (a WebUI renderer,
    chrome://omnibox-popup.top-chrome) at start, about 1 s of CPU (traced), which a reader's running browser
    did long before they opened a page. Idle: under 10 ms of Chromium CPU in each of two 250 ms windows in a
    row (a process that ends makes the sum drop: that window counts as busy). Returns the wait (s)."""
    t0 = time.monotonic()
    last, quiet = chromium_cpu(), 0
    while time.monotonic() - t0 < limit and quiet < 2:
        time.sleep(0.25)
        now = chromium_cpu()
        quiet = quiet + 1 if 0 <= now - last < 0.01 else 0
        last = now
    return time.monotonic() - t0


def loadavg() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=5, help="fresh profiles per target and server (default 5)")
    ap.add_argument("--runs", type=int, default=9, help="paint samples per side (default 9)")
    ap.add_argument("--no-settle", action="store_true",
                    help="navigate as soon as the browser is launched (its start-up work then falls on the cold runs)")
    ap.add_argument("--quick", action="store_true", help="serve.py only, no paint, no levers (a smoke run)")
    ap.add_argument("--levers", action="store_true", help="with --quick: the levers too")
    args = ap.parse_args(argv)
    if not (SITE / "assets" / "todoku" / "manifest.json").is_file():
        print("bench_web: site/ is not built with the checker: run scripts/build", file=sys.stderr)
        return 2
    from gen_audit_list import generate  # noqa: E402  (scripts/ is on sys.path)
    from playwright.sync_api import sync_playwright

    audit_list = generate(1000)
    tmp = Path(tempfile.mkdtemp(prefix="todoku-bench-"))
    servers = ExitStack()
    load_before = loadavg()
    t_start = time.monotonic()
    try:
        (tmp / "site").symlink_to(SITE)
        (tmp / "bare").mkdir()
        (tmp / "bare" / "index.html").write_text(BARE_HTML, encoding="utf-8")
        bases = {"plain static server": servers.enter_context(served(tmp, PlainHandler)),
                 "scripts/serve.py": servers.enter_context(served(tmp))}
        if args.quick:
            del bases["plain static server"]
        no_snapshot = servers.enter_context(served(tmp, NoSnapshotHandler))
        serial = servers.enter_context(served(tmp, SerialRestoreHandler))
        no_warm_up = servers.enter_context(served(tmp, NoWarmUpHandler))
        trimmed, trimmed_name, trimmed_what = None, "", ""
        if not args.quick or args.levers:
            handler, trimmed_name, trimmed_what = start_variant(tmp)
            trimmed = servers.enter_context(served(tmp, handler))
        page_html = (SITE / "en/providers/docomo/index.html").read_text(encoding="utf-8")
        settles: list[float] = []
        with sync_playwright() as pw:
            def fresh(settled: bool = True) -> BrowserContext:
                """A browser with a fresh persistent profile (empty caches) and INIT, left to settle first
                unless --no-settle (or ``settled`` is False: nothing cold is measured in it)."""
                d = tempfile.mkdtemp(prefix="todoku-profile-", dir=tmp)
                ctx = pw.chromium.launch_persistent_context(d, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                            headless=True)
                ctx.add_init_script(INIT)
                if settled and not args.no_settle:
                    settles.append(settle())
                return ctx

            def profile(base: str, target: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
                ctx = fresh()
                try:
                    cold = first_verdict(ctx, base, target, audit_list)
                    warm = first_verdict(ctx, base, target, audit_list) if cold else None
                finally:
                    ctx.close()
                if cold and warm:  # each run as it comes (a long run on a busy machine can be cut short)
                    print(f"  run: {target}: cold {cold['ms']:.0f} ms, warm {warm['ms']:.0f} ms, "
                          f"{cold['bytes'] / 1e6:.2f} MB", flush=True)
                return (cold, warm) if cold and warm else None

            # 1. first verdict, cold and warm: ours and bare, interleaved, under each server
            results: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = {}
            for _ in range(args.reps):
                for server, base in bases.items():
                    for target in TARGETS:
                        run = profile(base, target)
                        results.setdefault((server, target), [])
                        if run:
                            results[(server, target)].append(run)
            # 2. levers, one by one: the snapshot off (serve.py, shared link); the same run's "on" is above
            # (interleaved with the shipped start and the bare page, so that a change of the machine's load
            # during the run falls on all of them alike; the ratios are to this loop's own bare runs)
            # name -> server; the shipped start first, the bare page (the ratios' base) last
            levers = {f"shipped ({shipped_start()})": bases["scripts/serve.py"],
                      "no snapshot: the normal boot (fallback)": no_snapshot,
                      trimmed_name: trimmed,
                      "restore after the whole download": serial,
                      "bare": bases["scripts/serve.py"]}
            lever_runs: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {name: [] for name in levers}
            if not args.quick or args.levers:
                for _ in range(args.reps):
                    for name, lever in levers.items():
                        target = "bare loadPyodide() page" if name == "bare" else "provider page, shared #check= link"
                        run = profile(lever, target) if lever is not None else None
                        if run:
                            lever_runs[name].append(run)
            # 2b. the audit at a reader's pace (serve.py, fresh profiles): the list chosen PAUSE s after the checker
            # is ready, the worker's idle warm-up on (shipped) and off, interleaved
            pace: dict[str, list[float]] = {"on": [], "off": []}
            if not args.quick or args.levers:
                for i in range(args.reps):
                    for state, base in (("on", bases["scripts/serve.py"]), ("off", no_warm_up))[:: 1 if i % 2 else -1]:
                        ctx = fresh()
                        ms = audit_at_reader_pace(ctx, base, audit_list, PAUSE)
                        ctx.close()
                        if ms is not None:
                            pace[state].append(ms)
            # 3. paint: the same page with and without the widget, alternating, warm HTTP cache for both
            with_w: list[float] = []
            without: list[float] = []
            if not args.quick:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                ctx = browser.new_context()
                url = bases["scripts/serve.py"] + CARRIER
                fcp(ctx, url, page_html)
                fcp(ctx, url, strip_widget(page_html))
                for i in range(args.runs):
                    for side in ((with_w, page_html), (without, strip_widget(page_html)))[:: 1 if i % 2 else -1]:
                        side[0].append(fcp(ctx, url, side[1]))
                        time.sleep(1.5)  # let the previous page's worker die down
                ctx.close()
                browser.close()
            # 4. the check round trip once ready (serve.py, warm)
            ctx = fresh(settled=False)
            p = ctx.new_page()
            p.goto(bases["scripts/serve.py"] + CARRIER + "#check=taro%40docomo.ne.jp")
            p.wait_for_function("() => window.__verdict !== undefined", timeout=300_000)
            rt, rt_worker = round_trips(p, 50)
            ctx.close()

        print(f"bench_web: {args.reps} fresh profiles per line (median), load average {load_before} before, "
              f"{loadavg()} after, {time.monotonic() - t_start:.0f} s")
        print("  cold: " + (f"each fresh browser left to settle first (its start-up work done: median "
                            f"{med(settles):.1f} s, longest {max(settles):.1f} s)" if settles
                            else "navigated at once after the launch (--no-settle)"))
        for server in bases:
            print(f"\n{server}: time to the first verdict (ms since navigation; bare: loadPyodide() resolved)")
            print(f"  {'':38}{'cold':>8}{'x bare':>8}{'warm':>8}{'x bare':>8}{'kB cold':>9}{'kB warm':>9}"
                  f"{'longest task':>14}{'ours':>7}")
            bare = results[(server, "bare loadPyodide() page")]
            bare_cold, bare_warm = med([c["ms"] for c, _ in bare]), med([w["ms"] for _, w in bare])
            for target in TARGETS:
                runs = results[(server, target)]
                cold, warm = med([c["ms"] for c, _ in runs]), med([w["ms"] for _, w in runs])
                print(f"  {target:38}{cold:8.0f}{cold / bare_cold:8.2f}{warm:8.0f}{warm / bare_warm:8.2f}"
                      f"{med([c['bytes'] for c, _ in runs]) / 1e3:9.0f}{med([w['bytes'] for _, w in runs]) / 1e3:9.0f}"
                      f"{max((max(c['longest'], w['longest']) for c, w in runs), default=0):11.0f} ms"
                      f"{max((max(c['ours'], w['ours']) for c, w in runs), default=0):4.0f} ms")
            longest = max(((r["ours"], r["oursWhat"], target) for target in TARGETS
                           if target != "bare loadPyodide() page" for run in results[(server, target)] for r in run),
                          default=(0, "", ""))
            if longest[0]:
                print(f"  ours, longest: {longest[0]:.0f} ms, {longest[1]} ({longest[2]})")
            st = [c["stages"] for c, _ in results[(server, "provider page, shared #check= link")] if c["stages"]]
            if st:
                print("  our stages, shared link, cold, last run (ms since the worker started): "
                      + ", ".join(f"{k} {v}" for k, v in st[-1].items()))
        lever_bare = lever_runs.pop("bare")
        if lever_bare:
            bc, bw = med([c["ms"] for c, _ in lever_bare]), med([w["ms"] for _, w in lever_bare])
            print(f"\nlevers (scripts/serve.py, shared link, interleaved with their own bare runs: cold {bc:.0f} ms, "
                  f"warm {bw:.0f} ms):")
            print(f"  {trimmed_name}: made by this run: {trimmed_what}")
            for name, runs in lever_runs.items():
                c, w = med([r[0]["ms"] for r in runs]), med([r[1]["ms"] for r in runs])
                print(f"  {name:40} cold {c:6.0f} ms ({c / bc:.2f} x)   warm {w:6.0f} ms ({w / bw:.2f} x)   "
                      f"{med([r[0]['bytes'] for r in runs]) / 1e6:.2f} MB cold")
        if pace["on"] and pace["off"]:
            a, b = med(pace["on"]), med(pace["off"])
            print(f"\n/audit/ at a reader's pace (scripts/serve.py, cold profile, the 1,000-row list chosen "
                  f"{PAUSE:.0f} s after the checker is ready; median of {len(pace['on'])}): choosing to summary "
                  f"{a:.0f} ms with the idle warm-up, {b:.0f} ms without ({a / b:.2f} x)")
        if with_w:
            a, b = med(with_w), med(without)
            print(f"\nfirst contentful paint, carrier page (median of {args.runs}): {a:.0f} ms with the widget, "
                  f"{b:.0f} ms without: {(a / b - 1) * 100:+.1f} % (target < 10 %)")
        print(f"check round trip once ready (n=50): median {med(rt):.1f} ms, p90 {sorted(rt)[44]:.1f} ms, "
              f"{med(rt_worker):.2f} ms of it in Python")
    finally:
        servers.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
