import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import openapi from '../../src/generated/swagger.json';

/** One response as the client saw it. */
export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

type Json = Record<string, unknown>;
const spec = openapi as unknown as { servers: Array<{ url: string }>; paths: Record<string, Json>; components: Json };
const basePath = spec.servers[0].url;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int32', true).addFormat('int64', true).addFormat('double', true).addFormat('float', true);
ajv.addSchema({ components: spec.components }, 'openapi');

const validators = new Map<string, ValidateFunction>();
function validatorFor(pointer: string, schema: Json): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    // References inside the document point at #/components/...; resolve them against the registered copy.
    const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/'));
    validate = ajv.compile(rewritten);
    validators.set(pointer, validate);
  }
  return validate;
}

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${basePath}${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The OpenAPI path template a request URL falls under, if any. */
export function operationPath(url: string): string | undefined {
  const path = url.split('?')[0];
  return templates.find((t) => t.pattern.test(path))?.template;
}

/** Everything about a response that disagrees with the generated OpenAPI document; empty when it agrees. */
export function contractViolations(r: RecordedResponse): string[] {
  const template = operationPath(r.url);
  if (!template) return []; // not an API path: /health, /docs, /v1/openapi.json, unknown paths
  const operation = spec.paths[template][r.method.toLowerCase()] as Json | undefined;
  if (!operation) return [];
  const where = `${r.method} ${r.url} → ${r.status}`;
  const responses = operation.responses as Record<string, Json>;
  const documented = responses[String(r.status)];
  if (!documented) return [`${where}: status ${r.status} is not documented`];
  const problems: string[] = [];
  const contentType = String(r.headers['content-type'] ?? '').split(';')[0].trim();
  if (r.status !== 304 && r.body.length > 0) {
    const content = documented.content as Record<string, { schema: Json }> | undefined;
    const media = content?.[contentType];
    if (!media) {
      problems.push(`${where}: content type ${contentType} is not documented (${Object.keys(content ?? {}).join(', ')})`);
    } else if (!/^application\/(.+\+)?json$/.test(contentType)) {
      // A file (CSV, TSV, xlsx) is documented as a string; its rows are checked by the tests that parse it.
      if (media.schema.type !== 'string') problems.push(`${where}: ${contentType} is documented as ${JSON.stringify(media.schema)}, not as a file`);
    } else {
      const validate = validatorFor(`${template} ${r.method} ${r.status} ${contentType}`, media.schema);
      if (!validate(JSON.parse(r.body))) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, { required?: boolean }>)) {
    if (header.required && r.headers[name.toLowerCase()] === undefined) problems.push(`${where}: header ${name} is missing`);
  }
  return problems;
}

export const documentedOperations = (): string[] =>
  Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${basePath}${path}`));
