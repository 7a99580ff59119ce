// The reference Umbral implementation (@nucypher/umbral-pre 0.10.0, rust-umbral
// compiled to WASM) as a live peer for capsa's interop test.
//
//   node reference.js produce OUT   fresh keys and objects from the reference, in the
//                                   umbral-interop-vectors/v1 format, every random draw recorded
//   node reference.js check FILE    the reference consumes a vectors file (e.g. capsa's
//                                   `umbral-vectors emit`): verifies, re-encrypts, decrypts,
//                                   and refuses the negative cases; prints "N passed, N failed"
//
// The package is found through UMBRAL_PRE_DIR (a directory holding node_modules).
'use strict';
const fs = require('fs');
const path = require('path');
const nodeCrypto = require('crypto');

// Record every draw the WASM makes, whichever source it picks: Web Crypto where the global
// object has it (Node.js 19 and later), else node:crypto's randomFillSync (Node.js 18).
let draws = null;
function recorded(fill) {
  return function (buf) {
    const out = fill(buf);
    if (draws !== null) draws.push(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('hex'));
    return out;
  };
}
const web = globalThis.crypto || nodeCrypto.webcrypto; // Node.js 18 has no globalThis.crypto
web.getRandomValues = recorded(web.getRandomValues.bind(web));
nodeCrypto.randomFillSync = recorded(nodeCrypto.randomFillSync.bind(nodeCrypto));

const umbral = require(path.join(process.env.UMBRAL_PRE_DIR || '.', 'node_modules', '@nucypher', 'umbral-pre'));

const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'));
function recording(fn) {
  draws = [];
  const result = fn();
  const got = draws;
  draws = null;
  return [result, got];
}

function produceCase(name, t, n, ptLen, signD, signR) {
  const dsk = umbral.SecretKey.random(), rsk = umbral.SecretKey.random(), ssk = umbral.SecretKey.random();
  const signer = new umbral.Signer(ssk);
  const plaintext = new Uint8Array(nodeCrypto.randomBytes(ptLen));
  const [[capsule, ciphertext], encDraws] = recording(() => umbral.encrypt(dsk.publicKey(), plaintext));
  const [kfrags, genDraws] = recording(() =>
    umbral.generateKFrags(dsk, rsk.publicKey(), signer, t, n, signD, signR));
  const cfrags = [], reDraws = [];
  for (const k of kfrags) {
    const [c, d] = recording(() => umbral.reencrypt(capsule, k));
    cfrags.push(c);
    reDraws.push(d);
  }
  const decryptWith = [...Array(t).keys()].map((i) => n - 1 - i);
  return {
    name, threshold: t, shares: n, sign_delegating_key: signD, sign_receiving_key: signR,
    delegating_sk: hex(dsk.toBEBytes()), delegating_pk: hex(dsk.publicKey().toCompressedBytes()),
    receiving_sk: hex(rsk.toBEBytes()), receiving_pk: hex(rsk.publicKey().toCompressedBytes()),
    signer_sk: hex(ssk.toBEBytes()), verifying_pk: hex(signer.verifyingKey().toCompressedBytes()),
    plaintext: hex(plaintext), capsule: hex(capsule.toBytes()), capsule_simple: hex(capsule.toBytesSimple()),
    ciphertext: hex(ciphertext), kfrags: kfrags.map((k) => hex(k.toBytes())),
    cfrags: cfrags.map((c) => hex(c.toBytes())), cfrags_simple: cfrags.map((c) => hex(c.toBytesSimple())),
    decrypt_with: decryptWith, expected_plaintext: hex(plaintext),
    rng_draws: { encrypt: encDraws, generate_kfrags: genDraws, reencrypt: reDraws },
  };
}

