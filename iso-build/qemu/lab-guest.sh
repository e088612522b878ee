#!/bin/bash
# Boots the `vigil lab up --kernel` guest in the background: the appliance ISO's kernel, modules, JRE and tools
# (the same base initramfs as iso-build/mk-iso.sh) plus the built Vigil and lab-init.sh, under qemu TCG.
# Two user-mode NICs, no route out (restrict=on), which lab-init.sh plugs into the lab's bridges:
#   service network 192.0.2.0/24 (qemu is 192.0.2.2 on it): host 127.0.0.1:VIP_PORT -> the VIP 192.0.2.50:80,
#     so the host's requests are a client's, balanced by the master's IPVS and answered directly by a real server (DR);
#   management network 198.51.100.0/24: 127.0.0.1:AGENT_PORT -> the lab agent (198.51.100.254:7179),
#     127.0.0.1:D1_PORT / D2_PORT -> the directors' APIs (198.51.100.11 / .12 : API_PORT).
# Usage: lab-guest.sh STATE-DIR PREFIX REAL-SERVERS API-PORT VIP_PORT AGENT_PORT D1_PORT D2_PORT
# Writes STATE-DIR/initrd.gz, serial.log (the console), qemu.pid; returns once qemu runs (-daemonize).
# Env: VIGIL_LAB_MEM (MB, default 2048).
source "$(dirname "$0")/common.sh"
STATE=$1 PREFIX=$2 REALS=$3 API=$4 PV=$5 PA=$6 P1=$7 P2=$8
CORE=$REPO_ROOT/appliance-core/target
[ -f "$CORE/vigil.jar" ] || { log "build Vigil first: ./mvnw -DskipTests package"; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { log "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"; exit 1; }
# the ISO's settings: the same kernel, modules, JRE and tools, and the same cached base archive
source "$QEMU_DIR/iso-settings.sh"
KROOT=$("$QEMU_DIR/fetch-kernel.sh")
KV=$(ls "$KROOT/lib/modules")
BASE=$("$QEMU_DIR/mk-base-initramfs.sh")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/app/opt/vigil/plugins" "$W/app/sbin"
cp "$CORE/vigil.jar" "$W/app/opt/vigil/"
cp -r "$CORE/lib" "$W/app/opt/vigil/lib"
for z in "$REPO_ROOT"/plugins/*/target/*-plugin.zip; do [ -f "$z" ] && cp "$z" "$W/app/opt/vigil/plugins/"; done
# iproute2's bridge for `lab incident partition` (mcast_flood off), with its libraries (the host's, same release)
cp /usr/sbin/bridge "$W/app/sbin/"
for l in $(ldd /usr/sbin/bridge | awk '/=> \//{print $3}'); do mkdir -p "$W/app$(dirname "$l")"; cp -L "$l" "$W/app$l"; done
# util-linux's setsid ahead of busybox's in PATH: busybox's applet runs its own `ip` applet for `setsid ip netns exec`
cp /usr/bin/setsid "$W/app/sbin/"
cp "$QEMU_DIR/lab-init.sh" "$W/app/init"; chmod +x "$W/app/init"
(cd "$W/app" && find . | cpio -o -H newc --quiet | gzip -1) > "$W/app.cpio.gz"
mkdir -p "$STATE"
cat "$BASE" "$W/app.cpio.gz" > "$STATE/initrd.gz"
log "booting $KV (qemu TCG) for lab $PREFIX: VIP on 127.0.0.1:$PV, agent on 127.0.0.1:$PA"
# -cpu qemu64 and thread=single: what ApplianceIsoIT found reliable for guest JVMs under TCG
qemu-system-x86_64 -accel tcg,thread=single -cpu qemu64 -m "${VIGIL_LAB_MEM:-2048}" -smp 2 -display none -no-reboot \
  -serial "file:$STATE/serial.log" -pidfile "$STATE/qemu.pid" -daemonize \
  -kernel "$KROOT/boot/vmlinuz-$KV" -initrd "$STATE/initrd.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 vigil.lab=$PREFIX,$REALS,$API" \
  -netdev "user,id=svc,restrict=on,net=192.0.2.0/24,host=192.0.2.2,hostfwd=tcp:127.0.0.1:$PV-192.0.2.50:80" \
  -device virtio-net-pci,netdev=svc,mac=52:54:00:00:02:01 \
  -netdev "user,id=mgmt,restrict=on,net=198.51.100.0/24,host=198.51.100.2,hostfwd=tcp:127.0.0.1:$PA-198.51.100.254:7179,hostfwd=tcp:127.0.0.1:$P1-198.51.100.11:$API,hostfwd=tcp:127.0.0.1:$P2-198.51.100.12:$API" \
  -device virtio-net-pci,netdev=mgmt,mac=52:54:00:00:03:01
