#!/usr/bin/env bash
# A compliance review from start to finish, on embedded defaults and fully offline:
# sign the log, verify it, ask it questions, render the report, and watch tampering get caught.
#
# Run:  bash examples/compliance/walkthrough.sh [WORKDIR]     (after `make install`)
# Everything it writes goes to WORKDIR (default: a new temporary folder).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
pp="${PRIVPROXY:-$repo/.venv/bin/privproxy}"
py="$(dirname "$pp")/python"
work="${1:-$(mktemp -d)}"
mkdir -p "$work" && cd "$work"
unset OPENAI_API_KEY  # the demo's closed model is then the stand-in on 127.0.0.1

step() { printf '\n== %s\n' "$*"; }

step "1. Keys. The signing key stays where privproxy runs; the auditor only ever gets signing.pub."
"$pp" audit keygen --private signing.key --public signing.pub
# The fingerprint key lets whoever holds it ask "was this value ever sent?" without the log holding it.
"$py" -c 'import secrets; print(secrets.token_hex(32))' > fingerprint.key
chmod 600 fingerprint.key

step "2. Traffic. The demo's four requests (allow, redact, local, block) into a signed log."
PRIVPROXY_AUDIT_SIGNING_KEY_FILE=signing.key PRIVPROXY_AUDIT_KEY_FILE=fingerprint.key \
  "$pp" demo --audit-log audit.jsonl > demo.out
echo "wrote audit.jsonl ($(wc -l < audit.jsonl) records) and audit.jsonl.checkpoints"

step "3. Is the log intact? (exit 0 = yes; an auditor needs only the public key)"
"$pp" audit verify audit.jsonl --public-key signing.pub

step "4. Did any health data reach a closed model in clear?"
"$pp" audit query audit.jsonl --entity MEDICAL_CONDITION --reached-closed --format csv

step "5. Where did the health data go instead?"
"$pp" audit query audit.jsonl --entity MEDICAL_CONDITION --format csv

step "6. Was this e-mail address ever in a request, and what became of it? (value read from stdin)"
echo "maria.garcia@example.com" | PRIVPROXY_AUDIT_KEY="$(cat fingerprint.key)" \
  "$pp" audit query audit.jsonl --entity EMAIL_ADDRESS --value - --format csv

step "7. The report for the file: one offline HTML page with charts."
"$pp" audit report audit.jsonl --public-key signing.pub -o report.html

step "8. Someone turns a 'block' into an 'allow' in a copy of the log. verify names the record."
cp audit.jsonl tampered.jsonl && cp audit.jsonl.checkpoints tampered.jsonl.checkpoints
sed -i 's/"action":"block"/"action":"allow"/' tampered.jsonl
if "$pp" audit verify tampered.jsonl --public-key signing.pub; then
  echo "tampering NOT caught" && exit 1
else
  echo "verify exited $?: tampering caught"
fi

step "9. Someone deletes the last record and re-chains nothing. The signed checkpoint catches the cut."
head -n -1 audit.jsonl > truncated.jsonl && cp audit.jsonl.checkpoints truncated.jsonl.checkpoints
if "$pp" audit verify truncated.jsonl --public-key signing.pub; then
  echo "truncation NOT caught" && exit 1
else
  echo "verify exited $?: truncation caught"
fi

printf '\nAll files are in %s (open report.html in a browser).\n' "$work"
