import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { PaymentDebtsRepository } from './payment-debts.repository';
import { PaymentDebtsService } from './payment-debts.service';
import { PaymentEventsService } from './payment-events.service';
import { NoPaymentProvider, PaymentGateway } from './payment-gateway';
import { AppConfig } from '../config/app-config';
import { PaymentsController } from './payments.controller';
import { PaymentsMetrics, paymentsMetricProviders } from './payments.metrics';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { PaymentEventsJanitor } from './payment-events-janitor.service';

/** Money in: Stripe Checkout sessions and the Stripe webhook; the coins move through the WTG ledger (credits/). */
@Module({
  imports: [CreditsModule, UsersModule],
  controllers: [PaymentsController],
  providers: [
    PaymentsService,
    PaymentEventsService,
    PaymentDebtsService,
    PaymentsRepository,
    PaymentDebtsRepository,
    PaymentEventsJanitor,
    PaymentsMetrics,
    ...paymentsMetricProviders,
    {
      provide: PaymentGateway,
      inject: [AppConfig],
      // The Stripe SDK is loaded only when Stripe is configured (it holds about 17 MB of resident memory).
      useFactory: async (config: AppConfig): Promise<PaymentGateway> => {
        if (!config.STRIPE_SECRET_KEY && !config.STRIPE_WEBHOOK_SECRET) {
          return new NoPaymentProvider();
        }
        const { StripeApi } = await import('./stripe-api.adapter');
        return new StripeApi(config);
      },
    },
  ],
  exports: [PaymentsService, PaymentEventsJanitor],
})
export class PaymentsModule {}
