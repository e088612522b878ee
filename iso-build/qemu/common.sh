# Sourced by the qemu harness scripts: cache location and the pinned-by-resolution kernel.
# VIGIL_QEMU_CACHE (default ~/.cache/vigil-qemu) keeps the kernel, the JRE and the base initramfs
# between runs, so only the small application archive is rebuilt each time.
set -euo pipefail
QEMU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$QEMU_DIR/../.." && pwd)
CACHE=${VIGIL_QEMU_CACHE:-$HOME/.cache/vigil-qemu}
mkdir -p "$CACHE"
log() { echo "qemu-harness: $*" >&2; }

# Kernel package: VIGIL_KERNEL_PKG pins it (e.g. linux-image-6.1.0-56-amd64); otherwise a cached one,
# otherwise whatever linux-image-amd64 depends on right now.
kernel_pkg() {
  if [ -n "${VIGIL_KERNEL_PKG:-}" ]; then echo "$VIGIL_KERNEL_PKG"; return; fi
  local cached; cached=$(ls -d "$CACHE"/kernel/linux-image-* 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$cached" ] && [ -f "$cached/.done" ]; then basename "$cached"; return; fi
  apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}
