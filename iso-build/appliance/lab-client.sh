#!/bin/sh
# vigil.role=lab-client (appliance/init.sh execs this instead of a director): the rest of a test lab on eth0's
# segment, beside two appliance directors. Two LVS-DR real servers and a client, each in its own network namespace
# on a macvlan of eth0 in bridge mode. Not a Linux bridge: qemu's multicast socket netdev (the test's L2) echoes a
# guest's own frames back to it, and a bridge would learn its namespaces' MACs on eth0; macvlan ignores them.
# Kernel options: vigil.lab.vip=ADDR (192.0.2.100) vigil.lab.rs=ADDR,ADDR (192.0.2.21,192.0.2.22)
# vigil.lab.client=ADDR (192.0.2.30) vigil.lab.len=24 vigil.lab.port=80 (HTTP) vigil.lab.long=7000 (echo)
# The first real server is prepared by `vigil realserver up --vip VIP` (the ISO's vigil.jar) in its namespace, the
# second by the same steps in shell (one JVM start less: ~60 s under TCG). Each runs busybox httpd answering
# "NAME ADDR" on / (and /health, for HTTP_GET), an echo service on the long port answering "NAME LINE".
# Console lines, read by ApplianceLabIT (times are the guest's /proc/uptime, 10 ms resolution):
#   LAB-RS NAME realserver up in S s | LAB-READY | LAB-HTTP T ANSWER|FAIL (one request through the VIP, ~10/s)
#   LAB-LONG T NAME N (one TCP connection through the VIP, opened after the first answer, a line each 0.2 s)
#   LAB-LONG-END T (that connection ended) | LAB-RS-LOG NAME N (requests from the client in NAME's httpd log, every 10 s)
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/opt/jre/bin HOME=/root
vip=192.0.2.100; rs=192.0.2.21,192.0.2.22; client=192.0.2.30; len=24; port=80; long=7000
for kv in $(cat /proc/cmdline); do
  case $kv in
    vigil.lab.vip=*) vip=${kv#*=};; vigil.lab.rs=*) rs=${kv#*=};; vigil.lab.client=*) client=${kv#*=};;
    vigil.lab.len=*) len=${kv#*=};; vigil.lab.port=*) port=${kv#*=};; vigil.lab.long=*) long=${kv#*=};;
  esac
done
echo "=== VIGIL-APPLIANCE role lab-client: real servers $rs, client $client, VIP $vip ports $port $long"
modprobe macvlan
ip() { /sbin/ip "$@"; }   # iproute2 (netns, macvlan): busybox's sh would run its own ip applet, whatever PATH says
ip link set eth0 up
now() { read -r up _ </proc/uptime; echo "$up"; }
ns() { # NAME ADDR: a namespace on a macvlan of eth0
  ip netns add "$1"
  ip link add "mv-$1" link eth0 type macvlan mode bridge
  ip link set "mv-$1" netns "$1"
  ip -n "$1" addr add "$2/$len" dev "mv-$1"
  ip -n "$1" link set "mv-$1" up
  ip -n "$1" link set lo up
}
cat > /tmp/echo.sh <<'EOF'
#!/bin/sh
while read -r l; do echo "$RS $l"; done
EOF
chmod +x /tmp/echo.sh
i=0
for a in $(echo "$rs" | tr ',' ' '); do
  i=$((i + 1)); n=rs$i
  ns "$n" "$a"
  if [ $i = 1 ]; then # Vigil's own command, as an operator would run it; its JVM takes ~60 s under TCG
    t0=$(now)
    ip netns exec "$n" java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m --enable-native-access=ALL-UNNAMED \
      -jar /opt/vigil/vigil.jar realserver up --vip "$vip"
    echo "LAB-RS $n realserver up in $(echo "$(now) $t0" | awk '{printf "%.1f", $1 - $2}') s"
  else # the same steps by hand (docs/ipvs.md "vigil realserver"), so the lab is not one more JVM start slower
    ip -n "$n" addr add "$vip/32" dev lo label lo:0
    for k in all/arp_ignore=1 all/arp_announce=2 lo/arp_ignore=1 lo/arp_announce=2; do
      ip netns exec "$n" sh -c "echo ${k#*=} > /proc/sys/net/ipv4/conf/${k%=*}"
    done
    echo "LAB-RS $n prepared as vigil realserver up does (VIP on lo, arp_ignore 1, arp_announce 2)"
  fi
  mkdir -p "/tmp/www-$n"; echo "$n $a" > "/tmp/www-$n/index.html"; echo ok > "/tmp/www-$n/health"
  ip netns exec "$n" httpd -f -vv -p "$port" -h "/tmp/www-$n" 2>"/tmp/$n.log" &
  RS=$n ip netns exec "$n" nc -ll -p "$long" -e /tmp/echo.sh &
done
ns cl "$client"
echo "LAB-READY"
# httpd logs "[::ffff:ADDR]:PORT: url:/PATH"; the directors' checks ask /health
( while :; do sleep 10; for n in $(ls /tmp/*.log); do
    echo "LAB-RS-LOG $(basename "$n" .log) $(grep "$client" "$n" | grep -c ": url:/\$")"; done; done ) &
# the client runs in its namespace as one shell (an `ip netns exec` per request would cost a remount each)
cat > /tmp/client.sh <<'EOF'
#!/bin/sh
now() { read -r up _ </proc/uptime; echo "$up"; }
longconn() {
  ( j=0; while :; do j=$((j + 1)); echo "$j"; sleep 0.2; done ) | nc "$vip" "$long" \
    | while read -r l; do echo "LAB-LONG $(now) $l"; done
  echo "LAB-LONG-END $(now)"
}
started=
while :; do
  a=$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 2 nc -w 1 "$vip" "$port" 2>/dev/null | tail -n 1)
  echo "LAB-HTTP $(now) ${a:-FAIL}"
  if [ -n "$a" ] && [ -z "$started" ]; then started=1; longconn & fi
  sleep 0.05
done
EOF
vip=$vip port=$port long=$long ip netns exec cl /bin/sh /tmp/client.sh
echo "=== VIGIL-APPLIANCE lab client exited"; poweroff -f
