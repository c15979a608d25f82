import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { PaymentDebtsRepository } from './payment-debts.repository';
import { PaymentDebtsService } from './payment-debts.service';
import { PaymentEventsService } from './payment-events.service';
import { PaymentGateway } from './payment-gateway';
import { PaymentsController } from './payments.controller';
import { PaymentsMetrics, paymentsMetricProviders } from './payments.metrics';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { StripeApi } from './stripe-api.adapter';
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
    { provide: PaymentGateway, useClass: StripeApi },
  ],
  exports: [PaymentsService, PaymentEventsJanitor],
})
export class PaymentsModule {}
