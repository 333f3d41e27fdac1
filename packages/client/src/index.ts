/**
 * A typed client of the service for other TypeScript services: openapi-fetch over the types that
 * openapi-typescript generates from the service's OpenAPI document when the service is built
 * (src/generated/openapi-types.ts of this package, never edited by hand).
 * Paths, parameters, bodies and answers are checked by tsc against the document, so a change to a
 * controller that breaks a caller breaks the build.
 *
 *   const sonar = createSonarClient({ baseUrl: 'https://sonar.example.org' });
 *   const { data, error } = await sonar.GET('/regions/{region}/totals', { params: { path: { region: 'Twente' } } });
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './generated/openapi-types';

export type { components, operations, paths };

/** The document's schemas by name: `Schemas['RegionTotals']`. */
export type Schemas = components['schemas'];

export type SonarClient = Client<paths>;

export interface SonarClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the service runs, without /v1: `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Sent as X-API-Key, for uploads. */
  apiKey?: string;
}

/** A client of one running service; the document's paths are relative to its /v1. */
export function createSonarClient({ baseUrl, apiKey, headers, ...options }: SonarClientOptions): SonarClient {
  return createClient<paths>({
    ...options,
    baseUrl: `${baseUrl.replace(/\/+$/, '')}/v1`,
    headers: { ...(apiKey === undefined ? {} : { 'X-API-Key': apiKey }), ...(headers as Record<string, string> | undefined) },
  });
}
