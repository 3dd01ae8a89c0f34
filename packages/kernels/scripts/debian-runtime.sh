#!/usr/bin/env bash
# Downloads Debian 13 (trixie)'s libc6, libstdc++6 and libgcc-s1 packages (apt-get download: no
# install, nothing on the system changes) into the folder given. The `webgpu` package's Dawn
# binary needs GLIBCXX_3.4.32 (GCC 13's libstdc++); Debian 12 ships 3.4.30. Used by
# software-webgpu.sh and gpu-kit.sh.
#
#   bash debian-runtime.sh <folder>
set -euo pipefail
dest="${1:?usage: debian-runtime.sh <folder>}"
suite="${SPA_DEBIAN_RUNTIME_SUITE:-trixie}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # apt's download sandbox user must be able to write the lists
mkdir -p "$work/lists/partial"
# Outside the lists folder: `apt-get update` deletes files there that it does not know.
echo "deb http://deb.debian.org/debian $suite main" >"$work/sources.list"
apt_options=(
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists"
)
apt-get "${apt_options[@]}" update >&2
(cd "$dest" && apt-get "${apt_options[@]}" download libc6 libstdc++6 libgcc-s1 >&2)
