import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode } from '../errors/domain-error';

export interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Global validation: unknown fields are rejected, nothing is coerced implicitly
 * (only fields that declare @Type, such as page numbers in query strings).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const summary = details.map((d) => `${d.field}: ${d.messages.join(', ')}`).join('; ');
      return new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid request: ${summary}`, details);
    },
  });
}
