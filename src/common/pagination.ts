import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Paginated } from './envelope';

export const PER_PAGE_MAX = 100;
/** Keeps OFFSET ((page - 1) * perPage) a safe integer that PostgreSQL accepts; deeper pages are refused with 400. */
export const PAGE_MAX = 1_000_000_000;

/** `?page=&perPage=`: the only query fields coerced from strings to numbers. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_MAX, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(PAGE_MAX)
  page = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: PER_PAGE_MAX, default: 25 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(PER_PAGE_MAX)
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
