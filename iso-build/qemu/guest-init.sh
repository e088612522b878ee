#!/bin/sh
# PID 1 in the test guest. Kernel command line: vigil.main=CLASS [vigil.args=a,b,c] [vigil.mem=256m]
# [vigil.jopts=-Xopt1,-Xopt2] (default -XX:TieredStopAtLevel=1: C1 only, fastest start under TCG)
# Runs CLASS on the jlinked runtime with /app/cp/* as class path; everything goes to the serial console.
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmpfs /tmp
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/opt/jre/bin HOME=/root
main=; args=; mem=256m; jopts=-XX:TieredStopAtLevel=1
for kv in $(cat /proc/cmdline); do
  case $kv in
    vigil.main=*) main=${kv#vigil.main=};; vigil.args=*) args=${kv#vigil.args=};; vigil.mem=*) mem=${kv#vigil.mem=};;
    vigil.jopts=*) jopts=$(echo "${kv#vigil.jopts=}" | tr ',' ' ');;
  esac
done
echo "=== VIGIL-GUEST UP $(uname -r) uptime $(cut -d' ' -f1 /proc/uptime)"
# the kernel runs /sbin/modprobe for schedulers it lacks (request_module); busybox lives in /bin
ln -sf /bin/busybox /sbin/modprobe
modprobe crc32c_generic; modprobe ip_vs
ip link set lo up
cp=$(ls -d /app/cp/* | tr '\n' ':')
echo "=== VIGIL-GUEST JAVA $main $args"
java -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 -Xmx$mem -XX:+UseSerialGC $jopts -Xshare:auto --enable-native-access=ALL-UNNAMED \
  -cp "$cp" "$main" $(echo "$args" | tr ',' ' ')
echo "=== VIGIL-GUEST EXIT rc=$? uptime $(cut -d' ' -f1 /proc/uptime)"
poweroff -f
