#!/bin/bash
# Boots Debian's kernel with base + application initramfs under qemu TCG and runs one Java main class.
# Usage: run-guest.sh LOG MAIN-CLASS ARGS(comma-separated or "") CLASSPATH-ENTRY...
# Env: VIGIL_QEMU_TIMEOUT (s, default 240), VIGIL_QEMU_SMP (default 2), VIGIL_QEMU_MEM (MB, default 768),
#      VIGIL_GUEST_HEAP (guest -Xmx, default 256m), VIGIL_GUEST_JOPTS (comma-separated JVM options)
source "$(dirname "$0")/common.sh"
LOG=$1 MAIN=$2 ARGS=$3; shift 3
KROOT=$("$QEMU_DIR/fetch-kernel.sh")
KV=$(ls "$KROOT/lib/modules")
BASE=$("$QEMU_DIR/mk-base-initramfs.sh")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$QEMU_DIR/mk-app-initramfs.sh" "$W/app.cpio.gz" "$@"
cat "$BASE" "$W/app.cpio.gz" > "$W/initrd.gz"
log "booting $KV: $MAIN $ARGS"
rc=0
timeout "${VIGIL_QEMU_TIMEOUT:-240}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
  -m "${VIGIL_QEMU_MEM:-768}" -smp "${VIGIL_QEMU_SMP:-2}" -nographic -no-reboot -nic none \
  -kernel "$KROOT/boot/vmlinuz-$KV" -initrd "$W/initrd.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 vigil.main=$MAIN vigil.args=$ARGS vigil.mem=${VIGIL_GUEST_HEAP:-256m}${VIGIL_GUEST_JOPTS:+ vigil.jopts=$VIGIL_GUEST_JOPTS}" > "$LOG" 2>&1 || rc=$?
log "qemu exit $rc"
exit $rc
