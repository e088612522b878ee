#!/bin/bash
# Application archive: /init (guest-init.sh) and /app/cp/* (class directories and jars, in classpath order).
# Usage: mk-app-initramfs.sh OUT.cpio.gz CLASSPATH-ENTRY...
source "$(dirname "$0")/common.sh"
OUT=$1; shift
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/app/cp"
i=0
for e in "$@"; do
  i=$((i+1)); n=$(printf '%02d' $i)
  if [ -d "$e" ]; then cp -a "$e" "$W/app/cp/$n"; else cp "$e" "$W/app/cp/$n-$(basename "$e")"; fi
done
cp "$QEMU_DIR/guest-init.sh" "$W/init"; chmod +x "$W/init"
(cd "$W" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
