import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import {
  BACKUP_FORMAT, BACKUP_VERSION, makeBackup, planRestore, readBackup,
} from "../../src/skillbook/site/theme/skillbook/static/companion/backup.js";
import { ENTRY, entry } from "./fixtures.js";

const HANDBOOK = { handbook: "test-handbook" };
const CREATED = "2026-03-02T20:00:00.000Z";
const COACH = { name: "Alex", number: "+44 7700 900123", hours: { days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00" } };
const SETTINGS = { coach: COACH, region: "Testland", assignment: { v: 1, forms: ["every-field"] }, reminder: { time: "19:00" } };

const backup = () => makeBackup([entry({ id: "zz" }), ENTRY, entry({ id: "aa" })], SETTINGS, { ...HANDBOOK, created: new Date(CREATED) });
/** @param {(data: any) => void} change */
const changed = (change) => {
  const data = JSON.parse(JSON.stringify(backup()));
  change(data);
  return JSON.stringify(data);
};

const schema = JSON.parse(readFileSync(new URL("../../src/skillbook/site/theme/skillbook/static/companion/backup.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const valid = ajv.compile(schema);

test("a backup: its format, entries sorted by id, only the settings that travel", () => {
  const data = backup();
  assert.equal(data.format, BACKUP_FORMAT);
  assert.equal(data.format_version, BACKUP_VERSION);
  assert.equal(data.created, CREATED);
  assert.equal(data.handbook, "test-handbook");
  assert.deepEqual(data.entries.map((e) => e.id), [ENTRY.id, "aa", "zz"]);
  assert.deepEqual(Object.keys(data.settings).sort(), ["assignment", "coach", "region"]);
  assert.ok(valid(data), JSON.stringify(valid.errors));
});

test("a backup reads back as it was written", () => {
  const data = backup();
  const read = readBackup(JSON.stringify(data, null, 2), HANDBOOK);
  assert.deepEqual(read, { ok: true, backup: data });
  const empty = makeBackup([], {}, { ...HANDBOOK, created: new Date(CREATED) });
  assert.deepEqual(readBackup(JSON.stringify(empty), HANDBOOK), { ok: true, backup: empty });
});

/** @type {[string, unknown, boolean][]} what is refused, and whether the schema refuses it too */
const REFUSED = [
  ["backup.too_big", JSON.stringify(backup()) + " ".repeat(5 * 1024 * 1024), false],
  ["backup.not_json", "{not json", false],
  ["backup.not_json", "", false],
  ["backup.not_json", undefined, false],
  ["backup.not_backup", "[]", true],
  ["backup.not_backup", "null", true],
  ["backup.not_backup", changed((d) => { delete d.format; }), true],
  ["backup.not_backup", changed((d) => { d.format = "something-else"; }), true],
  ["backup.newer", changed((d) => { d.format_version = "2.0.0"; }), true],
  ["backup.other_handbook", changed((d) => { d.handbook = "another-handbook"; }), false],
  ["backup.damaged", changed((d) => { d.format_version = "one"; }), true],
  ["backup.damaged", changed((d) => { d.entries[1].answers.mood = "x".repeat(10_001); }), true],
  ["backup.damaged", changed((d) => { d.entries[2].date = "2026-02-30"; }), true],
  ["backup.damaged", changed((d) => { d.entries[0].extra = 1; }), true],
  ["backup.damaged", changed((d) => { d.entries.push(d.entries[0]); }), false], // ids unique: not said by the schema
  ["backup.damaged", changed((d) => { d.settings.coach.number = "no"; }), true],
  ["backup.damaged", changed((d) => { d.settings.theme = "dark"; }), true],
  ["backup.damaged", changed((d) => { d.extra = true; }), true],
  ["backup.damaged", changed((d) => { delete d.settings; }), true],
  ["backup.damaged", changed((d) => { d.created = "yesterday"; }), true],
  ["backup.damaged", JSON.stringify(backup()).replace('"answers":{', '"answers":{"__proto__":{"x":1},'), true],
];

test("each refusal has its code, and a damaged file is refused whole", () => {
  for (const [problem, text] of REFUSED) {
    assert.deepEqual(readBackup(text, HANDBOOK), { ok: false, problem }, `${problem}: ${String(text).slice(0, 200)}`);
  }
  assert.equal(/** @type {any} */ ({}).x, undefined);
});

test("the JSON Schema says what readBackup accepts", () => {
  for (const [problem, text, schemaRefuses] of REFUSED) {
    if (!schemaRefuses) continue;
    assert.equal(valid(JSON.parse(/** @type {string} */ (text))), false, problem);
  }
  const read = readBackup(JSON.stringify(backup()), HANDBOOK);
  assert.ok(read.ok && valid(read.backup));
  assert.equal(schema.$id, "urn:skillbook:companion:backup:1");
});

test("planRestore: added, the same, in conflict", () => {
  const mine = [entry({ id: "a" }), entry({ id: "b" }), entry({ id: "c" })];
  const sameReordered = JSON.parse('{"answers":{"rating":4,"mood":"a secret answer"},"id":"a","form":"weekly-diary-card","version":"2.0.0","date":"2026-03-02","created":"2026-03-02T18:00:00.000Z","updated":"2026-03-02T18:00:00.000Z"}');
  const theirs = [sameReordered, entry({ id: "b", answers: { mood: "changed" } }), entry({ id: "d" })];
  const plan = planRestore(mine, theirs);
  assert.deepEqual(plan.added.map((e) => e.id), ["d"]);
  assert.deepEqual(plan.same.map((e) => e.id), ["a"]);
  assert.deepEqual(plan.conflicts, [{ mine: mine[1], theirs: theirs[1] }]);
  assert.deepEqual(planRestore([], []), { added: [], same: [], conflicts: [] });
  const arrays = planRestore([entry({ answers: { list: ["a", "b"] } })], [entry({ answers: { list: /** @type {any} */ ({ 0: "a", 1: "b" }) } })]);
  assert.equal(arrays.conflicts.length, 1);
});
