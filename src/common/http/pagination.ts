import { IntegerField } from './api-field.decorator';
import { Paginated } from './envelope';

export const PER_PAGE_MAX = 100;
/** Keeps OFFSET ((page - 1) * perPage) a safe integer that PostgreSQL accepts; deeper pages are refused with 400. */
export const PAGE_MAX = 1_000_000_000;

/** `?page=&perPage=`: the only query fields coerced from strings to numbers. */
export class PageQuery {
  @IntegerField({ min: 1, max: PAGE_MAX, default: 1, optional: true, query: true })
  page = 1;

  @IntegerField({ min: 1, max: PER_PAGE_MAX, default: 25, optional: true, query: true })
  perPage = 25;
}

export function pageWindow(q: { page?: number; perPage?: number }): { offset: number; limit: number; page: number; perPage: number } {
  const page = q.page ?? 1;
  const perPage = Math.min(q.perPage ?? 25, PER_PAGE_MAX);
  return { offset: (page - 1) * perPage, limit: perPage, page, perPage };
}

export function paginate<T>(items: T[], total: number, q: { page?: number; perPage?: number }): Paginated<T> {
  const { page, perPage } = pageWindow(q);
  return new Paginated(items, { page, perPage, total, totalPages: Math.ceil(total / perPage) });
}
