import "fake-indexeddb/auto";
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/skillbook/site/theme/skillbook/static/companion/store.js";
import { deleteDatabase, get, getAll, put } from "../../src/skillbook/site/theme/skillbook/static/companion/db.js";
import { entry } from "./fixtures.js";

const FEW = 1_000;

/** A Storage of strings in memory: sessionStorage or localStorage for one test. */
class MemoryStorage {
  /** @param {[string, string][]} [items] */
  constructor(items = []) { this.items = new Map(items); }
  get length() { return this.items.size; }
  /** @param {number} i */
  key(i) { return [...this.items.keys()][i] ?? null; }
  /** @param {string} key */
  getItem(key) { return this.items.get(key) ?? null; }
  /** @param {string} key @param {string} value */
  setItem(key, value) { this.items.set(key, String(value)); }
  /** @param {string} key */
  removeItem(key) { this.items.delete(key); }
}

/** @param {MemoryStorage} [session] @param {MemoryStorage} [local] */
const open = (session = new MemoryStorage(), local = new MemoryStorage()) => Store.open({ session, local, iterations: FEW });

/** Every record as stored, as one text: what someone reading the phone's storage would see. */
async function raw() {
  return JSON.stringify([await getAll("entries"), await getAll("settings"), await getAll("meta")]);
}

beforeEach(() => deleteDatabase());

test("without a passcode: save, read newest first, remove", async () => {
  const store = await open();
  assert.ok(!store.protected && !store.locked);
  await store.save(entry({ id: "old", date: "2026-03-01" }));
  await store.save(entry({ id: "new", date: "2026-03-03" }));
  await store.save(entry({ id: "same-day-later", date: "2026-03-03", updated: "2026-03-03T20:00:00.000Z" }));
  await store.save(entry({ id: "other-form", form: "safety-plan", date: "2026-03-04" }));
  assert.deepEqual((await store.entries("weekly-diary-card")).map((e) => e.id), ["same-day-later", "new", "old"]);
  assert.equal((await store.entries()).length, 4);
  assert.deepEqual(await store.entry("old"), entry({ id: "old", date: "2026-03-01" }));
  assert.equal(await store.entry("missing"), null);
  assert.equal(await store.entry("constructor"), null);
  await store.remove("old");
  assert.equal(await store.entry("old"), null);
});

test("what could not be read back is never stored, and a bad record is skipped", async () => {
  const store = await open();
  await assert.rejects(store.save(/** @type {any} */ ({ ...entry(), extra: true })), /not an entry/);
  await assert.rejects(store.setSetting("coach", { name: "no number" }), /not a setting/);
  await put("entries", { id: "damaged", answers: "?" });
  await put("settings", { key: "coach", value: { name: "x" } });
  await put("settings", { key: "__proto__", value: 1 });
  await store.save(entry());
  assert.deepEqual((await store.entries()).map((e) => e.id), ["e1"]);
  assert.deepEqual(await store.settings(), {});
  assert.equal(await store.setting("coach"), undefined);
});

test("settings: plain values, and known ones checked", async () => {
  const store = await open();
  const coach = { name: "Alex", number: "07700 900123" };
  await store.setSetting("coach", coach);
  await store.setSetting("reminder", { time: "19:00" });
  assert.deepEqual(await store.setting("coach"), coach);
  assert.deepEqual(await store.settings(), { coach, reminder: { time: "19:00" } });
  assert.equal(await store.setting("nothing"), undefined);
});

test("with a passcode nothing readable is stored: no answer, form id, date or coach", async () => {
  const store = await open();
  await store.save(entry());
  await store.setSetting("coach", { name: "Alex Coach", number: "07700 900123" });
  await store.setPasscode("blue river");
  await store.save(entry({ id: "e2", answers: { mood: "another secret" } }));
  const text = await raw();
  for (const secret of ["a secret answer", "another secret", "weekly-diary-card", "2026-03-02", "2.0.0", "Alex Coach", "07700"]) {
    assert.ok(!text.includes(secret), `${secret} is stored in the clear`);
  }
  for (const record of await getAll("entries")) assert.deepEqual(Object.keys(/** @type {object} */ (record)).sort(), ["id", "sealed"]);
  for (const record of await getAll("settings")) assert.deepEqual(Object.keys(/** @type {object} */ (record)).sort(), ["key", "sealed"]);
  assert.deepEqual((await store.entries()).map((e) => e.id).sort(), ["e1", "e2"]);
  assert.equal((await store.setting("coach")).name, "Alex Coach");
});

