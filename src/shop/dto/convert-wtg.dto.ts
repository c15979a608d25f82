import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { CONVERT_WTG_MAX } from '../shop-catalog';

export class ConvertWtgDto {
  @ApiProperty({ example: 2, minimum: 1, maximum: CONVERT_WTG_MAX, description: 'WTG coins to convert (1 WTG = 1000 GC)' })
  @IsInt() @Min(1) @Max(CONVERT_WTG_MAX)
  wtg: number;
}
