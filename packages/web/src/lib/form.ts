import type { TValidationIssue } from '@qiming/shared';
import { App, type FormInstance } from 'antd';
import type { z } from 'zod';
import { AppError, errorMessage } from './api.ts';
import { getCurrentLocale, translate } from './i18n.ts';

export type FieldError = { name: (string | number)[]; errors: string[] };

/**
 * Groups issues by field for antd's `form.setFields`. Server issues start with where the value
 * came from ('body' | 'querystring' | 'params'), which the form does not know about: drop it.
 */
export function issuesToFields(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const issue of issues) {
    let path = issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
    if (path[0] === 'body' || path[0] === 'querystring' || path[0] === 'params') path = path.slice(1);
    if (path.length === 0) continue;
    const key = JSON.stringify(path);
    const entry = byField.get(key) ?? { name: path, errors: [] };
    if (!entry.errors.includes(issue.message)) entry.errors.push(issue.message);
    byField.set(key, entry);
  }
  return [...byField.values()];
}

/**
 * Checks form values with the shared zod schema the server uses. On failure the messages are put
 * on the fields and `null` is returned; on success, the parsed (trimmed, coerced) value.
 */
export function parseForm<S extends z.ZodType>(form: FormInstance, schema: S, values: unknown): z.output<S> | null {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const required = translate(getCurrentLocale(), 'field_required');
  // zod's "expected string, received undefined" means an empty field: say so in plain words
  const issues = result.error.issues.map((issue) =>
    issue.code === 'invalid_type' && isBlank(valueAt(values, issue.path)) ? { ...issue, message: required } : issue,
  );
  form.setFields(issuesToFields(issues));
  return null;
}

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

function valueAt(values: unknown, path: readonly PropertyKey[]): unknown {
  let current = values;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Puts a server VALIDATION_FAILED error on the form's fields. Returns true when at least one issue
 * matched a field, so the caller shows the general message only when nothing was placed.
 */
export function applyServerErrors(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') return false;
  const known = new Set(form.getFieldsError().map((f) => String(f.name[0])));
  const fields = issuesToFields(error.issues as TValidationIssue[]).filter((f) => known.has(String(f.name[0])));
  if (fields.length) form.setFields(fields);
  return fields.length > 0;
}

/** What a form needs of a TanStack mutation: `mutate` with callbacks for this one call. */
export type FormMutation<B, D> = {
  mutate: (body: B, options: { onSuccess: (data: D) => void; onError: (error: unknown) => void }) => void;
};

/**
 * The `onFinish` of a form that saves through a mutation: checks the values with the shared zod
 * schema (messages go on the fields), sends the parsed body and hands the answer to `onSuccess`.
 * A server VALIDATION_FAILED goes on the fields it names; any other failure is shown as a message.
 */
export function useFormSubmit<B, D>(
  form: FormInstance,
  schema: z.ZodType<B>,
  mutation: FormMutation<B, D>,
  onSuccess: (data: D) => void,
): (values: unknown) => void {
  const { message } = App.useApp();
  return (values) => {
    const body = parseForm(form, schema, values);
    if (body === null) return;
    mutation.mutate(body, {
      onSuccess,
      onError: (error) => {
        if (!applyServerErrors(form, error)) message.error(errorMessage(error));
      },
    });
  };
}

/**
 * An antd rule that checks one field with the matching entry of a zod object schema, so the
 * message appears as the user leaves the field rather than only on submit.
 */
export function zodRule(schema: z.ZodObject, field: string) {
  return {
    validator: async (_rule: unknown, value: unknown) => {
      const fieldSchema = schema.shape[field] as z.ZodType | undefined;
      if (!fieldSchema) return;
      const result = fieldSchema.safeParse(value === null ? undefined : value);
      if (!result.success) throw new Error(result.error.issues[0]?.message ?? '');
    },
  };
}
