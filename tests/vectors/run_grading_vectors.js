#!/usr/bin/env node
/*
 * Holds exporters/web/grading.js to sciatica_quiz/grading.py; run by tests/test_web_grading.py.
 *
 *   node run_grading_vectors.js vectors FILE RULES
 *     Grades every case of FILE (tests/fixtures/grading-vectors.json) with grading.js and the
 *     rules RULES (sciatica_quiz/grading_rules.json), loaded both as a Node module and as a
 *     classic script (as the study page inlines it), and prints a JSON summary. Exits 1 on any
 *     verdict that differs from the file's.
 *
 *   node run_grading_vectors.js checks RULES < JOB.json
 *     Answers a job {"normalise": [text...], "forms": [text...], "matchText": [[typed, accepted]...],
 *     "matchBlanks": [[typed, accepted, anyOrder]...], "typoAllowance": [text...],
 *     "editDistance": [[a, b, limit]...], "readTruth": [raw...], "readText": [raw...],
 *     "check": [[question, entries]...], "grade": [[question, response]...], "split": [text...],
 *     "strip": [text...], "fold": [text...], "constants": true, "misuse": true} (a key may instead
 *     name another that holds its list, as "normalise": "texts") with what grading.js
 *     gives for each, for the test to compare with Python: matchText as [ok, meant], matchBlanks as
 *     [parts, meant], a grade as [correct, parts, typos], an InvalidAnswer as {"hint": "..."},
 *     another error as {"error": "Name: message"}.
 *
 *   node run_grading_vectors.js unicode
 *     Prints the Unicode data grading.js computes with, for every code point: the property bits
 *     and combining classes as runs [length, value, ...], and NFKD and casefold where they change
 *     the character, as {code point: text}.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const GRADING_PATH = path.join(__dirname, "..", "..", "exporters", "web", "grading.js");

function loadAsModule() {
  return require(GRADING_PATH);
}

function loadAsScript() {
  // A fresh global, no `module`: what a classic <script> in the page sees.
  const page = vm.createContext({});
  vm.runInContext(fs.readFileSync(GRADING_PATH, "utf8"), page, { filename: GRADING_PATH });
  if (!page.SciaticaGrading) throw new Error("loaded as a classic script, grading.js defined no global SciaticaGrading");
  return page.SciaticaGrading;
}

function readRules(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function replay(G, doc, rules) {
  const grader = G.create(rules);
  const summary = { matchText: 0, cloze: 0, failures: [] };
  const fail = (what) => summary.failures.push(what);
  for (const c of doc.match_text) {
    summary.matchText += 1;
    const got = grader.matchText(c.typed, c.accepted);
    if (got.ok !== c.ok || got.meant !== c.meant) {
      const call = `matchText(${JSON.stringify(c.typed)}, ${JSON.stringify(c.accepted)})`;
      fail(`${call} = ${JSON.stringify(got)}, want ok ${c.ok}, meant ${JSON.stringify(c.meant)}`);
    }
  }
  for (const c of doc.cloze) {
    summary.cloze += 1;
    const got = grader.matchBlanks(c.typed, c.accepted, c.any_order);
    if (JSON.stringify(got.parts) !== JSON.stringify(c.parts)) {
      const call = `matchBlanks(${JSON.stringify(c.typed)}, ...)`;
      fail(`${call} parts ${JSON.stringify(got.parts)}, want ${JSON.stringify(c.parts)}`);
    }
  }
  return summary;
}

function vectors(file, rulesFile) {
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  const rules = readRules(rulesFile);
  const result = { module: replay(loadAsModule(), doc, rules), script: replay(loadAsScript(), doc, rules) };
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
  return result.module.failures.length || result.script.failures.length ? 1 : 0;
}

function attempt(G, fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof G.InvalidAnswer) return { hint: err.hint };
    return { error: `${err.name}: ${err.message}` };
  }
}

const gradeArray = (g) => [g.correct, g.parts, g.typos];

/** What misuse gets: the errors a page would see for arguments Python would refuse too. */
function misuse(G, rules) {
  const grader = G.create(rules);
  const tryIt = (fn) => attempt(G, fn);
  return {
    noRules: tryIt(() => G.create(null)),
    otherVersion: tryIt(() => G.create({ ...rules, version: 2 })),
    badSpellings: tryIt(() => G.create({ ...rules, spellings: { words: ["disk"] } })),
    acceptedString: tryIt(() => grader.matchText("disc", "disc")),
    typedNumber: tryIt(() => grader.normalise(5)),
    badPosition: tryIt(() => grader.matchBlanks(["a", "b"], [["a"], ["b"]], [[0, 2]])),
    negativePosition: tryIt(() => grader.matchBlanks(["a", "b"], [["a"], ["b"]], [[-1, 0]])),
    matching: tryIt(() => grader.check({ type: "matching", pairs: [] }, ["1a"])),
    frozen: Object.isFrozen(grader) && Object.isFrozen(G),
    invalidAnswerIsError: tryIt(() => grader.readText(" ")) && new G.InvalidAnswer("x") instanceof Error,
  };
}

