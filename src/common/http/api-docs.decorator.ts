import { applyDecorators, HttpCode, Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDoc {
  @ApiProperty({ example: 'name', description: 'The field, dotted for nested ones' }) field: string;
  @ApiProperty({ type: [String], example: ['name must be a string'] }) messages: string[];
}

class ErrorDetail {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' }) code: string;
  @ApiProperty({ example: 'Invalid request: name: name must be shorter than or equal to 64 characters' }) message: string;
  @ApiPropertyOptional({
    description: 'Validation errors: one entry per field. Other errors: an object of context (e.g. retryAfterSeconds, allow)',
    oneOf: [
      { type: 'array', items: { $ref: getSchemaPath(FieldErrorDoc) } },
      { type: 'object', additionalProperties: true },
    ],
    example: [{ field: 'name', messages: ['name must be a string'] }],
  })
  details?: FieldErrorDoc[] | Record<string, unknown>;
}

export class ErrorEnvelope {
  @ApiProperty({ example: false }) success: false;
  @ApiProperty({ type: ErrorDetail }) error: ErrorDetail;
}

export class PageMetaDoc {
  @ApiProperty({ type: 'integer', example: 1 }) page: number;
  @ApiProperty({ type: 'integer', example: 25 }) perPage: number;
  @ApiProperty({ type: 'integer', example: 3 }) total: number;
  @ApiProperty({ type: 'integer', example: 1 }) totalPages: number;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (VALIDATION_FAILED and friends), with field details',
  401: 'Missing, malformed, unknown, revoked or expired API key (UNAUTHENTICATED)',
  403: 'The key lacks a required scope (FORBIDDEN)',
  404: 'Not found, or not yours',
  409: 'Conflicts with the current state',
  413: 'The request body is over the size limit (PAYLOAD_TOO_LARGE)',
  422: 'Well-formed but cannot be processed (e.g. INSUFFICIENT_CREDITS, IDEMPOTENCY_MISMATCH)',
  429: 'Rate limited; see Retry-After',
  502: 'An upstream system (Agones) failed',
  503: 'An upstream system is unavailable',
};

/** Documents error responses, each as the error envelope in JSON (also on operations that produce something else, such as a stream). */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorEnvelope, FieldErrorDoc),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorEnvelope) } } },
      }),
    ),
  );
}

/**
 * Documents (and sets) the success status with its envelope: `{success, data}` and for lists
 * `{success, data: [...], meta}`. A paged list (the default for lists) takes `?page=&perPage=`, so it
 * can also answer 400; `paged: false` is a whole list without meta.
 */
export function ApiEnvelope(
  model: Type<unknown> | null,
  opts: { status?: number; list?: boolean; paged?: boolean; description?: string } = {},
): MethodDecorator {
  const status = opts.status ?? 200;
  const paged = Boolean(opts.list) && opts.paged !== false;
  const data =
    model === null
      ? { type: 'object', nullable: true }
      : opts.list
        ? { type: 'array', items: { $ref: getSchemaPath(model) } }
        : { $ref: getSchemaPath(model) };
  return applyDecorators(
    HttpCode(status),
    ApiExtraModels(...(model ? [model] : []), PageMetaDoc),
    ApiResponse({
      status,
      description: opts.description ?? 'Success',
      schema: {
        type: 'object',
        required: paged ? ['success', 'data', 'meta'] : ['success', 'data'],
        properties: {
          success: { type: 'boolean', example: true },
          data,
          ...(paged ? { meta: { $ref: getSchemaPath(PageMetaDoc) } } : {}),
        },
      },
    }),
    ...(paged ? [ApiErrors(400)] : []),
  );
}
