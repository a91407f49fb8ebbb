// Entries and settings in, a backup file's data out; a backup file's text in, its checked data or
// why it was refused out; and what restoring it would add, leave or put in conflict.
import { isEntry, isList, isPlain, isSetting, isStamp, isVersion } from "./check.js";

/** @typedef {import("./types.js").Entry} Entry */
/**
 * @typedef {{coach?: import("./types.js").Coach, assignment?: import("./types.js").Assignment, region?: string}} BackupSettings
 * @typedef {object} Backup
 * @property {string} format
 * @property {string} format_version
 * @property {string} created  ISO 8601 date-time
 * @property {string} handbook  the bundle's name
 * @property {Entry[]} entries
 * @property {BackupSettings} settings
 */

export const BACKUP_FORMAT = "skillbook-companion-backup";
export const BACKUP_VERSION = "1.0.0";
const MAX_TEXT = 5 * 1024 * 1024;
const MAX_ENTRIES = 20_000; // years of daily cards; the text size bounds it first
const SETTINGS = ["coach", "assignment", "region"];
const KEYS = ["format", "format_version", "created", "handbook", "entries", "settings"];

/**
 * @param {Entry[]} entries
 * @param {Record<string, unknown>} settings  the store's; only coach, assignment and region go in
 * @param {{handbook: string, created: Date}} about  the bundle's name; now
 * @returns {Backup}
 */
export function makeBackup(entries, settings, { handbook, created }) {
  const kept = Object.fromEntries(SETTINGS.filter((key) => Object.hasOwn(settings, key)).map((key) => [key, settings[key]]));
  return {
    format: BACKUP_FORMAT,
    format_version: BACKUP_VERSION,
    created: created.toISOString(),
    handbook,
    entries: [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), // stable output
    settings: kept,
  };
}

/**
 * @param {unknown} settings
 * @returns {settings is BackupSettings}
 */
function isBackupSettings(settings) {
  return isPlain(settings)
    && Object.keys(settings).every((key) => SETTINGS.includes(key) && isSetting(key, settings[key]));
}

/**
 * The whole file or nothing: one damaged entry refuses it, so a restore never half-happens.
 * @param {unknown} text
 * @param {{handbook: string}} expected
 * @returns {{ok: true, backup: Backup} | {ok: false, problem: string}}
 */
export function readBackup(text, { handbook }) {
  if (typeof text !== "string") return { ok: false, problem: "backup.not_json" };
  if (text.length > MAX_TEXT) return { ok: false, problem: "backup.too_big" };
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: "backup.not_json" };
  }
  if (!isPlain(data) || data.format !== BACKUP_FORMAT) return { ok: false, problem: "backup.not_backup" };
  if (!isVersion(data.format_version)) return { ok: false, problem: "backup.damaged" };
  if (Number(data.format_version.split(".")[0]) > 1) return { ok: false, problem: "backup.newer" };
  if (data.handbook !== handbook) return { ok: false, problem: "backup.other_handbook" };
  const { created, entries, settings } = data;
  const whole = KEYS.every((key) => Object.hasOwn(data, key)) && Object.keys(data).every((key) => KEYS.includes(key))
    && isStamp(created) && isList(entries, isEntry, MAX_ENTRIES) && isBackupSettings(settings)
    && new Set(entries.map((entry) => /** @type {Entry} */ (entry).id)).size === entries.length;
  if (!whole) return { ok: false, problem: "backup.damaged" };
  return {
    ok: true,
    backup: {
      format: BACKUP_FORMAT, format_version: data.format_version, created, handbook,
      entries: /** @type {Entry[]} */ (entries), settings,
    },
  };
}

/**
 * Same data, whatever the order of keys.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
function same(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = /** @type {Record<string, unknown>} */ (a);
  const y = /** @type {Record<string, unknown>} */ (b);
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((key) => Object.hasOwn(y, key) && same(x[key], y[key]));
}

/**
 * @param {Entry[]} existing  on this device
 * @param {Entry[]} incoming  in the backup
 * @returns {{added: Entry[], same: Entry[], conflicts: {mine: Entry, theirs: Entry}[]}}
 */
export function planRestore(existing, incoming) {
  const mine = new Map(existing.map((entry) => [entry.id, entry]));
  /** @type {{added: Entry[], same: Entry[], conflicts: {mine: Entry, theirs: Entry}[]}} */
  const plan = { added: [], same: [], conflicts: [] };
  for (const theirs of incoming) {
    const found = mine.get(theirs.id);
    if (!found) plan.added.push(theirs);
    else if (same(found, theirs)) plan.same.push(theirs);
    else plan.conflicts.push({ mine: found, theirs });
  }
  return plan;
}
