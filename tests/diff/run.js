// Differential test of scimcred's filter parser and evaluator against
// scim2-parse-filter (pinned in package.json / package-lock.json).
//
//   node run.js FILTER_DUMP SCHEMAS_DIR [COUNT] [SEED]
//
// gen.js makes COUNT filters (default 12000) from the RFC 7644 §3.4.2.2
// grammar; filter_dump (C) prints our parse result, AST and match set
// over resources.json; scim2-parse-filter parses and evaluates the same.
// Both must agree, except for the differences listed in DIFFERENCES,
// each justified by the RFC. A disagreement counts as explained only
// when the filter carries the construct the difference is about (a tag
// from gen.js) or when the RFC semantics of that difference alone make
// the npm evaluation agree with ours. Anything else fails the test.
"use strict";

const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const spf = require("scim2-parse-filter");
const { generate, W, X } = require("./gen.js");

// Every accepted difference, with where the RFC decides it.
const DIFFERENCES = {
  "case-insensitive": "Strings of attributes with caseExact false " +
      "compare case-insensitively (RFC 7644 §3.4.2.2: 'if the attribute " +
      "type is string and caseExact is false'; RFC 7643 §2.4); " +
      "scim2-parse-filter always compares exactly.",
  "ne-is-not-eq": "ne is the negation of eq: it matches an absent " +
      "attribute and, on a multi-valued one, only when no value is " +
      "equal (RFC 7644 §3.4.2.2 'ne: the attribute and operator values " +
      "are not identical'); scim2-parse-filter needs a present value " +
      "that differs.",
  "core-urn": "A core attribute may be named with its schema URN " +
      "(RFC 7644 §3.10, RFC 7643 §2.1: the full attribute name is the " +
      "URN plus the name); scim2-parse-filter looks for a member named " +
      "after the URN.",
  "per-value": "An expression on a multi-valued attribute is tested " +
      "on each of its values: a valuePath's valFilter must hold for one " +
      "value (RFC 7644 §3.4.2.2, 'emails[type eq \"work\" and value co " +
      "\"@example.com\"]'), and a comparison holds when one value " +
      "satisfies it; scim2-parse-filter applies the operator to the " +
      "whole array.",
  "null-is-absent": "'eq null' matches an unassigned attribute and " +
      "'ne null' an assigned one (RFC 7643 §2.5: null and unassigned " +
      "are equivalent); scim2-parse-filter compares with ===.",
  "several": "More than one of the differences above in one filter.",
  "not-bare": "'not' must be followed by '(' (RFC 7644 §3.4.2.2 " +
      "ABNF: \"not\" \"(\" valFilter \")\"); scim2-parse-filter also " +
      "accepts 'not attrExp'.",
  "neg-number": "A negative number followed by a space or ')' is a " +
      "number (RFC 7644 §3.4.2.2 compValue: number per RFC 7159 §6); " +
      "scim2-parse-filter's tokenizer rejects it.",
  "bad-name": "An attribute name starts with a letter (RFC 7643 §2.1 " +
      "ATTRNAME = ALPHA *(nameChar)); scim2-parse-filter accepts digits.",
  "escape": "String literals are JSON strings whose escapes are decoded " +
      "(RFC 7644 §3.4.2.2, RFC 7159 §7); scim2-parse-filter doubles " +
      "backslashes before decoding.",
  "nested-vp": "A value filter may not contain another value path (RFC " +
      "7644 errata 4690; the valFilter ABNF has no valuePath); " +
      "scim2-parse-filter accepts nesting.",
  "schema": "Filters are checked against the schema: unknown attributes, " +
      "literals of the wrong type, ordering on booleans and co/sw/ew on " +
      "non-strings are 400 invalidFilter (RFC 7644 §3.4.2.2, §3.12); " +
      "scim2-parse-filter has no schema.",
};

function lc(p) { return String(p).toLowerCase(); }

// AST in one shape: lower-case paths and operators, and/or flattened.
function norm(n) {
  const op = lc(n.op);
  if (op === "and" || op === "or") {
    const out = [];
    for (const c of n.filters.map(norm))
      if (c.op === op) out.push(...c.filters);
      else out.push(c);
    return { op, filters: out };
  }
  if (op === "not") return { op, filter: norm(n.filter) };
  if (op === "[]")
    return { op, attrPath: lc(n.attrPath), valFilter: norm(n.valFilter) };
  const r = { op, attrPath: lc(n.attrPath) };
  if (op !== "pr") r.compValue = n.compValue;
  return r;
}

// caseExact of every string attribute path, from the schema files.
function caseTable(schemasDir) {
  const t = new Map([["id", true], ["externalid", true],
    ["meta.resourcetype", false], ["meta.version", true]]);
  const dir = path.join(schemasDir, "schemas");
  for (const f of fs.readdirSync(dir)) {
    const s = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    const prefix = s.id === W ? "" : lc(s.id) + ":";
    for (const a of s.attributes || []) {
      t.set(prefix + lc(a.name), !!a.caseExact);
      for (const sub of a.subAttributes || [])
        t.set(prefix + lc(a.name) + "." + lc(sub.name), !!sub.caseExact);
    }
  }
  return t;
}