function checks(rulesFile) {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const G = loadAsModule();
  const rules = readRules(rulesFile);
  const grader = G.create(rules);
  // A key may name another that holds its list: {"texts": [...], "normalise": "texts"}.
  const list = (key) => (typeof job[key] === "string" ? job[job[key]] : job[key] || []);
  const each = (key, fn) => list(key).map((args) => attempt(G, () => fn(args)));
  const out = {
    normalise: each("normalise", (t) => grader.normalise(t)),
    forms: each("forms", (t) => grader.forms(t)),
    matchText: each("matchText", ([typed, accepted]) => {
      const r = grader.matchText(typed, accepted);
      return [r.ok, r.meant];
    }),
    matchBlanks: each("matchBlanks", ([typed, accepted, anyOrder]) => {
      const r = grader.matchBlanks(typed, accepted, anyOrder);
      return [r.parts, r.meant];
    }),
    typoAllowance: each("typoAllowance", (t) => grader.typoAllowance(t)),
    editDistance: each("editDistance", ([a, b, limit]) => grader.editDistance(a, b, limit)),
    readTruth: each("readTruth", (t) => grader.readTruth(t)),
    readText: each("readText", (t) => grader.readText(t)),
    check: each("check", ([q, entries]) => gradeArray(grader.check(q, entries))),
    grade: each("grade", ([q, response]) => gradeArray(grader.grade(q, response))),
    split: each("split", (t) => G._internal.split(t)),
    strip: each("strip", (t) => G._internal.strip(t)),
    fold: each("fold", (t) => G._internal.fold(t)),
  };
  if (job.constants) {
    const I = G._internal;
    out.constants = {
      unicodeVersion: G.UNICODE_VERSION,
      rulesVersion: G.RULES_VERSION,
      dashes: [...I.DASHES].map((cp) => String.fromCodePoint(cp)),
      trueWords: [...I.TRUE_WORDS],
      falseWords: [...I.FALSE_WORDS],
      hints: I.HINTS,
    };
  }
  if (job.misuse) out.misuse = misuse(G, rules);
  process.stdout.write(JSON.stringify(out) + "\n");
  return 0;
}

function runs(lookup) {
  const out = [];
  let start = 0;
  for (let cp = 1; cp <= 0x110000; cp++) {
    if (cp === 0x110000 || lookup(cp) !== lookup(start)) {
      out.push(cp - start, lookup(start));
      start = cp;
    }
  }
  return out;
}

function unicode() {
  const I = loadAsModule()._internal;
  const nfkd = {};
  const casefold = {};
  for (let cp = 0; cp < 0x110000; cp++) {
    const ch = String.fromCodePoint(cp);
    const decomposed = I.nfkd(ch);
    if (decomposed !== ch) nfkd[cp] = decomposed;
    const folded = I.casefold(cp);
    if (folded !== ch) casefold[cp] = folded;
  }
  const out = { properties: runs(I.properties), combining: runs(I.combining), nfkd, casefold };
  process.stdout.write(JSON.stringify(out) + "\n");
  return 0;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "vectors" && args.length === 2) process.exitCode = vectors(...args);
else if (mode === "checks" && args.length === 1) process.exitCode = checks(args[0]);
else if (mode === "unicode") process.exitCode = unicode();
else {
  process.stderr.write("usage: run_grading_vectors.js vectors FILE RULES | checks RULES < JOB.json | unicode\n");
  process.exitCode = 2;
}
