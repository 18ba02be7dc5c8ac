import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ERROR_CODES, type TValidationIssue } from '@qiming/shared';
import { AppError } from '../errors.ts';

/** The one error model: `{ error: { code, message, details, requestId } }` with the code's status. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    if (err.headers) reply.headers(err.headers);
    return reply.code(err.status).send({ error: { code: err.code, message: err.message, details: err.details, requestId: req.id } });
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues: TValidationIssue[] = err.validation.map((v) => ({
      path: [
        err.validationContext ?? 'body',
        ...String(v.instancePath ?? '')
          .split('/')
          .filter(Boolean),
      ],
      message: v.message ?? '格式不正确',
      code: (v.params as { issue?: { code?: string } })?.issue?.code,
    }));
    const first = issues
      .map((i) => `${i.path.slice(1).join('.') || i.path[0]}：${i.message}`)
      .slice(0, 3)
      .join('；');
    return reply.code(400).send({
      error: {
        code: 'VALIDATION_FAILED',
        message: `${ERROR_CODES.VALIDATION_FAILED.message}（${first}）`,
        details: { issues },
        requestId: req.id,
      },
    });
  }
  if (isResponseSerializationError(err)) {
    req.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
  } else if (err.statusCode && err.statusCode < 500) {
    const code =
      err.statusCode === 413
        ? 'FILE_TOO_LARGE'
        : err.statusCode === 415
          ? 'BAD_REQUEST'
          : err.statusCode === 429
            ? 'RATE_LIMITED'
            : 'BAD_REQUEST';
    return reply.code(err.statusCode).send({
      error: {
        code,
        message:
          err.statusCode === 400 && err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? '请求体不是有效的 JSON' : ERROR_CODES[code].message,
        requestId: req.id,
      },
    });
  } else {
    req.log.error({ err }, 'unhandled error');
  }
  return reply.code(500).send({ error: { code: 'INTERNAL', message: ERROR_CODES.INTERNAL.message, requestId: req.id } });
}
