/*
 * app.js: the offline study page of sciatica-quiz (written by `sciatica-quiz export web`).
 *
 * Study (spaced repetition, as `sciatica-quiz study`), Practice (feedback after each answer),
 * Exam (score at the end, then the missed ones) and Browse. Questions come from the JSON in
 * <script id="bank">; typed answers are graded by grading.js (the CLI's rules) and reviews are
 * scheduled by fsrs.js (the CLI's FSRS scheduler).
 *
 * Progress is the list of study reviews, kept in localStorage under one key for every page this
 * tool writes, so a newer export keeps a student's progress; each question's card is the replay
 * of its reviews in time order, as the CLI's `progress import` rebuilds it. The progress file the
 * page exports and imports is the CLI's (sciatica_quiz/progressfile.py), read just as strictly.
 *
 * Bank text is only ever inserted as text (textContent, text nodes), never as HTML.
 */
(function () {
  "use strict";

  const F = window.SciaticaFSRS;
  const BANK = JSON.parse(document.getElementById("bank").textContent);
  const RULES = JSON.parse(document.getElementById("rules").textContent);
  const G = window.SciaticaGrading.create(RULES);

  const PROGRESS_KEY = "sciatica-quiz.progress.v1";
  const SETTINGS_KEY = "sciatica-quiz.settings.v1";
  const FILE_FORMAT = "sciatica-quiz progress";
  const FILE_VERSION = 1;
  const MAX_FILE_BYTES = 64 * 1024 * 1024;
  const LEARN_AHEAD_MS = 20 * 60 * 1000;
  const DAY_MS = 86400000;
  const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
  const KIND = {
    multiple_choice: "Choose one",
    multiple_answer: "Select all that apply",
    true_false: "True or false?",
    short_answer: "Type the answer",
    cloze: "Fill in the blank",
    matching: "Matching",
  };
  const RATING_NAMES = { 1: "Again", 2: "Hard", 3: "Good", 4: "Easy" };

  const QUESTIONS = BANK.questions;
  const BY_UID = new Map(QUESTIONS.map((q) => [q.uid, q]));
  const TOPIC_TITLES = new Map(BANK.topics.map((t) => [t.id, t.title]));
  const main = document.getElementById("main");
  const announcer = document.getElementById("announce");

  // -- small helpers -----------------------------------------------------------------------------

  /** Make an element: h("p", {class: "x"}, "text", child). Strings become text nodes, never HTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
      else if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key in el && typeof value !== "string") el[key] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return el;
  }

  function plural(n, word, many) {
    return `${n} ${n === 1 ? word : many || word + "s"}`;
  }

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(() => (announcer.textContent = text), 30);
  }

  /** Show a screen: replace the main content and move focus to its heading. */
  let firstScreen = true;

  function show(...nodes) {
    main.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
    const heading = main.querySelector("h1, h2");
    if (firstScreen) firstScreen = false; // on opening, focus stays where the browser puts it
    else if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }

  /** A seeded shuffle (mulberry32), so a session's order is fixed once it starts. */
  function rng(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffled(items, random) {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** The store's text for a time: UTC with six digits of fraction, as sciatica_quiz.store writes. */
  function isoText(ms, micros) {
    const text = F.formatIso(ms, micros || 0);
    return text.includes(".") ? text : text.replace("+00:00", ".000000+00:00");
  }

  function startOfDay(ms) {
    const d = new Date(ms);
    d.setHours(0, 0, 0, 0);
    return d.getTime();
  }

  /** When something is due, relative to now: sciatica_quiz.study.describe_when. */
  function describeWhen(now, due) {
    const seconds = (due - now) / 1000;
    if (seconds <= 0) return "now";
    if (seconds < 3600) {
      const n = Math.max(1, pyRound(seconds / 60));
      return `in ${plural(n, "minute")}`;
    }
    if (seconds < 86400) return `in ${plural(pyRound(seconds / 3600), "hour")}`;
    const days = pyRound(seconds / 86400);
    if (days === 1) return "tomorrow";
    if (days < 60) return `in ${days} days`;
    return `in ${pyRound(days / 30.44)} months`;
  }

  function pyRound(x) {
    // Python's round(): halves go to the even neighbour
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  // -- storage -----------------------------------------------------------------------------------

  let storageProblem = null;

  function readStorage(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (err) {
      storageProblem = "This browser does not let the page keep your progress. Export it before you close the page.";
      return null;
    }
  }

  function writeStorage(key, value) {
    try {
      window.localStorage.setItem(key, value);
      return true;
    } catch (err) {
      storageProblem =
        err && err.name === "QuotaExceededError"
          ? "The browser's storage for this page is full, so your latest answers are not saved. Export your progress."
          : "This browser does not let the page keep your progress. Export it before you close the page.";
      return false;
    }
  }

  const settings = Object.assign(
    { newPerDay: BANK.newPerDay, count: 10, topics: [], difficulties: [], tag: "" },
    safeParse(readStorage(SETTINGS_KEY)) || {},
  );

  function saveSettings() {
    writeStorage(SETTINGS_KEY, JSON.stringify(settings));
  }

  function safeParse(text) {
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (err) {
      return null;
    }
  }

  // -- progress: the review log and the cards replayed from it ----------------------------------

  const progress = { reviews: [], overrides: [] };
  const cards = new Map(); // uid -> {card, reps, lapses, introduced}

  function loadProgress() {
    const saved = safeParse(readStorage(PROGRESS_KEY));
    progress.reviews = [];
    progress.overrides = [];
    if (saved && Array.isArray(saved.reviews)) {
      for (const r of saved.reviews) {
        try {
          progress.reviews.push(readReview(r, "saved review", null));
        } catch (err) {
          // a damaged entry is dropped; the rest of the progress stays
        }
      }
      for (const o of saved.overrides || []) {
        try {
          progress.overrides.push(readOverride(o, "saved claim", null));
        } catch (err) {
          /* as above */
        }
      }
    }
    rebuildCards();
  }

  function saveProgress() {
    return writeStorage(
      PROGRESS_KEY,
      JSON.stringify({ version: FILE_VERSION, reviews: progress.reviews.map(reviewJSON), overrides: progress.overrides.map(overrideJSON) }),
    );
  }

  function reviewJSON(r) {
    return { question: r.question, topic: r.topic, reviewed: r.reviewed, rating: r.rating, correct: r.correct };
  }

  function overrideJSON(o) {
    return { question: o.question, topic: o.topic, typed: o.typed, claimed: o.claimed };
  }

  function byTime(a, b) {
    return a.ms - b.ms || a.micros - b.micros || a.order - b.order;
  }

  /** Replay each question's reviews in time order through FSRS, as the CLI's import does. */
  function rebuildCards(only) {
    const logs = new Map();
    progress.reviews.forEach((r, i) => {
      r.order = i;
      if (only && !only.has(r.question)) return;
      if (!logs.has(r.question)) logs.set(r.question, []);
      logs.get(r.question).push(r);
    });
    if (!only) cards.clear();
    for (const [uid, log] of logs) {
      log.sort(byTime);
      let card = F.newCard(0, log[0].ms);
      let lapses = 0;
      for (const r of log) {
        if (r.rating === 1 && card.state === F.State.REVIEW) lapses += 1;
        card = F.reviewCardAt(card, r.rating, r.ms, r.micros).card;
      }
      cards.set(uid, { card, reps: log.length, lapses, introduced: log[0].ms, topic: log[log.length - 1].topic });
    }
  }

  function record(q, rating, correct, now) {
    const review = {
      question: q.uid,
      topic: q.topic,
      reviewed: isoText(now, 0),
      ms: now,
      micros: 0,
      rating,
      correct,
      order: progress.reviews.length,
    };
    progress.reviews.push(review);
    const known = cards.get(q.uid);
    const before = known ? known.card : F.newCard(0, now);
    const lapsed = rating === 1 && before.state === F.State.REVIEW;
    const card = F.reviewCardAt(before, rating, now, 0).card;
    cards.set(q.uid, {
      card,
      reps: (known ? known.reps : 0) + 1,
      lapses: (known ? known.lapses : 0) + (lapsed ? 1 : 0),
      introduced: known ? known.introduced : now,
      topic: q.topic,
    });
    saveProgress();
    return card;
  }

  /** "I was right": the last study answer to q counts as Good, as the CLI's claim_review does. */
  function claimReview(q, typed, now) {
    for (let i = progress.reviews.length - 1; i >= 0; i--) {
      const r = progress.reviews[i];
      if (r.question !== q.uid) continue;
      r.rating = 3;
      r.correct = true;
      break;
    }
    addOverride(q, typed, now);
    rebuildCards(new Set([q.uid]));
    saveProgress();
    return cards.get(q.uid).card;
  }

  function addOverride(q, typed, now) {
    progress.overrides.push({ question: q.uid, topic: q.topic, typed, claimed: isoText(now, 0) });
  }

  // -- the progress file (sciatica_quiz/progressfile.py, read as strictly) -------------------------

  class FileProblem extends Error {}

  function fail(text) {
    throw new FileProblem(text);
  }

  function describeValue(value) {
    let text;
    try {
      text = JSON.stringify(value);
    } catch (err) {
      text = String(value);
    }
    if (text === undefined) text = String(value);
    return text.length <= 60 ? text : text.slice(0, 57) + "...";
  }

  function readTime(value, where, now) {
    if (typeof value === "string" && value.length <= 40) {
      let at;
      try {
        at = F.parseIso(value.replace("Z", "+00:00"));
      } catch (err) {
        at = null;
      }
      if (at) {
        const wrong = now !== null && (at.ms < Date.UTC(2000, 0, 1) || at.ms > now + DAY_MS);
        if (wrong) fail(`${where}: ${value} is not a time a review can have happened`);
        return at;
      }
    }
    fail(`${where}: must be an ISO 8601 time with its UTC offset, got ${describeValue(value)}`);
  }

  function readUid(value, where) {
    if (typeof value === "string" && value.length <= 200) {
      const parts = value.split("/");
      if (parts.length === 2 && SLUG.test(parts[0]) && SLUG.test(parts[1])) return value;
    }
    fail(`${where}: "question" must be a bank/question id, got ${describeValue(value)}`);
  }

  function readTopic(value, where) {
    if (typeof value === "string" && value.length <= 100 && SLUG.test(value)) return value;
    fail(`${where}: "topic" must be a topic id, got ${describeValue(value)}`);
  }

  function checkKeys(item, keys, where) {
    if (item === null || typeof item !== "object" || Array.isArray(item)) fail(`${where}: must be an object with ${keys.slice().sort().join(", ")}`);
    const have = Object.keys(item);
    const missing = keys.filter((k) => !have.includes(k)).sort();
    const extra = have.filter((k) => !keys.includes(k)).sort();
    if (missing.length) fail(`${where}: missing '${missing[0]}'`);
    if (extra.length) fail(`${where}: unexpected key '${extra[0]}'`);
  }

  function readReview(item, where, now) {
    checkKeys(item, ["question", "topic", "reviewed", "rating", "correct"], where);
    const rating = item.rating;
    if (!Number.isInteger(rating) || rating < 1 || rating > 4) fail(`${where}: "rating" must be 1, 2, 3 or 4, got ${describeValue(rating)}`);
    if (typeof item.correct !== "boolean") fail(`${where}: "correct" must be true or false, got ${describeValue(item.correct)}`);
    if (item.correct === (rating === 1)) fail(`${where}: a right answer is rated 2, 3 or 4 and a wrong one 1, got ${rating} for a ${item.correct ? "right" : "wrong"} one`);
    const question = readUid(item.question, where);
    const topic = readTopic(item.topic, where);
    const at = readTime(item.reviewed, `${where}: "reviewed"`, now);
    return { question, topic, reviewed: isoText(at.ms, at.micros), ms: at.ms, micros: at.micros, rating, correct: item.correct };
  }

  function readOverride(item, where, now) {
    checkKeys(item, ["question", "topic", "typed", "claimed"], where);
    const typed = item.typed;
    // eslint-disable-next-line no-control-regex
    if (typeof typed !== "string" || !typed.trim() || typed.length > 1000 || /[\u0000-\u001f\u007f-\u009f]/.test(typed)) {
      fail(`${where}: "typed" must be printable text of 1 to 1000 characters`);
    }
    const question = readUid(item.question, where);
    const topic = readTopic(item.topic, where);
    const at = readTime(item.claimed, `${where}: "claimed"`, now);
    return { question, topic, typed, claimed: isoText(at.ms, at.micros) };
  }

  /**
   * What JSON.parse lets through and the CLI refuses: a key twice in one object (JSON.parse keeps
   * the last), and numbers written as fractions or exponents (3.0 reads as 3). One pass over text
   * that JSON.parse has already accepted, so strings and nesting are well formed.
   */
  function strictJSON(text) {
    const objects = []; // for each open object or array: its keys so far, or null for an array
    for (let i = 0; i < text.length; ) {
      const ch = text[i];
      if (ch === '"') {
        let j = i + 1;
        while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
        let k = j + 1;
        while (k < text.length && " \t\n\r".includes(text[k])) k++;
        const keys = objects[objects.length - 1];
        if (text[k] === ":" && keys) {
          const key = JSON.parse(text.slice(i, j + 1));
          if (keys.has(key)) fail(`key '${key}' appears twice in one object`);
          keys.add(key);
        }
        i = j + 1;
      } else if (ch === "-" || (ch >= "0" && ch <= "9")) {
        let j = i + 1;
        while (j < text.length && "0123456789.eE+-".includes(text[j])) j++;
        const lexeme = text.slice(i, j);
        if (/[.eE]/.test(lexeme)) fail(`${lexeme} is not a whole number, and a progress file holds only whole numbers`);
        i = j;
      } else {
        if (ch === "{") objects.push(new Set());
        else if (ch === "[") objects.push(null);
        else if (ch === "}" || ch === "]") objects.pop();
        i += 1;
      }
    }
  }

  /** Read a progress file's text; throws FileProblem with one line when it cannot be used. */
  function readProgressFile(text, now) {
    if (text.length > MAX_FILE_BYTES) fail(`is larger than ${MAX_FILE_BYTES / 2 ** 20} MB, the most a progress file holds`);
    let doc;
    try {
      doc = JSON.parse(text.replace(/^\ufeff/, ""));
    } catch (err) {
      fail(`is not valid JSON (${err instanceof RangeError ? "nested too deeply" : "was it cut off?"})`);
    }
    strictJSON(text);
    if (doc === null || typeof doc !== "object" || Array.isArray(doc) || doc.format !== FILE_FORMAT) {
      fail(`is not a sciatica-quiz progress file (it needs "format": "${FILE_FORMAT}")`);
    }
    if (!Number.isInteger(doc.version) || doc.version < 1) fail(`"version" must be a whole number, got ${describeValue(doc.version)}`);
    if (doc.version > FILE_VERSION) fail(`is progress file version ${doc.version}, newer than this page reads (${FILE_VERSION}); export the page again`);
    const unknown = Object.keys(doc).filter((k) => !["format", "version", "exported", "reviews", "overrides", "about"].includes(k)).sort();
    if (unknown.length) fail(`unexpected key '${unknown[0]}' at the top level`);
    if ("exported" in doc) readTime(doc.exported, '"exported"', null); // the other device's clock: any time
    const reviews = "reviews" in doc ? doc.reviews : [];
    const overrides = "overrides" in doc ? doc.overrides : [];
    if (!Array.isArray(reviews)) fail('"reviews" must be a list');
    if (!Array.isArray(overrides)) fail('"overrides" must be a list');
    return {
      reviews: reviews.map((r, i) => readReview(r, `review ${i + 1}`, now)),
      overrides: overrides.map((o, i) => readOverride(o, `override ${i + 1}`, now)),
    };
  }

  /** Merge a read progress file: a review is known by question and time; a claim beats a wrong answer. */
  function mergeProgress(file) {
    const index = new Map(progress.reviews.map((r) => [r.question + "|" + r.reviewed, r]));
    let added = 0;
    let claimed = 0;
    const touched = new Set();
    for (const r of file.reviews) {
      const key = r.question + "|" + r.reviewed;
      const known = index.get(key);
      if (!known) {
        r.order = progress.reviews.length;
        progress.reviews.push(r);
        index.set(key, r);
        added += 1;
        touched.add(r.question);
      } else if (r.correct && !known.correct) {
        known.rating = r.rating;
        known.correct = true;
        claimed += 1;
        touched.add(r.question);
      }
    }
    const claims = new Set(progress.overrides.map((o) => [o.question, o.typed, o.claimed].join("\u0000")));
    for (const o of file.overrides) {
      const key = [o.question, o.typed, o.claimed].join("\u0000");
      if (!claims.has(key)) {
        progress.overrides.push(o);
        claims.add(key);
      }
    }
    rebuildCards(touched);
    saveProgress();
    return { added, claimed, known: file.reviews.length - added - claimed, questions: touched.size };
  }

  function progressFileText(now) {
    const reviews = progress.reviews.slice().sort((a, b) => byTime(a, b) || (a.question < b.question ? -1 : 1));
    const overrides = progress.overrides.slice().sort((a, b) => (a.claimed < b.claimed ? -1 : a.claimed > b.claimed ? 1 : 0));
    const list = (key, items) => (items.length ? `"${key}": [\n${items.map((i) => JSON.stringify(i)).join(",\n")}\n]` : `"${key}": []`);
    return (
      `{"format": "${FILE_FORMAT}", "version": ${FILE_VERSION}, "exported": "${isoText(now, 0)}",\n` +
      `${list("reviews", reviews.map(reviewJSON))},\n${list("overrides", overrides.map(overrideJSON))}\n}\n`
    );
  }

  // -- what is selected, what is due ---------------------------------------------------------------

  function pool() {
    const topics = new Set(settings.topics);
    const levels = new Set(settings.difficulties);
    return QUESTIONS.filter(
      (q) =>
        (!topics.size || topics.has(q.topic)) &&
        (!levels.size || levels.has(q.difficulty)) &&
        (!settings.tag || q.tags.includes(settings.tag)),
    );
  }

  function introducedSince(since) {
    let n = 0;
    for (const c of cards.values()) if (c.introduced >= since) n += 1;
    return n;
  }

  function studyPlan(questions, now) {
    let due = 0;
    let soon = 0;
    let unseen = 0;
    for (const q of questions) {
      const c = cards.get(q.uid);
      if (!c) unseen += 1;
      else if (c.card.due <= now) due += 1;
      else if (c.card.due <= now + LEARN_AHEAD_MS) soon += 1;
    }
    const started = introducedSince(startOfDay(now));
    const newToday = Math.min(Math.max(0, settings.newPerDay - started), unseen);
    return { due, soon, newToday, unseen };
  }

  /** One bank after another in turn, each in its own order (sciatica_quiz.study.interleave). */
  function interleave(questions) {
    const banks = new Map();
    for (const q of questions) {
      if (!banks.has(q.bank)) banks.set(q.bank, []);
      banks.get(q.bank).push(q);
    }
    const out = [];
    const queues = [...banks.values()];
    for (let i = 0; queues.some((b) => i < b.length); i++) for (const b of queues) if (i < b.length) out.push(b[i]);
    return out;
  }

  // -- the screens -------------------------------------------------------------------------------

  /** The start screen; `focusId` puts focus back on the filter just changed (the screen is rebuilt). */
  function home(message, focusId) {
    const now = Date.now();
    const selected = pool();
    const plan = studyPlan(selected, now);
    const studyLabel = plan.due + plan.soon + plan.newToday
      ? `${plural(plan.due, "review")} due, ${plan.newToday} new`
      : "nothing due right now";
    const topicBoxes = BANK.topics.map((t) =>
      h(
        "label",
        { class: "check" },
        h("input", {
          type: "checkbox",
          id: `topic-${t.id}`,
          checked: settings.topics.includes(t.id),
          on: { change: (e) => toggle(settings.topics, t.id, e.target) },
        }),
        `${t.title} (${QUESTIONS.filter((q) => q.topic === t.id).length})`,
      ),
    );
    const tags = [...new Set(QUESTIONS.flatMap((q) => q.tags))].filter((t) => !t.startsWith("mblex::")).sort();
    const levelBoxes = [1, 2, 3].map((d) =>
      h(
        "label",
        { class: "check" },
        h("input", {
          type: "checkbox",
          id: `level-${d}`,
          checked: settings.difficulties.includes(d),
          on: { change: (e) => toggle(settings.difficulties, d, e.target) },
        }),
        ["", "Easier", "Medium", "Harder"][d],
      ),
    );
    const filtersOn = settings.topics.length || settings.difficulties.length || settings.tag;
    show(
      h("h1", {}, BANK.title),
      h("p", { class: "muted" }, `${plural(QUESTIONS.length, "question")} with explanations and sources. Works offline; your progress stays in this browser.`),
      storageProblem ? h("p", { class: "notice error", role: "alert" }, storageProblem) : null,
      message ? h("p", { class: "notice", role: "status" }, message) : null,
      h(
        "ul",
        { class: "stats", "aria-label": "Your progress" },
        h("li", {}, h("b", {}, String(plan.due)), " due now"),
        h("li", {}, h("b", {}, String(plan.newToday)), " new today"),
        h("li", {}, h("b", {}, String(selected.length - plan.unseen)), " studied"),
      ),
      filtersOn ? h("p", { class: "small muted" }, `Using ${plural(selected.length, "question")} chosen below.`) : null,
      h(
        "div",
        { class: "modes" },
        h("button", { class: "primary", id: "start-study", disabled: !(plan.due + plan.soon + plan.newToday), on: { click: () => startStudy() } }, "Study", h("span", { class: "sub" }, studyLabel)),
        h("button", { id: "start-practice", disabled: !selected.length, on: { click: () => startQuiz("practice") } }, "Practice", h("span", { class: "sub" }, `${Math.min(settings.count, selected.length)} questions, feedback after each`)),
        h("button", { id: "start-exam", disabled: !selected.length, on: { click: () => startQuiz("exam") } }, "Exam", h("span", { class: "sub" }, `${Math.min(settings.count, selected.length)} questions, score at the end`)),
        h("button", { id: "start-browse", on: { click: () => browse() } }, "Browse", h("span", { class: "sub" }, "Every question with its answer")),
      ),
      h(
        "details",
        { class: "filters", open: !!filtersOn || !!focusId },
        h("summary", {}, "Choose topics, difficulty and tag"),
        h("fieldset", { class: "row" }, h("legend", {}, "Topics (none ticked: all)"), topicBoxes),
        h("fieldset", { class: "row" }, h("legend", {}, "Difficulty (none ticked: all)"), levelBoxes),
        h(
          "div",
          { class: "field" },
          h("label", { for: "tag" }, "Tag"),
          h(
            "select",
            { id: "tag", on: { change: (e) => { settings.tag = e.target.value; saveSettings(); home(null, "tag"); } } },
            h("option", { value: "" }, "Any tag"),
            tags.map((t) => h("option", { value: t, selected: settings.tag === t }, t)),
          ),
        ),
      ),
      h(
        "details",
        { class: "settings" },
        h("summary", {}, "Settings"),
        numberField("new-per-day", "New questions per day", settings.newPerDay, 0, 1000, (v) => (settings.newPerDay = v)),
        numberField("count", "Questions in a practice or exam", settings.count, 1, 500, (v) => (settings.count = v)),
      ),
      h(
        "details",
        { class: "transfer" },
        h("summary", {}, "Move your progress"),
        h("p", { class: "small" }, "Export a progress file to keep a copy, to use another phone, or to carry on in the terminal with ", h("code", {}, "sciatica-quiz progress import FILE"), ". Import one to merge it in; importing the same file twice changes nothing."),
        h(
          "div",
          { class: "actions" },
          h("button", { id: "export-progress", on: { click: exportProgress } }, "Export progress"),
          h("button", { id: "import-progress", on: { click: () => document.getElementById("import-file").click() } }, "Import progress"),
        ),
        h("input", { type: "file", id: "import-file", accept: ".json,application/json", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true", on: { change: importProgress } }),
      ),
      h("footer", {}, `Exported ${BANK.exported} by sciatica-quiz ${BANK.version}. A study aid, not medical advice.`),
    );
    const changed = focusId && document.getElementById(focusId);
    if (changed) {
      changed.focus({ preventScroll: true });
      changed.scrollIntoView({ block: "center" });
    }
  }

  function toggle(list, value, box) {
    const i = list.indexOf(value);
    if (box.checked && i < 0) list.push(value);
    if (!box.checked && i >= 0) list.splice(i, 1);
    saveSettings();
    home(null, box.id);
  }

  function numberField(id, label, value, min, max, set) {
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, label),
      h("input", {
        type: "number",
        id,
        min,
        max,
        value: String(value),
        inputmode: "numeric",
        on: {
          change: (e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= min && n <= max) {
              set(n);
              saveSettings();
            } else e.target.value = String(value);
          },
        },
      }),
    );
  }

  function exportProgress() {
    const text = progressFileText(Date.now());
    const blob = new Blob([text], { type: "application/json" });
    const link = h("a", { href: URL.createObjectURL(blob), download: `sciatica-progress-${new Date().toISOString().slice(0, 10)}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    announce(`Exported ${plural(progress.reviews.length, "review")}.`);
  }

  function importProgress(event) {
    const file = event.target.files && event.target.files[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      home(`Could not import ${file.name}: it is larger than ${MAX_FILE_BYTES / 2 ** 20} MB, the most a progress file holds. Nothing was changed.`);
      return;
    }
    const reader = new FileReader();
    reader.onload = () => home(importText(String(reader.result), file.name));
    reader.onerror = () => home(`Could not read ${file.name}. Nothing was changed.`);
    reader.readAsText(file);
  }

  /** Import a progress file's text; return the one line to show. Nothing changes unless all of it reads. */
  function importText(text, name) {
    let file;
    try {
      file = readProgressFile(text, Date.now());
    } catch (err) {
      if (!(err instanceof FileProblem)) throw err;
      return `Could not import ${name}: ${err.message}. Nothing was changed.`;
    }
    const result = mergeProgress(file);
    const parts = [`${plural(result.added, "new review")} of ${plural(result.questions, "question")}`];
    if (result.claimed) parts.push(`${plural(result.claimed, "answer")} now counted right`);
    if (result.known) parts.push(`${plural(result.known, "review")} already here, not counted again`);
    return `Imported ${name}: ${parts.join("; ")}.`;
  }

  // -- asking a question -----------------------------------------------------------------------

  /** Lay a question out for one showing: choices in a fixed random order unless the bank says not to. */
  function layout(q, random) {
    if (q.type === "multiple_choice" || q.type === "multiple_answer") {
      return { choices: q.shuffle ? shuffled(q.choices, random) : q.choices.slice() };
    }
    if (q.type === "matching") {
      // exporters.common.derangement's rule: any item left beside its partner swaps with the next,
      // so none is (matching answers are distinct)
      const rights = q.pairs.map((p) => p[1]);
      const order = shuffled(rights, random);
      for (let i = 0; rights.length > 1 && i < order.length; i++) {
        if (order[i] === rights[i]) {
          const j = (i + 1) % order.length;
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      return { rights: order };
    }
    return {};
  }

  function questionHead(q, counter, onQuit) {
    return [
      h(
        "div",
        { class: "bar" },
        h("span", {}, counter),
        h("button", { type: "button", class: "quit", on: { click: onQuit } }, "Stop"),
      ),
      h("p", { class: "kind" }, `${TOPIC_TITLES.get(q.topic) || q.topic} · ${KIND[q.type]}`),
      q.case ? h("p", { class: "case" }, q.case) : null,
      h("h2", { class: "prompt", id: "prompt" }, q.prompt),
    ];
  }

  /** The inputs for answering, inside a form whose submit checks the answer. */
  function answerInputs(q, lay) {
    switch (q.type) {
      case "multiple_choice":
      case "multiple_answer": {
        const multi = q.type === "multiple_answer";
        return h(
          "fieldset",
          { "aria-labelledby": "prompt" },
          lay.choices.map((c, i) =>
            h(
              "label",
              { class: "option", "data-choice": String(i) },
              h("input", { type: multi ? "checkbox" : "radio", name: "choice", value: String(i) }),
              h("span", { class: "letter", "aria-hidden": "true" }, LETTERS[i] + "."),
              h("span", { class: "text" }, c.text),
            ),
          ),
        );
      }
      case "true_false":
        return h(
          "fieldset",
          { "aria-labelledby": "prompt" },
          ["True", "False"].map((word) =>
            h("label", { class: "option", "data-choice": word }, h("input", { type: "radio", name: "truth", value: word }), h("span", { class: "text" }, word)),
          ),
        );
      case "short_answer":
        return h(
          "div",
          { class: "field" },
          h("label", { for: "typed", class: "visually-hidden" }, "Your answer"),
          h("input", { type: "text", id: "typed", autocomplete: "off", autocapitalize: "off", spellcheck: "false", enterkeyhint: "done", placeholder: "Your answer" }),
        );
      case "cloze": {
        let n = 0;
        return h(
          "p",
          { class: "cloze" },
          q.segments.map((s) => {
            if (typeof s === "string") return s;
            n += 1;
            return h("input", {
              type: "text",
              class: "blank",
              "data-blank": String(s.blank),
              "aria-label": `Blank ${n}${s.hint ? ` (${s.hint})` : ""}`,
              placeholder: s.hint || `blank ${n}`,
              autocomplete: "off",
              autocapitalize: "off",
              spellcheck: "false",
            });
          }),
        );
      }
      case "matching":
        return h(
          "div",
          { class: "pairs" },
          q.pairs.map((p, i) =>
            h(
              "div",
              { class: "pair", "data-pair": String(i) },
              h("label", { for: `pair-${i}` }, `${i + 1}. ${p[0]}`),
              h(
                "select",
                { id: `pair-${i}` },
                h("option", { value: "" }, "Choose…"),
                lay.rights.map((r, j) => h("option", { value: String(j) }, `${LETTERS[j]}. ${r}`)),
              ),
            ),
          ),
        );
      default:
        throw new Error(`unknown question type ${q.type}`);
    }
  }

  /** Read the form into a response, or return a reason it is not an answer yet. */
  function readResponse(q, lay, form) {
    switch (q.type) {
      case "multiple_choice":
      case "multiple_answer": {
        const picked = [...form.querySelectorAll("input[name=choice]:checked")].map((el) => lay.choices[Number(el.value)]);
        if (!picked.length) return { problem: q.type === "multiple_answer" ? "Tick every answer you think is right." : "Choose an answer." };
        return { choices: picked };
      }
      case "true_false": {
        const el = form.querySelector("input[name=truth]:checked");
        return el ? { truth: el.value === "True" } : { problem: "Choose True or False." };
      }
      case "short_answer": {
        const text = typed(form.querySelector("#typed").value);
        return text === null ? { problem: "Type your answer first (or Skip)." } : { text };
      }
      case "cloze": {
        const blanks = [...form.querySelectorAll("input.blank")].map((el) => typed(el.value));
        // As in the terminal, every blank needs an entry; a guess is fine.
        return blanks.includes(null) ? { problem: "Fill in every blank first (a guess is fine), or Skip." } : { blanks };
      }
      case "matching": {
        const given = [...form.querySelectorAll("select")].map((el) => (el.value === "" ? null : lay.rights[Number(el.value)]));
        return given.every((g) => g === null) ? { problem: "Match at least one item first." } : { pairs: given };
      }
      default:
        throw new Error(`unknown question type ${q.type}`);
    }
  }

  /** A typed entry as the CLI reads it (grading.read_text), or null when nothing was typed. */
  function typed(raw) {
    try {
      return G.readText(raw);
    } catch (err) {
      if (err instanceof window.SciaticaGrading.InvalidAnswer) return null;
      throw err;
    }
  }

  /** Grade a response as sciatica_quiz.grading.grade does (typed answers by grading.js itself). */
  function grade(q, response) {
    switch (q.type) {
      case "multiple_choice":
      case "multiple_answer": {
        const right = q.choices.filter((c) => c.correct);
        const ok = response.choices.length === right.length && response.choices.every((c) => c.correct);
        return { correct: ok };
      }
      case "true_false":
        return { correct: response.truth === q.answer };
      case "short_answer":
      case "cloze":
        return G.grade(q, response);
      case "matching": {
        const parts = q.pairs.map((p, i) => response.pairs[i] === p[1]);
        return { correct: parts.every(Boolean), parts };
      }
      default:
        throw new Error(`unknown question type ${q.type}`);
    }
  }

  function typedOf(q, response) {
    return q.type === "short_answer" ? response.text : q.type === "cloze" ? response.blanks.join(" / ") : "";
  }

  /** The feedback after an answer: verdict, what was right, the why of the picked choice, explanation, sources. */
  function feedback(q, lay, response, result) {
    const box = h("div", { class: `feedback ${result.correct ? "right" : "wrong"}`, id: "feedback" });
    box.append(h("p", { class: "verdict" }, result.correct ? "✓ Right" : "✗ Not quite"));
    switch (q.type) {
      case "multiple_choice":
      case "multiple_answer":
        markChoices(q, lay, response);
        if (!result.correct) {
          const right = lay.choices.map((c, i) => (c.correct ? `${LETTERS[i]}. ${c.text}` : null)).filter(Boolean);
          box.append(h("p", { class: "answer" }, `Right answer${right.length > 1 ? "s" : ""}: ${right.join("; ")}`));
        }
        break;
      case "true_false":
        markTruth(q, response);
        box.append(h("p", { class: "answer" }, `The statement is ${q.answer ? "true" : "false"}.`));
        break;
      case "short_answer":
        if (result.correct && result.typos.length) box.append(h("p", {}, `Accepted; it is spelled “${result.typos[0]}”.`));
        if (!result.correct || q.accepted[0].toLowerCase() !== response.text.toLowerCase()) box.append(h("p", { class: "answer" }, `Answer: ${q.accepted[0]}`));
        break;
      case "cloze":
        markBlanks(q, result);
        box.append(h("p", { class: "answer" }, `Answer${q.blanks.length > 1 ? "s" : ""}: ${q.blanks.map((b) => b.answer).join("; ")}`));
        if (result.typos.length) box.append(h("p", {}, `Spelling: ${result.typos.join("; ")}`));
        break;
      case "matching":
        markPairs(q, lay, result);
        if (!result.correct) {
          box.append(h("ul", { class: "answer" }, q.pairs.map((p, i) => h("li", {}, `${i + 1}. ${p[0]} → ${LETTERS[lay.rights.indexOf(p[1])]}. ${p[1]}`))));
        }
        break;
      default:
        break;
    }
    box.append(h("p", { class: "explanation" }, q.explanation));
    const sources = q.sources.map((id) => BANK.sources[id]).filter(Boolean);
    if (sources.length) {
      box.append(
        h(
          "details",
          { class: "sources" },
          h("summary", {}, `Sources (${sources.length})`),
          h("ul", {}, sources.map((s) => h("li", {}, s.short, s.url ? [" ", h("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, s.url)] : null))),
        ),
      );
    }
    return box;
  }

  function markChoices(q, lay, response) {
    const picked = new Set(response.choices);
    main.querySelectorAll("label.option").forEach((label) => {
      const c = lay.choices[Number(label.dataset.choice)];
      const chosen = picked.has(c);
      if (c.correct) label.classList.add("right");
      else if (chosen) label.classList.add("wrong");
      const mark = c.correct ? "✓ right" : chosen ? "✗ your answer" : "";
      if (mark) label.querySelector(".text").append(" ", h("span", { class: "mark" }, `(${mark})`));
      if (c.why && (c.correct || chosen)) label.querySelector(".text").append(h("span", { class: "why" }, c.why));
    });
  }

  function markTruth(q, response) {
    main.querySelectorAll("label.option").forEach((label) => {
      const value = label.dataset.choice === "True";
      if (value === q.answer) label.classList.add("right");
      else if (value === response.truth) label.classList.add("wrong");
    });
  }

  function markBlanks(q, result) {
    main.querySelectorAll("input.blank").forEach((el) => {
      const i = Number(el.dataset.blank);
      const ok = result.parts[i];
      el.classList.add(ok ? "right" : "wrong");
      el.after(h("span", { class: `part ${ok ? "right" : "wrong"}` }, ok ? " ✓" : ` ✗ ${q.blanks[i].answer}`));
    });
  }

  function markPairs(q, lay, result) {
    main.querySelectorAll(".pair").forEach((row) => {
      const i = Number(row.dataset.pair);
      const ok = result.parts[i];
      row.append(h("p", { class: `part ${ok ? "right" : "wrong"}` }, ok ? "✓ Right" : `✗ ${LETTERS[lay.rights.indexOf(q.pairs[i][1])]}. ${q.pairs[i][1]}`));
    });
  }

  function lock(form) {
    form.querySelectorAll("input, select").forEach((el) => {
      if (el.type === "text") el.readOnly = true;
      else el.disabled = true;
    });
  }

  /**
   * Ask one question. `after(result, response, lay)` is called once it is graded and returns the
   * controls to show under the feedback (or null in an exam, which shows no feedback).
   */
  function ask(q, counter, random, opts) {
    const lay = layout(q, random);
    const form = h("form", { id: "answer-form", novalidate: true, "data-question": q.uid }, answerInputs(q, lay));
    const problem = h("p", { class: "notice", role: "alert", hidden: true });
    const buttons = h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary", id: "check" }, opts.exam ? "Next" : "Check"),
      h("button", { type: "button", id: "skip", on: { click: () => opts.onSkip() } }, "Skip"),
    );
    form.append(problem, buttons);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const response = readResponse(q, lay, form);
      if (response.problem) {
        problem.hidden = false;
        problem.textContent = response.problem;
        return;
      }
      const result = grade(q, response);
      lock(form);
      buttons.remove();
      problem.remove();
      opts.onGraded(result, response, lay, form);
    });
    show(...questionHead(q, counter, opts.onQuit), form);
    const first = form.querySelector("input, select");
    if (first && opts.focusInput) first.focus({ preventScroll: true });
    return form;
  }

  /** "I was right": a button that runs `claim` and becomes the line it returns. */
  function claimButton(claim) {
    const button = h("button", { type: "button", id: "claim" }, "I was right");
    button.addEventListener("click", () => button.replaceWith(h("p", { class: "small", role: "status" }, claim())));
    return button;
  }

  function claimable(q, result) {
    return !result.correct && (q.type === "short_answer" || q.type === "cloze");
  }

  // -- study ------------------------------------------------------------------------------------

  function startStudy() {
    const questions = pool();
    const now = Date.now();
    const known = new Map(questions.filter((q) => cards.has(q.uid)).map((q) => [q.uid, cards.get(q.uid).card.due]));
    const unseen = interleave(questions.filter((q) => !cards.has(q.uid)));
    const started = introducedSince(startOfDay(now));
    const session = {
      questions,
      byUid: new Map(questions.map((q) => [q.uid, q])),
      pending: new Map([...known].filter(([, due]) => due <= now + LEARN_AHEAD_MS)),
      fresh: unseen,
      newLeft: Math.min(Math.max(0, settings.newPerDay - started), unseen.length),
      skipped: new Set(),
      last: null,
      random: rng(now),
      answered: 0,
      right: 0,
      shown: 0,
    };
    nextStudy(session);
  }

  function pickStudy(s, now) {
    const due = [...s.pending].filter(([, d]) => d <= now).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    for (const [uid] of due) {
      const c = cards.get(uid);
      if (c && c.card.due <= now) return s.byUid.get(uid);
      s.pending.set(uid, c ? c.card.due : Infinity);
    }
    while (s.newLeft > 0 && s.fresh.length) {
      const q = s.fresh.shift();
      if (!cards.has(q.uid)) {
        s.newLeft -= 1;
        return q;
      }
    }
    const ahead = now + LEARN_AHEAD_MS;
    for (const q of s.questions) {
      const c = cards.get(q.uid);
      if (c && c.card.due <= ahead && !s.skipped.has(q.uid) && !s.pending.has(q.uid)) s.pending.set(q.uid, c.card.due);
    }
    const soon = [...s.pending].filter(([uid, d]) => d <= ahead && uid !== s.last).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    for (const [uid] of soon) {
      const c = cards.get(uid);
      if (c && c.card.due <= ahead) return s.byUid.get(uid);
    }
    return null;
  }

  function nextStudy(s) {
    const q = pickStudy(s, Date.now());
    if (!q) {
      studyDone(s);
      return;
    }
    s.shown += 1;
    const state = cards.has(q.uid) ? (cards.get(q.uid).card.state === F.State.REVIEW ? "review" : "learning") : "new";
    ask(q, `Study · question ${s.shown} · ${state}`, s.random, {
      onQuit: () => studyDone(s),
      onSkip: () => {
        s.pending.delete(q.uid);
        s.skipped.add(q.uid);
        announce("Skipped; it stays due.");
        nextStudy(s);
      },
      onGraded: (result, response, lay, form) => {
        const box = feedback(q, lay, response, result);
        form.after(box);
        s.answered += 1;
        if (result.correct) s.right += 1;
        announce(result.correct ? "Right." : "Not quite.");
        if (!result.correct) {
          const now = Date.now();
          const card = record(q, 1, false, now);
          s.pending.set(q.uid, card.due);
          s.last = q.uid;
          const controls = h("div", { class: "actions" });
          controls.append(h("p", { class: "small" }, `Counted as “again”: back ${describeWhen(now, card.due)}.`));
          if (claimable(q, result)) {
            controls.append(
              claimButton(() => {
                const claimed = claimReview(q, typedOf(q, response), Date.now());
                s.pending.set(q.uid, claimed.due);
                s.right += 1;
                return `Counted as right: back ${describeWhen(Date.now(), claimed.due)}.`;
              }),
            );
          }
          controls.append(h("button", { type: "button", class: "primary", id: "next", on: { click: () => nextStudy(s) } }, "Next"));
          box.after(controls);
          controls.querySelector("#next").focus({ preventScroll: true });
          return;
        }
        const now = Date.now();
        const current = cards.get(q.uid);
        const due = F.preview(current ? current.card : F.newCard(0, now), now);
        const ratings = h(
          "div",
          { class: "ratings", role: "group", "aria-label": "How well did you know it?" },
          [2, 3, 4].map((r) =>
            h(
              "button",
              {
                type: "button",
                id: `rate-${RATING_NAMES[r].toLowerCase()}`,
                class: r === 3 ? "primary" : "",
                on: {
                  click: () => {
                    const card = record(q, r, true, Date.now());
                    s.pending.set(q.uid, card.due);
                    s.last = q.uid;
                    nextStudy(s);
                  },
                },
              },
              RATING_NAMES[r],
              h("span", { class: "when" }, describeWhen(now, due[r])),
            ),
          ),
        );
        box.after(h("p", { class: "small" }, "How well did you know it?"), ratings);
        ratings.querySelector("#rate-good").focus({ preventScroll: true });
      },
    });
  }

  function studyDone(s) {
    const now = Date.now();
    const upcoming = s.questions.map((q) => cards.get(q.uid)).filter((c) => c && c.card.due > now).map((c) => c.card.due);
    const next = upcoming.length ? Math.min(...upcoming) : null;
    show(
      h("h1", {}, s.answered ? "Study session done" : "Nothing to study right now"),
      s.answered ? h("p", {}, `You answered ${s.answered}: ${s.right} right.`) : h("p", {}, `Nothing is due, and today's new questions are done (${settings.newPerDay} a day; change it in Settings).`),
      next !== null ? h("p", {}, `Next review ${describeWhen(now, next)}.`) : null,
      h("div", { class: "actions" }, h("button", { class: "primary", id: "home", on: { click: () => home() } }, "Back to start")),
    );
  }

  // -- practice and exam --------------------------------------------------------------------------

  function startQuiz(mode, only) {
    const now = Date.now();
    const random = rng(now);
    const chosen = only || shuffled(pool(), random).slice(0, settings.count);
    const quiz = { mode, questions: chosen, at: 0, results: [], random };
    nextQuiz(quiz);
  }

  function nextQuiz(quiz) {
    if (quiz.at >= quiz.questions.length) {
      quizDone(quiz);
      return;
    }
    const q = quiz.questions[quiz.at];
    const exam = quiz.mode === "exam";
    const counter = `${exam ? "Exam" : "Practice"} · ${quiz.at + 1} of ${quiz.questions.length}`;
    ask(q, counter, quiz.random, {
      exam,
      onQuit: () => quizDone(quiz),
      onSkip: () => {
        quiz.results.push({ q, skipped: true });
        quiz.at += 1;
        nextQuiz(quiz);
      },
      onGraded: (result, response, lay, form) => {
        const entry = { q, result, response, lay };
        quiz.results.push(entry);
        quiz.at += 1;
        if (exam) {
          nextQuiz(quiz);
          return;
        }
        const box = feedback(q, lay, response, result);
        form.after(box);
        announce(result.correct ? "Right." : "Not quite.");
        const controls = h("div", { class: "actions" });
        if (claimable(q, result)) {
          controls.append(
            claimButton(() => {
              entry.result = Object.assign({}, result, { correct: true, claimed: true });
              addOverride(q, typedOf(q, response), Date.now());
              saveProgress();
              return "Counted as right.";
            }),
          );
        }
        controls.append(h("button", { type: "button", class: "primary", id: "next", on: { click: () => nextQuiz(quiz) } }, quiz.at < quiz.questions.length ? "Next" : "See results"));
        box.after(controls);
        controls.querySelector("#next").focus({ preventScroll: true });
      },
    });
  }

  function quizDone(quiz) {
    const answered = quiz.results.filter((r) => !r.skipped);
    const right = answered.filter((r) => r.result.correct).length;
    const missed = quiz.results.filter((r) => r.skipped || !r.result.correct);
    const nodes = [
      h("h1", {}, quiz.mode === "exam" ? "Exam results" : "Practice results"),
      h("p", { class: "verdict" }, `${right} of ${quiz.questions.length} right${quiz.questions.length ? ` (${Math.round((100 * right) / quiz.questions.length)}%)` : ""}`),
    ];
    if (missed.length) {
      nodes.push(h("h2", {}, quiz.mode === "exam" ? "Review what you missed" : "What you missed"));
      nodes.push(
        h(
          "ol",
          { class: "missed" },
          missed.map((r) => h("li", {}, reviewItem(r))),
        ),
      );
    }
    nodes.push(
      h(
        "div",
        { class: "actions" },
        missed.length ? h("button", { id: "retry", on: { click: () => startQuiz(quiz.mode, missed.map((r) => r.q)) } }, "Retry the missed ones") : null,
        h("button", { class: "primary", id: "home", on: { click: () => home() } }, "Back to start"),
      ),
    );
    show(...nodes);
  }

  function reviewItem(r) {
    const q = r.q;
    return h(
      "div",
      { class: "review" },
      q.case ? h("p", { class: "case" }, q.case) : null,
      h("p", { class: "prompt" }, q.prompt),
      h("p", {}, r.skipped ? "Skipped." : `Your answer: ${describeResponse(q, r)}`),
      h("p", { class: "answer" }, `Right answer: ${rightAnswer(q)}`),
      whyLines(q, r),
      h("p", { class: "explanation" }, q.explanation),
    );
  }

  function describeResponse(q, r) {
    const resp = r.response;
    switch (q.type) {
      case "multiple_choice":
      case "multiple_answer":
        return resp.choices.map((c) => c.text).join("; ");
      case "true_false":
        return resp.truth ? "True" : "False";
      case "short_answer":
        return resp.text;
      case "cloze":
        return resp.blanks.map((b) => b || "(blank)").join("; ");
      case "matching":
        return q.pairs.map((p, i) => `${i + 1}. ${resp.pairs[i] === null ? "(none)" : resp.pairs[i]}`).join("; ");
      default:
        return "";
    }
  }

  function rightAnswer(q) {
    switch (q.type) {
      case "multiple_choice":
      case "multiple_answer":
        return q.choices.filter((c) => c.correct).map((c) => c.text).join("; ");
      case "true_false":
        return q.answer ? "True" : "False";
      case "short_answer":
        return q.accepted[0];
      case "cloze":
        return q.blanks.map((b) => b.answer).join("; ");
      case "matching":
        return q.pairs.map((p, i) => `${i + 1}. ${p[0]} → ${p[1]}`).join("; ");
      default:
        return "";
    }
  }

  function whyLines(q, r) {
    if (r.skipped || !(q.type === "multiple_choice" || q.type === "multiple_answer")) return null;
    const lines = r.response.choices.filter((c) => !c.correct && c.why).map((c) => h("li", {}, `${c.text}: ${c.why}`));
    return lines.length ? h("ul", { class: "why-list" }, lines) : null;
  }

  // -- browse -----------------------------------------------------------------------------------

  function browse() {
    const selected = pool();
    const byTopic = BANK.topics.map((t) => [t, selected.filter((q) => q.topic === t.id)]).filter(([, qs]) => qs.length);
    show(
      h("div", { class: "bar" }, h("span", {}, "Browse"), h("button", { type: "button", class: "quit", on: { click: () => home() } }, "Back")),
      h("h1", {}, "Every question with its answer"),
      h(
        "div",
        { class: "browse" },
        byTopic.map(([t, qs]) => {
          const section = h("details", { class: "topic" }, h("summary", {}, h("h2", {}, `${t.title} (${qs.length})`)));
          section.addEventListener("toggle", () => {
            if (section.open && section.childElementCount === 1) section.append(...qs.map(browseItem));
          }, { once: false });
          return section;
        }),
      ),
    );
  }

  function browseItem(q) {
    const body = h(
      "div",
      {},
      q.case ? h("p", { class: "case" }, q.case) : null,
      q.type === "multiple_choice" || q.type === "multiple_answer"
        ? h("ul", {}, q.choices.map((c) => h("li", {}, c.correct ? h("b", {}, `✓ ${c.text}`) : c.text, c.why ? h("span", { class: "why small" }, ` — ${c.why}`) : null)))
        : h("p", { class: "answer" }, rightAnswer(q)),
      h("p", { class: "explanation" }, q.explanation),
      h("p", { class: "small muted" }, q.sources.map((id) => (BANK.sources[id] ? BANK.sources[id].short : id)).join(" · ")),
    );
    return h("details", { class: "q" }, h("summary", {}, q.prompt), body);
  }

  // -- start --------------------------------------------------------------------------------------

  window.addEventListener("storage", (event) => {
    if (event.key === PROGRESS_KEY) loadProgress();
  });
  loadProgress();
  home();
  performance.mark("sciatica-ready"); // the start screen is up and answers taps (benches/bench_web.py)

  // For the tests and for anyone curious in the console: read-only views and the file reader.
  window.SciaticaStudyPage = Object.freeze({
    progressFileText: () => progressFileText(Date.now()),
    importText,
    cardJSON: (uid) => (cards.has(uid) ? F.cardToJSON(cards.get(uid).card) : null),
    reviews: () => progress.reviews.map(reviewJSON),
  });
})();