function produce(out) {
  const shapes = [['ref-1of1', 1, 1, 0, false, false], ['ref-2of3', 2, 3, 29, true, true],
    ['ref-3of5-d', 3, 5, 1000, true, false], ['ref-4of7-r', 4, 7, 64, false, true]];
  const sigs = [];
  for (const msg of ['capsa', '']) {
    const sk = umbral.SecretKey.random(), signer = new umbral.Signer(sk);
    const m = new TextEncoder().encode(msg);
    const [sig, d] = recording(() => signer.sign(m));
    sigs.push({ signer_sk: hex(sk.toBEBytes()), verifying_pk: hex(signer.verifyingKey().toCompressedBytes()),
      message: hex(m), signature_be: hex(sig.toBEBytes()), signature_der: hex(sig.toDerBytes()), rng_draws: d });
  }
  const skf = [];
  for (const label of ['', 'capsa']) {
    const seed = new Uint8Array(nodeCrypto.randomBytes(32)), l = new TextEncoder().encode(label);
    const f = umbral.SecretKeyFactory.fromSecureRandomness(seed);
    skf.push({ seed: hex(seed), label: hex(l), make_key_sk: hex(f.makeKey(l).toBEBytes()),
      make_key_pk: hex(f.makeKey(l).publicKey().toCompressedBytes()), make_secret: hex(f.makeSecret(l)),
      make_factory_then_make_key_child_sk: hex(f.makeFactory(l).makeKey(new TextEncoder().encode('child')).toBEBytes()) });
  }
  const doc = {
    format: 'umbral-interop-vectors/v1',
    generator: { tool: 'tests/interop/reference.js produce', library: '@nucypher/umbral-pre', node: process.version },
    encoding: 'lowercase hex; toBytes() forms', rng: { mode: 'recorded', note: 'every draw of the WASM, in order' },
    cases: shapes.map((s) => produceCase(...s)), negative_cases: [], secret_key_factory: skf, signatures: sigs,
  };
  fs.writeFileSync(out, JSON.stringify(doc, null, 1));
}

// ---- check: the reference consumes someone else's file ----

let passed = 0, failed = 0;
function expect(ok, where, what) {
  if (ok) passed++;
  else { failed++; console.error(`FAIL ${where}: ${what}`); }
}
function attempt(where, what, fn) {
  try { return fn(); } catch (e) { expect(false, where, `${what}: ${e}`); return undefined; }
}
const same = (a, b) => a !== undefined && b !== undefined && hex(a) === hex(b);
const pk = (s) => umbral.PublicKey.fromCompressedBytes(unhex(s));
const sk = (s) => umbral.SecretKey.fromBEBytes(unhex(s));

function checkCase(c) {
  const w = c.name, dpk = pk(c.delegating_pk), rpk = pk(c.receiving_pk), vpk = pk(c.verifying_pk);
  const pt = c.expected_plaintext;
  const capsule = attempt(w, 'capsule parses', () => umbral.Capsule.fromBytes(unhex(c.capsule)));
  if (capsule === undefined) return;
  expect(same(capsule.toBytes(), unhex(c.capsule)), w, 'capsule re-serializes identically');
  expect(same(capsule.toBytesSimple(), unhex(c.capsule_simple)), w, 'capsule simple form');
  expect(same(attempt(w, 'decryptOriginal', () => umbral.decryptOriginal(sk(c.delegating_sk), capsule, unhex(c.ciphertext))),
    unhex(pt)), w, 'decryptOriginal');
  const own = [], theirs = [];
  c.kfrags.forEach((k, i) => {
    const kfrag = attempt(w, `kfrag ${i} parses`, () => umbral.KeyFrag.fromBytes(unhex(k)));
    if (kfrag === undefined) return;
    expect(same(kfrag.toBytes(), unhex(k)), w, `kfrag ${i} re-serializes identically`);
    const vk = attempt(w, `kfrag ${i} verifies`, () => kfrag.verify(vpk, c.sign_delegating_key ? dpk : null,
      c.sign_receiving_key ? rpk : null));
    if (vk === undefined) return;
    expect(true, w, `kfrag ${i} verifies`);
    own[i] = attempt(w, `reference re-encrypts kfrag ${i}`, () => umbral.reencrypt(capsule, vk));
    const cf = attempt(w, `cfrag ${i} parses`, () => umbral.CapsuleFrag.fromBytes(unhex(c.cfrags[i])));
    if (cf === undefined) return;
    expect(same(cf.toBytes(), unhex(c.cfrags[i])), w, `cfrag ${i} re-serializes identically`);
    expect(same(cf.toBytesSimple(), unhex(c.cfrags_simple[i])), w, `cfrag ${i} simple form`);
    theirs[i] = attempt(w, `cfrag ${i} verifies`, () => cf.verify(capsule, vpk, dpk, rpk));
    if (theirs[i] !== undefined) expect(true, w, `cfrag ${i} verifies`);
  });
  const pick = (arr) => c.decrypt_with.map((i) => arr[i]);
  for (const [label, set] of [['their cfrags', pick(theirs)], ['reference cfrags of their kfrags', pick(own)]]) {
    if (set.some((x) => x === undefined)) { expect(false, w, `${label}: missing`); continue; }
    expect(same(attempt(w, `decryptReencrypted with ${label}`, () =>
      umbral.decryptReencrypted(sk(c.receiving_sk), dpk, capsule, set, unhex(c.ciphertext))), unhex(pt)), w,
    `decryptReencrypted with ${label}`);
  }
}

