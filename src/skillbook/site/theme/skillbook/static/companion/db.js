// Store names, keys and records in, promises of what IndexedDB holds out: the companion's one
// database ("entries", "settings", "meta"), opened once per page.

const NAME = "skillbook-companion";
const STORES = { entries: "id", settings: "key", meta: "key" };

/** @type {Promise<IDBDatabase>|null} */
let opening = null;

/** @param {IDBRequest} request @returns {Promise<any>} */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** @returns {Promise<IDBDatabase>} */
export function openDb() {
  if (opening) return opening;
  const request = indexedDB.open(NAME, 1);
  request.onupgradeneeded = () => {
    for (const [store, keyPath] of Object.entries(STORES)) request.result.createObjectStore(store, { keyPath });
  };
  opening = done(request).then((/** @type {IDBDatabase} */ db) => {
    // another tab deleting everything must not wait for this one to be closed
    db.onversionchange = () => { db.close(); opening = null; };
    db.onclose = () => { opening = null; }; // the browser closed it (storage cleared): open anew next time
    return db;
  }, (error) => { opening = null; throw error; });
  return opening;
}

/**
 * Writes to several stores in one transaction: all of them happen or none (a passcode change
 * must never leave some records sealed and others not).
 * @param {Record<string, {clear?: boolean, put?: object[], remove?: IDBValidKey[]}>} changes @returns {Promise<void>}
 */
export async function update(changes) {
  const db = await openDb();
  const names = Object.keys(changes);
  const transaction = db.transaction(names, "readwrite");
  const finished = new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(undefined);
    transaction.onabort = () => reject(transaction.error);
  });
  try {
    for (const name of names) {
      const { clear = false, put = [], remove: keys = [] } = changes[name];
      const store = transaction.objectStore(name);
      if (clear) store.clear();
      for (const value of put) store.put(value);
      for (const key of keys) store.delete(key);
    }
  } catch (error) {
    transaction.abort(); // a record that cannot be stored: what was queued before it must not commit
    finished.catch(() => undefined);
    throw error;
  }
  await finished;
}

/** @param {string} store @returns {Promise<unknown[]>} */
export async function getAll(store) {
  return done((await openDb()).transaction(store).objectStore(store).getAll());
}

/** @param {string} store @param {IDBValidKey} key @returns {Promise<unknown>} */
export async function get(store, key) {
  return done((await openDb()).transaction(store).objectStore(store).get(key));
}

/** @param {string} store @param {object} value */
export const put = (store, value) => update({ [store]: { put: [value] } });

/** @param {string} store @param {IDBValidKey} key */
export const remove = (store, key) => update({ [store]: { remove: [key] } });

/** @param {string} store @param {object[]} values */
export const putMany = (store, values) => update({ [store]: { put: values } });

/**
 * Closes this page's connection first; when another tab holds one, IndexedDB reports "blocked"
 * and deletes once that tab has closed it (its `versionchange` handler does), so we wait for success.
 * @returns {Promise<void>}
 */
export async function deleteDatabase() {
  if (opening) {
    const db = await opening.catch(() => null);
    db?.close();
    opening = null;
  }
  await done(indexedDB.deleteDatabase(NAME));
}

/** @returns {Promise<"persisted"|"not-persisted"|"unsupported">} */
export async function askPersist() {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist || !storage.persisted) return "unsupported";
  try {
    return (await storage.persisted()) || (await storage.persist()) ? "persisted" : "not-persisted";
  } catch {
    return "unsupported";
  }
}
