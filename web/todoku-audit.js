// The page audit (/audit/, /en/audit/): choose or drop a customer list; checker.lists runs on it in a
// module Web Worker (todoku-audit-worker.mjs, self-hosted Pyodide); the summary shows here and the
// report downloads as a CSV or an Excel workbook made in the browser (a Blob link). No byte of the file is sent anywhere.
// Loaded only on pages that hold form[data-todoku="audit"], after todoku-page.js (what the page scripts share).
// Every string comes from checker/data/messages (embedded in the form by scripts/widget.py as JSON): none is
// written here.
(function () {
  "use strict";

  var P = window.TodokuPage; // todoku-page.js, loaded before this script
  var el = P.el;

  P.enhance("audit", function (form, page) {
    var lang = page.lang;
    var t = page.t;
    var numbers = null; // one formatter, made at the first number (not at start-up: it loads locale data)
    var num = function (n) {
      numbers = numbers || new Intl.NumberFormat(lang === "en" ? "en-US" : "ja-JP");
      return numbers.format(Number(n));
    };
    var input = form.querySelector('input[type="file"]');
    var output = form.querySelector("output.todoku-audit-result");
    var busy = false;
    var reportURL = null;
    var fileName = "";
    var started = 0;
    var lastFile = null; // re-audited with another column when the reader picks one
    var column = null;   // the column the reader picked (1-based, as text), for lastFile only

    var drop = el("p", { "class": "todoku-audit-drop", text: t("drop") });
    var privacy = el("p", { "class": "todoku-audit-private", text: t("private") });
    var progress = el("progress", { "class": "todoku-audit-progress", max: "100", value: "0", hidden: "" });
    var summary = el("div", { "class": "todoku-audit-summary", hidden: "" });
    form.insertBefore(drop, form.firstChild);
    form.insertBefore(privacy, output);
    form.insertBefore(progress, output);
    form.appendChild(summary);

    function status(text) { output.textContent = text; }

    function fail() {
      busy = false;
      progress.hidden = true;
      form.setAttribute("data-state", "failed");
      status(t("failed"));
    }

    var getWorker = P.lazyWorker(form, "todoku-audit-worker.mjs", {
      loading: function () { if (busy) status(t("loading")); },
      ready: function () { if (busy) status(t("reading", { name: fileName })); },
      progress: function (m) {
        var pct = m.total ? Math.floor((m.bytes / m.total) * 100) : 0;
        progress.value = pct;
        progress.setAttribute("aria-valuetext", t("progress", { rows: num(m.rows), percent: pct }, m.rows));
        status(t("progress", { rows: num(m.rows), percent: pct }, m.rows));
      },
      done: function (m) {
        busy = false;
        progress.value = 100;
        progress.hidden = true;
        render(m);
      },
      failed: fail,
    });

    function start(file, pickedColumn) {
      if (!file || busy) return;
      var w = getWorker();
      if (!w) return;
      busy = true;
      lastFile = file;
      column = pickedColumn || null;
      fileName = file.name || "";
      started = performance.now();
      form.setAttribute("data-state", "running");
      summary.hidden = true;
      summary.textContent = "";
      progress.value = 0;
      progress.hidden = false;
      status(form.hasAttribute("data-ready") ? t("reading", { name: fileName }) : t("loading"));
      file.arrayBuffer().then(function (buf) {
        var options = { lang: lang };
        if (column) options.column = column;
        w.postMessage({ type: "audit", bytes: buf, name: fileName, options: options }, [buf]);
      }, function () { fail(); });
    }

    function table(cls, heads, rows) {
      var thead = el("thead", null, [el("tr", null, heads.map(function (h) { return el("th", { scope: "col", text: h }); }))]);
      var tbody = el("tbody", null, rows);
      return el("table", { "class": cls }, [thead, tbody]);
    }

    function cell(text, attrs) {
      var a = attrs || {};
      a.text = text;
      return el("td", a);
    }

    function render(m) {
      var s = m.summary;
      var seconds = ((performance.now() - started) / 1000).toFixed(1);
      summary.textContent = "";
      pending.length = 0; // rows of an earlier result still to be written: that result is gone
      form.setAttribute("data-listed", "all");
      if (reportURL) { URL.revokeObjectURL(reportURL); reportURL = null; }
      if (s.error) {
        form.setAttribute("data-state", "error");
        status(t("error", { message: s.error }));
        if (s.columns && s.columns.length) chooser(s.columns);
        return;
      }
      summary.setAttribute("data-rows", s.rows);
      summary.setAttribute("data-arriving", s.arriving);
      summary.setAttribute("data-ms", Math.round(m.ms));
      if (!s.rows) { // a header and nothing under it: say so, offer no empty report
        form.setAttribute("data-state", "empty");
        status(t("error", { message: s.header_only_message || t("summary-no-rows") }));
        return;
      }
      form.setAttribute("data-state", "done");
      status(t("done", { name: fileName, rows: num(s.rows), seconds: seconds }, s.rows));

      reportURL = URL.createObjectURL(new Blob([m.report], { type: m.reportType || "text/csv;charset=utf-8" }));
      var link = el("a", { "class": "md-button md-button--primary todoku-audit-download", href: reportURL,
                           download: m.reportName, text: t("download") });
      summary.appendChild(el("h3", { text: t("summary") }));
      summary.appendChild(el("p", { "class": "todoku-audit-lead",
                                    text: t("arriving", { rows: num(s.rows), arriving: num(s.arriving) }, s.rows) }));
      summary.appendChild(el("p", { "class": "todoku-audit-input",
                                    text: t("summary-input", { encoding: s.encoding, delimiter: s.delimiter, column: s.column }) }));
      summary.appendChild(el("p", null, [link]));
      summary.appendChild(el("p", { "class": "todoku-audit-note", text: t("download-note") }));

      summary.appendChild(el("h4", { text: t("summary-by-verdict") }));
      summary.appendChild(table("todoku-audit-verdicts", [t("verdict"), t("count")], s.by_verdict.map(function (v) {
        return el("tr", { "data-verdict": v.verdict, "data-count": v.count }, [
          cell(v.label, { "class": "todoku-audit-verdict", "data-verdict": v.verdict }), cell(num(v.count), { "class": "num" })]);
      })));
      summary.appendChild(el("h4", { text: t("summary-by-category") }));
      summary.appendChild(table("todoku-audit-categories", [t("category"), t("count")], s.by_category.map(function (c) {
        return el("tr", { "data-category": c.category, "data-count": c.count }, [cell(c.label), cell(num(c.count), { "class": "num" })]);
      })));
      if (s.top.length) {
        summary.appendChild(el("h4", { text: t("summary-top") }));
        summary.appendChild(table("todoku-audit-top", [t("code"), t("problem"), t("count")], s.top.map(function (p) {
          var code = p.url ? el("a", { href: p.url, text: p.code }) : el("span", { text: p.code });
          return el("tr", { "data-code": p.code, "data-count": p.count }, [
            el("td", null, [el("code", null, [code])]), cell(p.title), cell(num(p.count), { "class": "num" })]);
        })));
      }
      if (s.reply_blocked) {
        summary.appendChild(el("p", { "class": "todoku-audit-reply", "data-count": s.reply_blocked,
                                      text: t("summary-reply-blocked", { n: num(s.reply_blocked) }, s.reply_blocked) }));
      }
      // the rows that need action first (invalid, then refused, then at risk), then faulty lines
      if (s.action_count) {
        summary.appendChild(el("h4", { text: t("summary-action", { n: num(s.action_count) }) }));
        summary.appendChild(groups("todoku-audit-action", s.groups || group(s.action), s.action_count));
      } else {
        summary.appendChild(el("p", { text: t("summary-all-arrive") }));
      }
      if (s.problem_count) {
        summary.appendChild(el("h4", { text: t("summary-problems", { n: num(s.problem_count) }) }));
        summary.appendChild(groups("todoku-audit-problems", group(s.problems, true), s.problem_count));
      }
      summary.hidden = false;
    }

    // Rows with the same verdict and the same findings are one problem: shown once, with how many rows
    // have it; most urgent first (invalid, refused, at risk), then the most frequent. The core sends the
    // groups counted over the whole file (s.groups); without them the listed rows are grouped here the same
    // way (their reasons counted, as the reasons name the provider or the address).
    var URGENCY = { "invalid": 0, "block": 1, "at-risk": 2, "spam-folder": 3, "deliver": 4 };
    function group(rows, keepOrder) {
      var byKey = {};
      var out = [];
      rows.forEach(function (r) {
        var key = r.verdict + "\u0000" + (r.codes || []).join(" ");
        var g = byKey[key];
        if (!g) {
          g = byKey[key] = { verdict: r.verdict, verdict_label: r.verdict_label, codes: r.codes || [], count: 0,
                             reasons: [], rows: [], more: 0, _reason: {} };
          out.push(g);
        }
        g.count += 1;
        g.rows.push({ line: r.line, address: r.address, reason: r.reason });
        if (!g._reason[r.reason]) g.reasons.push(g._reason[r.reason] = { reason: r.reason, count: 0 });
        g._reason[r.reason].count += 1;
      });
      out.forEach(function (g) { g.reasons.sort(function (x, y) { return y.count - x.count; }); });
      if (!keepOrder) {
        out.sort(function (a, b) {
          return (URGENCY[a.verdict] - URGENCY[b.verdict]) || (b.count - a.count) || (a.rows[0].line - b.rows[0].line);
        });
      }
      return out;
    }

    var SHOWN = 3; // rows shown per problem; the rest behind "and N more"
    var MAX_SHARED = 3; // distinct reasons listed once for a whole card; more: each row shows its own
    // The rows behind "and N more" (up to 500 per problem) are written after the cards, in slices of at most
    // about 8 ms, so that showing the result never holds the page in one long task (a 1,000-row list took
    // 160-220 ms at once, scripts/bench_web.py); they are in the page moments later (find in page finds them),
    // and a list opened before its turn is written at once.
    var pending = [];
    var filling = false;
    function later(ul, rows, item) {
      ul._todokuRows = { rows: rows, item: item, next: 0 };
      pending.push(ul);
      form.setAttribute("data-listed", "partial"); // "all" once every listed row is in the page
      if (!filling) { filling = true; setTimeout(drain, 0); }
    }
    function fill(ul, until) {
      var job = ul._todokuRows;
      if (!job) return true;
      var frag = document.createDocumentFragment();
      while (job.next < job.rows.length && !(until && performance.now() > until)) frag.appendChild(job.item(job.rows[job.next++]));
      ul.appendChild(frag);
      if (job.next < job.rows.length) return false;
      ul._todokuRows = null;
      return true;
    }
    function drain() {
      var until = performance.now() + 8;
      while (pending.length && performance.now() < until) {
        if (fill(pending[0], until)) pending.shift();
      }
      if (pending.length) setTimeout(drain, 0);
      else { filling = false; form.setAttribute("data-listed", "all"); }
    }

    // One card per problem. A group from the core (s.groups) has a title (the first finding's, linked to
    // its article), its reasons with their counts and its first rows; a group made here from the listed
    // rows has one reason. Both: the verdict, how many rows, the rows (line and address).
    function groups(cls, list, total) {
      var wrap = el("div", { "class": "todoku-audit-groups " + cls });
      var listed = 0;
      list.forEach(function (g) {
        var rows = g.rows || [];
        listed += rows.length + (g.more || 0);
        var reasons = g.reasons || [{ reason: g.reason, count: g.count }];
        // the reasons are listed once for the card when they repeat (a carrier filter read per provider);
        // when nearly every row reads differently (a typo names its own domain), each row says its own
        var few = !g.reasons_more && (reasons.length <= MAX_SHARED || reasons.length * 2 <= g.count);
        var item = function (r) {
          return el("li", { "data-line": r.line, "data-verdict": g.verdict }, [
            el("span", { "class": "todoku-audit-line", text: t("summary-line", { line: r.line }) }),
            document.createTextNode(" "),
            el("code", { text: r.address }),
            few || !r.reason ? null : el("span", { "class": "todoku-audit-row-reason", text: r.reason })]);
        };
        var head = [el("span", { "class": "todoku-audit-verdict", "data-verdict": g.verdict, text: g.verdict_label })];
        if (g.title) {
          head.push(document.createTextNode(" "));
          head.push(g.url ? el("a", { "class": "todoku-audit-title", href: g.url, text: g.title })
                          : el("span", { "class": "todoku-audit-title", text: g.title }));
        }
        head.push(document.createTextNode(" "));
        head.push(el("span", { "class": "todoku-audit-count", text: t("rows-count", { n: num(g.count) }, g.count) }));
        var card = el("section", { "class": "todoku-audit-group", "data-verdict": g.verdict, "data-count": g.count,
                                   "data-codes": (g.codes || []).join(" ") },
                      [el("p", { "class": "todoku-audit-group-head" }, head)]);
        if (!few) {
          // many readings of one problem (each names its address or provider): the rows carry them
        } else if (reasons.length === 1) {
          card.appendChild(el("p", { "class": "todoku-audit-reason", text: reasons[0].reason }));
        } else { // the same problem read several ways (the reasons name the provider): each once, counted
          var ul = el("ul", { "class": "todoku-audit-reasons" }, reasons.map(function (r) {
            return el("li", { "data-count": r.count }, [
              el("span", { "class": "todoku-audit-reason", text: r.reason }), document.createTextNode(" "),
              el("span", { "class": "todoku-audit-count", text: t("rows-count", { n: num(r.count) }, r.count) })]);
          }));
          card.appendChild(ul);
        }
        card.appendChild(el("ul", { "class": "todoku-audit-rows" }, rows.slice(0, SHOWN).map(item)));
        var hidden = rows.length - SHOWN + (g.more || 0);
        if (hidden > 0) {
          var details = el("details", null, [el("summary", { text: t("summary-more", { n: num(hidden) }) })]);
          if (rows.length > SHOWN) {
            var ul = el("ul", { "class": "todoku-audit-rows" });
            details.appendChild(ul);
            later(ul, rows.slice(SHOWN), item);
            details.addEventListener("toggle", function () { if (details.open) fill(ul); });
          }
          if (g.more) details.appendChild(el("p", { "class": "todoku-audit-note", text: t("not-listed", { n: num(g.more) }, g.more) }));
          card.appendChild(details);
        }
        wrap.appendChild(card);
      });
      if (total > listed) {
        wrap.appendChild(el("p", { "class": "todoku-audit-note", text: t("not-listed", { n: num(total - listed) }, total - listed) }));
      }
      return wrap;
    }

    // The address column could not be found: the reader names it (the audit runs again on the same file).
    function chooser(columns) {
      var select = el("select", { name: "column" }, [el("option", { value: "", text: t("column-pick") })].concat(
        columns.map(function (c, i) {
          return el("option", { value: String(i + 1), text: t("column-option", { n: i + 1, name: c }) });
        })));
      select.addEventListener("change", function () {
        if (select.value && lastFile) start(lastFile, select.value);
      });
      summary.textContent = "";
      summary.appendChild(el("p", { "class": "todoku-audit-column" }, [
        el("label", null, [document.createTextNode(t("column-choose") + " "), select])]));
      summary.hidden = false;
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); });
    input.addEventListener("change", function () { if (input.files && input.files[0]) start(input.files[0]); });
    P.dropFile(form, "todoku-audit--over", function (f) { start(f); });
    // load Pyodide early, once the reader is near the form or reaches for the file button
    P.warmUp(form, getWorker, "200px", [[input, "focus"], [input, "pointerenter"]]);
  });
})();
