#!/usr/bin/env node
/*
 * The one build step after `tsoa spec-and-routes` (npm run build): completes the generated document where tsoa
 * cannot say what the controllers mean, then writes the typed client's types from it.
 *
 * - A schema nothing refers to is left out: tsoa documents the type of a `@Queries` parameter (each of its
 *   properties a query parameter) as a schema too, though no answer or body has that shape.
 * - Errors: every 4xx and 5xx answer is application/problem+json. tsoa gives a class-level @Response no media
 *   type of its own, so the rule lives here rather than on each decorator.
 * - Response headers get their description and example. tsoa takes them only from a type literal in
 *   @SuccessResponse/@Response, where it reads no JSDoc, so the words live here, once per header name. A header
 *   without an entry fails the build, so that a new one gets its description.
 * - A request body may come in more media types than the one tsoa documents: an operation lists them in its
 *   `x-also-consumes` extension (see the upload controller), each documented as a file.
 * - An answer may be linked data rather than JSON: an operation lists its media types in `x-produces` (see the
 *   catalog controller); the JSON-LD ones keep tsoa's schema, the others (Turtle) are documented as text.
 * - The words of each measure (src/domain/measures.json) go into the descriptions of the fields that hold it.
 * - The client's types are generated from the JSON view of the document; only then do reads with a `format`
 *   parameter get their CSV, TSV or xlsx answers, which openapi-fetch would otherwise type as a read's data.
 */
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const file = path.join(root, 'src', 'generated', 'swagger.json');
const typesFile = path.join(root, 'packages', 'client', 'src', 'generated', 'openapi-types.ts');
const spec = JSON.parse(readFileSync(file, 'utf8'));

const PROBLEM = 'application/problem+json';

const referenced = new Set();
const refersTo = (value) => JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g);
for (let pending = [...refersTo(spec.paths)]; pending.length > 0;) {
  const name = pending.pop()[1];
  if (!referenced.has(name)) {
    referenced.add(name);
    pending.push(...refersTo(spec.components.schemas[name]));
  }
}
for (const name of Object.keys(spec.components.schemas)) if (!referenced.has(name)) delete spec.components.schemas[name];

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

/** A request body in one of these media types is a file: xlsx as bytes, the others as text. */
const FILE_SCHEMAS = {
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { type: 'string', format: 'binary' },
};
const ALSO_CONSUMES = 'x-also-consumes';
const PRODUCES = 'x-produces';

