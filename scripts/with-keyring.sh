#!/usr/bin/env bash
# with-keyring.sh CMD [ARGS...]
# Runs CMD inside a private, headless Secret Service: gnome-keyring in its own D-Bus session, with its own keyring
# files in a temp dir, so the keychain tests never touch a person's own keyring and CI has one to test against.
# Without Linux, dbus-run-session and gnome-keyring-daemon, or when the private service cannot start, runs CMD
# unchanged (the keychain tests then skip, or fail under KEYWARDEN_REQUIRE_KEYCHAIN=1).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

if [ "$(uname -s)" != Linux ] || ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec "$@"
fi

if [ -z "${KEYWARDEN_KEYRING_ROOT:-}" ]; then
  root="$(mktemp -d "${TMPDIR:-/tmp}/keywarden-keyring.XXXXXX")" # mode 700
  trap 'rm -rf "$root"' EXIT
  mkdir -m 700 "$root/data" "$root/runtime"
  status=0
  # dbus-daemon shares dbus-run-session's stderr and chats on it ("Failed to set fd limit"): that goes to a log,
  # and CMD gets the real stderr back through fd 3.
  KEYWARDEN_KEYRING_ROOT="$root" XDG_DATA_HOME="$root/data" XDG_RUNTIME_DIR="$root/runtime" \
    dbus-run-session -- "$BASH" "$0" "$@" 3>&2 2>>"$root/session.log" || status=$?
  if [ ! -e "$root/started" ]; then
    echo "with-keyring.sh: could not start a private Secret Service; running without it:" >&2
    sed 's/^/  /' "$root/session.log" >&2
    "$@" || status=$?
    exit "$status"
  fi
  exit "$status"
fi

# Inside the private session bus.
root="$KEYWARDEN_KEYRING_ROOT"
exec 2>&3 3>&-
unset KEYWARDEN_KEYRING_ROOT
# With --unlock the daemon reads a password on stdin and creates (or unlocks) the default collection with it. It
# prints environment variables on stdout, which must not mix with CMD's output.
printf '%s' "keywarden-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>>"$root/session.log"

has_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}
for _ in $(seq 1 100); do # at most about 5 s
  has_owner && break
  sleep 0.05
done
if has_owner; then
  # tells the keychain tests that the Secret Service they write to is this throwaway one, not a person's own
  export KEYWARDEN_PRIVATE_KEYRING=1
else
  echo "with-keyring.sh: the private Secret Service did not start; running without it:" >&2
  sed 's/^/  /' "$root/session.log" >&2
fi

touch "$root/started"
exec "$@"