function runNegative(n) {
  switch (n.kind) {
    case 'capsule_from_bytes': return umbral.Capsule.fromBytes(unhex(n.capsule));
    case 'kfrag_verify': return umbral.KeyFrag.fromBytes(unhex(n.kfrag)).verify(pk(n.verifying_pk),
      n.delegating_pk ? pk(n.delegating_pk) : null, n.receiving_pk ? pk(n.receiving_pk) : null);
    case 'cfrag_verify': return umbral.CapsuleFrag.fromBytes(unhex(n.cfrag)).verify(
      umbral.Capsule.fromBytes(unhex(n.capsule)), pk(n.verifying_pk), pk(n.delegating_pk), pk(n.receiving_pk));
    case 'decrypt_reencrypted': return umbral.decryptReencrypted(sk(n.receiving_sk), pk(n.delegating_pk),
      umbral.Capsule.fromBytes(unhex(n.capsule)),
      n.cfrags.map((c) => umbral.CapsuleFrag.fromBytes(unhex(c)).skipVerification()), unhex(n.ciphertext));
    case 'decrypt_original': return umbral.decryptOriginal(sk(n.delegating_sk),
      umbral.Capsule.fromBytes(unhex(n.capsule)), unhex(n.ciphertext));
    default: throw new Error(`unknown kind ${n.kind}`);
  }
}

function check(file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(doc.format === 'umbral-interop-vectors/v1', 'file', 'format');
  for (const c of doc.cases || []) checkCase(c);
  for (const n of doc.negative_cases || []) {
    let err = null;
    try { runNegative(n); } catch (e) { err = String(e.message || e); }
    expect(err !== null && err.includes(n.expected_error), n.name, `refused with "${n.expected_error}" (got ${err})`);
  }
  for (const s of doc.signatures || []) {
    const sig = umbral.Signature.fromBEBytes(unhex(s.signature_be));
    expect(sig.verify(pk(s.verifying_pk), unhex(s.message)), 'signatures', 'signature verifies');
  }
  for (const f of doc.secret_key_factory || []) {
    const skf = umbral.SecretKeyFactory.fromSecureRandomness(unhex(f.seed));
    expect(hex(skf.makeKey(unhex(f.label)).toBEBytes()) === f.make_key_sk, 'secret_key_factory', 'makeKey');
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

const [cmd, arg] = process.argv.slice(2);
if (cmd === 'produce' && arg) produce(arg);
else if (cmd === 'check' && arg) check(arg);
else { console.error('usage: node reference.js produce OUT | check FILE'); process.exit(2); }
