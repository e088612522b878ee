#!/bin/sh
# PID 1 of the Vigil appliance. The ISO's initramfs is the whole system; state lives on a data disk when there is one.
# Kernel command line: vigil.ip=ADDR/LEN (eth0's address, default 192.0.2.15/24) vigil.gw=ADDR
# vigil.config-id=ID (keepalived -i; default lvs1) vigil.api=HOST:PORT (default 0.0.0.0:9179)
# vigil.dns=ADDR (resolver; default none: names in the configuration are not resolved)
# vigil.jopts=OPT,OPT (extra JVM options, comma-separated; one naming a GC replaces the default ZGC).
# vigil.node-id=ID (the journal's node id, vigil run --node-id; default router_id, else the host name): two
#   appliances sharing one keepalived.conf without router_id need it to tell their journals apart.
# vigil.role=director (default) | lab-client: lab-client runs no director but /opt/vigil/lab-client.sh (two LVS-DR
#   real servers and a client in namespaces on eth0's segment; the two-appliance test's third guest, ApplianceLabIT).
# vigil.data=LABEL=NAME | UUID=U | /dev/DEV | none (default LABEL=VIGIL-DATA): the data disk, an ext4 filesystem
#   mounted at /data holding vigil/journal, keepalived/ (keepalived.conf, api-token) and vigil/boots (one line a boot).
#   A blank disk (its first MiB zeros) is formatted with that label on first boot: with LABEL= the first blank
#   /dev/vd? or /dev/sd?, with /dev/DEV that device. No data disk, or one that cannot be mounted: journal in RAM
#   (tmpfs), said on the console and journaled (operator-action "storage").
# Configuration: keepalived.conf (and an optional api-token) from the first other disk or CD that carries one at its
# root or under keepalived/ (copied onto the data disk, so later boots need no configuration medium); else the
# data disk's keepalived/; otherwise Vigil's embedded example (two LVS-DR directors, VIP 192.0.2.100).
# The API on 0.0.0.0 is beyond loopback: without api-token only /metrics, /openapi.json and /health answer.
# Status: a block starting "=== VIGIL-STATUS" is printed on the console at each change of state or address
# (and every 10 minutes): what runs, addresses, each instance's state, the API URL, where the journal is.
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmpfs /tmp
mkdir -p /run /var/lib/vigil /etc/keepalived /mnt/cfg; mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /var/lib/vigil
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/opt/jre/bin HOME=/root
ln -sf /bin/busybox /sbin/modprobe   # the kernel asks /sbin/modprobe for IPVS schedulers on demand
ip=192.0.2.15/24; gw=; cid=lvs1; api=0.0.0.0:9179; jopts=; dns=127.0.0.1; data=LABEL=VIGIL-DATA; nodeid=; role=director
for kv in $(cat /proc/cmdline); do
  case $kv in
    vigil.ip=*) ip=${kv#vigil.ip=};; vigil.gw=*) gw=${kv#vigil.gw=};;
    vigil.config-id=*) cid=${kv#vigil.config-id=};; vigil.api=*) api=${kv#vigil.api=};;
    vigil.dns=*) dns=${kv#vigil.dns=};; vigil.data=*) data=${kv#vigil.data=};;
    vigil.node-id=*) nodeid=${kv#vigil.node-id=};; vigil.role=*) role=${kv#vigil.role=};;
    vigil.jopts=*) jopts=$(echo "${kv#vigil.jopts=}" | tr ',' ' ');;
  esac
done
echo "=== VIGIL-APPLIANCE $(cat /etc/vigil-release 2>/dev/null) $(uname -r) uptime $(cut -d' ' -f1 /proc/uptime)"
for m in crc32c_generic ip_vs virtio_net virtio_pci e1000 isofs sr_mod cdrom virtio_blk ext4; do modprobe $m 2>/dev/null; done
ip link set lo up
[ "$role" = lab-client ] && exec /bin/sh /opt/vigil/lab-client.sh
echo "nameserver $dns" > /etc/resolv.conf   # without one, Vert.x would fall back to public resolvers
ip link set eth0 up && ip addr add "$ip" dev eth0 && [ -n "$gw" ] && ip route add default via "$gw"
sleep 1   # let block devices appear

