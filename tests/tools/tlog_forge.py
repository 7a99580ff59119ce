#!/usr/bin/env python3
"""tests/tools/tlog_forge.py - a toy log for the witness tests: signed
checkpoints (c2sp.org/signed-note, Ed25519 0x01) of a log whose leaf i is
"<label> i" (a label "NAME@K" is the log "leaf" up to K leaves, then NAME:
a branch that forks off after K), RFC 9162 consistency proofs, tlog-witness add-checkpoint bodies,
and the check of a cosignature (c2sp.org/tlog-cosignature, 0x04).

  tlog_forge.py vkey SEEDHEX ORIGIN
  tlog_forge.py body SEEDHEX ORIGIN LABEL OLD SIZE      (the body on stdout)
  tlog_forge.py cosig VKEY SEEDHEX ORIGIN LABEL SIZE   (response on stdin)
"""
import base64, hashlib, struct, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

def b64(b): return base64.b64encode(b).decode()
def key_id(name, typ, pub): return hashlib.sha256(name.encode() + b"\n" + bytes([typ]) + pub).digest()[:4]
def leaf(label, i):
    name, _, k = label.partition("@")
    if k and i < int(k): name = "leaf"
    return hashlib.sha256(b"\x00" + f"{name} {i}".encode()).digest()
def node(a, b): return hashlib.sha256(b"\x01" + a + b).digest()

def mth(h):
    if len(h) == 1: return h[0]
    k = 1
    while k * 2 < len(h): k *= 2
    return node(mth(h[:k]), mth(h[k:]))

def subproof(m, h, whole):
    n = len(h)
    if m == n: return [] if whole else [mth(h)]
    k = 1
    while k * 2 < n: k *= 2
    if m <= k: return subproof(m, h[:k], whole) + [mth(h[k:])]
    return subproof(m - k, h[k:], False) + [mth(h[:k])]

def keys(seed_hex):
    sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    return sk, sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)  # Debian 12's cryptography 38 has no public_bytes_raw

def checkpoint(seed_hex, origin, label, size):
    sk, pub = keys(seed_hex)
    h = [leaf(label, i) for i in range(size)]
    text = f"{origin}\n{size}\n{b64(mth(h))}\n"
    sig = key_id(origin, 1, pub) + sk.sign(text.encode())
    return text, text + "\n" + f"\u2014 {origin} {b64(sig)}\n", h

def main(a):
    if a[0] == "vkey":
        _, pub = keys(a[1])
        print(f"{a[2]}+{key_id(a[2], 1, pub).hex()}+{b64(bytes([1]) + pub)}")
    elif a[0] == "body":
        old, size = int(a[4]), int(a[5])
        _, note, h = checkpoint(a[1], a[2], a[3], size)
        proof = subproof(old, h, True) if 0 < old < size else []
        sys.stdout.write(f"old {old}\n" + "".join(b64(p) + "\n" for p in proof) + "\n" + note)
    elif a[0] == "cosig":
        name, kid, key = a[1].split("+", 2)
        raw = base64.b64decode(key)
        assert raw[0] == 4, "not a cosignature key"
        text, _, _ = checkpoint(a[2], a[3], a[4], int(a[5]))
        lines = sys.stdin.read().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"\u2014 {name} "), lines
        sig = base64.b64decode(lines[0].split(" ")[2])
        assert sig[:4].hex() == kid == key_id(name, 4, raw[1:]).hex()
        t = struct.unpack(">Q", sig[4:12])[0]
        msg = f"cosignature/v1\ntime {t}\n{text}".encode()
        Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[12:], msg)
    return 0

sys.exit(main(sys.argv[1:]))
