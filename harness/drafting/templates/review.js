// The review page's script (harness/drafting/page.py says why it is built this way).
// Offsets are code points: texts are split once with Array.from, and a selection is
// measured by Array.from(text before each end).length. Elements are built with
// textContent only, so no document or model text is ever parsed as HTML.
(function () {
  "use strict";

  const DATA = JSON.parse(document.getElementById("review-data").textContent);
  const TIME_VALUE = new RegExp(DATA.time_pattern);
  const SLOTS = DATA.slots;
  const reviewerInput = document.getElementById("reviewer");
  const docSelect = document.getElementById("doc-select");
  const main = document.getElementById("doc");
  const messages = document.getElementById("messages");

  let uidCounter = 0;
  const state = {
    docs: DATA.documents.map(makeDocState),
    current: 0,
    selection: null, // {start, end, text} in code points, inside the current text
    focus: null, // the focused item
    dirty: false,
  };

  // ---------------------------------------------------------------- state

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function statusOf(data) {
    if (data.review) return data.review.status;
    return data.drafted === true ? "pending" : "kept";
  }

  function makeItem(kind, data) {
    const status = statusOf(data);
    return {
      uid: "u" + uidCounter++,
      kind: kind,
      orig: clone(data),
      cur: clone(data),
      origStatus: status,
      status: status,
      origReview: clone(data.review || null),
      review: clone(data.review || null),
    };
  }

  function makeDocState(doc) {
    const items = [];
    doc.gold.entities.forEach((e) => items.push(makeItem("entity", e)));
    doc.gold.claims.forEach((c) => items.push(makeItem("claim", c)));
    return { doc: doc, chars: Array.from(doc.text), items: items };
  }

  function currentDoc() {
    return state.docs[state.current];
  }

  function entitiesOf(ds) {
    return ds.items.filter((it) => it.kind === "entity");
  }

  function claimsOf(ds) {
    return ds.items.filter((it) => it.kind === "claim");
  }

  function spanOf(ds, start, end) {
    return { start: start, end: end, text: ds.chars.slice(start, end).join("") };
  }

  function nextId(ds, prefix) {
    const used = new Set(ds.items.map((it) => it.cur.id));
    let n = 0;
    ds.items.forEach((it) => {
      const m = /^[a-z]+(\d+)$/.exec(it.cur.id);
      if (m && it.cur.id[0] === prefix) n = Math.max(n, Number(m[1]));
    });
    do {
      n += 1;
    } while (used.has(prefix + n));
    return prefix + n;
  }

  function countPending(ds) {
    return ds.items.filter((it) => it.status === "pending").length;
  }

  // ------------------------------------------------------------- messages

  function clearMessages() {
    messages.textContent = "";
  }

  function say(kind, text) {
    const li = document.createElement("li");
    li.className = kind;
    li.textContent = text;
    messages.appendChild(li);
  }

  // ------------------------------------------------------------ reviewing

  function reviewerName() {
    const name = reviewerInput.value.trim();
    if (!name) {
      say("error", "Type your name in Reviewer first: every decision records who made it.");
      reviewerInput.focus();
      return null;
    }
    return name;
  }

  function stamp(status) {
    const by = reviewerName();
    return by ? { status: status, by: by, at: new Date().toISOString() } : null;
  }

  function accept(item) {
    if (item.origStatus !== "pending") return;
    const review = stamp("accepted");
    if (!review) return;
    item.cur = clone(item.orig);
    item.status = "accepted";
    item.review = review;
  }

  function reject(ds, item) {
    if (!reviewerName()) return;
    if (item.status === "added") {
      ds.items.splice(ds.items.indexOf(item), 1);
      if (state.focus === item) state.focus = null;
      return;
    }
    item.status = "rejected";
  }

  function reset(item) {
    item.cur = clone(item.orig);
    item.status = item.origStatus;
    item.review = clone(item.origReview);
  }

  // Any change makes the item the reviewer's: edited (or still added), drafted false.
  function edit(item, change) {
    const review = stamp(item.status === "added" ? "added" : "edited");
    if (!review) return false;
    change(item.cur);
    item.status = review.status;
    item.review = review;
    return true;
  }

  function takeSelection() {
    const sel = state.selection;
    if (!sel) {
      say("error", "Select the text in the document first (with the mouse), then press the button.");
      return null;
    }
    return sel;
  }

  function entityAt(ds, start, end) {
    const hit = entitiesOf(ds).find((it) => it.status !== "rejected" && it.cur.start === start && it.cur.end === end);
    return hit ? hit.cur.id : null;
  }

  function digitsValue(text) {
    const western = text.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
    const m = /\d[\d,\u066c]*(?:[.\u066b]\d+)?/.exec(western);
    return m ? Number(m[0].replace(/[,\u066c]/g, "").replace("\u066b", ".")) : null;
  }

  function setSlotFromSelection(ds, item, slot) {
    const sel = takeSelection();
    if (!sel) return false;
    return edit(item, (cur) => {
      const span = spanOf(ds, sel.start, sel.end);
      if (slot === "evidence") {
        cur.evidence = span;
      } else if (slot === "speaker" || slot === "location") {
        cur[slot] = Object.assign(span, { entity: entityAt(ds, sel.start, sel.end) });
      } else if (slot === "quantity") {
        const old = cur.quantity || {};
        cur.quantity = Object.assign(span, { value: digitsValue(span.text), unit: old.unit || "", approx: !!old.approx });
      } else if (slot === "time") {
        cur.time = Object.assign(span, { value: cur.time ? cur.time.value : null });
      }
    });
  }

  function addEntity(ds, label) {
    const sel = takeSelection();
    if (!sel) return;
    const review = stamp("added");
    if (!review) return;
    const data = Object.assign({ id: nextId(ds, "e"), label: label }, spanOf(ds, sel.start, sel.end));
    if (label === "MISC") data.adjective = false;
    const item = makeItem("entity", data);
    item.orig = null;
    item.origStatus = "added";
    item.status = "added";
    item.review = review;
    ds.items.push(item);
    state.focus = item;
    state.selection = null;
  }

  function addClaim(ds, kind) {
    const sel = takeSelection();
    if (!sel) return;
    const review = stamp("added");
    if (!review) return;
    const data = { id: nextId(ds, "c"), kind: kind, evidence: spanOf(ds, sel.start, sel.end), predicate: "", speaker: null, quantity: null, time: null, location: null };
    const item = makeItem("claim", data);
    item.orig = null;
    item.origStatus = "added";
    item.status = "added";
    item.review = review;
    ds.items.push(item);
    state.focus = item;
    state.selection = null;
  }

  // ------------------------------------------------------------ selection

  function codePoints(text) {
    return Array.from(text).length;
  }

  // Code-point offsets of the selection inside `box`, trimmed of white space; null if none.
  function selectionOffsets(box, chars) {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.setStart(box, 0);
    before.setEnd(range.startContainer, range.startOffset);
    let start = codePoints(before.toString());
    before.setEnd(range.endContainer, range.endOffset);
    let end = Math.min(codePoints(before.toString()), chars.length);
    while (start < end && /\s/u.test(chars[start])) start += 1;
    while (end > start && /\s/u.test(chars[end - 1])) end -= 1;
    if (start >= end) return null;
    return { start: start, end: end, text: chars.slice(start, end).join("") };
  }

  document.addEventListener("selectionchange", () => {
    const box = document.getElementById("text");
    if (!box) return;
    const found = selectionOffsets(box, currentDoc().chars);
    if (found) {
      state.selection = found;
      showSelection();
    }
  });

  function showSelection() {
    const shown = document.getElementById("selection");
    if (!shown) return;
    const sel = state.selection;
    shown.textContent = "";
    if (!sel) {
      shown.textContent = "Selection: none (select text in the document)";
      delete shown.dataset.start;
      delete shown.dataset.end;
      return;
    }
    shown.appendChild(document.createTextNode("Selection: "));
    shown.appendChild(el("span", { class: "ar", dir: "rtl" }, sel.text));
    shown.appendChild(document.createTextNode(" [" + sel.start + ", " + sel.end + ")"));
    shown.dataset.start = String(sel.start);
    shown.dataset.end = String(sel.end);
  }

  // -------------------------------------------------------------- drawing

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "checked") node.checked = true;
      else if (key === "value") node.value = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    children.forEach((child) => {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function button(action, label, enabled, title) {
    return el("button", { type: "button", "data-action": action, disabled: enabled === false, title: title || null }, label);
  }

  function select(field, options, chosen) {
    const node = el("select", { "data-field": field });
    options.forEach((option) => node.appendChild(el("option", { value: option }, option)));
    node.value = chosen;
    return node;
  }

  function statusBadge(item) {
    return el("span", { class: "status status-" + item.status, "data-status": item.status }, item.status);
  }

  function focusSpans(item) {
    if (!item) return [];
    if (item.kind === "entity") return [{ start: item.cur.start, end: item.cur.end, cls: "focus" }];
    const spans = [{ start: item.cur.evidence.start, end: item.cur.evidence.end, cls: "evidence" }];
    SLOTS.forEach((slot) => {
      const part = item.cur[slot];
      if (part) spans.push({ start: part.start, end: part.end, cls: "slot" });
    });
    return spans;
  }

  function renderText(ds) {
    const box = el("div", { id: "text", class: "text", dir: "rtl", lang: "ar", "data-doc": ds.doc.doc_id });
    const n = ds.chars.length;
    const shown = entitiesOf(ds).filter((it) => it.status !== "rejected");
    const focus = ds.items.includes(state.focus) ? state.focus : null;
    const extra = focusSpans(focus);
    const bounds = new Set([0, n]);
    shown.forEach((it) => {
      bounds.add(it.cur.start);
      bounds.add(it.cur.end);
    });
    extra.forEach((s) => {
      bounds.add(s.start);
      bounds.add(s.end);
    });
    const cuts = Array.from(bounds).filter((b) => b >= 0 && b <= n).sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i += 1) {
      const a = cuts[i];
      const b = cuts[i + 1];
      const text = ds.chars.slice(a, b).join("");
      const cover = shown.filter((it) => it.cur.start <= a && b <= it.cur.end);
      const marks = extra.filter((s) => s.start <= a && b <= s.end).map((s) => s.cls);
      if (!cover.length && !marks.length) {
        box.appendChild(document.createTextNode(text));
        continue;
      }
      const seg = el("span", { class: "seg" }, text);
      if (cover.length) {
        const inner = cover.reduce((x, y) => (y.cur.end - y.cur.start < x.cur.end - x.cur.start ? y : x));
        seg.classList.add("lab-" + inner.cur.label);
        if (inner.status === "pending") seg.classList.add("pending-mark");
        seg.dataset.item = inner.uid;
        seg.title = cover.map((it) => it.cur.id + " " + it.cur.label + " (" + it.status + ")").join("\n");
      }
      marks.forEach((cls) => seg.classList.add(cls));
      box.appendChild(seg);
    }
    return box;
  }

  function renderProvenance(ds) {
    const p = ds.doc.gold.provenance;
    if (!p) return el("p", { class: "provenance" }, "No draft provenance: items without drafted: true are a person's (status kept).");
    const dropped = p.dropped.entities + " entities and " + p.dropped.claims + " claims left out as not grounded or breaking the contract";
    return el(
      "p",
      { class: "provenance" },
      "Drafted by setup " + p.setup + " (extractor " + p.extractor.name + " " + p.extractor.version + ", fingerprint " + p.extractor.fingerprint_hash + ") at " + p.drafted_at + "; " + dropped + "; " + (p.repaired || []).length + " repair(s)."
    );
  }

  function renderToolbar(ds) {
    return el(
      "div",
      { class: "toolbar" },
      el("span", { id: "selection", class: "selection" }),
      select("add-label", DATA.labels, "PER"),
      el("button", { type: "button", id: "add-entity" }, "Add entity"),
      select("add-kind", DATA.kinds, "fact"),
      el("button", { type: "button", id: "add-claim" }, "Add claim"),
      el("button", { type: "button", id: "accept-rest", disabled: countPending(ds) === 0 }, "Accept all pending")
    );
  }

  function renderEntities(ds) {
    const table = el("table", { id: "entities" }, el("thead", {}, el("tr", {}, ...["id", "status", "label", "text", "offsets", "adjective", ""].map((h) => el("th", {}, h)))));
    const body = el("tbody");
    entitiesOf(ds).forEach((it) => {
      const c = it.cur;
      const row = el(
        "tr",
        { class: "entity " + it.status + (state.focus === it ? " focused" : ""), "data-uid": it.uid, "data-id": c.id },
        el("td", {}, c.id),
        el("td", {}, statusBadge(it)),
        el("td", {}, select("label", DATA.labels, c.label)),
        el("td", { class: "t ar", dir: "rtl" }, c.text),
        el("td", {}, "[" + c.start + ", " + c.end + ")"),
        el("td", {}, c.label === "MISC" ? el("input", { type: "checkbox", "data-field": "adjective", checked: c.adjective === true, title: "a nationality, origin or relational adjective" }) : ""),
        el(
          "td",
          {},
          button("accept", "Accept", it.origStatus === "pending" && it.status !== "accepted", "keep it as drafted"),
          button("reject", it.status === "added" ? "Remove" : "Reject", it.status !== "rejected"),
          button("span", "Span ← selection", true, "use the text selected in the document"),
          it.status === "added" ? null : button("reset", "Reset", it.status !== it.origStatus)
        )
      );
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  function slotRow(it, slot) {
    const part = it.cur[slot];
    const row = el(
      "div",
      { class: "row", "data-slot": slot },
      el("span", { class: "name" }, slot),
      part ? el("span", { class: "ar", dir: "rtl" }, part.text) : el("span", {}, "—"),
      part ? el("span", {}, " [" + part.start + ", " + part.end + ")") : null,
      button("slot-from-selection", "← selection", true, "use the text selected in the document"),
      slot === "evidence" ? null : button("slot-clear", "clear", !!part)
    );
    if (part && (slot === "speaker" || slot === "location")) row.appendChild(el("span", { class: "ref" }, part.entity ? "entity " + part.entity : "no entity"));
    if (part && slot === "quantity") {
      row.appendChild(el("label", {}, "value ", el("input", { type: "number", step: "any", "data-field": "quantity-value", value: part.value === null || part.value === undefined ? "" : String(part.value) })));
      row.appendChild(el("label", {}, " unit ", el("input", { type: "text", list: "units", size: 10, "data-field": "quantity-unit", value: part.unit || "" })));
      row.appendChild(el("label", {}, " approx ", el("input", { type: "checkbox", "data-field": "quantity-approx", checked: !!part.approx })));
    }
    if (part && slot === "time") {
      row.appendChild(el("label", {}, "value ", el("input", { type: "text", size: 12, placeholder: "YYYY-MM-DD", "data-field": "time-value", value: part.value || "" })));
    }
    return row;
  }

  function renderClaims(ds) {
    const box = el("div", { id: "claims" });
    claimsOf(ds).forEach((it) => {
      const c = it.cur;
      const card = el(
        "div",
        { class: "claim " + it.status + (state.focus === it ? " focused" : ""), "data-uid": it.uid, "data-id": c.id },
        el(
          "div",
          { class: "row" },
          el("b", {}, c.id),
          statusBadge(it),
          select("kind", DATA.kinds, c.kind),
          button("accept", "Accept", it.origStatus === "pending" && it.status !== "accepted", "keep it as drafted"),
          button("reject", it.status === "added" ? "Remove" : "Reject", it.status !== "rejected"),
          it.status === "added" ? null : button("reset", "Reset", it.status !== it.origStatus)
        ),
        slotRow(it, "evidence"),
        el("div", { class: "row" }, el("span", { class: "name" }, "predicate"), el("input", { type: "text", size: 60, "data-field": "predicate", value: c.predicate || "" }))
      );
      SLOTS.forEach((slot) => card.appendChild(slotRow(it, slot)));
      box.appendChild(card);
    });
    return box;
  }

  function render() {
    const ds = currentDoc();
    docSelect.textContent = "";
    state.docs.forEach((d, i) => docSelect.appendChild(el("option", { value: String(i) }, d.doc.doc_id + " (" + countPending(d) + " pending)")));
    docSelect.value = String(state.current);
    document.getElementById("progress").textContent = countPending(ds) + " of " + ds.items.length + " items pending in this document";
    main.textContent = "";
    const units = el("datalist", { id: "units" });
    DATA.units.forEach((u) => units.appendChild(el("option", { value: u })));
    main.append(
      el("h2", {}, ds.doc.doc_id),
      renderProvenance(ds),
      renderToolbar(ds),
      renderText(ds),
      el("h3", {}, "Entities"),
      renderEntities(ds),
      el("h3", {}, "Claims"),
      renderClaims(ds),
      units
    );
    showSelection();
    const focused = main.querySelector(".text .focus, .text .evidence");
    if (focused && focused.scrollIntoView) focused.scrollIntoView({ block: "nearest" });
  }

  // -------------------------------------------------------------- export

  function exportDocument(ds) {
    const problems = [];
    const notes = [];
    const by = reviewerInput.value.trim();
    if (!by) problems.push("Type your name in Reviewer: the exported file names its reviewer.");
    const live = ds.items.filter((it) => it.status !== "rejected");
    const entities = live.filter((it) => it.kind === "entity");
    const ids = new Set(entities.map((it) => it.cur.id));

    const byLabel = {};
    entities.forEach((it) => (byLabel[it.cur.label] = byLabel[it.cur.label] || []).push(it.cur));
    Object.entries(byLabel).forEach(([label, list]) => {
      list.sort((a, b) => a.start - b.start || a.end - b.end);
      for (let i = 1; i < list.length; i += 1) {
        if (list[i].start < list[i - 1].end) problems.push(list[i].id + " overlaps " + list[i - 1].id + ": entities of one label (" + label + ") never overlap; fix a span or reject one");
      }
    });

    function drafted(it, out) {
      if (it.status === "pending" || it.status === "accepted") out.drafted = true;
      else if (it.status === "edited" || it.status === "added") out.drafted = false;
      else if (it.orig && "drafted" in it.orig) out.drafted = it.orig.drafted;
      if (it.review) out.review = clone(it.review);
      return out;
    }

    const entityOut = entities.map((it) => {
      const c = it.cur;
      const out = { id: c.id, label: c.label, start: c.start, end: c.end, text: c.text };
      if (c.label === "MISC") out.adjective = c.adjective === true;
      return drafted(it, out);
    });

    const claimOut = live
      .filter((it) => it.kind === "claim")
      .map((it) => {
        const c = it.cur;
        const out = { id: c.id, kind: c.kind, evidence: { start: c.evidence.start, end: c.evidence.end, text: c.evidence.text }, predicate: c.predicate || "" };
        SLOTS.forEach((slot) => {
          const part = c[slot];
          if (!part) {
            out[slot] = null;
            return;
          }
          const span = { text: part.text, start: part.start, end: part.end };
          if (slot === "speaker" || slot === "location") {
            let ref = part.entity || null;
            if (ref !== null && !ids.has(ref)) {
              notes.push(c.id + "." + slot + ".entity: " + ref + " cleared (that entity is rejected)");
              ref = null;
            }
            out[slot] = Object.assign(span, { entity: ref });
            if (slot === "speaker" && part.aliases && part.aliases.length) out[slot].aliases = part.aliases.slice();
          } else if (slot === "quantity") {
            const value = typeof part.value === "number" ? part.value : Number(part.value);
            if (part.value === null || part.value === "" || !Number.isFinite(value)) problems.push(c.id + ": the quantity needs its value as a number");
            if (!part.unit || !String(part.unit).trim()) problems.push(c.id + ": the quantity needs a unit (e.g. people, percent, km2)");
            out.quantity = { value: value, unit: String(part.unit || "").trim(), approx: !!part.approx, text: part.text, start: part.start, end: part.end };
            if (part.alternatives && part.alternatives.length) out.quantity.alternatives = clone(part.alternatives);
          } else if (slot === "time") {
            const value = part.value ? String(part.value).trim() : null;
            if (value !== null && !TIME_VALUE.test(value)) problems.push(c.id + ": time value " + value + " is not ISO-8601 (YYYY, YYYY-MM, YYYY-MM-DD, --MM or --MM-DD; empty when unknown)");
            out.time = { value: value || null, text: part.text, start: part.start, end: part.end };
          }
        });
        if (c.note) out.note = c.note;
        return drafted(it, out);
      });

    const counts = { accepted: 0, edited: 0, added: 0, rejected: 0, unreviewed: 0 };
    ds.items.forEach((it) => {
      if (it.status === "pending") counts.unreviewed += 1;
      else if (it.status in counts) counts[it.status] += 1;
    });
    const gold = {};
    const source = ds.doc.gold;
    ["doc_id", "text_sha256", "annotation", "provenance"].concat(Object.keys(source)).forEach((key) => {
      if (key in source && !(key in gold) && key !== "entities" && key !== "claims") gold[key] = clone(source[key]);
    });
    gold.annotation = Object.assign({}, gold.annotation || {}, { review: Object.assign({ by: by, at: new Date().toISOString() }, counts) });
    if (source.provenance) gold.annotation.status = counts.unreviewed ? "model draft, partly reviewed" : "model draft, reviewed";
    gold.entities = entityOut;
    gold.claims = claimOut;
    return { gold: gold, problems: problems, notes: notes, counts: counts };
  }

  function prepared(ds) {
    const result = exportDocument(ds);
    result.notes.forEach((n) => say("note", n));
    result.problems.forEach((p) => say("error", p));
    return result.problems.length ? null : result;
  }

  function download(ds) {
    const result = prepared(ds);
    if (!result) return;
    const blob = new Blob([JSON.stringify(result.gold, null, 1) + "\n"], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: ds.doc.doc_id + ".json" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    state.dirty = false;
    say("ok", "Downloaded " + ds.doc.doc_id + ".json (" + result.counts.unreviewed + " item(s) still unreviewed): put it in gold/ beside seeds/ and run harness validate.");
  }

  async function save(ds) {
    const result = prepared(ds);
    if (!result) return;
    let answer;
    try {
      const response = await fetch(DATA.save.url + encodeURIComponent(ds.doc.doc_id), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Review-Token": DATA.save.token },
        body: JSON.stringify(result.gold),
      });
      answer = await response.json().catch(() => ({ ok: false, problems: ["the server answered " + response.status + " without a reason"] }));
    } catch (err) {
      answer = { ok: false, problems: ["cannot reach the server: " + err] };
    }
    if (answer.ok) {
      state.dirty = false;
      say("ok", "Saved " + ds.doc.doc_id + " to " + answer.path + " (" + answer.unreviewed + " item(s) still unreviewed).");
    } else {
      (answer.problems || ["not saved"]).forEach((p) => say("error", "Not saved: " + p));
    }
  }

  // -------------------------------------------------------------- events

  function itemOf(ds, node) {
    const holder = node.closest("[data-uid]");
    return holder ? ds.items.find((it) => it.uid === holder.dataset.uid) : null;
  }

  main.addEventListener("click", (event) => {
    const ds = currentDoc();
    const target = event.target;
    if (target.id === "add-entity") {
      clearMessages();
      addEntity(ds, main.querySelector('select[data-field="add-label"]').value);
      return changed();
    }
    if (target.id === "add-claim") {
      clearMessages();
      addClaim(ds, main.querySelector('select[data-field="add-kind"]').value);
      return changed();
    }
    if (target.id === "accept-rest") {
      clearMessages();
      if (!reviewerName()) return;
      ds.items.filter((it) => it.status === "pending").forEach(accept);
      return changed();
    }
    const seg = target.closest(".text .seg");
    if (seg && seg.dataset.item) {
      if (!window.getSelection().isCollapsed) return; // the reviewer is selecting text, not pointing
      state.focus = ds.items.find((it) => it.uid === seg.dataset.item) || null;
      return render();
    }
    const item = itemOf(ds, target);
    if (!item) return;
    const action = target.dataset.action;
    if (!action) {
      if (target.closest("input, select, button, label")) return;
      state.focus = item;
      return render();
    }
    clearMessages();
    state.focus = item;
    if (action === "accept") accept(item);
    else if (action === "reject") reject(ds, item);
    else if (action === "reset") reset(item);
    else if (action === "span") {
      const sel = takeSelection();
      if (sel && edit(item, (cur) => Object.assign(cur, spanOf(ds, sel.start, sel.end)))) state.selection = null;
    } else if (action === "slot-from-selection") {
      if (setSlotFromSelection(ds, item, target.closest("[data-slot]").dataset.slot)) state.selection = null;
    } else if (action === "slot-clear") {
      const slot = target.closest("[data-slot]").dataset.slot;
      edit(item, (cur) => (cur[slot] = null));
    }
    changed();
  });

  main.addEventListener("change", (event) => {
    const ds = currentDoc();
    const target = event.target;
    const field = target.dataset.field;
    const item = itemOf(ds, target);
    if (!item || !field) return;
    clearMessages();
    const ok = edit(item, (cur) => {
      if (field === "label") {
        cur.label = target.value;
        if (cur.label === "MISC" && typeof cur.adjective !== "boolean") cur.adjective = false;
        if (cur.label !== "MISC") delete cur.adjective;
      } else if (field === "adjective") cur.adjective = target.checked;
      else if (field === "kind") cur.kind = target.value;
      else if (field === "predicate") cur.predicate = target.value;
      else if (field === "quantity-value") cur.quantity.value = target.value === "" ? null : Number(target.value);
      else if (field === "quantity-unit") cur.quantity.unit = target.value.trim();
      else if (field === "quantity-approx") cur.quantity.approx = target.checked;
      else if (field === "time-value") cur.time.value = target.value.trim() || null;
    });
    if (!ok) return render(); // put the control back as it was
    changed();
  });

  function changed() {
    state.dirty = true;
    render();
  }

  docSelect.addEventListener("change", () => {
    state.current = Number(docSelect.value);
    state.selection = null;
    state.focus = null;
    clearMessages();
    render();
  });

  document.getElementById("download-doc").addEventListener("click", () => {
    clearMessages();
    download(currentDoc());
  });

  const saveButton = document.getElementById("save-doc");
  if (DATA.save) {
    saveButton.hidden = false;
    saveButton.addEventListener("click", () => {
      clearMessages();
      save(currentDoc());
    });
  }

  window.addEventListener("beforeunload", (event) => {
    if (state.dirty) event.preventDefault();
  });

  // For scripted checks (the browser test) and the console: the export as the buttons make it.
  window.harnessReview = {
    exportDocument: (index) => exportDocument(state.docs[index === undefined ? state.current : index]),
    selection: () => state.selection,
  };

  document.documentElement.classList.add("js");
  render();
})();