# ---- data disk
blank() { # DEV: readable and its first MiB all zeros (no partition table, no filesystem)
  [ "$(dd if="$1" bs=65536 count=16 2>/dev/null | wc -c)" -eq 1048576 ] || return 1
  [ "$(dd if="$1" bs=65536 count=16 2>/dev/null | tr -d '\000' | wc -c)" -eq 0 ]
}
format() { # DEV LABEL (e2fsprogs' mke2fs by path: busybox's sh would run its own, ext2-only applet)
  echo "=== VIGIL-APPLIANCE data disk $1 is blank: creating ext4 labelled $2"
  /sbin/mke2fs -q -F -t ext4 -L "$2" -m 1 "$1" </dev/null
}
jdir=/var/lib/vigil/journal; ddev=; why=
case $data in
  none|ram) why="vigil.data=$data";;
  LABEL=*|UUID=*)
    ddev=$(findfs "$data" 2>/dev/null)
    if [ -z "$ddev" ] && [ "${data#LABEL=}" != "$data" ]; then
      for d in /dev/vd? /dev/sd?; do
        [ -b "$d" ] && blank "$d" && format "$d" "${data#LABEL=}" && { ddev=$d; break; }
      done
    fi
    [ -n "$ddev" ] || why="no disk with $data and no blank disk";;
  /dev/*)
    if [ ! -b "$data" ]; then why="$data is not a block device"
    elif blank "$data"; then format "$data" VIGIL-DATA && ddev=$data || why="mke2fs on $data failed"
    else ddev=$data; fi;;
  *) why="vigil.data=$data not understood (LABEL=, UUID=, /dev/..., none)";;
esac
if [ -n "$ddev" ]; then
  mkdir -p /data
  # ext4 replays its own journal here after a crash or power cut
  if mount -t ext4 -o noatime "$ddev" /data; then
    if [ -d /data/vigil/journal ]; then
      echo "=== VIGIL-APPLIANCE data disk $ddev reused: journal $(du -sh /data/vigil/journal | cut -f1), $(ls /data/vigil/journal | grep -c '\.cq4$') hour file(s), $(grep -c . /data/vigil/boots 2>/dev/null) earlier boot(s)"
    else
      echo "=== VIGIL-APPLIANCE data disk $ddev prepared (first boot on it)"
    fi
    mkdir -p /data/vigil/journal /data/keepalived
    jdir=/data/vigil/journal
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(cat /etc/vigil-release 2>/dev/null) $(uname -r) $ddev" >> /data/vigil/boots
  else
    why="mount $ddev failed"; ddev=
  fi
fi
# retention: by age only (14 days). Vigil's size limit counts the hour files' apparent length, and Chronicle makes
# each a sparse ~80 MB file however little it holds: on a 256 MB disk a size limit kept a single hour (docs/operations.md)
retain=2G
if [ -n "$ddev" ]; then
  retain=0
  storage="data disk $ddev ($(df -h /data | awk 'NR==2{print $2}'), journal kept 14 days)"
  note="journal on data disk $ddev, kept 14 days"
else
  storage="RAM only ($why): history is lost at power-off"
  note="journal in RAM only: $why; history is lost at power-off"
  echo "=== VIGIL-APPLIANCE WARNING: journal in RAM only ($why); attach a disk (docs/operations.md)"
fi

# ---- configuration: another disk or CD first, then the data disk
conf=
for d in /dev/vd? /dev/sd? /dev/sr1 /dev/sr0; do
  [ -b "$d" ] && [ "$d" != "$ddev" ] || continue
  mount -o ro "$d" /mnt/cfg 2>/dev/null || continue
  for f in /mnt/cfg/keepalived.conf /mnt/cfg/keepalived/keepalived.conf; do
    if [ -f "$f" ]; then
      cp -r "$(dirname "$f")"/. /etc/keepalived/; conf=/etc/keepalived/keepalived.conf
      echo "=== VIGIL-APPLIANCE configuration from $d"
      if [ -n "$ddev" ]; then
        rm -rf /data/keepalived.new; cp -r "$(dirname "$f")" /data/keepalived.new && rm -rf /data/keepalived \
          && mv /data/keepalived.new /data/keepalived && sync && echo "=== VIGIL-APPLIANCE configuration saved on the data disk"
      fi
    fi
  done
  umount /mnt/cfg
  [ -n "$conf" ] && break
done
if [ -z "$conf" ] && [ -f /data/keepalived/keepalived.conf ]; then
  cp -r /data/keepalived/. /etc/keepalived/; conf=/etc/keepalived/keepalived.conf
  echo "=== VIGIL-APPLIANCE configuration from the data disk $ddev"
fi
src="--embedded-default"; [ -n "$conf" ] && src="-f $conf"
tok=; [ -f /etc/keepalived/api-token ] && tok="--api-token-file /etc/keepalived/api-token"
nid=; [ -n "$nodeid" ] && nid="--node-id $nodeid"
gc=-XX:+UseZGC; case "$jopts" in *GC*) gc=;; esac
# heap sized on purpose, as bin/vigil (docs/operations.md, "Memory"): -Xmx is the ceiling (512 MB, or 3/4 of a smaller
# machine's RAM), vigil sets ZGC's soft limit from the configuration's size; jopts' options come after these and win
memmb=$(awk '/^MemTotal:/{print int($2/1024)}' /proc/meminfo); xmx=512; [ $((memmb * 3 / 4)) -lt $xmx ] && xmx=$((memmb * 3 / 4))
heap="-Xmx${xmx}m -Xms32m -XX:ZUncommitDelay=10 -XX:+UseStringDeduplication -XX:TrimNativeHeapInterval=5000"; export MALLOC_ARENA_MAX=2

# ---- status on the console: printed when something changes, and every 10 minutes
ahost=${api%:*}; aport=${api##*:}; case $ahost in 0.0.0.0|"") ahost=127.0.0.1;; esac
url_host=${ahost}; [ "$ahost" = 127.0.0.1 ] && [ "${api%:*}" = 0.0.0.0 ] && url_host=${ip%/*}
body() { # the status lines (addresses, instances, API, storage), gathered before printing
  ip -4 -o addr show | awk '$2!="lo"{a[$2]=a[$2]" "$4} END{for(i in a) print "  addresses " i ":" a[i]}'
  # nc, not busybox's wget (the static wget crashes in this image); stdin stays open a while, as Vert.x drops a
  # connection whose client half-closes before the answer
  (printf 'GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n' "$ahost"; sleep 3) | nc -w 10 "$ahost" "$aport" 2>/dev/null | awk -F'"' '/^keepalived_vrrp_state\{/ && !seen[$2]++ {
      n=$NF; sub(/^[^ ]* /,"",n); st=(n+0==2?"MASTER":n+0==1?"BACKUP":n+0==3?"FAULT":"INIT")
      print "  instance " $2 " vrid " $6 " on " $4 ": " st }'
  echo "  API http://$url_host:$aport/ (${tokmsg})"
  echo "  journal: $storage"
}
status() { # PHASE [BODY]: one write, so the block is not split by Vigil's log lines
  b=${2:-$(body)}
  echo "=== VIGIL-STATUS $(date -u +%Y-%m-%dT%H:%M:%SZ) up $(cut -d. -f1 /proc/uptime)s: $1
$b"
}
statusloop() { # PID: until vigil exits
  last=; n=0
  while kill -0 "$1" 2>/dev/null; do
    b=$(body)
    if [ "$b" != "$last" ] || [ $n -ge 120 ]; then status "running (vigil pid $1)" "$b"; last=$b; n=0; fi
    n=$((n + 1)); sleep 5
  done
}
tokmsg="no API token: only /metrics, /health, /openapi.json"; [ -n "$tok" ] && tokmsg="bearer token required"
echo "=== VIGIL-APPLIANCE starting: vigil run $src -i $cid --api-listen $api --journal $jdir"
java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true \
  $gc $heap $jopts -Dvigil.plugins=/opt/vigil/plugins \
  -jar /opt/vigil/vigil.jar run $src -i "$cid" --journal "$jdir" --journal-retain-size "$retain" \
  --journal-note "storage: $note" --api-listen "$api" $tok $nid &
vpid=$!
status "starting (vigil pid $vpid)"
statusloop $vpid &
wait $vpid; rc=$?
status "vigil exited rc=$rc; powering off"
echo "=== VIGIL-APPLIANCE vigil exited rc=$rc"
[ -n "$ddev" ] && { sync; umount /data; }
poweroff -f
