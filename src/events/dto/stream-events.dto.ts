import { IntegerField, StringField } from '../../common/http/api-field.decorator';
import { CURSOR_PATTERN } from '../events.types';

export const STREAM_SECONDS_MAX = 3600;

export class StreamEventsDto {
  @StringField({
    optional: true,
    maxLength: 41,
    pattern: CURSOR_PATTERN,
    patternMessage: 'lastEventId must be an event id this stream sent',
    description: 'Resume after this event (for clients that cannot send the Last-Event-ID header); the header wins when both are sent',
    example: '1234-56',
  })
  lastEventId?: string;

  @IntegerField({
    optional: true,
    query: true,
    min: 1,
    max: STREAM_SECONDS_MAX,
    default: 900,
    description: 'The stream ends after this many seconds; EventSource reconnects by itself and resumes with Last-Event-ID',
  })
  timeoutSeconds?: number;
}
