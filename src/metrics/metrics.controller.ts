import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { RawResponse } from '../common/http/envelope.interceptor';

/** `/metrics` for Prometheus: public, outside the envelope and outside Swagger. */
@ApiExcludeController()
@Public()
@RawResponse()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    return super.index(response);
  }
}
