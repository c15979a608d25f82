import { type ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; balances fit safely in a JS number (< 2^53). */
export const bigintNumber: ValueTransformer = {
  to: (value?: number | null) => value,
  from: (value?: string | null) => (value === null || value === undefined ? value : Number(value)),
};
