import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCOPES } from './scopes';

export interface CreateApiKeyInput { name: string; scopes: string[]; expiresInDays?: number; allowedIps?: string[] }

export class ApiKeyView {
  @ApiProperty({ example: 'k3j9x0a1b2c3' }) id: string;
  @ApiProperty({ example: 'agis_k3j9x0a1b2c3', description: 'Non-secret prefix of the key' }) prefix: string;
  @ApiProperty({ example: 'CI deploys' }) name: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: string[];
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status: 'active' | 'expired' | 'revoked';
  @ApiProperty({ type: [String], example: ['203.0.113.7', '2001:db8::/32'], description: 'Where the key may be used from; empty: anywhere' })
  allowedIps: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) expiresAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastUsedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) revokedAt: string | null;
  @ApiProperty() createdAt: string;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ example: 'agis_k3j9x0a1b2c3_4Nq...', description: 'The full key. Shown only once: store it now.' })
  key: string;
}
