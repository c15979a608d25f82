import { Controller, Headers, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { REWARD_CALLBACKS_PATH } from './reward-callback-body';
import { REWARD_PROVIDERS } from './reward-payload';
import { SIGNATURE_HEADER } from './reward-signature';
import { RewardsService } from './rewards.service';
import { REWARD_CALLBACK_SCHEMA, RewardCallbackView } from './rewards.types';

@ApiTags('rewards')
@Controller(REWARD_CALLBACKS_PATH)
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Post(':provider')
  @Public()
  @ApiOperation({
    summary: `Ad-network conversion callback (${REWARD_PROVIDERS.join(', ')}), signed with the provider's secret`,
    description:
      'Body `{conversionId, discordId, amount, type?, timestamp?, ...}`; extra provider fields are ignored. ' +
      'The signature is checked over the raw bytes before the body is read: a missing or wrong one is 401, whatever the body. ' +
      'A repeated conversion answers 200 with the first result and credits nothing. Fraud and invalid payloads answer 200 with status fraud/rejected; ' +
      'a body without a usable conversionId, or not JSON, is 400. A provider without a configured secret is 404.',
  })
  @ApiParam({ name: 'provider', enum: REWARD_PROVIDERS })
  @ApiHeader({
    name: 'X-Agis-Signature',
    required: true,
    schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
    description: 'Hex HMAC-SHA256 of the raw request body with the provider secret',
  })
  @ApiBody({ schema: REWARD_CALLBACK_SCHEMA })
  @ApiEnvelope(RewardCallbackView)
  @ApiErrors(400, 401, 404, 413)
  receiveRewardCallback(
    @Param('provider') provider: string,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
    @Req() req: Request & { rawBody?: Buffer },
  ): Promise<RewardCallbackView> {
    return this.rewards.handleCallback({ provider, signature, rawBody: req.rawBody ?? Buffer.alloc(0), ip: req.ip });
  }
}
