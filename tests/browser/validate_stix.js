// validate_stix.js BUNDLE.json SCHEMA.json
// Validates updguard's iocs.stix.json: the JSON schema (ajv, draft-07, with
// formats), then what a schema cannot say: ids unique, relationship refs
// point at objects in the bundle (and indicator -indicates-> malware),
// last_seen >= first_seen, and every pattern parses as STIX 2.1 patterning
// for the comparisons updguard writes ([path = 'literal' (AND ...)] with
// object paths from the STIX cyber-observable types and literals escaped).
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [bundlePath, schemaPath] = process.argv.slice(2);
const bundle = JSON.parse(fs.readFileSync(bundlePath, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
const problems = [];
if (!validate(bundle)) problems.push(...validate.errors.slice(0, 20).map((e) => `schema: ${e.instancePath} ${e.message}`));

const PATHS = [
  "file:hashes.'SHA-256'", "file:hashes.'SHA-1'", 'file:hashes.MD5', 'file:name', 'file:parent_directory_ref.path',
  'domain-name:value', 'ipv4-addr:value', 'ipv6-addr:value', 'url:value', 'windows-registry-key:key',
];
const LIT = "'(?:[^'\\\\]|\\\\['\\\\])*'";
const CMP = `(${PATHS.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}) = (${LIT})`;
const PATTERN = new RegExp(`^\\[${CMP}(?: AND ${CMP})*\\]$`);

const ids = new Map();
for (const o of bundle.objects || []) {
  if (ids.has(o.id)) problems.push('duplicate id ' + o.id);
  ids.set(o.id, o);
}
let indicators = 0;
for (const o of bundle.objects || []) {
  if (o.type === 'indicator') {
    indicators++;
    if (!PATTERN.test(o.pattern)) problems.push(`pattern does not parse: ${o.pattern}`);
    if (/hashes/.test(o.pattern) && !/= '[0-9a-f]+'\]$/.test(o.pattern)) problems.push('hash not lower-case hex: ' + o.pattern);
    if (/windows-registry-key/.test(o.pattern) && !/= 'HKEY_/.test(o.pattern)) problems.push('registry hive abbreviated: ' + o.pattern);
  }
  if (o.type === 'relationship') {
    if (!ids.has(o.source_ref) || !ids.has(o.target_ref)) problems.push('dangling relationship ' + o.id);
    if (o.relationship_type === 'indicates' && (!o.source_ref.startsWith('indicator--') || !/^(malware|campaign)--/.test(o.target_ref)))
      problems.push('indicates must go from an indicator to malware/campaign: ' + o.id);
  }
  if (o.first_seen && o.last_seen && o.last_seen < o.first_seen) problems.push('last_seen before first_seen in ' + o.id);
}
if (problems.length) {
  console.error('FAIL: ' + bundlePath + '\n  ' + problems.join('\n  '));
  process.exit(1);
}
console.log(`ok: ${bundle.objects.length} objects, ${indicators} indicators valid`);
