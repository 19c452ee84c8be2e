#!/bin/sh
# Rebuilds the MNIST sample in this folder from a full MNIST copy in IDX format.
# Usage: make-sample.sh FULL_MNIST_DIR [OUT_DIR]
# FULL_MNIST_DIR holds the four standard IDX files (gzipped or raw). The sample keeps
# the first 6,000 training and the first 1,000 test records, in the original order,
# with the header counts rewritten, and gzips them with `gzip -n -9` (no name, no
# timestamp) so the output is byte-for-byte reproducible.
set -eu
src=${1:?usage: make-sample.sh FULL_MNIST_DIR [OUT_DIR]}
out=${2:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$out"
python3 - "$src" "$out" <<'PY'
import gzip, os, struct, sys

src, out = sys.argv[1], sys.argv[2]

def load(name):
    for candidate in (name + ".gz", name):
        path = os.path.join(src, candidate)
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    sys.exit("missing " + os.path.join(src, name) + "[.gz]")

def cut(name, keep):
    data = load(name)
    magic, count = struct.unpack(">ii", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">ii", data[8:16])
        header, record = 16, rows * cols
        new_header = struct.pack(">iiii", magic, keep, rows, cols)
    elif magic == 2049:
        header, record = 8, 1
        new_header = struct.pack(">ii", magic, keep)
    else:
        sys.exit("%s: unexpected magic %d" % (name, magic))
    if count < keep or len(data) != header + count * record:
        sys.exit("%s: header/length mismatch" % name)
    with open(os.path.join(out, name), "wb") as f:
        f.write(new_header + data[header:header + keep * record])

cut("train-images-idx3-ubyte", 6000)
cut("train-labels-idx1-ubyte", 6000)
cut("t10k-images-idx3-ubyte", 1000)
cut("t10k-labels-idx1-ubyte", 1000)
PY
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -n -9 -f "$out/$f"
done
