#!/bin/bash
# jlinks a small Java runtime for the guest (cached by module list and JDK version).
# Usage: mk-jre.sh [extra-modules-comma-separated]   Prints the runtime's directory.
source "$(dirname "$0")/common.sh"
JDK=$("$REPO_ROOT/bin/find-jdk25")
mods="java.base,java.logging,java.management,jdk.unsupported${1:+,$1}"
ver=$("$JDK/bin/java" -version 2>&1 | head -1 | tr -dc '0-9.')
key=$(echo "$mods $ver" | sha1sum | cut -c1-12)
out=$CACHE/jre-$key
exec 8>"$CACHE/.jre.lock"; flock 8
if [ ! -x "$out/bin/java" ]; then
  rm -rf "$out"
  log "jlink $mods"
  "$JDK/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --output "$out" >&2
fi
echo "$out"
