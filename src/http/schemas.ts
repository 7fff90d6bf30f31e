import { Type } from 'typebox';
import { externalIdLengthMax, textLengthMax } from '../core/limits.ts';
import { pageSizeDefault, pageSizeMax, pageSizeMin } from './http-limits.ts';

/**
 * Shared JSON schemas. They validate requests and produce the OpenAPI document. Field names are
 * the CSV column names (snake_case), so one vocabulary serves CSV, command line and API, and error
 * paths read the same everywhere. Amounts are decimal strings ("60.00"): JSON numbers are floats.
 */
export const Amount = Type.String({ pattern: '^-?[0-9]{1,16}(\\.[0-9]{1,4})?$', description: 'A decimal amount as a string, e.g. "60.00"; at most the currency\'s minor digits', examples: ['60.00'] });
export const NonNegativeAmount = Type.String({ pattern: '^[0-9]{1,16}(\\.[0-9]{1,4})?$', description: 'A decimal amount as a string, e.g. "60.00"', examples: ['60.00'] });
export const CalendarDateText = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'A date, YYYY-MM-DD', examples: ['2026-09-01'] });
export const ExternalId = Type.String({ minLength: 1, maxLength: externalIdLengthMax, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'An id chosen by the organisation, unique within it' });
export const Text = Type.String({ maxLength: textLengthMax });
export const Timestamp = Type.String({ format: 'date-time' });
export const NumericId = Type.String({ pattern: '^[0-9]{1,18}$', description: 'A numeric id, as a string' });

export const OrganisationParams = Type.Object({ org: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'The organisation slug' }) });

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: pageSizeMin, maximum: pageSizeMax, default: pageSizeDefault })),
};

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A code from docs/errors.md' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error: a code from the catalogue, a message, and where (details.path)' },
);

/** Standard error responses listed for each route in the OpenAPI document. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
} as const;
