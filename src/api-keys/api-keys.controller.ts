import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../common/http/pagination';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyUsageView, ApiKeyView, CreatedApiKeyView } from './api-keys.types';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('auth')
@Controller('auth/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List your API keys (secrets are never shown again)' })
  @RequireScopes('keys:manage')
  @ApiEnvelope(ApiKeyView, { list: true })
  listApiKeys(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<ApiKeyView>> {
    return this.keys.list(actor, page);
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key; the full key is in the response once' })
  @RequireScopes('keys:manage')
  @ApiEnvelope(CreatedApiKeyView, { status: 201 })
  @ApiErrors(400, 409, 422)
  @Idempotent({ secretFields: ['key'] })
  createApiKey(@CurrentActor() actor: Actor, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.keys.create(actor, body);
  }

  @Get(':id/usage')
  @ApiOperation({ summary: "One of your API keys' requests and errors (status 400 or more) over the last 24 h and 7 d" })
  @RequireScopes('keys:manage')
  @ApiEnvelope(ApiKeyUsageView)
  @ApiErrors(404)
  apiKeyUsage(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ApiKeyUsageView> {
    return this.keys.usage(actor, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke one of your API keys' })
  @RequireScopes('keys:manage')
  @ApiEnvelope(ApiKeyView)
  @ApiErrors(404)
  revokeApiKey(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ApiKeyView> {
    return this.keys.revoke(actor, id);
  }
}
