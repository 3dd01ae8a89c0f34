#!/usr/bin/env bash
# Runs a command with a software WebGPU adapter (Dawn on Mesa's llvmpipe) on a Debian 12 machine
# without a GPU, so the `webgpu` backend's code path (WGSL generation, buffers, limits) can be
# tested anywhere. Results are correct but CPU-slow: timings from it say nothing about GPUs.
#
#   bash packages/kernels/scripts/software-webgpu.sh <command...>
#   bash packages/kernels/scripts/software-webgpu.sh --check   # exit 0 once an adapter is obtained
#   e.g. SPA_GPU_TESTS=1 bash packages/kernels/scripts/software-webgpu.sh \
#          npx vitest run packages/kernels/src/gpu/webgpu.test.ts
#
# Why the detour: the `webgpu` package's Dawn binary needs GLIBCXX_3.4.32 (GCC 13's libstdc++),
# and Debian 12 ships 3.4.30. This script downloads Debian 13's libc6, libstdc++6 and libgcc-s1
# (debian-runtime.sh: apt, no install) into a cache folder and runs a copy of `node` whose ELF interpreter and
# library path point there (patchelf), so child processes (vitest's forks) use it too. The
# system libraries are not touched. It installs the Vulkan loader and Mesa's Vulkan drivers
# (libvulkan1, mesa-vulkan-drivers) and patchelf with apt when they are missing (needs root).
set -euo pipefail

cache="${SPA_SOFTWARE_WEBGPU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spa-software-webgpu}"
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

missing=()
[ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] || missing+=(mesa-vulkan-drivers)
ldconfig -p | grep -q 'libvulkan.so.1 ' || missing+=(libvulkan1)
command -v patchelf >/dev/null || missing+=(patchelf)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "software-webgpu: installing ${missing[*]} (apt)" >&2
  apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
fi

lib="$cache/root/usr/lib/x86_64-linux-gnu"
node_copy="$cache/bin/node"
real_node="$(readlink -f "$(command -v node)")"
if [ ! -x "$node_copy" ] || [ "$(cat "$cache/node-source" 2>/dev/null)" != "$real_node $(node --version)" ]; then
  echo "software-webgpu: preparing $cache (Debian 13 libc6, libstdc++6, libgcc-s1)" >&2
  rm -rf "$cache"
  mkdir -p "$cache/root" "$cache/bin"
  bash "$(dirname "$0")/debian-runtime.sh" "$cache/debs"
  for deb in "$cache"/debs/*.deb; do dpkg -x "$deb" "$cache/root"; done
  cp "$real_node" "$node_copy"
  patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --set-rpath "$lib" "$node_copy"
  echo "$real_node $(node --version)" >"$cache/node-source"
fi

export PATH="$cache/bin:$PATH"
# Mesa's WSI warns without it; compute needs no display.
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  export XDG_RUNTIME_DIR="$cache/run"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
fi
if [ "$1" = "--check" ]; then
  # From this package's folder, where `webgpu` resolves. Dawn keeps the process alive: exit.
  cd "$(dirname "$0")/.."
  exec node --input-type=module -e "
    const { create } = await import('webgpu');
    const adapter = await create([]).requestAdapter();
    if (!adapter) { console.error('software-webgpu: no WebGPU adapter'); process.exit(1); }
    console.error('software-webgpu: adapter ' + adapter.info.description);
    process.exit(0);"
fi
exec "$@"
