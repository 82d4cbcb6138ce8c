// Runs after `vite build`: writes x.br and x.gz beside each compressible file of dist/, so the Go
// server sends them to browsers that accept them (internal/httpapi/spa.go) without compressing on
// every request. Node's zlib has both codecs: no package needed. A copy that saves less than 5 %
// is not written (the server then sends the file itself).
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
// Text formats; images, fonts (woff2) and archives are compressed already.
const compressible = /\.(js|mjs|css|html|svg|json|txt|xml|map|webmanifest|wasm|ttf|otf|eot|ico)$/i;
const minBytes = 1024;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else yield p;
  }
}

let before = 0;
let afterBr = 0;
let count = 0;
for (const file of [...files(dist)]) {
  if (/\.(br|gz)$/.test(file)) {
    unlinkSync(file); // a stale copy from an earlier build
    continue;
  }
  if (!compressible.test(file) || statSync(file).size < minBytes) continue;
  const data = readFileSync(file);
  const variants = {
    br: brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gz: gzipSync(data, { level: constants.Z_BEST_COMPRESSION }),
  };
  for (const [ext, out] of Object.entries(variants)) {
    if (out.length < data.length * 0.95) writeFileSync(`${file}.${ext}`, out);
  }
  before += data.length;
  afterBr += Math.min(variants.br.length, data.length);
  count++;
}
const kib = (n) => `${Math.round(n / 1024)} KiB`;
console.log(`precompress: ${count} files, ${kib(before)} → ${kib(afterBr)} with brotli`);
