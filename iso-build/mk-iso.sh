#!/bin/bash
# Builds the bootable Vigil appliance ISO (BIOS, isolinux; serial and VGA console): Debian's kernel with the
# IPVS modules, busybox, a jlinked Java runtime and the built Vigil (vigil.jar, its lib/, the plugin zips) in
# one initramfs. Build Vigil first (./mvnw -DskipTests package). Needs isolinux, syslinux-common, xorriso,
# busybox-static, cpio, e2fsprogs (apt).   Usage: iso-build/mk-iso.sh OUT.iso
source "$(dirname "$0")/qemu/common.sh"
OUT=${1:?usage: mk-iso.sh OUT.iso}
CORE=$REPO_ROOT/appliance-core/target
[ -f "$CORE/vigil.jar" ] || { log "build Vigil first: ./mvnw -DskipTests package"; exit 1; }
for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32; do
  [ -f "$f" ] || { log "missing $f: apt-get install isolinux syslinux-common xorriso"; exit 1; }
done
source "$QEMU_DIR/iso-settings.sh"
KROOT=$("$QEMU_DIR/fetch-kernel.sh")
KV=$(ls "$KROOT/lib/modules")
BASE=$("$QEMU_DIR/mk-base-initramfs.sh")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/app/opt/vigil/plugins" "$W/iso/isolinux" "$W/iso/boot"
cp "$CORE/vigil.jar" "$W/app/opt/vigil/"
cp -r "$CORE/lib" "$W/app/opt/vigil/lib"
n=0
for z in "$REPO_ROOT"/plugins/*/target/*-plugin.zip; do [ -f "$z" ] && cp "$z" "$W/app/opt/vigil/plugins/" && n=$((n+1)); done
log "$n plugin zip(s)"
cp "$REPO_ROOT/iso-build/appliance/init.sh" "$W/app/init"; chmod +x "$W/app/init"
cp "$REPO_ROOT/iso-build/appliance/lab-client.sh" "$W/app/opt/vigil/"
# printed at boot and in the data disk's vigil/boots: which ISO ran on it (the upgrade path keeps the disk)
mkdir -p "$W/app/etc"
echo "vigil-appliance $(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo unknown) built $(date -u +%Y-%m-%dT%H:%MZ)" > "$W/app/etc/vigil-release"
(cd "$W/app" && find . | cpio -o -H newc --quiet | gzip -1) > "$W/app.cpio.gz"
cat "$BASE" "$W/app.cpio.gz" > "$W/iso/boot/initrd.gz"
cp "$KROOT/boot/vmlinuz-$KV" "$W/iso/boot/vmlinuz"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$W/iso/isolinux/"
cat > "$W/iso/isolinux/isolinux.cfg" <<CFG
SERIAL 0 115200
DEFAULT vigil
PROMPT 0
TIMEOUT 1
LABEL vigil
  KERNEL /boot/vmlinuz
  INITRD /boot/initrd.gz
  APPEND console=tty0 console=ttyS0,115200 panic=10 quiet loglevel=3
CFG
xorriso -as mkisofs -quiet -o "$OUT" -V VIGIL -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$W/iso"
log "built $OUT ($(du -h "$OUT" | cut -f1), kernel $KV)"
