import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { IdempotencyKey, Idempotent } from '../common/idempotency/idempotency.interceptor';
import { SendGiftDto } from './dto/send-gift.dto';
import { GiftsService } from './gifts.service';
import { GiftView } from './gifts.types';

@ApiTags('credits')
@Controller('credits')
export class GiftsController {
  constructor(private readonly gifts: GiftsService) {}

  @Post('gifts')
  @ApiOperation({
    summary: 'Give GameCredits to another user: both ledger rows in one transaction, and a Discord direct message to them',
    description:
      'The receiver is named by Discord id and must have used agis. Refused: a gift to yourself (400), an unknown receiver (404), ' +
      'more than your balance (422 INSUFFICIENT_CREDITS), more than is left of the daily gift limit (409 LIMIT_REACHED, ' +
      'details {limit, sentToday, remaining, resetsAt}; the limit starts over at 00:00 UTC). A retry with the same Idempotency-Key gives once.',
  })
  @RequireScopes('credits:write')
  @ApiEnvelope(GiftView)
  @ApiErrors(400, 404, 409, 422)
  @Idempotent()
  sendGift(@CurrentActor() actor: Actor, @Body() body: SendGiftDto, @IdempotencyKey() key?: string): Promise<GiftView> {
    return this.gifts.send(actor, { ...body, idempotencyKey: key });
  }
}
