import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isAnswer, isAsked, isAssignment, isCoach, isDate, isEntry, isLock, isSetting, isStamp, isTime, own,
} from "../../src/skillbook/site/theme/skillbook/static/companion/check.js";
import { ENTRY, FORM, entry } from "./fixtures.js";

test("a well-formed entry passes, every answer shape included", () => {
  assert.ok(isEntry(entry()));
  assert.ok(isEntry(ENTRY));
  assert.ok(isEntry(JSON.parse(JSON.stringify(ENTRY))));
  assert.ok(isEntry(structuredClone(ENTRY)));
});

test("an entry with an unknown, missing or wrongly typed key is refused", () => {
  assert.ok(!isEntry({ ...entry(), extra: 1 }));
  const { date, ...missing } = entry();
  assert.equal(date, "2026-03-02");
  assert.ok(!isEntry(missing));
  for (const changes of [{ id: "Bad Id" }, { id: "" }, { id: "a".repeat(81) }, { form: "-x" }, { version: "1.0" },
    { date: "2026-02-30" }, { date: "2026-3-2" }, { created: "yesterday" }, { updated: "2026-03-02T25:00:00Z" },
    { answers: [] }, { answers: null }]) {
    assert.ok(!isEntry(entry(/** @type {any} */ (changes))), JSON.stringify(changes));
  }
  assert.ok(!isEntry(null) && !isEntry("entry") && !isEntry([entry()]));
});

test("__proto__ and other prototype tricks are refused", () => {
  const text = JSON.stringify(entry()).replace('"answers":{', '"answers":{"__proto__":{"polluted":"yes"},');
  assert.ok(!isEntry(JSON.parse(text)));
  assert.ok(!isEntry(JSON.parse(JSON.stringify(entry()).replace("{", '{"__proto__":{},'))));
  assert.equal(/** @type {any} */ ({}).polluted, undefined);
  class Fake { constructor() { Object.assign(this, entry()); } }
  assert.ok(!isEntry(new Fake()));
  assert.ok(!isEntry(Object.assign(Object.create({ inherited: true }), entry())));
});

test("answers are bounded: 10,000 characters, 500 items, names 200", () => {
  assert.ok(isAnswer("x".repeat(10_000)));
  assert.ok(!isAnswer("x".repeat(10_001)));
  assert.ok(isAnswer(Array.from({ length: 500 }, (_, i) => `o${i}`)));
  assert.ok(!isAnswer(Array.from({ length: 501 }, (_, i) => `o${i}`)));
  assert.ok(!isAnswer([{ name: "x".repeat(201), number: "" }]));
  assert.ok(!isAnswer(Number.NaN) && !isAnswer(Infinity) && !isAnswer(null) && !isAnswer(undefined));
  assert.ok(!isAnswer(["ok", { name: "", number: "" }])); // one kind of list
  assert.ok(!isAnswer(new Array(3))); // holes
  assert.ok(!isAnswer({ cells: { row: { mon: { deeper: 1 } } } })); // depth is fixed
  assert.ok(!isAnswer({ cells: {}, names: { row: 3 } }));
  assert.ok(!isAnswer({ cells: {}, other: {} }));
  assert.ok(!isAnswer({ cells: { "Row!": {} } }));
});

test("dates, times and stamps", () => {
  assert.ok(isDate("2024-02-29") && !isDate("2023-02-29") && !isDate("2026-13-01") && !isDate(20260101));
  assert.ok(isTime("00:00") && isTime("23:59") && !isTime("24:00") && !isTime("7:30") && !isTime("07:60"));
  assert.ok(isStamp("2026-03-02T18:00:00.000Z") && isStamp("2026-03-02T18:00:00+01:00"));
  assert.ok(!isStamp("2026-03-02") && !isStamp("2026-03-02T18:00Z"));
});

test("coach and assignment shapes", () => {
  const coach = { name: "Alex", number: "+44 (0)20 7946 0000", hours: { days: [1, 2, 3], from: "09:00", to: "17:00" } };
  assert.ok(isCoach(coach));
  assert.ok(isCoach({ ...coach, fallback: "Call the crisis line" }));
  assert.ok(!isCoach({ ...coach, number: "call me" }));
  assert.ok(!isCoach({ ...coach, name: "  " }));
  assert.ok(!isCoach({ ...coach, hours: { days: [0], from: "09:00", to: "17:00" } }));
  assert.ok(!isCoach({ ...coach, email: "a@b" }));
  const assignment = { v: 1, forms: ["weekly-diary-card"], rows: { "weekly-diary-card": { tracked: ["urge-other"], names: { "urge-other": "Run" } } }, coach, from: "Dr Lee" };
  assert.ok(isAssignment(assignment));
  assert.ok(!isAssignment({ ...assignment, v: 2 }));
  assert.ok(!isAssignment({ ...assignment, from: "x".repeat(201) }));
  assert.ok(isSetting("coach", coach) && !isSetting("coach", { name: "x" }) && isSetting("reminder", { any: "thing" }));
  assert.ok(!isSetting("__proto__", 1));
});

test("a lock is bounded", () => {
  const check = { iv: "AAAAAAAAAAAAAAAA", data: "AAAA" };
  assert.ok(isLock({ key: "passcode", salt: "AAAAAAAAAAAAAAAAAAAAAA==", iterations: 600_000, check }));
  assert.ok(!isLock({ key: "passcode", salt: "AAAAAAAAAAAAAAAAAAAAAA==", iterations: 1e12, check }));
  assert.ok(!isLock({ key: "passcode", salt: "not base64!", iterations: 1, check }));
});

test("own never answers from the prototype", () => {
  assert.equal(own({}, "constructor"), undefined);
  assert.equal(own({ constructor: "mine" }, "constructor"), "mine");
  assert.equal(own(undefined, "x"), undefined);
});

test("show_if: asked only with the earlier answer", () => {
  const how = FORM.fields.find((f) => f.id === "how");
  const which = FORM.fields.find((f) => f.id === "which");
  assert.ok(how && which);
  assert.ok(isAsked(how, { hurt: true }, FORM.fields));
  assert.ok(!isAsked(how, { hurt: false }, FORM.fields));
  assert.ok(!isAsked(how, {}, FORM.fields));
  assert.ok(isAsked(which, { tried: ["stop", "tipp"] }, FORM.fields));
  assert.ok(!isAsked(which, { tried: ["stop"] }, FORM.fields));
  assert.ok(isAsked({ ...how, show_if: { field: "nowhere", answer: true } }, {}, FORM.fields));
});