const operations = Object.entries(spec.paths).flatMap(([route, item]) =>
  Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${route}`, method, operation })));

const missing = [];
for (const { name, operation } of operations) {
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const json = response.content?.['application/json'];
    if (Number(status) >= 400 && json) response.content = { [PROBLEM]: json };
    for (const [header, schema] of Object.entries(response.headers ?? {})) {
      const words = HEADERS[header];
      if (!words) {
        missing.push(`${name} ${status}: ${header}`);
        continue;
      }
      schema.description ??= words.description;
      schema.schema = { ...schema.schema, example: words.example };
    }
  }
  const also = operation[ALSO_CONSUMES];
  if (also) {
    delete operation[ALSO_CONSUMES];
    // The body is optional to tsoa only because it reads no file: every content type sends one.
    operation.requestBody.required = true;
    // tsoa repeats the body's description inside its JSON schema; it describes every media type, so it stays above them.
    for (const media of Object.values(operation.requestBody.content)) delete media.schema.description;
    for (const type of also) operation.requestBody.content[type] = { schema: FILE_SCHEMAS[type] ?? { type: 'string' } };
  }
  const produces = operation[PRODUCES];
  if (produces) {
    delete operation[PRODUCES];
    const ok = operation.responses['200'];
    const json = ok.content['application/json'];
    ok.content = Object.fromEntries(produces.map((type) => [type, /[+/]json$/.test(type) ? json
      : { schema: { type: 'string', description: `The same graph as ${type}.` } }]));
  }
}
if (missing.length > 0) {
  process.stderr.write(`Response headers without a description in scripts/openapi-document.js:\n  ${missing.join('\n  ')}\n`);
  process.exit(1);
}

const words = JSON.parse(readFileSync(path.join(root, 'src', 'domain', 'measures.json'), 'utf8'));
const byId = new Map(words.measures.map((m) => [m.id, m]));
const said = (m) => `${m.englishLabel}; in the publication "${m.dutchLabel}". ${m.definition}`;
for (const schema of Object.values(spec.components.schemas)) {
  for (const [name, property] of Object.entries(schema.properties || {})) {
    const m = byId.get(name);
    if (m) property.description = said(m);
    const group = { gemeenteClients: 'gemeenteClients', uwvClients: 'uwvClients' }[name];
    if (group) {
      property.description = `${words.headings[group]}: ${byId.get(`${group}.withProfile`).englishLabel.replace(/ with a profile$/, '')}.`;
    }
  }
}
const counts = spec.components.schemas.ClientCounts;
if (counts) {
  counts.description = `Clients of one kind (${words.headings.gemeenteClients} or ${words.headings.uwvClients}), ${words.headings.withProfile} and ${words.headings.withoutProfile}.`;
  counts.properties.withProfile.description = `${words.headings.withProfile}: with a klantprofiel, visible in the kandidatenverkenner.`;
  counts.properties.withoutProfile.description = `${words.headings.withoutProfile}: without a klantprofiel.`;
}

/* The answers other than JSON of every read that declares a `format` query parameter: one media type per value. */
const MEDIA = {
  csv: {
    type: 'text/csv',
    schema: {
      type: 'string',
      description: 'RFC 4180 CSV in UTF-8 with CRLF line ends: a header row with the JSON field names (nested ones dotted, `gemeenteClients.withProfile`), then one row per item, as many as Total-Count says; ratios with a decimal point. With `delimiter=semicolon`: `;` between cells, a UTF-8 byte order mark and decimal commas, as Dutch Excel opens them.',
      example: 'region.code,region.name,period,code,name,gemeenteClients.withProfile,gemeenteClients.withoutProfile,uwvClients.withProfile,uwvClients.withoutProfile,total\r\nAM05,Twente,2026-06,GM0141,Almelo,3,222,491,502,1218\r\n',
    },
  },
  tsv: {
    type: 'text/tab-separated-values',
    schema: {
      type: 'string',
      description: 'The publication table, tab-separated, UTF-8, LF line ends: two Dutch header rows, the gemeente rows (the region label on the first), a TOTAAL AMR row with its total; counts as the publication prints them (1.218).',
      example: 'Arbeidsmarktregio\tGemeente\tGemeenteklanten in Sonar\t\tUWV-klanten in Sonar\t\tTotaal doelgroep banenafspraken in Sonar\n',
    },
  },
  xlsx: {
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    schema: { type: 'string', format: 'binary', description: 'The same table as an Excel workbook of one sheet; counts are numbers shown as 1.218.' },
  },
};

const FILE_HEADERS = {
  'Content-Disposition': {
    description: 'With CSV, TSV or xlsx: `attachment` with a file name saying what it holds, e.g. `twente-2026-06-gemeenten.csv`.',
    schema: { type: 'string', example: 'attachment; filename="twente-2026-06-gemeenten.csv"' },
  },
  'Total-Count': {
    description: 'With CSV, TSV or xlsx: the number of data rows after the header rows, to check that the whole file arrived.',
    schema: { type: 'integer', minimum: 0, example: 14 },
  },
  Vary: {
    description: 'Accept: the same URL answers JSON or CSV (or TSV, xlsx) as Accept asks, unless `format` decides.',
    schema: { type: 'string', example: 'Accept' },
  },
};

const resolve = (schema) => (schema && schema.$ref ? spec.components.schemas[schema.$ref.split('/').pop()] : schema);

function addFileAnswers() {
  for (const { method, operation } of operations) {
    const format = method === 'get' && (operation.parameters || []).find((p) => p.in === 'query' && p.name === 'format');
    if (!format) continue;
    const values = (resolve(format.schema) || {}).enum || [];
    const ok = operation.responses['200'];
    const content = ok.content || {};
    if (!values.includes('json')) delete content['application/json'];
    for (const value of values) {
      const media = MEDIA[value];
      if (media) content[media.type] = { schema: media.schema };
    }
    ok.content = content;
    ok.headers = { ...(ok.headers || {}), ...FILE_HEADERS };
  }
}

/** The webhook, which tsoa cannot declare: each event POSTed to the subscription's URL, signed (Standard Webhooks). */
function addWebhookCallback() {
  const subscribe = spec.paths['/subscriptions'] && spec.paths['/subscriptions'].post;
  if (!subscribe) return;
  const header = (name, description, example) => ({ name, in: 'header', required: true, description, schema: { type: 'string', example } });
  subscribe.callbacks = {
    figuresEvent: {
      '{$request.body#/url}': {
        post: {
          summary: 'An event delivered to your URL',
          description: 'One CloudEvent in structured mode, signed the Standard Webhooks way: verify it with the `standardwebhooks` library and your `whsec_` secret. Answer 2xx to accept it; anything else, a timeout or a refused connection is retried with exponential backoff for more than 24 hours. Retries and redeliveries after an instance died carry the same `webhook-id`.',
          parameters: [
            header('webhook-id', 'The delivery\'s id, the same on every attempt: `evt_` and the event\'s id.', 'evt_1'),
            header('webhook-timestamp', 'When this attempt was signed, in seconds since 1970.', '1782898200'),
            header('webhook-signature', 'One or two (during a secret rotation) signatures `v1,<base64>`, separated by spaces.', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='),
          ],
          requestBody: { required: true, content: { 'application/cloudevents+json': { schema: { $ref: '#/components/schemas/AnyEvent' } } } },
          // The ADR ruleset asks every operation, callbacks too, for a 400 and an API-Version header; for a
          // receiver both are optional: any 2xx accepts, anything else is retried.
          responses: {
            '204': {
              description: 'Accepted (any 2xx does)',
              headers: { 'API-Version': { required: false, description: 'The receiver\'s own API version, if it has one; not read.', schema: { type: 'string', example: '1.0.0' } } },
            },
            '400': { description: 'Refused, for example because the signature did not verify: retried like any answer other than 2xx' },
          },
        },
      },
    },
  };
}

async function main() {
  const { default: openapiTS, astToString, COMMENT_HEADER } = require('openapi-typescript');
  const types = astToString(await openapiTS(JSON.parse(JSON.stringify(spec))));
  mkdirSync(path.dirname(typesFile), { recursive: true });
  writeFileSync(typesFile, `${COMMENT_HEADER}${types}`);
  addFileAnswers();
  addWebhookCallback();
  writeFileSync(file, `${JSON.stringify(spec, null, '\t')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
