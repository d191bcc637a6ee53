#!/usr/bin/env node
/*
 * Holds exporters/web/fsrs.js to py-fsrs; run by tests/test_web_fsrs.py.
 *
 *   node run_fsrs_vectors.js vectors FILE
 *     Replays every sequence of FILE (tests/fixtures/fsrs-vectors.json) through fsrs.js, loaded
 *     both as a Node module and as a classic script (as the study page inlines it), and prints a
 *     JSON summary. Due times, states and steps must be identical; stability and difficulty equal
 *     within a relative 1e-9 (the summary also counts cards whose JSON text is identical).
 *     Exits 1 on any mismatch.
 *
 *   node run_fsrs_vectors.js checks < JOB.json
 *     Answers a job {"pow": [[x, y]...], "repr": [x...], "json": [text...], "iso": [text...],
 *     "format": [[ms, micros]...], "retrievability": [[cardJson, ms]...], "api": true} with what
 *     fsrs.js gives for each (errors as {"error": "..."}), for the test to compare with Python.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const FSRS_PATH = path.join(__dirname, "..", "..", "exporters", "web", "fsrs.js");
const RELATIVE_TOLERANCE = 1e-9;

function loadAsModule() {
  return require(FSRS_PATH);
}

function loadAsScript() {
  // A fresh global, no `module`: what a classic <script> in the page sees.
  const page = vm.createContext({});
  vm.runInContext(fs.readFileSync(FSRS_PATH, "utf8"), page, { filename: FSRS_PATH });
  if (!page.SciaticaFSRS) throw new Error("loaded as a classic script, fsrs.js defined no global SciaticaFSRS");
  return page.SciaticaFSRS;
}

function sameNumber(got, want) {
  if (got === null || want === null) return got === want;
  return got === want || Math.abs(got - want) <= RELATIVE_TOLERANCE * Math.abs(want);
}

/** Differences between two card JSON texts that the tolerance does not allow. */
function cardDifferences(gotText, wantText) {
  const got = JSON.parse(gotText);
  const want = JSON.parse(wantText);
  const problems = [];
  for (const key of ["card_id", "state", "step", "due", "last_review"]) {
    if (got[key] !== want[key]) problems.push(`${key} ${JSON.stringify(got[key])} != ${JSON.stringify(want[key])}`);
  }
  for (const key of ["stability", "difficulty"]) {
    if (!sameNumber(got[key], want[key])) problems.push(`${key} ${got[key]} != ${want[key]}`);
  }
  return problems;
}

function checkScheduler(F, settings, fail) {
  // Scheduler.to_dict() of the scheduler that made the vectors: py-fsrs's defaults, no fuzz
  if (JSON.stringify(F.SCHEDULER) !== JSON.stringify(settings)) {
    fail(`the port is ${JSON.stringify(F.SCHEDULER)}, the vectors were made by ${JSON.stringify(settings)}`);
  }
}

