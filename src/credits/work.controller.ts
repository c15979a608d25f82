import { Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { WorkService } from './work.service';
import { WorkView } from './work.types';

/** POST /users/me/work: the same claim as /work. */
@ApiTags('users')
@Controller('users/me')
export class WorkController {
  constructor(private readonly work: WorkService) {}

  @Post('work')
  @ApiOperation({
    summary:
      'Work a shift: WORK_REWARD_GC (default 15 GC, premium twice that) once per WORK_COOLDOWN_MINUTES (default 60); 409 with retryAfterSeconds and nextClaimAt otherwise',
  })
  @RequireScopes('credits:write')
  @ApiEnvelope(WorkView)
  @ApiErrors(409)
  claimWork(@CurrentActor() actor: Actor): Promise<WorkView> {
    return this.work.claim(actor);
  }
}
