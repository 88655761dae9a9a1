// Todoku: the Japanese query side of the guide's search. scripts/patch_search.py puts this file in front of
// Material's own search worker (site/assets/javascripts/workers/search.*.min.js) at build time; it runs in
// that worker, before Material's message handler, and only for the Japanese index (config.lang ["ja"]).
//
// Why: the index cuts Japanese text with TinySegmenter after the separator of mkdocs.yml, but Material
// sends the reader's query to lunr cut by the separator only, so 届かない is searched as 届 + かない while
// the index holds 届 / か / ない: "かない" never matches, every result says "not included: かない", particles
// typed in a query (返信が届かない) are matched and highlighted all over the page (が), and a query typed in
// hiragana (とどかない) finds nothing. Here the query is cut the same way as the index, particles are dropped,
// a few words typed in kana get the spelling the guide uses, and every remaining word is required (AND), so
// pages holding only one of the words (メール) no longer outrank the page about 迷惑メール. When the AND query
// finds nothing, the same words are searched again without requiring each (OR), as Material does.
// Measured by scripts/search_recall.py (before/after figures there and in the README).
(function () {
  "use strict";
  // A single hiragana that TinySegmenter cuts out of a query (が, の, か of 届かない, け of 文字化け) is a
  // particle or an ending: never worth a search term or a highlight of its own (unless it is all there is).
  // (Dropping two-kana pieces such as ない too was measured: fewer right pages first, わからない lost.)
  var LONE_KANA = /^[\u3041-\u309f]$/;
  // Words readers type in kana, with the spelling the guide uses (longest first).
  var SPELLINGS = [
    ["めいわくめーる", "迷惑メール"], ["じゅしんりすと", "受信リスト"], ["てんぷふぁいる", "添付ファイル"],
    ["とどかない", "届かない"], ["とどきません", "届きません"], ["とどかん", "届かない"], ["とどく", "届く"],
    ["めいわく", "迷惑"], ["もじばけ", "文字化け"], ["へんしん", "返信"], ["じゅしん", "受信"],
    ["そうしん", "送信"], ["ぜんかく", "全角"], ["はんかく", "半角"], ["てんぷ", "添付"], ["きょひ", "拒否"],
    ["せってい", "設定"], ["どこも", "ドコモ"], ["そふとばんく", "ソフトバンク"], ["めーる", "メール"],
    ["あいふぉん", "iPhone"], ["あいほん", "iPhone"], ["じーめーる", "Gmail"]
  ];
  var active = false; // the index is Japanese
  var separator = null;
  var retry = null; // the OR form of the last AND query, searched when the AND query finds nothing
  var replaying = false;

  function terms(query) {
    var q = query.normalize("NFKC").toLowerCase();
    for (var i = 0; i < SPELLINGS.length; i++) q = q.split(SPELLINGS[i][0]).join(SPELLINGS[i][1].toLowerCase());
    var out = [];
    var seg = self.lunr && self.lunr.segmenter;
    q.split(separator).forEach(function (piece) {
      if (!piece) return;
      var parts = seg && /^[MHIK]$/.test(seg.ctype_(piece)) ? seg.segment(piece) : [piece];
      parts.forEach(function (p) {
        p = p.trim();
        if (p && out.indexOf(p) < 0) out.push(p);
      });
    });
    var words = out.filter(function (p) { return !LONE_KANA.test(p); });
    return words.length ? words : out;
  }

  // Leave queries that use lunr's own syntax (+, -, ~, ^, :, *, quotes) as they are.
  var SYNTAX = /[+\-~^:*"]/;

  addEventListener("message", function (ev) {
    var m = ev.data;
    if (!m) return;
    if (m.type === 0 && m.data && m.data.config) { // SETUP
      active = (m.data.config.lang || []).length === 1 && m.data.config.lang[0] === "ja";
      separator = new RegExp(m.data.config.separator, "g");
      return;
    }
    if (m.type !== 2 || typeof m.data !== "string" || !active) return; // QUERY
    if (replaying) { replaying = false; return; }
    retry = null;
    if (!m.data.trim() || SYNTAX.test(m.data)) return;
    var t = terms(m.data);
    if (!t.length) return;
    if (t.length > 1) {
      retry = t.join(" ");
      m.data = t.map(function (x) { return "+" + x + "*"; }).join(" ");
    } else {
      m.data = t[0];
    }
  });

  // Material answers with a bare postMessage(); an empty AND answer is replaced by the OR search.
  var post = self.postMessage.bind(self);
  self.postMessage = function (msg, transfer) {
    if (msg && msg.type === 3 && retry !== null) { // RESULT
      var again = retry;
      retry = null;
      if (msg.data && msg.data.items && msg.data.items.length === 0) {
        replaying = true;
        self.dispatchEvent(new MessageEvent("message", { data: { type: 2, data: again } }));
        return;
      }
    }
    return transfer === undefined ? post(msg) : post(msg, transfer);
  };
})();
