import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Form, Modal, Result, Typography, type FormInstance, type FormProps } from 'antd';
import type { Key, ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { AppError, errorMessage } from '../lib/api.ts';
import { useT } from '../lib/i18n.ts';

/** A page's heading with its actions on the right (wrapping under it on a phone). */
export function PageTitle({ title, extra, subtitle, back }: { title: ReactNode; extra?: ReactNode; subtitle?: ReactNode; back?: boolean }) {
  const navigate = useNavigate();
  const t = useT();
  return (
    <div className="qm-page-title">
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
        {back && <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('back')} onClick={() => navigate(-1)} />}
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {subtitle && <Typography.Text type="secondary">{subtitle}</Typography.Text>}
        </div>
      </div>
      {extra && <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>{extra}</div>}
    </div>
  );
}

/** An empty list that says what to do next. */
export function EmptyHint({ text, action }: { text: ReactNode; action?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} style={{ padding: '24px 0' }}>
      {action}
    </Empty>
  );
}

/** A failed load: the server's message, and a retry. A 404 reads as "not found or not yours". */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const notFound = error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN');
  return (
    <Result
      status={notFound ? '404' : 'warning'}
      title={notFound ? errorMessage(error) : t('load_failed')}
      subTitle={notFound ? undefined : errorMessage(error)}
      extra={onRetry && !notFound ? <Button onClick={onRetry}>{t('retry')}</Button> : undefined}
    />
  );
}

/** A secret shown exactly once (a temporary password), with a copy button. */
export function OneTimeSecret({ value, hint, testId }: { value: string; hint: ReactNode; testId?: string }) {
  const t = useT();
  return (
    <Alert
      type="warning"
      showIcon
      data-testid={testId}
      title={hint}
      description={
        <div>
          <Typography.Text
            code
            copyable={{ text: value, tooltips: [t('copy'), t('copied')] }}
            style={{ fontSize: 18 }}
            data-testid={testId ? `${testId}-value` : undefined}
          >
            {value}
          </Typography.Text>
          <div style={{ marginTop: 6 }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('secret_shown_once')}
            </Typography.Text>
          </div>
        </div>
      }
    />
  );
}

type FormModalProps<V> = {
  form: FormInstance<V>;
  /** Left out by dialogs that are mounted only while shown. */
  open?: boolean;
  title: ReactNode;
  okText: ReactNode;
  onClose: () => void;
  onFinish: (values: V) => void;
  /** The OK button spins while the form is being saved. */
  isPending: boolean;
  submitTestId: string;
  initialValues?: FormProps<V>['initialValues'];
  requiredMark?: FormProps<V>['requiredMark'];
  children: ReactNode;
};

/**
 * A dialog that is one vertical form: OK submits it (so Enter does too), and closing it throws the
 * fields away, so it opens with the initial values again.
 */
export function FormModal<V>({
  form,
  open = true,
  title,
  okText,
  onClose,
  onFinish,
  isPending,
  submitTestId,
  initialValues,
  requiredMark,
  children,
}: FormModalProps<V>) {
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      okText={okText}
      okButtonProps={{ htmlType: 'submit', loading: isPending, ...testId(submitTestId) }}
      destroyOnHidden
      modalRender={(node) => (
        <Form
          form={form}
          layout="vertical"
          requiredMark={requiredMark}
          onFinish={onFinish}
          initialValues={initialValues}
          // errors set from the schema or the server stay until the user edits that field
          onValuesChange={(changed: object) => (form as FormInstance).setFields(Object.keys(changed).map((name) => ({ name, errors: [] })))}
          clearOnDestroy
        >
          {node}
        </Form>
      )}
    >
      {children}
    </Modal>
  );
}

/** A data-testid for props objects (okButtonProps…) whose types do not list data-* attributes. */
export const testId = (id: string) => ({ 'data-testid': id }) as Record<never, never>;

/**
 * A plain list of rows, bordered like a card, for short lists that need neither paging nor
 * virtual scrolling (antd's List is deprecated in 6.x; its successor Listy is a virtual list).
 */
export function RowList<T>({ items, rowKey, render }: { items: T[]; rowKey: (item: T) => Key; render: (item: T) => ReactNode }) {
  return (
    <div style={{ border: '1px solid #f0f0f0', borderRadius: 8 }}>
      {items.map((item, i) => (
        <div key={rowKey(item)} style={{ padding: '8px 16px', borderTop: i ? '1px solid #f0f0f0' : undefined }}>
          {render(item)}
        </div>
      ))}
    </div>
  );
}
