// Runs the cases written by verify_onnx.py with onnxruntime-node and the Rust `tokenizers` (Node binding).
// Usage: NODE_PATH=/tmp/npmcheck/node_modules node verify_ort.js manifest.json
const fs = require('fs');
const ort = require('onnxruntime-node');

function readArr(file, dtype) {
  const b = fs.readFileSync(file);
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  if (dtype === 'int64') return new BigInt64Array(ab);
  return new Float32Array(ab);
}

async function main() {
  const man = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let ok = true;
  const sessions = {};
  for (const c of man.cases) {
    if (!sessions[c.model]) sessions[c.model] = await ort.InferenceSession.create(c.model);
    const s = sessions[c.model];
    const feeds = {};
    for (const [k, v] of Object.entries(c.inputs)) {
      feeds[k] = new ort.Tensor(v.dtype === 'int64' ? 'int64' : 'float32', readArr(v.file, v.dtype), v.shape);
    }
    const res = await s.run(feeds);
    const names = s.outputNames;
    let maxd = 0, maxref = 0;
    c.outputs.forEach((o, i) => {
      const ref = readArr(o.file, 'float32');
      const got = res[names[i]];
      if (JSON.stringify(Array.from(got.dims)) !== JSON.stringify(o.shape)) {
        ok = false; console.log('SHAPE MISMATCH', c.model, names[i], got.dims, o.shape);
      }
      for (let j = 0; j < ref.length; j++) {
        maxd = Math.max(maxd, Math.abs(ref[j] - got.data[j])); maxref = Math.max(maxref, Math.abs(ref[j]));
      }
    });
    const shapes = Object.entries(c.inputs).map(([k, v]) => `${k}${JSON.stringify(v.shape)}`).join(' ');
    const pass = maxd <= 1e-3 * Math.max(1, maxref);
    if (!pass) ok = false;
    console.log(`${pass ? 'OK  ' : 'FAIL'} ${c.model.split('/').slice(-2).join('/')} ${shapes} -> ${names.join(',')} max|diff|=${maxd.toExponential(2)} (max|ref|=${maxref.toFixed(3)})`);
  }
  for (const [name, s] of Object.entries(sessions)) {
    const io = (n) => n;
    console.log('IO', name.split('/').slice(-2).join('/'), 'inputs', s.inputNames.map(io).join(','), 'outputs', s.outputNames.join(','));
  }
  const { Tokenizer } = require('tokenizers');
  const tok = Tokenizer.fromFile(man.tokenizer);
  let tokOk = 0;
  for (const tc of man.token_cases) {
    const enc = await tok.encode(tc.text, null);
    const ids = Array.from(enc.getIds());
    const same = JSON.stringify(ids) === JSON.stringify(tc.input_ids);
    if (same) tokOk++; else { ok = false; console.log('TOKEN MISMATCH', JSON.stringify(tc.text), '\n  rust', JSON.stringify(ids), JSON.stringify(enc.getTokens()), '\n  py  ', JSON.stringify(tc.input_ids)); }
  }
  console.log(`tokenizer: ${tokOk}/${man.token_cases.length} fixture cases identical to Rust tokenizers`);
  console.log(ok ? 'ALL OK' : 'SOME CHECKS FAILED');
  process.exit(ok ? 0 : 1);
}
main().catch((e) => { console.error(e); process.exit(2); });
