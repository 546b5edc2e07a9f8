// Seeded, deterministic generator of SCIM filters from the RFC 7644
// §3.4.2.2 grammar (Figure 1 plus grouping and precedence), over the
// attributes of the test Widget resource type
// (tests/data/schemas-ext/schemas/widget*.json). Every filter carries
// tags naming the constructs a documented difference depends on, so the
// runner can tell an explained disagreement from a bug.
//
//   node gen.js [SEED] [COUNT]   prints one JSON object per line
"use strict";

const W = "urn:example:scimcred:test:2.0:Widget";
const X = "urn:example:scimcred:test:2.0:Widget:Extra";

// name -> type; caseExact comes from the schema files at run time.
const ATTRS = [
  ["name", "string"], ["kind", "string"], ["tags", "string"],
  ["color", "string"], ["serial", "string"], ["link", "reference"],
  ["externalId", "string"], ["id", "string"],
  ["part.code", "string"], ["part.label", "string"],
  ["items.key", "string"], ["items.value", "string"],
  ["count", "integer"], ["ratio", "decimal"], ["enabled", "boolean"],
  ["born", "dateTime"], ["meta.created", "dateTime"],
  ["meta.lastModified", "dateTime"], ["meta.resourceType", "string"],
  [X + ":level", "integer"], [X + ":owner", "string"],
];
const ITEM_SUBS = [["key", "string"], ["value", "string"]];

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

class Gen {
  constructor(seed, resources) {
    this.r = rng(seed);
    this.tags = new Set();
    this.pool = { string: [], integer: [], decimal: [], dateTime: [] };
    for (const res of resources) this.collect(res);
  }
  int(n) { return Math.floor(this.r() * n); }
  pick(a) { return a[this.int(a.length)]; }
  chance(p) { return this.r() < p; }

  // Literal pools from the resource set, so filters often match.
  collect(v) {
    if (Array.isArray(v)) return v.forEach((x) => this.collect(x));
    if (v !== null && typeof v === "object")
      return Object.values(v).forEach((x) => this.collect(x));
    if (typeof v === "string") {
      if (/^\d{4}-\d\d-\d\dT/.test(v)) this.pool.dateTime.push(v);
      else this.pool.string.push(v);
    } else if (Number.isInteger(v)) this.pool.integer.push(v);
    else if (typeof v === "number") this.pool.decimal.push(v);
  }

  stringLit() {
    let s = this.pick(this.pool.string);
    const k = this.int(10);
    if (k === 0) s = s.toUpperCase();
    else if (k === 1) s = s.toLowerCase();
    else if (k === 2) s = s.slice(0, 1 + this.int(s.length));
    else if (k === 3) s = s.slice(this.int(s.length));
    else if (k === 4) s = s.slice(1, Math.max(2, s.length - 1));
    else if (k === 5) s = "zz" + this.int(100);
    if (this.chance(0.03)) {
      this.tags.add("escape");
      s += this.pick(["\\\"", "\\\\", "\\n", "\\u00e9", "\\/"]);
    }
    return '"' + s + '"';
  }
  numberLit(type) {
    let n;
    if (type === "integer") {
      n = this.chance(0.7) ? this.pick(this.pool.integer) : this.int(200) - 100;
      if (this.chance(0.05)) {
        this.tags.add("exp-number");
        return n + "e0";
      }
      return String(n);
    }
    n = this.chance(0.7) ? this.pick(this.pool.decimal) : (this.int(400) - 200) / 8;
    return String(n);
  }
  dateLit() {
    if (this.chance(0.7)) return '"' + this.pick(this.pool.dateTime) + '"';
    const y = 2009 + this.int(20), m = 1 + this.int(12), d = 1 + this.int(28);
    const p = (x) => String(x).padStart(2, "0");
    return `"${y}-${p(m)}-${p(d)}T${p(this.int(24))}:${p(this.int(60))}:00Z"`;
  }

