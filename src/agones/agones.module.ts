import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AgonesClient } from './agones.client';
import { AgonesMetrics, agonesRequestsCounter } from './agones.metrics';
import { KubernetesAgones } from './kubernetes-agones.adapter';
import { LocalAgones } from './local-agones.adapter';

/** Provides AgonesClient everywhere: the real Kubernetes adapter or the in-memory simulator, by AGONES_MODE. */
@Global()
@Module({
  providers: [
    agonesRequestsCounter,
    AgonesMetrics,
    {
      provide: AgonesClient,
      inject: [AppConfig, AgonesMetrics],
      useFactory: (config: AppConfig, metrics: AgonesMetrics): AgonesClient =>
        config.AGONES_MODE === 'kubernetes' ? new KubernetesAgones(config, metrics) : new LocalAgones(config, metrics),
    },
  ],
  exports: [AgonesClient],
})
export class AgonesModule {}
