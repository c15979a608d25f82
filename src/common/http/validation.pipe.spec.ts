import { type ArgumentMetadata } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { PageQuery } from './pagination';
import { createValidationPipe } from './validation.pipe';

describe('validation of query strings', () => {
  const query: ArgumentMetadata = { type: 'query', metatype: PageQuery };

  it('answers a repeated query with an equal page query of its own, which a handler may change without harm', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ page: '2', perPage: '10' }, query)) as PageQuery;
    expect(first).toBeInstanceOf(PageQuery);
    expect(first).toEqual(Object.assign(new PageQuery(), { page: 2, perPage: 10 }));
    first.page = 99;
    const again = (await pipe.transform({ page: '2', perPage: '10' }, query)) as PageQuery;
    expect(again).toBeInstanceOf(PageQuery);
    expect(again).not.toBe(first);
    expect({ page: again.page, perPage: again.perPage }).toEqual({ page: 2, perPage: 10 });
    expect(await pipe.transform({}, query)).toEqual(Object.assign(new PageQuery(), { page: 1, perPage: 25 }));
  });

  it('refuses a bad query every time it is sent, with the field named', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 3; i++) {
      const refused = await pipe.transform({ perPage: '0' }, query).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).details).toEqual([{ field: 'perPage', messages: ['perPage must not be less than 1'] }]);
    }
    await expect(pipe.transform({ page: '1', sort: 'name' }, query)).rejects.toThrow(/property sort should not exist/);
  });
});
