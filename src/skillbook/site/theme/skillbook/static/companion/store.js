// Entries and settings in, the same back out: what a client writes, kept on this device only, and
// sealed with their passcode when they set one (then no answer, form or date is stored in the clear).
import { deleteDatabase, get, getAll, put, remove, update } from "./db.js";
import { isEntry, isId, isLock, isPlain, isSealed, isSetting } from "./check.js";

/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./crypto.js").Lock} Lock */
/** @typedef {Pick<Storage, "getItem"|"setItem"|"removeItem">} SessionLike */
/** @typedef {Pick<Storage, "length"|"key"|"removeItem">} LocalLike */

const SESSION_KEY = "skillbook-companion-key";
const LOCK = "passcode"; // the lock's key in the `meta` store
// loaded only where a passcode is set or being set: most visits never need it
const tools = () => import("./crypto.js");

/**
 * Storage can be blocked, full or missing: then the key lives only as long as the page.
 * @template T @param {() => T} act @returns {T|undefined}
 */
function attempt(act) {
  try {
    return act();
  } catch {
    return undefined;
  }
}

/** Newest day first, then the last changed. @param {Entry} a @param {Entry} b */
const newestFirst = (a, b) => b.date.localeCompare(a.date) || Date.parse(b.updated) - Date.parse(a.updated) || a.id.localeCompare(b.id);

export class Store {
  /** @type {Lock|null} */
  #lock = null;
  /** @type {CryptoKey|null} */
  #key = null;
  #session;
  #local;
  #iterations;

  /** Use Store.open. @param {SessionLike|null} session @param {LocalLike|null} local @param {number|undefined} iterations */
  constructor(session, local, iterations) {
    this.#session = session;
    this.#local = local;
    this.#iterations = iterations;
  }

  /**
   * @param {{session?: SessionLike|null, local?: LocalLike|null, iterations?: number}} [options]
   *   `iterations`: PBKDF2's for a new passcode (tests use fewer)
   */
  static async open({ session = attempt(() => sessionStorage), local = attempt(() => localStorage), iterations } = {}) {
    const store = new Store(session ?? null, local ?? null, iterations);
    await store.#refresh();
    return store;
  }

  /** A passcode is set. */
  get protected() {
    return this.#lock !== null;
  }

  /** A passcode is set and this tab has not been given it. */
  get locked() {
    return this.#lock !== null && this.#key === null;
  }

  /** Another tab may have set, changed or removed the passcode: read the lock before every call, so
   * this tab never writes in the clear on a protected device. */
  async #refresh() {
    const record = await get("meta", LOCK);
    const lock = isLock(record) ? record : null;
    if (lock?.salt === this.#lock?.salt) return;
    this.#lock = lock;
    this.#key = lock ? await this.#keptKey(lock) : null;
  }

  /** The key this tab kept, if it still opens the lock. @param {Lock} lock */
  async #keptKey(lock) {
    const text = attempt(() => this.#session?.getItem(SESSION_KEY));
    if (!text) return null;
    const { keyFromText, fits } = await tools();
    const key = await keyFromText(text).catch(() => null);
    return key && (await fits(lock, key)) ? key : null;
  }

  /** @param {CryptoKey|null} key */
  async #keep(key) {
    this.#key = key;
    const text = key && (await (await tools()).keyToText(key));
    attempt(() => (text ? this.#session?.setItem(SESSION_KEY, text) : this.#session?.removeItem(SESSION_KEY)));
  }

  async #ready() {
    await this.#refresh();
    if (this.locked) throw new Error("locked");
  }

