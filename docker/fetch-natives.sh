#!/usr/bin/env bash
# Fetches DJL's libtorch build for one PyTorch version and flavor into the DJL cache folder, laid out
# exactly as DJL's own downloader (ai.djl.pytorch.jni.LibUtils) lays it out, plus the JNI library taken
# from the pytorch-jni jar. The engine then loads from there with no network:
#   $DJL_CACHE_DIR/pytorch/<version>-<flavor>-<classifier>/libtorch.so ...   (PYTORCH_LIBRARY_PATH)
#   $DJL_CACHE_DIR/pytorch/<version>-<flavor>-<classifier>/<djl-version>-libdjl_torch.so
#   $DJL_CACHE_DIR/pytorch/<version>.txt                                     (DJL's index file)
# Used by the Dockerfile's GPU image; also usable on a host without Docker.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: fetch-natives.sh --cache-dir DIR --jni-jar FILE [options]

Downloads libtorch for DJL's PyTorch engine into DIR/pytorch/<version>-<flavor>-<classifier>/.

  --cache-dir DIR      the DJL cache folder (DJL_CACHE_DIR); required
  --jni-jar FILE       pytorch-jni-<version>-<djl-version>.jar (from target/lib/); required
  --version V          PyTorch version (default 2.7.1)
  --flavor F           libtorch flavor: cu128, cu126, cpu, ... (default cu128)
  --classifier C       platform (default linux-x86_64)
  --djl-version V      DJL version the JNI library is named for (default 0.36.0)
  --base-url URL       where DJL publishes libtorch (default https://publish.djl.ai/pytorch);
                       file:// URLs work, for a local mirror
  -h, --help           this text
EOF
}

die() {
  echo "fetch-natives.sh: $*" >&2
  exit 1
}

cache_dir=""
jni_jar=""
version="2.7.1"
flavor="cu128"
classifier="linux-x86_64"
djl_version="0.36.0"
base_url="https://publish.djl.ai/pytorch"

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --cache-dir|--jni-jar|--version|--flavor|--classifier|--djl-version|--base-url)
      [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see --help)"
      case "$1" in
        --cache-dir) cache_dir="$2" ;;
        --jni-jar) jni_jar="$2" ;;
        --version) version="$2" ;;
        --flavor) flavor="$2" ;;
        --classifier) classifier="$2" ;;
        --djl-version) djl_version="$2" ;;
        --base-url) base_url="${2%/}" ;;
      esac
      shift 2 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ -n "$cache_dir" ]] || die "--cache-dir is required (see --help)"
[[ -n "$jni_jar" ]] || die "--jni-jar is required (see --help)"
[[ -f "$jni_jar" ]] || die "JNI jar not found: $jni_jar"
for tool in curl gzip unzip; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

engine_dir="$cache_dir/pytorch"
target="$engine_dir/$version-$flavor-$classifier"
if [[ -f "$target/libtorch.so" && -f "$target/$djl_version-libdjl_torch.so" ]]; then
  echo "fetch-natives.sh: $target already holds libtorch and the JNI library; nothing to do"
  exit 0
fi
mkdir -p "$engine_dir"

work="$(mktemp -d "$engine_dir/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

link="$base_url/$version"
curl -fsSL --retry 5 --retry-delay 2 -o "$work/files.txt" "$link/files.txt" \
  || die "cannot download $link/files.txt"
tr -d '\r' < "$work/files.txt" > "$work/index.txt"

# DJL takes every line that starts with <flavor>/<classifier>/ and saves it under its base name, un-gzipped.
awk -v p="$flavor/$classifier/" 'index($0, p) == 1 && /\.gz$/' "$work/index.txt" > "$work/selected.txt"
if [[ ! -s "$work/selected.txt" ]]; then
  available="$(awk -F/ -v c="$classifier" '$2 == c { print $1 }' "$work/index.txt" | sort -u | paste -sd, -)"
  die "no $flavor build for $classifier in $link/files.txt (flavors there: ${available:-none})"
fi

mkdir -p "$work/lib"
count=0
while IFS= read -r line; do
  name="${line##*/}"
  name="${name%.gz}"
  name="${name//+/ }"
  printf -v name '%b' "${name//%/\\x}"
  echo "fetch-natives.sh: $line"
  curl -fsSL --retry 5 --retry-delay 2 "$link/$line" | gzip -dc > "$work/lib/$name" \
    || die "cannot download $link/$line"
  count=$((count + 1))
done < "$work/selected.txt"
[[ -f "$work/lib/libtorch.so" ]] || die "the $flavor build in $link/files.txt has no libtorch.so"

jni_entry="jnilib/$classifier/$flavor/libdjl_torch.so"
unzip -p "$jni_jar" "$jni_entry" > "$work/lib/$djl_version-libdjl_torch.so" \
  || die "$jni_jar has no $jni_entry"
[[ -s "$work/lib/$djl_version-libdjl_torch.so" ]] || die "$jni_jar has no $jni_entry"

rm -rf "$target"
mv "$work/lib" "$target"
mv "$work/files.txt" "$engine_dir/$version.txt"
chmod -R a+rX "$engine_dir"
echo "fetch-natives.sh: $count libraries and the JNI library in $target ($(du -sh "$target" | cut -f1))"
