import type { KoaContextWithOIDC } from 'oidc-provider';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small self-contained page in Chinese for the provider's own screens (errors, sign-out). */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - 启明智慧教育平台</title>
<style>
body{margin:0;font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f5f7fa;color:#1f2329}
main{max-width:420px;margin:12vh auto;padding:32px;box-sizing:border-box;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.06)}
h1{font-size:20px;margin:0 0 12px}p{line-height:1.7;color:#4e5969}code{font-size:12px;color:#86909c}
.actions{display:flex;gap:12px;margin-top:24px}
@media (max-width:480px){main{margin:10vh 16px;padding:24px}}
button,a.btn{flex:1;padding:10px 16px;border-radius:6px;border:1px solid #d0d5dd;background:#fff;font-size:15px;cursor:pointer;text-align:center;text-decoration:none;color:#1f2329}
button.primary,a.primary{background:#1677ff;border-color:#1677ff;color:#fff}
</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

const ERROR_TEXT: Record<string, string> = {
  invalid_request: '登录请求无效：应用发来的参数有误（例如回调地址未登记）。请联系应用的提供方或平台管理员。',
  invalid_client: '应用未在平台登记，或已被停用。',
  invalid_redirect_uri: '应用的回调地址未在平台登记。',
  unauthorized_client: '该应用无权使用这种登录方式。',
  access_denied: '已拒绝授权。',
  session_not_found: '登录请求已过期，请回到应用重新登录。',
  invalid_grant: '授权码或令牌无效、已过期或已被使用。',
};

export function renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void {
  const text = ERROR_TEXT[out.error] ?? '登录请求无法完成，请回到应用重新登录。';
  ctx.type = 'html';
  ctx.body = page(
    '无法完成登录',
    `<p>${escapeHtml(text)}</p><p><code>${escapeHtml(out.error)}${out.error_description ? `: ${escapeHtml(out.error_description)}` : ''}</code></p>
<div class="actions"><a class="btn primary" href="/">返回启明平台</a></div>`,
  );
}

/** RP-initiated logout asks before signing out (the form carries the provider's own xsrf token). */
export function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
  const client = ctx.oidc.client?.clientName;
  ctx.type = 'html';
  ctx.body = page(
    '退出登录',
    `<p>${client ? `「${escapeHtml(client)}」请求退出登录。` : ''}是否同时退出启明平台及已登录的其他应用？</p>${form}
<div class="actions"><button type="submit" form="op.logoutForm" value="yes" name="logout" class="primary" autofocus>全部退出</button>
<button type="submit" form="op.logoutForm">仅退出该应用</button></div>`,
  );
}

export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  ctx.type = 'html';
  ctx.body = page('已退出登录', '<p>您已退出登录。</p><div class="actions"><a class="btn primary" href="/login">重新登录</a></div>');
}
