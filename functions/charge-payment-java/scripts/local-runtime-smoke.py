#!/usr/bin/env python3
"""Smoke test of target/charge-payment-java-local.jar under the real Runtime Interface Client.

One server on 127.0.0.1 plays both the Lambda Runtime API (what the local cloud will serve) and a
scripted DynamoDB endpoint (reached through AWS_ENDPOINT_URL). It feeds three tasks and checks
what the RIC posts back: a result in the contract's shape, and errorType exactly
"PaymentDeclined" / "PaymentProviderUnavailable" (what the workflow's ErrorEquals matches).

    mvn -B -q -Dmaven.repo.local=../../.m2/repository package -DskipTests
    python3 scripts/local-runtime-smoke.py [path/to/java]
"""
import json
import os
import queue
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(HERE, "..", "target", "charge-payment-java-local.jar")
TASKS = [
    ("ok", {"orderId": "o-ok", "userId": "u", "amount": 42.5}),
    ("declined", {"orderId": "o-dec", "userId": "u", "amount": "10.13"}),
    ("unavailable", {"orderId": "o-un", "userId": "u", "amount": 20.66}),
]
pending = queue.Queue()
for t in TASKS:
    pending.put(t)
answers = {}
done = threading.Event()
ddb_calls = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/2018-06-01/runtime/invocation/next":
            req_id, payload = pending.get()  # blocks after the last task, as Lambda does
            self.reply(200, payload, {
                "Lambda-Runtime-Aws-Request-Id": req_id,
                "Lambda-Runtime-Deadline-Ms": "99999999999999",
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:000000000000:function:charge-java",
                "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
            })
        else:
            self.reply(404, {})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)) or 0)
        parts = self.path.strip("/").split("/")
        if self.path.startswith("/2018-06-01/runtime/invocation/"):
            answers[parts[3]] = (parts[4], json.loads(body or b"null"), dict(self.headers))
            self.reply(202, {})
            if len(answers) == len(TASKS):
                done.set()
        elif self.path.startswith("/2018-06-01/runtime/init/error"):
            answers["init"] = ("init-error", json.loads(body or b"null"), dict(self.headers))
            done.set()
            self.reply(202, {})
        else:  # DynamoDB JSON 1.0
            target = self.headers.get("X-Amz-Target", "")
            ddb_calls.append((target, json.loads(body)))
            self.reply(200, {}, {"Content-Type": "application/x-amz-json-1.0"})


def main():
    java = sys.argv[1] if len(sys.argv) > 1 else "java"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{port}",
               AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
               AWS_REGION="us-east-1", AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               PAYMENTS_TABLE="smoke-payments", AWS_LAMBDA_FUNCTION_NAME="charge-java")
    proc = subprocess.Popen([java, "-jar", JAR, "ChargePaymentHandler::handleRequest"], env=env)
    try:
        ok = done.wait(60)
    finally:
        proc.kill()
        proc.wait()
        server.shutdown()
    if not ok:
        sys.exit("timed out waiting for the runtime's answers: %r" % answers)
    failures = []
    kind, body, _ = answers.get("ok", (None, None, None))
    if kind != "response" or body.get("status") != "CHARGED" or body.get("amount") != "42.50" \
            or body.get("replayed") is not False or body.get("orderId") != "o-ok" or not body.get("paymentId"):
        failures.append(("ok", kind, body))
    for name, error_type in (("declined", "PaymentDeclined"), ("unavailable", "PaymentProviderUnavailable")):
        kind, body, headers = answers.get(name, (None, {}, {}))
        if kind != "error" or body.get("errorType") != error_type:
            failures.append((name, kind, body))
        print(f"{name}: errorType={body.get('errorType')!r} header={headers.get('Lambda-Runtime-Function-Error-Type')!r}")
    print("ok:", json.dumps(answers.get("ok", (None, None))[1]))
    print("dynamodb calls:", [t.split(".")[-1] for t, _ in ddb_calls])
    if failures:
        sys.exit("FAILED: %r" % failures)
    print("local runtime smoke: 3 passed, 0 failed")


if __name__ == "__main__":
    main()
