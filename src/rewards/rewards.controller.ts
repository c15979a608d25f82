import { Body, Controller, Headers, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/api-docs.decorator';
import { REWARD_PROVIDERS } from './reward-payload';
import { SIGNATURE_HEADER } from './reward-signature';
import { RewardsService } from './rewards.service';
import { RewardCallbackView } from './rewards.types';

@ApiTags('rewards')
@Controller('rewards/callbacks')
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Post(':provider')
  @Public()
  @ApiOperation({
    summary: `Ad-network conversion callback (${REWARD_PROVIDERS.join(', ')}), signed with the provider's secret`,
    description: 'Body `{conversionId, discordId, amount, type?, timestamp?, ...}`; extra provider fields are ignored. ' +
      'A repeated conversion answers 200 with the first result and credits nothing. Fraud and invalid payloads answer 200 with status fraud/rejected.',
  })
  @ApiHeader({ name: 'X-Agis-Signature', required: true, description: 'Hex HMAC-SHA256 of the raw request body with the provider secret' })
  @ApiBody({ schema: { type: 'object', required: ['conversionId', 'discordId', 'amount'], additionalProperties: true } })
  @ApiEnvelope(RewardCallbackView)
  @ApiErrors(400, 401, 404)
  receiveRewardCallback(
    @Param('provider') provider: string,
    @Body() body: unknown,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
    @Req() req: Request & { rawBody?: Buffer },
  ): Promise<RewardCallbackView> {
    return this.rewards.handleCallback({ provider, body, signature, rawBody: req.rawBody ?? Buffer.alloc(0), ip: req.ip });
  }
}
