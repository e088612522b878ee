#!/bin/sh
# PID 1 of the Vigil appliance (RAM-only: the ISO's initramfs is the whole system).
# Kernel command line: vigil.ip=ADDR/LEN (eth0's address, default 192.0.2.15/24) vigil.gw=ADDR
# vigil.config-id=ID (keepalived -i; default lvs1) vigil.api=HOST:PORT (default 0.0.0.0:9179)
# vigil.dns=ADDR (resolver; default none: names in the configuration are not resolved)
# vigil.jopts=OPT,OPT (extra JVM options, comma-separated; one naming a GC replaces the default ZGC).
# Configuration: keepalived.conf (and an optional api-token) from the first disk or CD that carries one at its
# root or under keepalived/; otherwise Vigil's embedded example (two LVS-DR directors, VIP 192.0.2.100).
# The API on 0.0.0.0 is beyond loopback: without api-token only /metrics, /openapi.json and /health answer.
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmpfs /tmp
mkdir -p /run /var/lib/vigil /etc/keepalived /mnt/cfg; mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /var/lib/vigil
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/opt/jre/bin HOME=/root
ln -sf /bin/busybox /sbin/modprobe   # the kernel asks /sbin/modprobe for IPVS schedulers on demand
ip=192.0.2.15/24; gw=; cid=lvs1; api=0.0.0.0:9179; jopts=; dns=127.0.0.1
for kv in $(cat /proc/cmdline); do
  case $kv in
    vigil.ip=*) ip=${kv#vigil.ip=};; vigil.gw=*) gw=${kv#vigil.gw=};;
    vigil.config-id=*) cid=${kv#vigil.config-id=};; vigil.api=*) api=${kv#vigil.api=};;
    vigil.dns=*) dns=${kv#vigil.dns=};;
    vigil.jopts=*) jopts=$(echo "${kv#vigil.jopts=}" | tr ',' ' ');;
  esac
done
echo "=== VIGIL-APPLIANCE $(uname -r) uptime $(cut -d' ' -f1 /proc/uptime)"
for m in crc32c_generic ip_vs virtio_net virtio_pci e1000 isofs sr_mod cdrom virtio_blk; do modprobe $m 2>/dev/null; done
ip link set lo up
echo "nameserver $dns" > /etc/resolv.conf   # without one, Vert.x would fall back to public resolvers
ip link set eth0 up && ip addr add "$ip" dev eth0 && [ -n "$gw" ] && ip route add default via "$gw"
conf=
sleep 1   # let block devices appear
for d in /dev/vd? /dev/sd? /dev/sr1 /dev/sr0; do
  [ -b "$d" ] || continue
  mount -o ro "$d" /mnt/cfg 2>/dev/null || continue
  for f in /mnt/cfg/keepalived.conf /mnt/cfg/keepalived/keepalived.conf; do
    if [ -f "$f" ]; then
      cp -r "$(dirname "$f")"/. /etc/keepalived/; conf=/etc/keepalived/keepalived.conf
      echo "=== VIGIL-APPLIANCE configuration from $d"
    fi
  done
  umount /mnt/cfg
  [ -n "$conf" ] && break
done
src="--embedded-default"; [ -n "$conf" ] && src="-f $conf"
tok=; [ -f /etc/keepalived/api-token ] && tok="--api-token-file /etc/keepalived/api-token"
gc=-XX:+UseZGC; case "$jopts" in *GC*) gc=;; esac
# heap sized on purpose, as bin/vigil (docs/operations.md, "Memory"); jopts may raise -Xmx for >30,000 real servers
heap="-Xmx256m -XX:SoftMaxHeapSize=160m"; export MALLOC_ARENA_MAX=2
echo "=== VIGIL-APPLIANCE starting: vigil run $src -i $cid --api-listen $api"
java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true \
  $gc $heap $jopts -Dvigil.plugins=/opt/vigil/plugins \
  -jar /opt/vigil/vigil.jar run $src -i "$cid" --journal /var/lib/vigil/journal --api-listen "$api" $tok
echo "=== VIGIL-APPLIANCE vigil exited rc=$?"
poweroff -f