  // compValue of the right type for op, or (tagged "schema") a wrong one.
  literal(type) {
    if (this.chance(0.02)) {
      this.tags.add("schema");
      return this.pick(['"x"', "1", "true", "null"]);
    }
    switch (type) {
      case "boolean": return this.pick(["true", "false"]);
      case "integer": case "decimal": return this.numberLit(type);
      case "dateTime": return this.dateLit();
      default: return this.stringLit();
    }
  }
  op(type) {
    const ord = ["gt", "ge", "lt", "le"];
    let ops = ["eq", "ne"];
    if (type === "string" || type === "reference")
      ops = ops.concat(["co", "sw", "ew"], type === "string" ? ord : []);
    else if (type !== "boolean") ops = ops.concat(ord);
    if (this.chance(0.02)) {
      this.tags.add("schema");
      ops = ["gt", "co", "sw", "lt"];
    }
    let o = this.pick(ops);
    if (this.chance(0.1)) o = o.toUpperCase();
    return o;
  }
  path(name) {
    let p = name;
    const sub = ITEM_SUBS.some(([n]) => n === name);
    if (!sub && !name.includes(":") && !name.startsWith("meta.") &&
        name !== "id" && name !== "externalId" && this.chance(0.05)) {
      this.tags.add("core-urn");
      p = W + ":" + name;
    }
    if (this.chance(0.1)) {
      this.tags.add("attr-case");
      p = p.replace(/[a-z]+$/, (s) => s.toUpperCase());
    }
    return p;
  }
  sp() {
    if (this.chance(0.03)) {
      this.tags.add("spaces");
      return "  ";
    }
    return " ";
  }

  attrExp(attrs) {
    const [name, type] = this.pick(attrs);
    if (this.chance(0.01)) {
      this.tags.add("schema");
      return "noSuchAttr eq " + this.stringLit();
    }
    const p = this.path(name);
    if (this.chance(0.12)) return p + this.sp() + (this.chance(0.1) ? "PR" : "pr");
    const o = this.op(type);
    let v = this.literal(type);
    if (v === "null") this.tags.add("null-literal");
    if (/^-/.test(v)) this.tags.add("neg-number");
    return p + this.sp() + o + this.sp() + v;
  }
  valuePath(depth) {
    let inner = this.valFilter(ITEM_SUBS, depth + 1);
    if (this.chance(0.01)) {
      this.tags.add("nested-vp");
      inner = "items[key pr]";
    }
    return "items[" + inner + "]";
  }
  valFilter(attrs, depth) {
    const k = depth > 3 ? 0 : this.int(10);
    if (k <= 4) return this.attrExp(attrs);
    if (k <= 7) {
      const op = this.chance(0.5) ? "and" : "or";
      return this.valFilter(attrs, depth + 1) + this.sp() +
          (this.chance(0.1) ? op.toUpperCase() : op) + this.sp() +
          this.valFilter(attrs, depth + 1);
    }
    if (k === 8) return this.not(this.valFilter(attrs, depth + 1));
    return "(" + this.valFilter(attrs, depth + 1) + ")";
  }
  not(inner) {
    if (this.chance(0.05)) {
      this.tags.add("not-bare");
      return "not " + inner;
    }
    return (this.chance(0.2) ? "not(" : "not (") + inner + ")";
  }
  filter(depth) {
    const k = depth > 4 ? 0 : this.int(14);
    if (k <= 5) return this.attrExp(ATTRS);
    if (k <= 6) return this.valuePath(depth);
    if (k <= 10) {
      const op = this.chance(0.5) ? "and" : "or";
      return this.filter(depth + 1) + this.sp() + op + this.sp() +
          this.filter(depth + 1);
    }
    if (k === 11) return this.not(this.filter(depth + 1));
    return "(" + this.filter(depth + 1) + ")";
  }

  // Broken text: both parsers should refuse it (tag "malformed").
  malformed() {
    const f = this.filter(2);
    const k = this.int(9);
    this.tags.add("malformed");
    switch (k) {
      case 0: return f + " and";
      case 1: return "(" + f;
      case 2: return f.replace(/ (eq|ne|co|sw|ew|gt|ge|lt|le) /i, " xx ");
      case 3: return f.replace(/"[^"]*"/, "unquoted");
      case 4: this.tags.add("bad-name"); return "9" + f;
      case 5: return f + ")";
      case 6: return "items[" + f;
      case 7: return "";
      default: return "and " + f;
    }
  }

  next() {
    this.tags = new Set();
    const f = this.chance(0.06) ? this.malformed() : this.filter(0);
    return { f, tags: [...this.tags].sort() };
  }
}

function generate(seed, count, resources) {
  const g = new Gen(seed, resources);
  const out = [];
  for (let i = 0; i < count; i++) out.push(g.next());
  return out;
}

module.exports = { generate, W, X };

if (require.main === module) {
  const seed = Number(process.argv[2] || 3744);
  const count = Number(process.argv[3] || 12000);
  const res = require("./resources.json");
  for (const x of generate(seed, count, res))
    process.stdout.write(JSON.stringify(x) + "\n");
}
