#!/usr/bin/env bash
# Packs what a lent GPU machine lacks for training into .device/ (ignored by git), to travel with the working tree
# as the device tool's `carry`: that machine has PyTorch but no Node, and the procedural teachers are Node programs.
#   .device/node.xz            this machine's Node binary, stripped (Debian's nodejs, glibc and libstdc++ only)
#   .device/node_modules.tar.xz   the packages training/teachers/render.mjs loads, and their dependencies
# Then it checks that what travels (tracked files, untracked files git does not ignore, .device) fits the tool's
# 64 MiB. Run it here before a device call; training/device/run.sh unpacks both there. See training/README.md,
# "On a lent GPU machine".
set -euo pipefail
cd "$(dirname "$0")/../.."

LIMIT=$((64 * 1024 * 1024))
mkdir -p .device
node=$(command -v node)
stamp="$(node --version) $(stat -c %s "$node")"
if [ ! -f .device/node.xz ] || [ "$(cat .device/node.stamp 2>/dev/null)" != "$stamp" ]; then
  # A few minutes on two cores: xz -9e takes the stripped 86 MB binary to about 21 MB.
  strip -o .device/node.tmp "$node"
  xz -9e -T0 -c .device/node.tmp > .device/node.xz.tmp
  rm .device/node.tmp
  mv .device/node.xz.tmp .device/node.xz
  echo "$stamp" > .device/node.stamp
fi

# The packages the teachers import, and what those depend on, from their package.json files (the platform build of
# resvg named explicitly: it is an optional dependency).
mapfile -t packages < <(node -e '
  const fs = require("fs"), path = require("path");
  const imported = fs.readdirSync("training/teachers").filter((f) => f.endsWith(".mjs"))
    .flatMap((f) => [...fs.readFileSync(path.join("training/teachers", f), "utf8").matchAll(/from \x27([^.\x27][^\x27]*)\x27/g)])
    .map((m) => m[1]).filter((s) => !s.startsWith("node:"))
    .map((s) => s.split("/").slice(0, s.startsWith("@") ? 2 : 1).join("/"));
  const seen = new Set(), todo = [...imported, "@resvg/resvg-js-linux-x64-gnu"];
  while (todo.length) {
    const name = todo.pop();
    if (seen.has(name)) continue;
    const pkg = JSON.parse(fs.readFileSync(path.join("node_modules", name, "package.json"), "utf8"));
    seen.add(name);
    todo.push(...Object.keys(pkg.dependencies || {}));
  }
  console.log([...seen].sort().map((n) => "node_modules/" + n).join("\n"));')
tar -cJf .device/node_modules.tar.xz "${packages[@]}"

tracked=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s}')
carried=$(du -cb .device/node.xz .device/node_modules.tar.xz | tail -1 | cut -f1)
total=$((tracked + carried))
awk -v t="$tracked" -v c="$carried" 'BEGIN { m = 1048576; printf "device pack: tree %.1f MiB + carried %.1f MiB = %.1f MiB of 64 MiB\n", t / m, c / m, (t + c) / m }'
if [ "$total" -gt "$LIMIT" ]; then
  echo "device pack: over the device tool's 64 MiB; the call would be refused" >&2
  exit 1
fi
