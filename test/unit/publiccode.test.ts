/**
 * publiccode.yml at the root, validated against the publiccode.yml JSON Schema (test/fixtures/publiccode,
 * SchemaStore's schema; see its SOURCE.md) with ajv, after reading it with the yaml package.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/paths';
import { FIXTURES } from '../support/factories';

const schema = JSON.parse(readFileSync(path.join(FIXTURES, 'publiccode', 'publiccode.schema.json'), 'utf8'));
const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(schema);
const publiccode = () => parse(readFileSync(path.join(PROJECT_ROOT, 'publiccode.yml'), 'utf8'));

describe('publiccode.yml', () => {
  test('When publiccode.yml is read, then it is valid against the publiccode.yml schema and describes this service', () => {
    const document = publiccode();

    const valid = validate(document);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(document.publiccodeYmlVersion).toBe('0.4');
    expect(document.legal.license).toBe(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).license);
    expect(document.description.nl.longDescription.length).toBeGreaterThanOrEqual(500);
  });

  test('When a required key is missing or a value is outside its list, then the schema refuses it (so that valid means something)', () => {
    const { legal, ...withoutLegal } = publiccode();
    const wrongStatus = { ...publiccode(), developmentStatus: 'finished' };

    expect(legal).toBeDefined();
    expect(validate(withoutLegal)).toBe(false);
    expect(validate.errors?.map((e) => e.params)).toContainEqual({ missingProperty: 'legal' });
    expect(validate(wrongStatus)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain('/developmentStatus');
  });
});
