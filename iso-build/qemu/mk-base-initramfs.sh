#!/bin/bash
# Base initramfs (cached): busybox-static, Debian's ip_vs modules + dependencies, ipvsadm and iproute2's ip + libs,
# a jlinked Java runtime at /opt/jre, and the host binaries named in VIGIL_EXTRA_BINS (with their libraries). The application archive (mk-app-initramfs.sh) is appended to it:
# the kernel unpacks concatenated cpio archives in order.
# Usage: mk-base-initramfs.sh   Prints the archive path.
source "$(dirname "$0")/common.sh"
KROOT=$("$QEMU_DIR/fetch-kernel.sh")
JRE=$("$QEMU_DIR/mk-jre.sh" "${VIGIL_JRE_EXTRA_MODULES:-}")
KV=$(ls "$KROOT/lib/modules")
MODS="crc32c_generic ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh
      ip_vs_mh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_twos ip_vs_pe_sip dummy veth bridge ${VIGIL_EXTRA_MODS:-}"
BINS=${VIGIL_EXTRA_BINS:-}
key=$( (echo "$KV $JRE $MODS $BINS"; cat "$0") | sha1sum | cut -c1-12)
OUT=$CACHE/base-$key.cpio.gz
exec 9>"$CACHE/.base.lock"; flock 9
if [ -f "$OUT" ]; then echo "$OUT"; exit 0; fi

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib/x86_64-linux-gnu,lib64,usr/bin,usr/sbin,opt}
cp /bin/busybox "$W/bin/busybox"
# busybox --list names "busybox" itself: linking it would overwrite the binary
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$W/bin/$a"; done

copy_libs() { # binary... : copy every shared library it needs (ldd on the host, same Debian release)
  local l
  for l in $(ldd "$@" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib64/{print $1}' | sort -u); do
    [ -e "$W$l" ] || { mkdir -p "$W$(dirname "$l")"; cp -L "$l" "$W$l"; }
  done
}
cp /usr/sbin/ipvsadm "$W/sbin/"; copy_libs /usr/sbin/ipvsadm
# iproute2's ip (netns, veth) in /sbin, ahead of busybox's in PATH: the sync scenario builds namespaces
cp /usr/sbin/ip "$W/sbin/ip"; copy_libs /usr/sbin/ip
cp -L /lib64/ld-linux-x86-64.so.2 "$W/lib64/"
for b in $BINS; do cp -L "$b" "$W/sbin/"; copy_libs "$b"; done
[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$W/etc/"

MODDIR=$KROOT/lib/modules/$KV
declare -A seen
add_mod() {
  local name=$1 f d
  [[ -n ${seen[$name]:-} ]] && return 0; seen[$name]=1
  f=$(find "$MODDIR/kernel" \( -name "$name.ko*" -o -name "$(echo "$name" | tr _ -).ko*" \) | head -1)
  if [[ -z $f ]]; then log "module $name not in $KV (built in or absent)"; return 0; fi
  mkdir -p "$W/lib/modules/$KV/$(dirname "${f#$MODDIR/}")"
  cp "$f" "$W/lib/modules/$KV/${f#$MODDIR/}"
  for d in $(modinfo -F depends "$f" | tr , ' '); do add_mod "$d"; done
}
for m in $MODS; do add_mod "$m"; done
cp "$MODDIR"/modules.{order,builtin,builtin.modinfo} "$W/lib/modules/$KV/" 2>/dev/null || true
depmod -b "$W" "$KV"

cp -a "$JRE" "$W/opt/jre"
copy_libs "$JRE"/bin/java "$JRE"/lib/*.so "$JRE"/lib/server/libjvm.so
echo "root:x:0:0:root:/root:/bin/sh" > "$W/etc/passwd"

(cd "$W" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT.$$.tmp"
mv "$OUT.$$.tmp" "$OUT"
log "built $OUT ($(du -h "$OUT" | cut -f1))"
echo "$OUT"
