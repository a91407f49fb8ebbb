import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ITERATIONS, keyFromText, keyToText, newLock, seal, unlock, unseal,
} from "../../src/skillbook/site/theme/skillbook/static/companion/crypto.js";

const FEW = 1_000; // PBKDF2 iterations for tests; the pages use ITERATIONS

test("the default is OWASP's 600,000 iterations of PBKDF2-SHA-256", () => {
  assert.equal(ITERATIONS, 600_000);
});

test("the right passcode opens the lock, a wrong one gives null", async () => {
  const { lock, key } = await newLock("blue river 7", FEW);
  assert.equal(lock.key, "passcode");
  assert.equal(lock.iterations, FEW);
  assert.equal(atob(lock.salt).length, 16);
  const again = await unlock(lock, "blue river 7");
  assert.ok(again);
  assert.equal(await keyToText(again), await keyToText(key));
  assert.equal(await unlock(lock, "blue river 8"), null);
  assert.equal(await unlock(lock, ""), null);
});

test("a passcode typed composed or decomposed is the same passcode", async () => {
  const { lock } = await newLock("caf\u00e9", FEW);
  assert.ok(await unlock(lock, "cafe\u0301"));
});

test("seal and unseal: a fresh IV each time, nothing readable, tampering detected", async () => {
  const { key } = await newLock("x", FEW);
  const value = { answer: "a secret answer", n: [1, 2] };
  const one = await seal(key, value);
  const two = await seal(key, value);
  assert.equal(atob(one.iv).length, 12);
  assert.notEqual(one.iv, two.iv);
  assert.notEqual(one.data, two.data);
  assert.ok(!atob(one.data).includes("secret"));
  assert.deepEqual(await unseal(key, one), value);
  const other = (await newLock("y", FEW)).key;
  await assert.rejects(unseal(other, one));
  const bytes = Uint8Array.from(atob(one.data), (c) => c.charCodeAt(0));
  bytes[0] ^= 1;
  await assert.rejects(unseal(key, { iv: one.iv, data: btoa(String.fromCharCode(...bytes)) }));
});

test("a key as text and back (a tab keeps it in sessionStorage)", async () => {
  const { key } = await newLock("x", FEW);
  const text = await keyToText(key);
  assert.equal(atob(text).length, 32);
  const back = await keyFromText(text);
  assert.deepEqual(await unseal(back, await seal(key, "hello")), "hello");
  await assert.rejects(keyFromText(btoa("short")));
  await assert.rejects(keyFromText("not base64 at all!"));
});