  /** A record's content: itself when plain, else opened (undefined when it cannot be). @param {Record<string, unknown>} record */
  async #open(record) {
    if (!Object.hasOwn(record, "sealed")) return record;
    const key = this.#key;
    if (!key || !isSealed(record.sealed)) return undefined;
    return (await tools()).unseal(key, record.sealed).catch(() => undefined);
  }

  /** @param {unknown} record @returns {Promise<Entry|null>} */
  async #entry(record) {
    if (!isPlain(record)) return null;
    const entry = await this.#open(record);
    return isEntry(entry) && entry.id === record.id ? entry : null; // a sealed entry moved to another id: refused
  }

  /** @param {unknown} record @returns {Promise<[string, unknown]|null>} */
  async #setting(record) {
    if (!isPlain(record) || !isId(record.key)) return null;
    const value = Object.hasOwn(record, "sealed") ? await this.#open(record) : record.value;
    return value !== undefined && isSetting(record.key, value) ? [record.key, value] : null;
  }

  /** @param {Entry} entry */
  async #entryRecord(entry) {
    return this.#key ? { id: entry.id, sealed: await (await tools()).seal(this.#key, entry) } : entry;
  }

  /** @param {string} key @param {unknown} value */
  async #settingRecord(key, value) {
    return this.#key ? { key, sealed: await (await tools()).seal(this.#key, value) } : { key, value };
  }

  async #allEntries() {
    return (await Promise.all((await getAll("entries")).map((r) => this.#entry(r)))).filter((e) => e !== null);
  }

  async #allSettings() {
    return (await Promise.all((await getAll("settings")).map((r) => this.#setting(r)))).filter((s) => s !== null);
  }

  /**
   * Every entry and setting read with this tab's key and written anew with `key` (null: in the
   * clear), with the lock, in one transaction; what could not be read is dropped, not left in the clear.
   * @param {Lock|null} lock @param {CryptoKey|null} key
   */
  async #rewrite(lock, key) {
    const entries = await this.#allEntries();
    const settings = await this.#allSettings();
    const old = this.#key;
    this.#key = key;
    try {
      await update({
        entries: { clear: true, put: await Promise.all(entries.map((entry) => this.#entryRecord(entry))) },
        settings: { clear: true, put: await Promise.all(settings.map(([k, value]) => this.#settingRecord(k, value))) },
        meta: lock ? { put: [lock] } : { remove: [LOCK] },
      });
    } catch (error) {
      this.#key = old;
      throw error;
    }
    this.#lock = lock;
    await this.#keep(key);
  }

  /** @param {string} passcode @returns {Promise<boolean>}  false: not the passcode */
  async unlock(passcode) {
    await this.#refresh();
    if (!this.#lock) return true;
    const key = await (await tools()).unlock(this.#lock, passcode);
    if (key) await this.#keep(key);
    return key !== null;
  }

  /** Forgets the key in this tab: the passcode is asked again. */
  lock() {
    this.#key = null;
    attempt(() => this.#session?.removeItem(SESSION_KEY));
  }

  /** Sets or changes the passcode: everything is sealed with the new key. @param {string} passcode */
  async setPasscode(passcode) {
    if (!passcode) throw new Error("empty passcode");
    await this.#ready();
    const { lock, key } = await (await tools()).newLock(passcode, this.#iterations);
    await this.#rewrite(lock, key);
  }

  /** Everything is written in the clear again. */
  async removePasscode() {
    await this.#ready();
    if (this.#lock) await this.#rewrite(null, null);
  }

  /** @param {string} [form]  only this form's @returns {Promise<Entry[]>}  newest day first */
  async entries(form) {
    await this.#ready();
    return (await this.#allEntries()).filter((entry) => form === undefined || entry.form === form).sort(newestFirst);
  }

  /** @param {string} id @returns {Promise<Entry|null>} */
  async entry(id) {
    await this.#ready();
    return isId(id) ? this.#entry(await get("entries", id)) : null;
  }

  /** Refuses what could not be read back: a page's mistake is never stored. @param {Entry} entry */
  async save(entry) {
    if (!isEntry(entry)) throw new Error("not an entry");
    await this.#ready();
    await put("entries", await this.#entryRecord(entry));
  }

  /** @param {string} id */
  async remove(id) {
    await this.#ready();
    if (isId(id)) await remove("entries", id);
  }

  /** @param {string} key @returns {Promise<any>}  undefined when not set; a known setting checked (check.js) */
  async setting(key) {
    await this.#ready();
    return isId(key) ? (await this.#setting(await get("settings", key)))?.[1] : undefined;
  }

  /** @param {string} key @param {unknown} value  anything JSON can hold */
  async setSetting(key, value) {
    if (!isSetting(key, value)) throw new Error(`not a setting: ${key}`);
    await this.#ready();
    await put("settings", await this.#settingRecord(key, value));
  }

  /** @returns {Promise<Record<string, any>>}  the known settings checked (check.js) */
  async settings() {
    await this.#ready();
    return Object.fromEntries(await this.#allSettings());
  }

  /** The database, this tab's key and every "skillbook-" key of localStorage. */
  async deleteEverything() {
    await deleteDatabase();
    this.#lock = null;
    this.lock();
    const local = this.#local;
    const keys = attempt(() => Array.from({ length: local?.length ?? 0 }, (_, i) => local?.key(i))) ?? [];
    for (const key of keys) if (key?.startsWith("skillbook-")) attempt(() => local?.removeItem(key));
  }
}
