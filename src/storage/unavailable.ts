import { DomainError, unavailable as unavailableError } from '../domain/errors';

/** What a store answers when its database cannot serve a request (or lost an import's staged rows). */
export function unavailable(): DomainError {
  return unavailableError(
    'The database cannot be reached right now. An upload answered so was stored wholly or not at all: send it again, with the same Idempotency-Key, once the service is ready.');
}
