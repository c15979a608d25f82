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

/** Requests counted for one key and hour (api_key_usage), buffered in memory between flushes. */
export interface ApiKeyUsageCount {
  keyId: string;
  hour: Date;
  requests: number;
  errors: number;
}

export class ApiKeyUsageWindow {
  @ApiProperty({ example: '2026-01-01T10:00:00.000Z', description: 'Start of the window: the hour it begins in (counts are per hour)' })
  since: string;
  @ApiProperty({ example: 120, description: 'Requests this key made in the window' }) requests: number;
  @ApiProperty({ example: 3, description: 'Of those, answered with a status of 400 or more' }) errors: number;
}

export class ApiKeyUsageView {
  @ApiProperty({ example: 'k3j9x0a1b2c3' }) keyId: string;
  @ApiProperty({ type: ApiKeyUsageWindow, description: 'The current hour and the 23 before it' }) last24h: ApiKeyUsageWindow;
  @ApiProperty({ type: ApiKeyUsageWindow, description: 'The current hour and the 167 before it' }) last7d: ApiKeyUsageWindow;
}
