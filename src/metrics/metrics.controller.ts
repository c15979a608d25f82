import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { register } from 'prom-client';
import { Public } from '../auth/auth.decorators';
import { RawBody } from '../common/http/envelope-adapter';

/**
 * `/metrics` for Prometheus: public, outside the envelope and outside Swagger. Serves prom-client's default registry,
 * where @willsoto/nestjs-prometheus registers every metric (as its own controller does).
 */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  @Get()
  async index(@Res({ passthrough: true }) response: Response): Promise<RawBody> {
    response.setHeader('Content-Type', register.contentType);
    return new RawBody(await register.metrics());
  }
}
