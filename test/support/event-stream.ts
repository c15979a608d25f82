import type { IncomingMessage } from 'node:http';

/** True when the operation's 200 is a Server-Sent Events stream (it stays open for as long as asked). */
export function isEventStream(op: { responses?: Record<string, { content?: Record<string, unknown> }> }): boolean {
  return Boolean(op.responses?.['200']?.content?.['text/event-stream']);
}

/**
 * superagent parser (`req.buffer(false).parse(headersOnly)`): hangs up on an event stream once its
 * status and headers are in; reads anything else (an error envelope) as JSON.
 */
export function headersOnly(response: unknown, done: (err: Error | null, body: unknown) => void): void {
  // superagent types it as its own Response; under Node it is the IncomingMessage.
  const res = response as IncomingMessage;
  if (String(res.headers['content-type']).startsWith('text/event-stream')) {
    res.destroy();
    done(null, {});
    return;
  }
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    text += chunk;
  });
  res.on('end', () => {
    try {
      done(null, JSON.parse(text));
    } catch {
      done(null, text);
    }
  });
}
