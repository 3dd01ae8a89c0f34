#!/usr/bin/env bash
# Builds `.gpu-kit/` at the repository root: everything `npm run bench:gpu` needs on a GPU machine
# that has no Node, no npm registry and no network (such as the device machine this project is
# sometimes lent), in about 32 MB:
#
#   node.xz            this machine's `node` binary, xz-compressed
#   gpu-bench.mjs      bench/gpu.ts bundled with gpu.js and fast-check (esbuild); `webgpu` external
#   webgpu.tar.xz      the `webgpu` package (Dawn) with its linux-x64 binary only
#   debs/              the Vulkan loader (libvulkan1), unpacked there only when it is missing
#   runtime/           Debian 13's libc6, libstdc++6, libgcc-s1 (debian-runtime.sh): used only
#                      when Dawn does not load with that machine's C++ runtime (GLIBCXX_3.4.32)
#   run.sh             the command to run there: `bash .gpu-kit/run.sh`
#
# `.gpu-kit/` is git-ignored; carry it to the machine (device tool: carry [".gpu-kit"]). The run
# writes gpu-results.json, gpu-results.md and log.txt to $OUT (or .gpu-kit/out): copy the first
# two to packages/kernels/bench/ here.
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
kit="$root/.gpu-kit"
rm -rf "$kit"
mkdir -p "$kit/debs" "$kit/stage/node_modules/webgpu/dist"

echo "gpu-kit: bundling bench/gpu.ts" >&2
(cd "$root" && npx esbuild packages/kernels/bench/gpu.ts --bundle --platform=node --format=esm \
  --target=node20 --conditions=@spa/source --external:webgpu --log-level=warning \
  --banner:js="import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);" \
  --outfile="$kit/gpu-bench.mjs")

echo "gpu-kit: packing node $(node --version) and the webgpu package" >&2
xz -T0 -9 -c "$(readlink -f "$(command -v node)")" >"$kit/node.xz"
webgpu="$root/node_modules/webgpu"
cp "$webgpu/package.json" "$webgpu/index.js" "$kit/stage/node_modules/webgpu/"
cp "$webgpu/dist/linux-x64.dawn.node" "$kit/stage/node_modules/webgpu/dist/"
tar -C "$kit/stage" -cJf "$kit/webgpu.tar.xz" node_modules
rm -rf "$kit/stage"

echo "gpu-kit: downloading libvulkan1 and a newer C++ runtime (apt)" >&2
(cd "$kit/debs" && apt-get download libvulkan1 >&2)
bash "$(dirname "$0")/debian-runtime.sh" "$kit/runtime"

cat >"$kit/run.sh" <<'RUN'
#!/usr/bin/env bash
# On the GPU machine, from the repository root: bash .gpu-kit/run.sh
set -uo pipefail
kit="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$kit/out}"
work=/tmp/spa-gpu-kit
mkdir -p "$out" "$work"
unxz() { # xz, or Python's lzma where xz is missing
  if command -v xz >/dev/null; then xz -dc "$1"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi
}
{
  nvidia-smi -L || echo "nvidia-smi: not available"
  unxz "$kit/node.xz" >"$work/node" && chmod +x "$work/node"
  unxz "$kit/webgpu.tar.xz" | tar -C "$work" -x
  echo "node $("$work/node" --version)"
  runner=("$work/node")
  if ! (cd "$work" && "$work/node" --input-type=module -e "await import('webgpu')"); then
    echo "Dawn does not load with this machine's C++ runtime: using the kit's Debian 13 runtime"
    mkdir -p "$work/runtime"
    for deb in "$kit"/runtime/*.deb; do dpkg -x "$deb" "$work/runtime"; done
    lib="$work/runtime/usr/lib/x86_64-linux-gnu"
    runner=("$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$work/node")
  fi
  if ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
    echo "libvulkan.so.1 missing: unpacking the kit's libvulkan1"
    for deb in "$kit"/debs/*.deb; do dpkg -x "$deb" /; done
    ldconfig
  fi
  # Where the NVIDIA Vulkan driver lives on the device machine (its README).
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -e "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work/run}"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  cp "$kit/gpu-bench.mjs" "$work/"
  cd "$work" && SPA_BENCH_OUT="$out" "${runner[@]}" gpu-bench.mjs
  echo "gpu-bench exit $?"
} 2>&1 | tee "$out/log.txt"
RUN
chmod +x "$kit/run.sh"
du -sh "$kit" >&2
