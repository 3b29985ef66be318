#!/usr/bin/env bash
# npm test: the build, then the type check of src and tests and the lint beside the quick suite (they share the
# machine's cores, and each is worth knowing about on its own); fails if any of them does.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run build --silent || exit 1
checks=$(mktemp)
( npm run typecheck --silent && npm run lint --silent ) >"$checks" 2>&1 &
checking=$!
scripts/with-keyring.sh vitest run --project quick "$@"
status=$?
if ! wait "$checking"; then
  cat "$checks" >&2
  echo "npm test: the type check or the lint failed" >&2
  status=1
fi
rm -f "$checks"
exit "$status"