// scim2-parse-filter's Tester with some of the RFC semantics above.
class RfcTester extends spf.Tester {
  constructor(fix, caseExact) {
    super();
    this.fix = fix;
    this.caseExact = caseExact;
    this.vp = null;
  }
  unurn(p) {
    const rest = p.slice(W.length + 1);
    return this.fix.urn && lc(p).startsWith(lc(W) + ":") &&
        !rest.includes(":") ? rest : p;
  }
  full(p) {
    const q = lc(this.unurn(p));
    return this.vp !== null ? this.vp + "." + q : q;
  }
  attrPath(p) { return super.attrPath(this.unurn(p)); }
  attrTest(path, r, op) {
    if (this.fix.each && path.length === 0 && Array.isArray(r))
      return r.some((v) => op(v));
    return super.attrTest(path, r, op);
  }
  test(r, f) {
    const op = lc(f.op);
    if (op === "[]") {
      const outer = this.vp;
      const res = this.attrTest(this.attrPath(f.attrPath), r, (s) => {
        this.vp = this.full(f.attrPath);
        const m = this.test(s, f.valFilter);
        this.vp = outer;
        return m;
      });
      return res;
    }
    if (this.fix.nul && f.compValue === null && (op === "eq" || op === "ne")) {
      const present = this.attrTest(this.attrPath(f.attrPath), r,
          (s) => s !== undefined && s !== null);
      return op === "eq" ? !present : present;
    }
    if (op === "ne" && this.fix.ne)
      return !this.test(r, Object.assign({}, f, { op: "eq" }));
    if (this.fix.ci && typeof f.compValue === "string" &&
        ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"].includes(op) &&
        this.caseExact.get(this.full(f.attrPath)) === false) {
      const v = f.compValue.toLowerCase();
      return this.attrTest(this.attrPath(f.attrPath), r, (s) =>
        this[op](typeof s === "string" ? s.toLowerCase() : s, v));
    }
    return super.test(r, Object.assign({}, f, { op }));
  }
}

function matches(ast, resources, fix, caseExact) {
  const t = new RfcTester(fix, caseExact);
  const out = [];
  resources.forEach((r, i) => { if (t.test(r, ast)) out.push(i); });
  return out;
}

function main() {
  const [dump, schemasDir] = process.argv.slice(2, 4);
  const count = Number(process.argv[4] || 12000);
  const seed = Number(process.argv[5] || 3744);
  const resources = JSON.parse(
      fs.readFileSync(path.join(__dirname, "resources.json"), "utf8"));
  const caseExact = caseTable(schemasDir);
  const filters = generate(seed, count, resources);
  const ours = spawnSync(dump, [schemasDir, "Widget",
    path.join(__dirname, "resources.json")], {
    input: filters.map((x) => x.f).join("\n") + "\n",
    maxBuffer: 1 << 28,
  });
  if (ours.status !== 0) throw new Error("filter_dump: " + ours.stderr);
  const lines = ours.stdout.toString().trim().split("\n").map(JSON.parse);
  if (lines.length !== filters.length) throw new Error("line count");

  const stats = { filters: count, bothParse: 0, bothReject: 0, astAgree: 0,
    matchCompared: 0, matchAgreeRaw: 0, explained: {}, unexplained: [] };
  const explain = (id, x, why) => {
    if (!DIFFERENCES[id]) throw new Error("undocumented difference " + id);
    stats.explained[id] = (stats.explained[id] || 0) + 1;
  };
  const fail = (x, why) => stats.unexplained.push({ filter: x.f, tags: x.tags, why });

  filters.forEach((x, i) => {
    const o = lines[i];
    let theirs = null;
    try { theirs = spf.parse(x.f); } catch (e) { theirs = null; }
    if (!o.parse || theirs === null) {
      if (!o.parse && theirs === null) { stats.bothReject++; return; }
      const id = ["not-bare", "neg-number", "bad-name", "escape",
        "nested-vp"].find((t) => x.tags.includes(t));
      if (id) explain(id, x); else fail(x, `parse: ours ${o.parse}, npm ${theirs !== null}`);
      return;
    }
    stats.bothParse++;
    const a = JSON.stringify(norm(o.ast)), b = JSON.stringify(norm(theirs));
    if (a === b) stats.astAgree++;
    else if (x.tags.includes("escape")) explain("escape", x);
    else return fail(x, `ast: ours ${a} npm ${b}`);
    if (!o.bind) {
      if (x.tags.includes("schema")) explain("schema", x);
      else fail(x, "ours refused it against the schema");
      return;
    }
    if (a !== b) return; /* different literals: nothing to compare */
    stats.matchCompared++;
    const got = JSON.stringify(o.match);
    if (got === JSON.stringify(matches(theirs, resources, {}, caseExact))) {
      stats.matchAgreeRaw++;
      return;
    }
    const single = [["case-insensitive", { ci: true }],
      ["ne-is-not-eq", { ne: true }], ["core-urn", { urn: true }],
      ["per-value", { each: true }], ["null-is-absent", { nul: true }]];
    const one = single.find(([, fix]) =>
      got === JSON.stringify(matches(theirs, resources, fix, caseExact)));
    if (one) return explain(one[0], x);
    const all = { ci: true, ne: true, urn: true, each: true, nul: true };
    if (got === JSON.stringify(matches(theirs, resources, all, caseExact)))
      return explain("several", x);
    fail(x, `match: ours ${got} npm ` +
        JSON.stringify(matches(theirs, resources, all, caseExact)));
  });

  console.log(JSON.stringify({
    filters: stats.filters, bothParse: stats.bothParse,
    bothReject: stats.bothReject, astAgree: stats.astAgree,
    matchCompared: stats.matchCompared, matchAgreeRaw: stats.matchAgreeRaw,
    explainedDifferences: stats.explained,
    unexplained: stats.unexplained.length,
  }, null, 1));
  for (const u of stats.unexplained.slice(0, 20))
    console.log("UNEXPLAINED", JSON.stringify(u));
  const ok = stats.unexplained.length === 0 && count >= 10000 &&
      stats.matchCompared >= count / 2;
  process.exit(ok ? 0 : 1);
}

main();
