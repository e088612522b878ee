#!/bin/sh
# PID 1 of the `vigil lab up --kernel` guest (lab-guest.sh builds it from the ISO's kernel, modules, JRE and tools).
# Kernel command line: vigil.lab=PREFIX,REAL-SERVERS,API-PORT. Runs io.vigil.lab.LabAgent, which builds the same lab
# as on a host with ip_vs (namespaces, two `vigil run` directors, busybox real servers), plugs the two qemu NICs
# into the lab's bridges (service and management: qemu's user-mode network is then one more host on each) and
# answers the host's `vigil lab` commands on port 7179 of the management network. Output goes to the serial console.
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmpfs /tmp
mkdir -p /run /var /opt/vigil/plugins; mount -t tmpfs tmpfs /run; ln -sfn /run /var/run   # ip netns keeps /var/run/netns
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/opt/jre/bin HOME=/root MALLOC_ARENA_MAX=2
ln -sf /bin/busybox /sbin/modprobe   # the kernel asks /sbin/modprobe for IPVS schedulers on demand
echo "=== VIGIL-LAB guest kernel $(uname -r) up $(cut -d' ' -f1 /proc/uptime)s"
for m in crc32c_generic ip_vs ip_vs_rr virtio_net virtio_pci veth bridge; do modprobe $m 2>/dev/null; done
ip link set lo up
echo "nameserver 127.0.0.1" > /etc/resolv.conf   # no resolver: Vert.x would otherwise try public ones
lab=vigil-lab-,2,9179
for kv in $(cat /proc/cmdline); do case $kv in vigil.lab=*) lab=${kv#vigil.lab=};; esac; done
prefix=$(echo "$lab" | cut -d, -f1); reals=$(echo "$lab" | cut -d, -f2); port=$(echo "$lab" | cut -d, -f3)
# lab-guest.sh gives the NICs fixed MACs: ...:02:01 is the service network's, ...:03:01 the management network's
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/class/net/eth1 ] && break; sleep 1; done
for d in /sys/class/net/*; do
  case $(cat "$d/address") in
    52:54:00:00:02:01) ip link set "${d##*/}" name up-svc;;
    52:54:00:00:03:01) ip link set "${d##*/}" name up-mgmt;;
  esac
done
# the directors: as the appliance runs vigil (its init.sh), with a start-up tuned for TCG (C1 only, serial GC)
jflags="--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Dvigil.plugins=/opt/vigil/plugins"
echo "=== VIGIL-LAB starting the lab agent: prefix $prefix, $reals real servers, API port $port"
# shellcheck disable=SC2086
java $jflags -Xmx96m -cp /opt/vigil/vigil.jar io.vigil.lab.LabAgent --prefix "$prefix" --real-servers "$reals" \
  --api-port "$port" --listen 0.0.0.0:7179 --uplink up-svc=br0 --uplink up-mgmt=mgmt0 \
  -- java $jflags -Xmx160m -jar /opt/vigil/vigil.jar
echo "=== VIGIL-LAB agent exited rc=$? up $(cut -d' ' -f1 /proc/uptime)s; powering off"
poweroff -f
