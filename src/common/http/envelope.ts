import { type DomainError } from '../errors/domain-error';

export interface PageMeta {
  page: number;
  perPage: number;
  total: number;
  totalPages: number;
}

/** A page of results; the envelope (EnvelopeExpressAdapter) lifts `meta` next to `data`. */
export class Paginated<T> {
  constructor(
    readonly items: T[],
    readonly meta: PageMeta,
  ) {}
}

export interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(err: DomainError): ErrorBody {
  return {
    success: false,
    error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
  };
}