function replay(F, doc) {
  const summary = { sequences: 0, reviews: 0, identicalJson: 0, withinTolerance: 0, refusals: 0, failures: [] };
  const fail = (what) => {
    if (summary.failures.length < 50) summary.failures.push(what);
  };
  checkScheduler(F, doc.scheduler, (what) => fail(`scheduler: ${what}`));

  for (const seq of doc.sequences) {
    summary.sequences += 1;
    let card;
    try {
      card = F.cardFromJSON(seq.start);
    } catch (err) {
      fail(`${seq.name}: cannot read the start card: ${err}`);
      continue;
    }
    if (seq.new && card.dueMicros === 0) {
      const made = F.cardToJSON(F.newCard(card.cardId, card.due));
      if (made !== seq.start) fail(`${seq.name}: newCard gives ${made}, py-fsrs ${seq.start}`);
    }
    for (const [i, want] of seq.reviews.entries()) {
      summary.reviews += 1;
      const where = `${seq.name}, review ${i + 1}`;
      const at = F.parseIso(want.at);
      // Whole milliseconds go through the public API; CLI times with microseconds need the core.
      const review = (rating) =>
        at.micros === 0 ? F.reviewCard(card, rating, at.ms) : F._internal.reviewCardAt(card, rating, at.ms, at.micros);
      if (want.error) {
        let threw = false;
        try {
          review(want.rating);
        } catch (err) {
          threw = true;
        }
        if (threw) summary.refusals += 1;
        else fail(`${where}: py-fsrs raised ${want.error}, the port did not refuse`);
        break;
      }
      const before = F.cardToJSON(card);
      let result;
      try {
        result = review(want.rating);
      } catch (err) {
        fail(`${where}: the port threw ${err}`);
        break;
      }
      const got = F.cardToJSON(result.card);
      if (got === want.card) {
        summary.identicalJson += 1;
      } else {
        const problems = cardDifferences(got, want.card);
        if (problems.length) fail(`${where}: ${problems.join("; ")}`);
        else summary.withinTolerance += 1;
      }
      const due = F.formatIso(result.card.due, result.card.dueMicros);
      if (due !== want.due) fail(`${where}: due ${due} != ${want.due}`);
      const log = result.log;
      if (log.cardId !== card.cardId || log.rating !== want.rating || log.review !== at.ms || log.reviewMicros !== at.micros) {
        fail(`${where}: wrong review log ${JSON.stringify(log)}`);
      }
      // When each rating would make the card due, in seconds after the review (null: past 9999).
      const seconds = [1, 2, 3, 4].map((r) => {
        try {
          const c = review(r).card;
          return ((c.due - at.ms) * 1000 + c.dueMicros - at.micros) / 1e6;
        } catch (err) {
          if (err.name === "RangeError") return null; // the script copy has its own RangeError
          throw err;
        }
      });
      if (at.micros === 0 && !seconds.includes(null)) {
        const dues = F.preview(card, at.ms);
        const previewed = [1, 2, 3, 4].map((r) => (dues[r] - at.ms) / 1000);
        if (JSON.stringify(previewed) !== JSON.stringify(seconds)) fail(`${where}: preview() disagrees with reviewCard()`);
      }
      if (JSON.stringify(seconds) !== JSON.stringify(want.preview_s)) {
        fail(`${where}: preview ${JSON.stringify(seconds)} s != ${JSON.stringify(want.preview_s)} s`);
      }
      if (F.cardToJSON(card) !== before) fail(`${where}: reviewing changed the card it was given`);
      card = result.card; // carry the port's own card on, as the page will
    }
  }
  return summary;
}

function vectors(file) {
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  const result = {
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    module: replay(loadAsModule(), doc),
    script: replay(loadAsScript(), doc),
  };
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
  return result.module.failures.length || result.script.failures.length ? 1 : 0;
}

function attempt(fn) {
  try {
    return fn();
  } catch (err) {
    return { error: `${err.name}: ${err.message}` };
  }
}

/** The documented API's behaviour, for test_api_behaves_as_documented. */
function apiChecks(F) {
  const noon = Date.UTC(2026, 2, 2, 12);
  const card = F.newCard(7, noon);
  const before = F.cardToJSON(card);
  const byNumber = F.reviewCard(card, 3, noon + 60000);
  const byDate = F.reviewCard(card, 3, new Date(noon + 60000));
  const dues = F.preview(card, noon);
  return {
    newCard: before,
    dateArgumentSame: F.cardToJSON(byNumber.card) === F.cardToJSON(byDate.card),
    inputUnchanged: F.cardToJSON(card) === before,
    preview: Object.fromEntries(Object.entries(dues).map(([rating, due]) => [rating, due - noon])),
    badRating: attempt(() => F.reviewCard(card, 5, noon)),
    fractionalTime: attempt(() => F.reviewCard(card, 3, noon + 0.5)),
    badState: attempt(() => F.reviewCard({ ...card, state: 4 }, 3, noon)),
    farFuture: attempt(() => F.reviewCard(card, 4, Date.UTC(9999, 11, 31))),
  };
}

function checks() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const F = loadAsModule();
  const out = {
    pow: (job.pow || []).map(([x, y]) => F._internal.pow(x, y)),
    repr: (job.repr || []).map((x) => F._internal.pyFloatRepr(x)),
    json: (job.json || []).map((text) => attempt(() => F.cardToJSON(F.cardFromJSON(text)))),
    iso: (job.iso || []).map((text) => attempt(() => F.parseIso(text))),
    format: (job.format || []).map(([ms, micros]) => attempt(() => F.formatIso(ms, micros))),
    retrievability: (job.retrievability || []).map(([text, ms]) => F.retrievability(F.cardFromJSON(text), ms)),
    api: job.api ? apiChecks(F) : null,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
  return 0;
}

const [mode, arg] = process.argv.slice(2);
if (mode === "vectors" && arg) process.exitCode = vectors(arg);
else if (mode === "checks") process.exitCode = checks();
else {
  process.stderr.write("usage: run_fsrs_vectors.js vectors FILE | checks < JOB.json\n");
  process.exitCode = 2;
}