test("a new tab is locked until it is given the passcode; a wrong one is refused", async () => {
  const first = await open();
  await first.save(entry());
  await first.setPasscode("blue river");
  const session = new MemoryStorage();
  const tab = await open(session);
  assert.ok(tab.protected && tab.locked);
  await assert.rejects(tab.entries(), /locked/);
  await assert.rejects(tab.save(entry({ id: "e9" })), /locked/);
  await assert.rejects(tab.settings(), /locked/);
  assert.equal(await tab.unlock("green river"), false);
  assert.ok(tab.locked);
  assert.equal(await tab.unlock("blue river"), true);
  assert.ok(!tab.locked);
  assert.deepEqual(await tab.entries(), [entry()]);
  assert.ok(session.getItem("skillbook-companion-key"));
  // the same tab after a reload: the key kept in sessionStorage opens it
  const reloaded = await open(session);
  assert.ok(!reloaded.locked);
  reloaded.lock();
  assert.ok(reloaded.locked);
  assert.equal(session.getItem("skillbook-companion-key"), null);
});

test("a kept key that no longer fits (the passcode changed) does not open", async () => {
  const session = new MemoryStorage();
  const store = await open(session);
  await store.setPasscode("one");
  const stale = /** @type {string} */ (session.getItem("skillbook-companion-key"));
  await store.setPasscode("two");
  assert.notEqual(session.getItem("skillbook-companion-key"), stale);
  const tab = await open(new MemoryStorage([["skillbook-companion-key", stale]]));
  assert.ok(tab.locked);
  const garbage = await open(new MemoryStorage([["skillbook-companion-key", "not a key"]]));
  assert.ok(garbage.locked);
});

test("changing and removing the passcode keep every entry and setting", async () => {
  const store = await open();
  await store.save(entry());
  await store.save(entry({ id: "e2", date: "2026-03-01" }));
  await store.setSetting("region", "Testland");
  await store.setPasscode("one");
  await store.setPasscode("two");
  const tab = await open();
  assert.equal(await tab.unlock("one"), false);
  assert.equal(await tab.unlock("two"), true);
  await tab.removePasscode();
  assert.ok(!tab.protected);
  assert.equal(await get("meta", "passcode"), undefined);
  assert.deepEqual(await getAll("entries"), [entry(), entry({ id: "e2", date: "2026-03-01" })]);
  assert.deepEqual(await getAll("settings"), [{ key: "region", value: "Testland" }]);
  const after = await open();
  assert.ok(!after.locked);
  assert.deepEqual(await after.settings(), { region: "Testland" });
});

test("a record that does not decrypt is skipped, not thrown", async () => {
  const store = await open();
  await store.save(entry());
  await store.setPasscode("one");
  await put("entries", { id: "broken", sealed: { iv: "AAAAAAAAAAAAAAAA", data: "AAAAAAAAAAAAAAAAAAAAAAAA" } });
  await put("entries", { id: "odd", sealed: "not sealed data" });
  const sealed = /** @type {{sealed: unknown}} */ (await get("entries", "e1")).sealed;
  await put("entries", { id: "moved", sealed }); // another record's sealed entry under a new id
  assert.deepEqual((await store.entries()).map((e) => e.id), ["e1"]);
  assert.equal(await store.entry("broken"), null);
});

test("a tab opened before the passcode was set seals what it writes afterwards", async () => {
  const before = await open();
  const other = await open();
  await other.setPasscode("one");
  await assert.rejects(before.save(entry()), /locked/); // it learns of the lock, and has no key
  assert.ok(before.locked);
  assert.equal(await before.unlock("one"), true);
  await before.save(entry());
  assert.ok(!(await raw()).includes("a secret answer"));
});

test("setting a passcode refuses an empty one and needs the current one first", async () => {
  const store = await open();
  await assert.rejects(store.setPasscode(""), /empty/);
  await store.setPasscode("one");
  const tab = await open();
  await assert.rejects(tab.setPasscode("mine now"), /locked/);
  await assert.rejects(tab.removePasscode(), /locked/);
});

test("deleteEverything: the database, the tab's key and skillbook- local keys", async () => {
  const session = new MemoryStorage();
  const local = new MemoryStorage([["skillbook-theme", "dark"], ["skillbook-companion-x", "1"], ["other-site", "kept"]]);
  const store = await open(session, local);
  await store.save(entry());
  await store.setPasscode("one");
  await store.deleteEverything();
  assert.ok(!store.protected && !store.locked);
  assert.equal(session.getItem("skillbook-companion-key"), null);
  assert.deepEqual([...local.items.keys()], ["other-site"]);
  assert.equal(await raw(), "[[],[],[]]");
  assert.deepEqual(await (await open()).entries(), []);
});
