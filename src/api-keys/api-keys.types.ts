import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCOPES } from '../auth/scopes';

export const API_KEYS_PER_USER_MAX = 25;
export const API_KEY_NAME_MAX = 64;
export const API_KEY_TTL_DAYS_MAX = 3650;

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  expiresInDays?: number;
  allowedIps?: string[];
}

/** A row of api_keys (the secret itself is never stored). */
export interface ApiKeyRecord {
  id: string;
  /** `agis_<id>`: safe to show, identifies the key in lists and logs. */
  prefix: string;
  userId: string;
  name: string;
  scopes: string[];
  /** Normalised IPs/CIDRs the key may be used from; empty = anywhere. */
  allowedIps: string[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** What a new key is stored with; the rest is filled by the database. */
export interface NewApiKey extends Pick<ApiKeyRecord, 'id' | 'prefix' | 'userId' | 'name' | 'scopes' | 'allowedIps' | 'expiresAt'> {
  /** SHA-256 (hex) of the secret. */
  secretHash: string;
}

/** What authenticating a request needs to know about a presented key id. */
export interface ApiKeyCredentials extends Pick<ApiKeyRecord, 'userId' | 'scopes' | 'allowedIps' | 'expiresAt' | 'revokedAt'> {
  secretHash: string;
}

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
