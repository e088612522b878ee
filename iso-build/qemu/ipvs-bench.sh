#!/bin/bash
# Runs io.vigil.bench.IpvsBench inside the qemu guest and prints its BENCH lines.
# Usage (from the repo root, after ./mvnw -q -o -DskipTests test-compile -pl appliance-core -am):
#   iso-build/qemu/ipvs-bench.sh [virtualServers] [realServers] [ipvsadmSingleCommands]   (default 300 100 1000)
source "$(dirname "$0")/common.sh"
T=$REPO_ROOT/appliance-core/target
[ -f "$T/test-classpath.txt" ] || { log "build first: ./mvnw -q -o -DskipTests test-compile -pl appliance-core -am"; exit 1; }
jars=$(tr ':' '\n' < "$T/test-classpath.txt" | grep -E '/slf4j-(api|simple)-' | tr '\n' ' ')
LOG=${LOG:-$T/qemu-IpvsBench.log}
VIGIL_QEMU_TIMEOUT=${VIGIL_QEMU_TIMEOUT:-1200} VIGIL_GUEST_HEAP=${VIGIL_GUEST_HEAP:-600m} \
VIGIL_GUEST_JOPTS=${VIGIL_GUEST_JOPTS:--XX:+TieredCompilation} \
  "$QEMU_DIR/run-guest.sh" "$LOG" io.vigil.bench.IpvsBench "${1:-300},${2:-100},${3:-1000}" "$T/classes" "$T/test-classes" $jars
grep -a 'BENCH' "$LOG"
