#!/bin/bash
# Downloads Debian's kernel package with apt and unpacks it into the cache (once).
# Prints the directory holding boot/vmlinuz-* and lib/modules/*.
source "$(dirname "$0")/common.sh"
pkg=$(kernel_pkg)
[ -n "$pkg" ] || { log "cannot resolve linux-image-amd64's kernel package (run apt-get update)"; exit 1; }
dir=$CACHE/kernel/$pkg
exec 8>"$CACHE/.kernel.lock"; flock 8   # concurrent test runs share the cache
if [ ! -f "$dir/.done" ]; then
  rm -rf "$dir"; mkdir -p "$dir/dl"
  log "downloading $pkg"
  (cd "$dir/dl" && apt-get download "$pkg" >&2 2>/dev/null) || {
    log "apt-get download $pkg failed; trying after apt-get update"
    apt-get update -qq >&2 && (cd "$dir/dl" && apt-get download "$pkg" >&2)
  }
  dpkg-deb -x "$dir"/dl/*.deb "$dir/root"
  rm -rf "$dir/dl"
  touch "$dir/.done"
fi
echo "$dir/root"
