import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { DatabaseHealth } from '../database/database-health';

class HealthView {
  @ApiProperty({ example: 'ok' }) status: string;
}

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiEnvelope(HealthView)
  liveness(): HealthView {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied' })
  @ApiEnvelope(HealthView)
  @ApiErrors(503)
  async readiness(): Promise<HealthView> {
    try {
      await this.database.ping();
      if (await this.database.pendingMigrations()) {
        throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Database migrations are pending');
      }
    } catch (err) {
      if (err instanceof DomainError) {
        throw err;
      }
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Database is unreachable');
    }
    return { status: 'ready' };
  }
}
