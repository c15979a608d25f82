// What Discord refuses in a message a bot sends (interaction responses, edits of @original, follow-ups),
// kept apart from the bot's own constants so a wrong limit in src/ is caught here. Sources:
// - Embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
//   ("title 256, description 4096, up to 25 fields, field.name 256, field.value 1024, footer.text 2048,
//   author.name 256 ... Leading and trailing whitespace characters are not included (they are trimmed
//   automatically). Additionally, the combined sum of characters in all title, description, field.name,
//   field.value, footer.text, and author.name fields across all embeds attached to a message must not
//   exceed 6000 characters. Violating any of these constraints will result in a Bad Request response.")
// - Message body: https://discord.com/developers/docs/resources/message#create-message-jsonform-params
//   (content up to 2000 characters, up to 10 embeds; one of content, embeds, components, ... required,
//   else 50006 "Cannot send an empty message"); the interaction response and webhook edit bodies use the same fields.
// - Components: https://discord.com/developers/docs/components/reference (at most 5 action rows, 5 buttons
//   per row, custom_id 1-100 characters, button label at most 80).
// - Autocomplete: https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete
//   ("max of 25 choices") and .../application-commands#application-command-object-application-command-option-choice-structure
//   (choice name 1-100 characters, string value up to 100).
// - Error shape: https://discord.com/developers/docs/reference#error-messages (code 50035, "Invalid Form Body",
//   `errors` nested by JSON key with `_errors: [{code, message}]`).
// Lengths are counted in UTF-16 units: never fewer than the characters Discord counts, so the fake is at
// least as strict as Discord.

export interface FormError {
  path: Array<string | number>;
  code: string;
  message: string;
}
export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const len = (v: unknown): number => (typeof v === 'string' ? v.trim().length : 0);

function maxLength(errors: FormError[], path: FormError['path'], value: unknown, max: number): void {
  if (typeof value === 'string' && len(value) > max) {
    errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

function required(errors: FormError[], path: FormError['path'], value: unknown): void {
  if (typeof value !== 'string' || len(value) === 0) {
    errors.push({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  }
}

function maxItems(errors: FormError[], path: FormError['path'], value: unknown, max: number): void {
  if (Array.isArray(value) && value.length > max) {
    errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

function embedErrors(errors: FormError[], at: FormError['path'], e: Json): number {
  maxLength(errors, [...at, 'title'], e.title, 256);
  maxLength(errors, [...at, 'description'], e.description, 4096);
  const footer = (e.footer ?? {}) as Json;
  const author = (e.author ?? {}) as Json;
  maxLength(errors, [...at, 'footer', 'text'], footer.text, 2048);
  maxLength(errors, [...at, 'author', 'name'], author.name, 256);
  const fields = Array.isArray(e.fields) ? (e.fields as Json[]) : [];
  maxItems(errors, [...at, 'fields'], fields, 25);
  fields.forEach((f, i) => {
    required(errors, [...at, 'fields', i, 'name'], f.name);
    required(errors, [...at, 'fields', i, 'value'], f.value);
    maxLength(errors, [...at, 'fields', i, 'name'], f.name, 256);
    maxLength(errors, [...at, 'fields', i, 'value'], f.value, 1024);
  });
  return len(e.title) + len(e.description) + len(footer.text) + len(author.name) + fields.reduce((n, f) => n + len(f.name) + len(f.value), 0);
}

function componentErrors(errors: FormError[], at: FormError['path'], rows: unknown): void {
  maxItems(errors, at, rows, 5);
  (Array.isArray(rows) ? (rows as Json[]) : []).forEach((row, r) => {
    const children = Array.isArray(row.components) ? (row.components as Json[]) : [];
    maxItems(errors, [...at, r, 'components'], children, 5);
    children.forEach((c, i) => {
      if (typeof c.custom_id === 'string') {
        required(errors, [...at, r, 'components', i, 'custom_id'], c.custom_id);
        maxLength(errors, [...at, r, 'components', i, 'custom_id'], c.custom_id, 100);
      }
      maxLength(errors, [...at, r, 'components', i, 'label'], c.label, 80);
    });
  });
}

/** Form errors of a message body (`at` is where it sits: [] for webhooks, ['data'] in an interaction callback). */
export function messageErrors(body: Json, at: FormError['path'] = []): FormError[] {
  const errors: FormError[] = [];
  maxLength(errors, [...at, 'content'], body.content, 2000);
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Json[]) : [];
  maxItems(errors, [...at, 'embeds'], embeds, 10);
  const total = embeds.reduce((n, e, i) => n + embedErrors(errors, [...at, 'embeds', i], e), 0);
  if (total > 6000) {
    errors.push({ path: [...at, 'embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  }
  componentErrors(errors, [...at, 'components'], body.components);
  return errors;
}

/** True when a new message (reply, follow-up) would carry nothing to show: Discord answers 50006. */
export function isEmptyMessage(body: Json): boolean {
  return (
    len(body.content) === 0 &&
    !(Array.isArray(body.embeds) && body.embeds.length) &&
    !(Array.isArray(body.components) && body.components.length) &&
    !body.poll &&
    !body.sticker_ids &&
    !body.attachments
  );
}

export function autocompleteErrors(data: Json): FormError[] {
  const errors: FormError[] = [];
  const choices = Array.isArray(data.choices) ? (data.choices as Json[]) : [];
  maxItems(errors, ['data', 'choices'], choices, 25);
  choices.forEach((c, i) => {
    required(errors, ['data', 'choices', i, 'name'], c.name);
    maxLength(errors, ['data', 'choices', i, 'name'], c.name, 100);
    maxLength(errors, ['data', 'choices', i, 'value'], c.value, 100);
  });
  return errors;
}

/** Discord's 50035 body: errors nested by JSON key, each leaf with `_errors`. */
export function invalidFormBody(errors: FormError[]): DiscordErrorBody {
  const root: Record<string, unknown> = {};
  for (const e of errors) {
    let node = root;
    for (const key of e.path) {
      node = (node[String(key)] ??= {}) as Record<string, unknown>;
    }
    ((node._errors ??= []) as unknown[]).push({ code: e.code, message: e.message });
  }
  return { code: 50035, message: 'Invalid Form Body', errors: root };
}

export const EMPTY_MESSAGE: DiscordErrorBody = { code: 50006, message: 'Cannot send an empty message' };
