// Validates RDF against SHACL shapes with rdf-validate-shacl, which is an ES module only: the tests (CommonJS
// under ts-jest) run this as a child process. Usage: node shacl-validate.mjs shapes.ttl [more.ttl …] < data.nq
// Prints the report's results as JSON: [{ severity, shape, focus, path, message }].
import { readFileSync } from 'node:fs';
import rdf from '@zazuko/env-node';
import SHACLValidator from 'rdf-validate-shacl';
import { Parser } from 'n3';

const parse = (text, format) => new Parser({ format }).parse(text);
const shapes = rdf.dataset(process.argv.slice(2).flatMap((file) => parse(readFileSync(file, 'utf8'), 'text/turtle')));
const data = rdf.dataset(parse(readFileSync(0, 'utf8'), 'application/n-quads'));
const report = await new SHACLValidator(shapes, { factory: rdf }).validate(data);
const term = (t) => (t ? t.value : null);
process.stdout.write(JSON.stringify(report.results.map((r) => ({
  severity: term(r.severity)?.replace('http://www.w3.org/ns/shacl#', ''),
  shape: term(r.sourceShape),
  focus: term(r.focusNode),
  path: term(r.path),
  message: r.message.map((m) => m.value).join(' '),
}))));
