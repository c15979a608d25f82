import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The time the service decides by where a test must be able to move it: premium expiry and the
 * daily/work cooldowns. SQL that compares with it takes the time as a parameter rather than calling
 * now(), so the database and the service agree on "now". Tests move time with
 * `jest.spyOn(app.get(Clock), 'now')`.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** Makes the one Clock injectable everywhere (imported once, by the composition root). */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
