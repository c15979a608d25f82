import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AgonesClient } from './agones.client';
import { AgonesMetrics, agonesRequestsCounter } from './agones.metrics';
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
      // The Kubernetes client is loaded only in kubernetes mode: it is the largest package agis has (about 27 MB of heap
      // and 60 MB of resident memory), and the simulator never needs it.
      useFactory: async (config: AppConfig, metrics: AgonesMetrics): Promise<AgonesClient> => {
        if (config.AGONES_MODE !== 'kubernetes') {
          return new LocalAgones(config, metrics);
        }
        const { KubernetesAgones } = await import('./kubernetes-agones.adapter');
        return new KubernetesAgones(config, metrics);
      },
    },
  ],
  exports: [AgonesClient],
})
export class AgonesModule {}
