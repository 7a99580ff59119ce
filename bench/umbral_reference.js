// Times the reference Umbral (@nucypher/umbral-pre 0.10.0 under Node) on the
// same operations as bench/umbral_bench.c; prints {"ops": {"name": µs, …}}.
// The package is found through UMBRAL_PRE_DIR (a directory holding node_modules).
'use strict';
const path = require('path');
const u = require(path.join(process.env.UMBRAL_PRE_DIR || '.', 'node_modules', '@nucypher', 'umbral-pre'));

function timeOp(fn, iters) {
  fn();
  let best = Infinity;
  for (let b = 0; b < 5; b++) {
    // CPU time (user + system), as for capsa: the machine is shared
    const t0 = process.cpuUsage();
    for (let i = 0; i < iters; i++) fn();
    const d = process.cpuUsage(t0);
    const us = (d.user + d.system) / iters;
    if (us < best) best = us;
  }
  return best;
}

const a = u.SecretKey.random(), b = u.SecretKey.random(), s = u.SecretKey.random();
const signer = new u.Signer(s), pa = a.publicKey(), pb = b.publicKey(), ps = signer.verifyingKey();
const pt = new Uint8Array(32).fill(0x42);
const [capsule, ct] = u.encrypt(pa, pt);
const k3 = u.generateKFrags(a, pb, signer, 2, 3, true, true);
const k20 = u.generateKFrags(a, pb, signer, 10, 20, true, true);
const c3 = k3.map((k) => u.reencrypt(capsule, k));
const c20 = k20.map((k) => u.reencrypt(capsule, k));

const ops = {
  encrypt: [() => u.encrypt(pa, pt), 50],
  decrypt_original: [() => u.decryptOriginal(a, capsule, ct), 50],
  generate_kfrags_2of3: [() => u.generateKFrags(a, pb, signer, 2, 3, true, true), 10],
  generate_kfrags_10of20: [() => u.generateKFrags(a, pb, signer, 10, 20, true, true), 3],
  // verify() consumes its object in the WASM binding: clone first (the clone costs a parse; see doc/PERFORMANCE.md)
  kfrag_verify: [() => u.KeyFrag.fromBytes(k3[0].toBytes()).verify(ps, pa, pb), 50],
  reencrypt: [() => u.reencrypt(capsule, k3[0]), 30],
  cfrag_verify: [() => u.CapsuleFrag.fromBytes(c3[0].toBytes()).verify(capsule, ps, pa, pb), 20],
  decrypt_reencrypted_2: [() => u.decryptReencrypted(b, pa, capsule, c3.slice(0, 2), ct), 20],
  decrypt_reencrypted_10: [() => u.decryptReencrypted(b, pa, capsule, c20.slice(0, 10), ct), 5],
};
const out = {};
for (const [name, [fn, iters]] of Object.entries(ops)) out[name] = Number(timeOp(fn, iters).toFixed(2));
console.log(JSON.stringify({ ops: out }));
