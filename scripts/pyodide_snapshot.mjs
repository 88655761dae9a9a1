// Makes the Pyodide memory snapshot the site ships (scripts/build_web.py runs it with Node at build time).
//
//   node scripts/pyodide_snapshot.mjs INDEX_DIR WHEEL OUT.snapshot|- [STDLIB.zip]
//
// Boots the pinned Pyodide runtime of INDEX_DIR (node_modules/pyodide/) with its private `_makeSnapshot`
// option, installs WHEEL (our pure wheel, as the page does: web/todoku-pyodide.mjs installWheel), imports
// every web entry of the
// wheel (checker/web.py, checker/web_*.py, checker/web/**), runs each once in both languages so that the
// data, the messages and the lazily imported standard-library modules are loaded, then writes the whole
// WebAssembly heap with `pyodide.makeMemorySnapshot()`. A page restores it with `loadPyodide({_loadSnapshot})`
// (web/todoku-pyodide.mjs) instead of booting Python and importing the checker.
//
// STDLIB.zip: the standard library the page serves (stdLibURL); the snapshot must be made with the same file,
// since zipimport keeps the archive's table of contents in the heap.
// Prints one JSON line to standard output: {"bootMs", "warmMs", "snapshotBytes", "buildId", "stdlibModules"}
// where stdlibModules lists every module of the standard-library zip loaded by then (the import trace).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { WHEEL_PATH, installWheel } from "../web/todoku-pyodide.mjs";

// --extra ARCHIVE (a zip or a pure wheel, repeatable): trace only (OUT "-"): the packages the pages install
// after the start (the sender page's dnspython, the audit's openpyxl), unpacked in site-packages, every module
// of them imported and exercised, so that the standard-library modules they need join the trace
const args = process.argv.slice(2);
const extras = [];
for (let i = args.indexOf("--extra"); i !== -1; i = args.indexOf("--extra")) {
  extras.push(args[i + 1]);
  args.splice(i, 2);
}
const [indexDir, wheelPath, outPath, stdlibPath] = args;
if (!indexDir || !wheelPath || !outPath || extras.includes(undefined) || (extras.length && outPath !== "-")) {
  process.stderr.write("usage: node scripts/pyodide_snapshot.mjs INDEX_DIR WHEEL OUT.snapshot|- [STDLIB.zip] "
    + "[--extra ARCHIVE ...]   (--extra with OUT - only)\n");
  process.exit(2);
}
const indexURL = resolve(indexDir) + "/";
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);

