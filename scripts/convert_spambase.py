#!/usr/bin/env python3
"""Convert UCI Spambase, as Debian's `r-cran-kernlab` package ships it (`data/spam.rda`), into
byzlab's compact table format.

Usage:  python3 scripts/convert_spambase.py            (fetches the .deb with `apt-get download`,
                                                       unpacks it with dpkg-deb, reads it with PyPI's
                                                       `rdata`, which it installs with pip if missing)
        python3 scripts/convert_spambase.py spam.rda   (uses a file you already have)

Output: static/data/spambase.bin, zlib-compressed, holding
    b"BZTB", u32 version=1, u32 count, u32 features, u32 n_test, u32 classes   (little endian)
    count label bytes (0 = non-spam, 1 = spam), then count*features f32 values (row-major, raw:
    the 54 word and character frequencies in %, then capital_run_length_average, _longest, _total)
The split is stratified and made without randomness: within each class, in the file's order, every
fifth e-mail (the 5th, 10th, …) is a test e-mail. The training rows come first (in the file's order),
then the test rows; the engine standardises every feature with the training rows' mean and
standard deviation. Source and licence: static/data/README.md.
"""
import glob, os, struct, subprocess, sys, tempfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_EVERY = 5


def rda_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    tmp = tempfile.mkdtemp()
    subprocess.check_call(["apt-get", "download", "r-cran-kernlab"], cwd=tmp)
    deb = glob.glob(os.path.join(tmp, "r-cran-kernlab_*.deb"))[0]
    subprocess.check_call(["dpkg-deb", "-x", deb, os.path.join(tmp, "x")])
    return glob.glob(os.path.join(tmp, "x", "**", "kernlab", "data", "spam.rda"), recursive=True)[0]


def main():
    try:
        import rdata
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "rdata"])
        import rdata
    df = rdata.conversion.convert(rdata.parser.parse_file(rda_path()))["spam"]
    features = [c for c in df.columns if c != "type"]
    assert df.shape == (4601, 58) and len(features) == 57, df.shape
    labels = [1 if t == "spam" else 0 for t in df["type"]]
    assert sum(labels) == 1813, sum(labels)
    values = df[features].to_numpy(dtype="float64")
    train, test, seen = [], [], [0, 0]
    for i, y in enumerate(labels):
        seen[y] += 1
        (test if seen[y] % TEST_EVERY == 0 else train).append(i)
    order = train + test
    header = b"BZTB" + struct.pack("<5I", 1, len(order), len(features), len(test), 2)
    body = bytes(labels[i] for i in order) + b"".join(struct.pack(f"<{len(features)}f", *values[i]) for i in order)
    blob = zlib.compress(header + body, 9)
    out = os.path.join(ROOT, "static", "data", "spambase.bin")
    with open(out, "wb") as f:
        f.write(blob)
    spam_test = sum(labels[i] for i in test)
    print(f"{out}: {len(order)} e-mails ({len(train)} train, {len(test)} test, {spam_test} spam in test), {len(blob)} bytes")


if __name__ == "__main__":
    main()
