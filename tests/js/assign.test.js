import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeAssignment, encodeAssignment } from "../../src/skillbook/site/theme/skillbook/static/companion/assign.js";

const CATALOGUE = { forms: {
  "weekly-diary-card": { rows: ["urge-self-harm", "urge-other", "sadness"] },
  "coaching-call-card": { rows: [] },
} };
/** @type {import("../../src/skillbook/site/theme/skillbook/static/companion/types.js").Assignment} */
const ASSIGNMENT = {
  v: 1,
  forms: ["weekly-diary-card", "coaching-call-card"],
  rows: { "weekly-diary-card": { tracked: ["urge-self-harm", "urge-other"], names: { "urge-other": "Urge to run — away 🏃" } } },
  coach: { name: "Zoë", number: "+44 7700 900123", hours: { days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00" }, fallback: "Call the crisis line" },
  from: "Dr Lee",
};

/** @param {unknown} data  base64url of the JSON text of anything */
const link = (data) => Buffer.from(typeof data === "string" ? data : JSON.stringify(data), "utf8").toString("base64url");

test("an assignment goes through its link unchanged, in base64url", () => {
  const text = encodeAssignment(ASSIGNMENT);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.equal(text, link(ASSIGNMENT));
  assert.deepEqual(decodeAssignment(`#assign=${text}`, CATALOGUE), { ok: true, assignment: ASSIGNMENT });
  assert.deepEqual(decodeAssignment(`assign=${text}`, CATALOGUE), { ok: true, assignment: ASSIGNMENT });
  assert.deepEqual(decodeAssignment(`#utm=x&assign=${text}`, CATALOGUE), { ok: true, assignment: ASSIGNMENT });
  const minimal = { v: 1, forms: [] };
  assert.deepEqual(decodeAssignment(`#assign=${encodeAssignment(/** @type {any} */ (minimal))}`, CATALOGUE), { ok: true, assignment: minimal });
});

/** @param {string} hash */
const problem = (hash) => {
  const result = decodeAssignment(hash, CATALOGUE);
  return result.ok ? "ok" : result.problem;
};

test("forms and rows that are not published are refused", () => {
  assert.equal(problem(`#assign=${link({ v: 1, forms: ["made-up"] })}`), "assign.unknown");
  assert.equal(problem(`#assign=${link({ v: 1, forms: ["constructor"] })}`), "assign.unknown");
  assert.equal(problem(`#assign=${link({ v: 1, forms: [], rows: { "weekly-diary-card": { tracked: ["made-up"] } } })}`), "assign.unknown");
  assert.equal(problem(`#assign=${link({ v: 1, forms: [], rows: { "weekly-diary-card": { tracked: [], names: { "made-up": "x" } } } })}`), "assign.unknown");
  assert.equal(problem(`#assign=${link({ v: 1, forms: [], rows: { constructor: { tracked: [] } } })}`), "assign.unknown");
  assert.equal(problem(`#assign=${link({ v: 1, forms: [], rows: { "safety-plan": { tracked: [] } } })}`), "assign.unknown");
});

test("damaged, newer and too big links are refused", () => {
  assert.equal(problem(""), "assign.damaged");
  assert.equal(problem("#assign="), "assign.damaged");
  assert.equal(problem("#assign=%%%"), "assign.damaged");
  assert.equal(problem("#assign=eyJ2Ijox"), "assign.damaged"); // cut short
  assert.equal(problem("#assign=A"), "assign.damaged");
  assert.equal(problem(`#assign=${link("not json")}`), "assign.damaged");
  assert.equal(problem(`#assign=${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("base64url")}`), "assign.damaged"); // not UTF-8
  assert.equal(problem(`#assign=${link([1])}`), "assign.damaged");
  assert.equal(problem(`#assign=${link({ forms: [] })}`), "assign.damaged");
  assert.equal(problem(`#assign=${link({ v: "1", forms: [] })}`), "assign.damaged");
  assert.equal(problem(`#assign=${link({ v: 2, forms: [], anything: "new" })}`), "assign.newer");
  assert.equal(problem(`#assign=${link({ v: 1, forms: [], colour: "red" })}`), "assign.damaged");
  assert.equal(problem(`#assign=${"A".repeat(8_001)}`), "assign.too_big");
});

test("a hostile link: prototype keys refused, huge strings refused, markup kept as text", () => {
  const proto = '{"v":1,"forms":[],"__proto__":{"polluted":true}}';
  assert.equal(problem(`#assign=${link(proto)}`), "assign.damaged");
  const nested = '{"v":1,"forms":[],"rows":{"weekly-diary-card":{"tracked":[],"names":{"__proto__":"x"}}}}';
  assert.equal(problem(`#assign=${link(nested)}`), "assign.damaged");
  const coach = '{"v":1,"forms":[],"coach":{"name":"A","number":"1","__proto__":{"isAdmin":true}}}';
  assert.equal(problem(`#assign=${link(coach)}`), "assign.damaged");
  assert.equal(/** @type {any} */ ({}).polluted, undefined);
  assert.equal(/** @type {any} */ ({}).isAdmin, undefined);
  assert.equal(problem(`#assign=${link({ v: 1, forms: [], from: "x".repeat(201) })}`), "assign.damaged");
  assert.equal(problem(`#assign=${link({ v: 1, forms: Array(501).fill("weekly-diary-card") })}`), "assign.too_big");
  const markup = { v: 1, forms: [], from: "<script>alert(1)</script>", coach: { name: "<img src=x onerror=alert(1)>", number: "123" } };
  const result = decodeAssignment(`#assign=${link(markup)}`, CATALOGUE);
  assert.deepEqual(result, { ok: true, assignment: markup });
});
