import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

/**
 * Field decorators that carry the check and its documentation together, so the OpenAPI document says
 * exactly what the validation pipe enforces.
 */
interface FieldDoc {
  description?: string;
  example?: unknown;
  default?: unknown;
  /** May be left out; when sent it must not be null. */
  optional?: boolean;
}

/**
 * Absent is fine, null is refused. class-validator's @IsOptional skips null as if it were absent, so
 * `{"start": null}` used to start a server, and the document allows no null anywhere.
 */
export function NotNullWhenSent(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object: object, value: unknown) => value !== undefined),
    IsDefined({ message: '$property must not be null' }),
  );
}

function field(doc: FieldDoc, schema: ApiPropertyOptions, ...checks: PropertyDecorator[]): PropertyDecorator {
  const prose = Object.fromEntries((['description', 'example', 'default'] as const).filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]]));
  return applyDecorators(
    ApiProperty({ ...schema, ...prose, required: !doc.optional } as ApiPropertyOptions),
    ...(doc.optional ? [NotNullWhenSent()] : []),
    ...checks,
  );
}

/** A whole number in [min, max]; `query: true` converts it from the query string first. */
export function IntegerField(o: FieldDoc & { min: number; max: number; query?: boolean }): PropertyDecorator {
  return field(o, { type: 'integer', minimum: o.min, maximum: o.max }, ...(o.query ? [Type(() => Number)] : []), IsInt(), Min(o.min), Max(o.max));
}

export function BooleanField(o: FieldDoc): PropertyDecorator {
  return field(o, { type: Boolean }, IsBoolean());
}

/** A string of at most maxLength characters, matching `pattern` when given (JSON Schema `pattern` is unanchored, like RegExp#test). */
export function StringField(o: FieldDoc & { maxLength: number; minLength?: number; pattern?: RegExp; patternMessage?: string }): PropertyDecorator {
  return field(
    o,
    { type: String, maxLength: o.maxLength, minLength: o.minLength, pattern: o.pattern?.source },
    IsString(),
    MaxLength(o.maxLength),
    ...(o.minLength ? [MinLength(o.minLength)] : []),
    ...(o.pattern ? [Matches(o.pattern, o.patternMessage ? { message: o.patternMessage } : {})] : []),
  );
}

export function EnumField(values: readonly string[], o: FieldDoc): PropertyDecorator {
  return field(o, { type: String, enum: [...values] }, IsIn(values, { message: `$property must be one of: ${values.join(', ')}` }));
}

/** A non-empty list of distinct values from `values`. */
export function EnumListField(values: readonly string[], o: FieldDoc & { minItems: number }): PropertyDecorator {
  return field(
    o,
    { type: String, enum: [...values], isArray: true, minItems: o.minItems, maxItems: values.length, uniqueItems: true },
    IsArray(),
    ArrayMinSize(o.minItems),
    ArrayMaxSize(values.length),
    ArrayUnique(),
    IsIn(values, { each: true, message: `each value in $property must be one of: ${values.join(', ')}` }),
  );
}

/** A list of at most maxItems strings of at most itemMaxLength characters. */
export function StringListField(o: FieldDoc & { maxItems: number; itemMaxLength: number }): PropertyDecorator {
  return field(
    o,
    { type: String, isArray: true, maxItems: o.maxItems, items: { type: 'string', maxLength: o.itemMaxLength } },
    IsArray(),
    ArrayMaxSize(o.maxItems),
    IsString({ each: true }),
    MaxLength(o.itemMaxLength, { each: true }),
  );
}