let t0 = performance.now();
const pyodide = await loadPyodide({
  indexURL,
  ...(stdlibPath ? { stdLibURL: resolve(stdlibPath) } : {}),
  stdout: (s) => process.stderr.write(s + "\n"),
  stderr: (s) => process.stderr.write(s + "\n"),
  env: { PYTHONHASHSEED: "0" },
  _makeSnapshot: true,
});
const bootMs = performance.now() - t0;
t0 = performance.now();
installWheel(pyodide, new Uint8Array(readFileSync(wheelPath)));
if (extras.length) {
  const site = pyodide.runPython("import sys; [p for p in sys.path if p.endswith('site-packages')][0]");
  pyodide.FS.mkdirTree(site);
  for (const path of extras) {
    pyodide.unpackArchive(new Uint8Array(readFileSync(path)), path.endsWith(".whl") ? "wheel" : "zip",
                          { extractDir: site });
  }
  pyodide.runPython("import importlib; importlib.invalidate_caches()");
}
// a Python error's message is its traceback (the stack of a JavaScript error would be the minified runtime)
process.on("uncaughtException", (e) => {
  process.stderr.write(`pyodide_snapshot: ${String(e && e.message || e).slice(-4000)}\n`);
  process.exit(1);
});
const trace = pyodide.runPython(`
import importlib, json, sys, zipfile

with zipfile.ZipFile(${JSON.stringify(WHEEL_PATH)}) as z:
    names = [n for n in z.namelist() if n.startswith("checker/") and n.endswith(".py")]
# checker/web.py, checker/web_*.py, checker/web/**.py
entries = sorted({n[:-3].replace("/", ".").removesuffix(".__init__") for n in names
                  if n.split("/")[1].removesuffix(".py").split("_")[0] == "web"})
for name in entries:
    try:
        importlib.import_module(name)
    except ImportError:
        pass  # an entry needing a package its page installs later (the sender page's dnspython)
# the rest of the core too (sender, message, lists, address: what a page may call next), never the command
# line's shell (checker/cli/, __main__): their standard-library imports join the trace and the heap
core = sorted({n[:-3].replace("/", ".").removesuffix(".__init__") for n in names
               if n.split("/")[1] not in ("cli", "__main__.py")})
for name in core:
    try:
        importlib.import_module(name)
    except ImportError:
        pass  # a module needing a package Pyodide does not have (only the command line's DNS does)

# each entry once, both languages: data, messages and lazily imported modules are in the heap from now on
# the entries' modules (checker/web/{check,audit,message}.py; before the package layout, checker/web*.py)
def entry(*names):
    return next((sys.modules[n] for n in names if n in sys.modules), None)

web = entry("checker.web.check", "checker.web")
for lang in ("ja", "en"):
    for address in ("taro@docomo.ne.jp", "taro@gmial.com", "a..b@ezweb.ne.jp", "x@[IPv6:::1]", "山田@例え.jp"):
        web.handle(json.dumps({"op": "check", "address": address, "lang": lang}))
wa = entry("checker.web.audit", "checker.web_audit")
if wa is not None:
    lists = ["名前,メール\\r\\nA,taro@docomo.ne.jp\\r\\nB,x@gmial.com\\r\\n".encode(enc)
             for enc in ("utf-8-sig", "cp932", "utf-16")]
    for lang in ("ja", "en"):
        wa.page_strings(lang)
        for raw in lists:
            job = wa.start(raw, json.dumps({"lang": lang}))
            while not json.loads(wa.step(job, 1000))["done"]:
                pass
            wa.summary(job)
            wa.report(job)
            wa.report_name("list.csv", lang)

wm = entry("checker.web.message", "checker.web_message")
if wm is not None:
    jp = "宛先が見つかりません".encode("iso-2022-jp")
    bounce = (b"From: MAILER-DAEMON@mx.example.jp\\r\\nTo: taro@example.com\\r\\nSubject: Undelivered Mail\\r\\n"
              b"MIME-Version: 1.0\\r\\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\\r\\n\\r\\n"
              b"--b\\r\\nContent-Type: text/plain; charset=iso-2022-jp\\r\\n\\r\\n" + jp + b"\\r\\n"
              b"--b\\r\\nContent-Type: message/delivery-status\\r\\n\\r\\nReporting-MTA: dns; mx.example.jp\\r\\n\\r\\n"
              b"Final-Recipient: rfc822; hanako@docomo.ne.jp\\r\\nAction: failed\\r\\nStatus: 5.1.1\\r\\n"
              b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\\r\\n\\r\\n"
              b"--b\\r\\nContent-Type: message/rfc822\\r\\n\\r\\nFrom: taro@example.com\\r\\nTo: hanako@docomo.ne.jp\\r\\n"
              b"Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\\r\\n"
              b"Authentication-Results: mx.example.jp; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass\\r\\n"
              b"\\r\\nhello\\r\\n--b--\\r\\n")
    plain = ("From: =?UTF-8?B?5bGx55Sw?= <taro@example.com>\\r\\nTo: hanako@ezweb.ne.jp\\r\\n"
             "Subject: =?UTF-8?Q?=E3=81=93=E3=82=93=E3=81=AB=E3=81=A1=E3=81=AF?=\\r\\nMIME-Version: 1.0\\r\\n"
             "Content-Type: multipart/mixed; boundary=x\\r\\n\\r\\n--x\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n"
             "Content-Transfer-Encoding: quoted-printable\\r\\n\\r\\n=E3=81=82 http://example.com/\\r\\n--x\\r\\n"
             "Content-Type: application/pdf; name=a.pdf\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\nJVBERi0=\\r\\n--x--\\r\\n").encode()
    for lang in ("ja", "en"):
        wm.page_strings(lang)
        for raw in (bounce, plain, b"", b"not a message"):
            wm.read(raw, lang)

# the packages installed after the start (--extra): every module imported (a module needing what Pyodide does
# not have is skipped), then used the way the pages use them: a workbook written and read back (the audit),
# DNS answers made and read from wire format (the sender page)
import os, pkgutil
site_dir = [p for p in sys.path if p.endswith("site-packages")][0]
extra_tops = sorted(n for n in (os.listdir(site_dir) if os.path.isdir(site_dir) else ())
                    if os.path.isfile(os.path.join(site_dir, n, "__init__.py")))
for top in extra_tops:
    try:
        pkg = importlib.import_module(top)
    except Exception:
        continue
    for info in pkgutil.walk_packages(pkg.__path__, top + "."):
        try:
            importlib.import_module(info.name)
        except Exception:
            pass
if "openpyxl" in extra_tops:
    if wa is not None:  # a workbook read, an Excel report written (checker/lists/xlsx.py through the web entry)
        import openpyxl, io as _io
        wb = openpyxl.Workbook()
        wb.active.append(["名前", "メール"])
        wb.active.append(["山田", "taro@docomo.ne.jp"])
        buf = _io.BytesIO()
        wb.save(buf)
        for lang in ("ja", "en"):
            job = wa.start(buf.getvalue(), json.dumps({"lang": lang, "format": "xlsx"}))
            while not json.loads(wa.step(job, 1000))["done"]:
                pass
            wa.summary(job)
            wa.report(job)
if "dns" in extra_tops:
    import dns.message, dns.rrset, dns.rdatatype
    for rtype, value in (("TXT", '"v=spf1 -all"'), ("MX", "10 mx.example.jp."), ("A", "192.0.2.1"),
                         ("AAAA", "2001:db8::1"), ("CNAME", "x.example.jp."), ("NS", "ns.example.jp."),
                         ("PTR", "x.example.jp.")):
        q = dns.message.make_query("example.jp", rtype)
        r = dns.message.make_response(q)
        r.answer.append(dns.rrset.from_text("example.jp.", 300, "IN", rtype, value))
        dns.message.from_wire(r.to_wire()).to_text()

zips = [p for p in sys.path if p.endswith(".zip") and p != ${JSON.stringify(WHEEL_PATH)}]
import gc
gc.collect()
json.dumps({"entries": entries, "zip": zips[0] if zips else None,
            "stdlibModules": sorted(n for n, m in sys.modules.items()
                                    if zips and str(getattr(getattr(m, "__spec__", None), "origin", "") or "").startswith(zips[0]))})
`);
const warmMs = performance.now() - t0;
// OUT "-": the import trace only (scripts/build_web.py traces with the npm package's whole standard library,
// then makes the snapshot with the trimmed one)
const snapshot = outPath === "-" ? new Uint8Array(0) : pyodide.makeMemorySnapshot();
if (outPath !== "-") writeFileSync(outPath, snapshot);
const info = JSON.parse(trace);
process.stdout.write(JSON.stringify({
  bootMs: Math.round(bootMs), warmMs: Math.round(warmMs), snapshotBytes: snapshot.length,
  entries: info.entries, stdlibModules: info.stdlibModules,
}) + "\n");
