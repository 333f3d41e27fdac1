#!/usr/bin/env node
/*
 * Build step after `tsoa spec-and-routes`: tsoa documents one schema for every media type of a response, but
 * a CSV, TSV or xlsx answer is no JSON object. Every read that declares a `format` query parameter gets, for
 * its 200 answer, one media type per value of that parameter, with a string schema saying what the file
 * holds, and the headers that come with a file. A read whose formats do not include `json` answers no JSON.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'src', 'generated', 'swagger.json');
const spec = JSON.parse(readFileSync(file, 'utf8'));

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

for (const item of Object.values(spec.paths)) {
  const operation = item.get;
  const format = operation && (operation.parameters || []).find((p) => p.in === 'query' && p.name === 'format');
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

/*
 * The words of each measure (src/domain/measures.json, which GET /v1/measures answers and the table headers
 * print) go into the description of every field that holds it: `total`, `registerTotal`, `coverage`,
 * `profileShare`, and `withProfile` / `withoutProfile` under `gemeenteClients` / `uwvClients`.
 */
const words = JSON.parse(readFileSync(path.join(__dirname, '..', 'src', 'domain', 'measures.json'), 'utf8'));
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

writeFileSync(file, `${JSON.stringify(spec, null, '\t')}\n`);
