/**
 * Gives every response header in the generated OpenAPI document its description and example. tsoa takes
 * response headers only from a type literal in @SuccessResponse/@Response, where it reads no JSDoc, so the
 * words live here, once per header name. A header without an entry fails the build, so that a new one
 * gets its description. Runs after `tsoa spec-and-routes` (npm run build).
 */
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const HEADERS = {
  'API-Version': {
    description: 'The version of the API that answered (semantic versioning), as the Dutch API Design Rules ask.',
    example: '1.0.0',
  },
  ETag: {
    description: 'Strong validator of the answer\'s bytes. Send it back in If-None-Match: while the figures are unchanged the answer is 304 without a body.',
    example: '"q3V0n2mJ6s1Hk8cXz0pLr4Tt7Yw9bAaE"',
  },
  'Cache-Control': {
    description: '`public, no-cache`: any cache may keep the answer, but must check it with its ETag before using it again, since an upload can change the figures at any moment.',
    example: 'public, no-cache',
  },
  Location: {
    description: 'Where the stored upload can be read: /v1/uploads/{id}, or for a file of several regions the uploads of its period.',
    example: '/v1/uploads/1',
  },
  Link: {
    description: 'Links to other pages of a paged list (RFC 8288): rel="next", rel="prev", as the Dutch API Design Rules describe.',
    example: '</v1/uploads?limit=100&offset=100>; rel="next"',
  },
  'Total-Count': {
    description: 'How many items match the request in all, over every page.',
    example: '3',
  },
  'Content-Disposition': {
    description: 'The file name a browser or script saves the answer under.',
    example: 'attachment; filename="twente-2026-06.tsv"',
  },
  'Retry-After': {
    description: 'How many seconds to wait before asking again.',
    example: '5',
  },
  'Idempotent-Replayed': {
    description: '`true` when this is the remembered answer to an earlier request with the same Idempotency-Key: nothing new was stored.',
    example: 'true',
  },
};

const file = path.join(__dirname, '..', 'src', 'generated', 'swagger.json');
const document = JSON.parse(readFileSync(file, 'utf8'));
const missing = [];
for (const [route, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        const words = HEADERS[name];
        if (!words) {
          missing.push(`${method.toUpperCase()} ${route} ${status}: ${name}`);
          continue;
        }
        header.description ??= words.description;
        header.schema = { ...header.schema, example: words.example };
      }
    }
  }
}
if (missing.length > 0) {
  process.stderr.write(`Response headers without a description in scripts/describe-headers.js:\n  ${missing.join('\n  ')}\n`);
  process.exit(1);
}
writeFileSync(file, `${JSON.stringify(document, null, '\t')}\n`);
