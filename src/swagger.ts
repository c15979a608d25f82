import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { GameCatalogService } from './servers/catalog/game-catalog.service';
import { ErrorEnvelope } from './common/http/api-docs.decorator';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('agis API')
    .setDescription(
      'Rent and control game servers with GameCredits. Every response uses the envelope ' +
        '`{success, data, meta?}` or `{success: false, error: {code, message, details?}}`. ' +
        'Authenticate with `Authorization: Bearer agis_<id>_<secret>`. A known path asked with another method answers 405 ' +
        'METHOD_NOT_ALLOWED with an `Allow` header; an unknown path 404 ROUTE_NOT_FOUND.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'agis_<id>_<secret>' })
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller: string, method: string) => method,
  });
  closeRequestBodies(doc);
  documentTransportAnswers(doc);
  dedupeResponseDescriptions(doc);
  Object.values(doc.components?.schemas ?? {}).forEach(listNullInNullableEnums);
  documentGameTypes(doc, gameKeys(app));
  return doc;
}

function gameKeys(app: INestApplication): string[] {
  try {
    return app.get(GameCatalogService, { strict: false }).games.map((g) => g.key);
  } catch {
    return [];
  }
}

const operationsOf = (doc: OpenAPIObject): Array<[string, OperationObject]> =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'delete', 'patch'] as const).filter((m) => item[m]).map((m): [string, OperationObject] => [path, item[m]!]),
  );

const componentOf = (doc: OpenAPIObject, ref: SchemaObject | ReferenceObject | undefined): SchemaObject | undefined =>
  ref && '$ref' in ref ? (doc.components?.schemas?.[ref.$ref.split('/').pop()!] as SchemaObject | undefined) : undefined;

/** The validation pipe refuses unknown properties (forbidNonWhitelisted) on every DTO body, so the document says so. */
function closeRequestBodies(doc: OpenAPIObject): void {
  for (const [, op] of operationsOf(doc)) {
    const body = op.requestBody && 'content' in op.requestBody ? op.requestBody.content['application/json']?.schema : undefined;
    const schema = componentOf(doc, body);
    if (schema) {
      schema.additionalProperties = false;
    }
  }
}

/**
 * Answers any operation can give from the transport rather than its handler: 413 for a body over the
 * limit, 429 from the rate limit on every /api/v1 route, 400 for a body that is not JSON or a path
 * that cannot be decoded.
 */
function documentTransportAnswers(doc: OpenAPIObject): void {
  const envelope = { 'application/json': { schema: { $ref: getSchemaPath(ErrorEnvelope) } } };
  for (const [path, op] of operationsOf(doc)) {
    // A path parameter the router cannot percent-decode is 400 before any handler runs.
    const pathParams = (op.parameters as ParameterObject[] | undefined)?.some((p) => p.in === 'path');
    if (op.requestBody || pathParams) {
      op.responses['400'] ??= { description: 'Invalid input (VALIDATION_FAILED), with field details', content: envelope };
    }
    if (op.requestBody) {
      op.responses['413'] ??= { description: 'The request body is over the size limit (PAYLOAD_TOO_LARGE)', content: envelope };
    }
    if (path.startsWith('/api/v1/')) {
      op.responses['429'] ??= {
        description: 'Rate limited (RATE_LIMITED); see Retry-After',
        content: envelope,
        headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 1 } } },
      };
    }
  }
}

/** Two decorators documenting one status (e.g. @ApiErrors(422) and @Idempotent()) concatenate their texts: keep each once. */
function dedupeResponseDescriptions(doc: OpenAPIObject): void {
  for (const [, op] of operationsOf(doc)) {
    for (const response of Object.values(op.responses)) {
      if (response && 'description' in response && response.description) {
        response.description = [...new Set(response.description.split('\n\n'))].join('\n\n');
      }
    }
  }
}

/**
 * A nullable enum must list null among its values to allow it (OpenAPI 3.0.3 "nullable" clarification;
 * validators such as Ajv follow it), or every `lastStatus: null` contradicts the document.
 */
function listNullInNullableEnums(schema: unknown): void {
  if (!schema || typeof schema !== 'object') {
    return;
  }
  const s = schema as SchemaObject;
  if (s.nullable && Array.isArray(s.enum) && !s.enum.includes(null)) {
    s.enum.push(null);
  }
  Object.values(s).forEach(listNullInNullableEnums);
}

/**
 * Staff add, disable and enable games at run time (PUT /admin/games/:key), so `gameType` lists the keys offered now,
 * not a fixed enum: set when the document is built and again on every request for it (see setupSwagger).
 */
function documentGameTypes(doc: OpenAPIObject, keys: string[]): void {
  const created = doc.components?.schemas?.CreateServerDto as SchemaObject | undefined;
  const gameType = created?.properties?.gameType as SchemaObject | undefined;
  if (!keys.length) {
    return;
  }
  if (gameType) {
    gameType.enum = keys;
  }
  for (const [, op] of operationsOf(doc)) {
    const param = (op.parameters as ParameterObject[] | undefined)?.find((p) => p.in === 'query' && p.name === 'gameType');
    if (param?.schema && !('$ref' in param.schema)) {
      param.schema.enum = keys;
    }
  }
}

/** The built document (cached by SwaggerModule) with `gameType` naming the games offered at this moment. */
function withGamesOfferedNow(app: INestApplication, doc: OpenAPIObject): OpenAPIObject {
  const copy = structuredClone(doc);
  documentGameTypes(copy, gameKeys(app));
  return copy;
}

/** Swagger UI at /api/docs, JSON at /api/docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'api/docs-json',
    patchDocumentOnRequest: (_req, _res, doc) => withGamesOfferedNow(app, doc),
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
    customSiteTitle: 'agis API',
  });
}
