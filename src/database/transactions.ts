import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The handle of an open transaction. A method that takes one as its first argument is named `…In`
 * (`spendIn(tx, …)`, `recordIn(tx, …)`): it joins the caller's transaction and never commits; the
 * same method without `In` opens its own transaction or runs alone.
 */
export type Tx = EntityManager;

/** How services open a transaction: `this.transactions.run(async (tx) => { … })`; SQL stays in repositories. */
@Injectable()
export class Transactions {
  constructor(private readonly db: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
