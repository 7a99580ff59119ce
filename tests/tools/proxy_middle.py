#!/usr/bin/env python3
"""A man in the middle of one capsa proxy or keeper, for tests, on 127.0.0.1.

   proxy_middle.py UPSTREAM_URL PORT_FILE MODE [RECORD_DIR]

It forwards every request to UPSTREAM_URL and, by MODE:
  forge   flips a byte of every cfrag in a /v1/reencrypt answer (a cheating proxy)
  record  saves each request body to RECORD_DIR/<n>.json (to replay it later)
  tamper  flips a byte in the middle of the evidence of every /v1/attestation answer
  stale   answers every /v1/attestation with the first evidence it saw (an old nonce)
It listens on a free port and writes it to PORT_FILE.
"""
import base64
import http.server
import json
import os
import sys
import urllib.error
import urllib.request

upstream, port_file, mode = sys.argv[1], sys.argv[2], sys.argv[3]
record_dir = sys.argv[4] if len(sys.argv) > 4 else None
count = 0
first_attestation = None


def forge(body):
    answer = json.loads(body)
    for item in answer.get("items", []):
        cfrag = bytearray(base64.b64decode(item["cfrag"]))
        cfrag[-1] ^= 1  # the last byte of the cfrag's proof
        item["cfrag"] = base64.b64encode(bytes(cfrag)).decode()
    return json.dumps(answer).encode()


def tamper(body):
    answer = json.loads(body)
    evidence = bytearray(base64.b64decode(answer["evidence"]))
    evidence[len(evidence) // 2] ^= 1
    answer["evidence"] = base64.b64encode(bytes(evidence)).decode()
    return json.dumps(answer).encode()


def attestation(body):
    global first_attestation
    if mode == "tamper":
        return tamper(body)
    if first_attestation is None:
        first_attestation = body
    return first_attestation


class Middle(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def relay(self, method):
        global count
        data = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        if mode == "record" and method == "POST":
            count += 1
            with open(os.path.join(record_dir, f"{count}.json"), "wb") as f:
                f.write(data)
        req = urllib.request.Request(upstream + self.path, data=data if method == "POST" else None, method=method)
        if "Content-Type" in self.headers:
            req.add_header("Content-Type", self.headers["Content-Type"])
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, ctype, body = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, body = e.code, e.headers.get("Content-Type", ""), e.read()
        if mode == "forge" and self.path == "/v1/reencrypt" and status == 200:
            body = forge(body)
        if mode in ("tamper", "stale") and self.path.startswith("/v1/attestation") and status == 200:
            body = attestation(body)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.relay("GET")

    def do_POST(self):
        self.relay("POST")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Middle)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
