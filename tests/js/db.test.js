import "fake-indexeddb/auto";
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import {
  askPersist, deleteDatabase, get, getAll, openDb, put, putMany, remove, update,
} from "../../src/skillbook/site/theme/skillbook/static/companion/db.js";

afterEach(() => deleteDatabase());

test("version 1 has the three stores with their key paths", async () => {
  const db = await openDb();
  assert.equal(db.name, "skillbook-companion");
  assert.equal(db.version, 1);
  assert.deepEqual([...db.objectStoreNames].sort(), ["entries", "meta", "settings"]);
  const transaction = db.transaction(["entries", "settings", "meta"]);
  assert.equal(transaction.objectStore("entries").keyPath, "id");
  assert.equal(transaction.objectStore("settings").keyPath, "key");
  assert.equal(transaction.objectStore("meta").keyPath, "key");
  assert.equal(await openDb(), db); // opened once
});

test("put, get, getAll, remove, putMany", async () => {
  await put("entries", { id: "a", n: 1 });
  await putMany("entries", [{ id: "b", n: 2 }, { id: "c", n: 3 }]);
  assert.deepEqual(await get("entries", "a"), { id: "a", n: 1 });
  assert.equal(await get("entries", "zz"), undefined);
  await remove("entries", "b");
  assert.deepEqual((await getAll("entries")).map((r) => /** @type {any} */ (r).id), ["a", "c"]);
});

test("update is one transaction: a bad record stores nothing", async () => {
  await put("settings", { key: "kept", value: 1 });
  await assert.rejects(update({ entries: { put: [{ id: "fine" }, { noId: true }] }, settings: { clear: true } }));
  assert.deepEqual(await getAll("entries"), []);
  assert.deepEqual(await getAll("settings"), [{ key: "kept", value: 1 }]);
  await update({ entries: { put: [{ id: "x" }] }, settings: { clear: true }, meta: { put: [{ key: "m" }] } });
  assert.deepEqual(await getAll("settings"), []);
  assert.deepEqual(await getAll("meta"), [{ key: "m" }]);
});

test("deleteDatabase closes this page's connection and deletes everything", async () => {
  await put("entries", { id: "a" });
  await deleteDatabase();
  assert.deepEqual(await getAll("entries"), []);
});

test("deleteDatabase waits for another tab's connection to be closed", async () => {
  await openDb();
  const other = await new Promise((resolve) => {
    const request = globalThis.indexedDB.open("skillbook-companion", 1);
    request.onsuccess = () => resolve(request.result);
  });
  let closed = false;
  other.onversionchange = () => { closed = true; other.close(); };
  await deleteDatabase();
  assert.ok(closed);
});

/** @param {object|undefined} navigator @param {() => Promise<unknown>} act */
async function withNavigator(navigator, act) {
  const before = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  Object.defineProperty(globalThis, "navigator", { value: navigator, configurable: true, writable: true });
  try {
    return await act();
  } finally {
    if (before) Object.defineProperty(globalThis, "navigator", before);
    else delete (/** @type {any} */ (globalThis)).navigator;
  }
}

test("askPersist: persisted, granted, refused, unsupported", async () => {
  const storage = (/** @type {boolean} */ persisted, /** @type {boolean} */ granted) => ({
    storage: { persisted: async () => persisted, persist: async () => granted } });
  assert.equal(await withNavigator(storage(true, false), askPersist), "persisted");
  assert.equal(await withNavigator(storage(false, true), askPersist), "persisted");
  assert.equal(await withNavigator(storage(false, false), askPersist), "not-persisted");
  assert.equal(await withNavigator({}, askPersist), "unsupported");
  assert.equal(await withNavigator(undefined, askPersist), "unsupported");
  assert.equal(await withNavigator({ storage: { persisted: async () => { throw new Error("no"); }, persist: async () => true } },
    askPersist), "unsupported");
});
