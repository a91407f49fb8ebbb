// A passcode, a key or a value in, a key or sealed data out: Web Crypto's PBKDF2 and AES-GCM, nothing else.

/**
 * @typedef {{iv: string, data: string}} Sealed  base64 of a 12-byte IV and of AES-GCM's output
 * @typedef {{key: "passcode", salt: string, iterations: number, check: Sealed}} Lock  the `meta` record
 */

// OWASP's Password Storage Cheat Sheet (2023) figure for PBKDF2-HMAC-SHA256
export const ITERATIONS = 600_000;
// a known value sealed with the key: it opens only with the right key, so a wrong passcode is told apart
const CHECK = "skillbook-companion";
const subtle = () => globalThis.crypto.subtle;

/** @param {Uint8Array} bytes */
export function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** @param {string} text  throws on anything but base64 */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** @param {number} length */
const random = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));

/**
 * Extractable, so that a tab can keep it (in sessionStorage) until the tab is closed.
 * @param {string} passcode
 * @param {Uint8Array<ArrayBuffer>} salt
 * @param {number} iterations
 */
async function derive(passcode, salt, iterations) {
  // NFC: the same passcode typed on two keyboards can arrive composed or decomposed
  const material = await subtle().importKey("raw", new TextEncoder().encode(passcode.normalize("NFC")),
    "PBKDF2", false, ["deriveKey"]);
  return subtle().deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material,
    { name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
}

/**
 * @param {string} passcode
 * @param {number} [iterations]
 * @returns {Promise<{lock: Lock, key: CryptoKey}>}
 */
export async function newLock(passcode, iterations = ITERATIONS) {
  const salt = random(16);
  const key = await derive(passcode, salt, iterations);
  return { lock: { key: "passcode", salt: toBase64(salt), iterations, check: await seal(key, CHECK) }, key };
}

/**
 * Whether the key is the lock's.
 * @param {Lock} lock
 * @param {CryptoKey} key
 */
export async function fits(lock, key) {
  try {
    return (await unseal(key, lock.check)) === CHECK;
  } catch {
    return false;
  }
}

/**
 * @param {Lock} lock
 * @param {string} passcode
 * @returns {Promise<CryptoKey|null>}  null: not the passcode
 */
export async function unlock(lock, passcode) {
  const key = await derive(passcode, fromBase64(lock.salt), lock.iterations);
  return (await fits(lock, key)) ? key : null;
}

/**
 * A fresh IV every time: AES-GCM must never see the same IV twice with one key.
 * @param {CryptoKey} key
 * @param {unknown} value  anything JSON can hold
 * @returns {Promise<Sealed>}
 */
export async function seal(key, value) {
  const iv = random(12);
  const data = await subtle().encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(JSON.stringify(value)));
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

/**
 * Throws when the key is not the one it was sealed with, or the data was changed.
 * @param {CryptoKey} key
 * @param {Sealed} sealed
 * @returns {Promise<unknown>}
 */
export async function unseal(key, sealed) {
  const data = await subtle().decrypt({ name: "AES-GCM", iv: fromBase64(sealed.iv) }, key, fromBase64(sealed.data));
  return JSON.parse(new TextDecoder().decode(data));
}

/** @param {CryptoKey} key */
export async function keyToText(key) {
  return toBase64(new Uint8Array(await subtle().exportKey("raw", key)));
}

/**
 * Throws on text that is not a 256-bit key.
 * @param {string} text
 */
export async function keyFromText(text) {
  const raw = fromBase64(text);
  if (raw.length !== 32) throw new Error("not a key");
  return subtle().importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
}
