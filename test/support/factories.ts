import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GemeenteFiguresInput, UploadRequest } from '../../src/domain/upload';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The Twente table of the publication, transcribed as a JSON upload. */
export function twenteUpload(): UploadRequest {
  return JSON.parse(readFileSync(path.join(FIXTURES, 'twente-upload.json'), 'utf8')) as UploadRequest;
}

export function buildRow(overrides: Partial<GemeenteFiguresInput> = {}): GemeenteFiguresInput {
  return {
    gemeente: 'Almelo',
    gemeenteClients: { withProfile: 3, withoutProfile: 222 },
    uwvClients: { withProfile: 491, withoutProfile: 502 },
    total: 1218,
    ...overrides,
  };
}

/** A valid upload of Almelo alone, for Twente in 2026-06, so `partial: true`; override what a test is about. */
export function buildUpload(overrides: Partial<UploadRequest> & Record<string, unknown> = {}): UploadRequest {
  return { period: '2026-06', region: 'Twente', registerTotal: 10371, gemeenten: [buildRow()], partial: true, ...overrides };
}
