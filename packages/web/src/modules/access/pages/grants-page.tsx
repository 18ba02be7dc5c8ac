import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { ROLES, SUBJECTS, ZCreateGrantRequest, type OrgKind, type Role, type TGrant } from '@qiming/shared';
import { App, Button, Card, Col, Form, Popconfirm, Row, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { applyServerErrors, parseForm } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDateTime, roleName } from '../../../lib/labels.ts';
import { useUsers } from '../../users/users.api.ts';
import { useCreateGrant, useGrants, useRevokeGrant, type TCreateGrantInput } from '../access.api.ts';
import { ScopeTreeSelect } from '../components/scope-tree-select.tsx';

/** What a role's scope is: a class for classroom roles, a school, or a region; null: any unit. */
export const SCOPE_KINDS: Record<Role, readonly OrgKind[] | null> = {
  teacher: ['class'],
  head_teacher: ['class'],
  student: ['class'],
  parent: ['school', 'teaching_point'],
  school_admin: ['school', 'teaching_point'],
  bureau_admin: ['province', 'city', 'district'],
  researcher: ['province', 'city', 'district', 'school'],
  sys_admin: null,
  sec_admin: null,
  audit_admin: null,
};

function UserPicker({ value, onChange }: { value?: string; onChange: (id: string | undefined, label?: string) => void }) {
  const t = useT();
  const [q, setQ] = useState('');
  const users = useUsers({ q: q || undefined, page: 1, pageSize: 20 });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={value}
      onChange={(id?: string) => onChange(id, users.data?.items.find((u) => u.id === id)?.displayName)}
      loading={users.isFetching}
      placeholder={t('grants_pick_user')}
      notFoundContent={users.isError ? errorMessage(users.error) : t('no_match')}
      options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }))}
      style={{ width: '100%', maxWidth: 420 }}
      data-testid="grants-user"
    />
  );
}

function AddGrantForm({ userId }: { userId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useCreateGrant();
  const role = Form.useWatch('role', form) as Role | undefined;

  const submit = (values: Record<string, unknown>) => {
    const body = parseForm(form, ZCreateGrantRequest, { ...values, userId, subject: role === 'teacher' ? values.subject : undefined });
    if (!body) return;
    create.mutate(body as TCreateGrantInput, {
      onSuccess: (g) => {
        message.success(t('grant_created', { role: roleName(t, g.role), scope: g.scopeName }));
        form.resetFields();
      },
      onError: (e) => {
        if (!applyServerErrors(form, e)) message.error(errorMessage(e));
      },
    });
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
      <Row gutter={12}>
        <Col xs={24} md={7}>
          <Form.Item name="role" label={t('grant_role')} required>
            <Select<Role>
              options={ROLES.map((r) => ({ value: r, label: roleName(t, r) }))}
              placeholder={t('grant_role_placeholder')}
              onChange={() => form.setFieldValue('scopeId', undefined)}
              data-testid="grant-role"
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={role === 'teacher' ? 10 : 13}>
          <Form.Item name="scopeId" label={t('grant_scope')} required extra={role ? t('grant_scope_hint') : undefined}>
            <ScopeTreeSelect kinds={role ? SCOPE_KINDS[role] : null} data-testid="grant-scope" />
          </Form.Item>
        </Col>
        {role === 'teacher' && (
          <Col xs={24} md={3}>
            <Form.Item name="subject" label={t('subject')} required>
              <Select options={SUBJECTS.map((s) => ({ value: s, label: s }))} data-testid="grant-subject" />
            </Form.Item>
          </Col>
        )}
        <Col xs={24} md={4}>
          <Form.Item label=" " colon={false}>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={create.isPending} block data-testid="grant-submit">
              {t('grant_add')}
            </Button>
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}

/** 角色授权: pick a person, see their roles with scopes, give or take one. */
export function GrantsPage() {
  const t = useT();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const userId = params.get('userId') ?? undefined;
  const [userLabel, setUserLabel] = useState<string | undefined>();
  const grants = useGrants(userId);
  const revoke = useRevokeGrant(userId ?? '');

  return (
    <>
      <PageTitle title={t('nav_grants')} subtitle={t('grants_subtitle')} />
      <Card style={{ marginBottom: 16 }}>
        <UserPicker
          value={userId}
          onChange={(id, label) => {
            setUserLabel(label);
            setParams(
              (p) => {
                if (id) p.set('userId', id);
                else p.delete('userId');
                return p;
              },
              { replace: true },
            );
          }}
        />
      </Card>
      {!userId ? (
        <Card>
          <EmptyHint text={t('grants_pick_user_hint')} />
        </Card>
      ) : (
        <Card title={userLabel ? t('grants_of', { name: userLabel }) : t('grants_title')}>
          <AddGrantForm userId={userId} />
          {grants.isError ? (
            <LoadError error={grants.error} onRetry={() => void grants.refetch()} />
          ) : (
            <Table<TGrant>
              rowKey="id"
              size="middle"
              loading={grants.isPending}
              dataSource={grants.data}
              pagination={false}
              scroll={{ x: 620 }}
              locale={{ emptyText: <EmptyHint text={t('grants_empty')} /> }}
              onRow={() => ({ 'data-testid': 'grant-row' }) as object}
              columns={[
                { title: t('grant_role'), dataIndex: 'role', width: 130, render: (r: Role) => <Tag color="blue">{roleName(t, r)}</Tag> },
                { title: t('grant_scope'), dataIndex: 'scopeName' },
                { title: t('subject'), dataIndex: 'subject', width: 100, render: (s: string | null) => s ?? '—' },
                { title: t('grant_created_at'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
                {
                  title: t('actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, g) => (
                    <Popconfirm
                      title={t('grant_revoke_confirm', { role: roleName(t, g.role), scope: g.scopeName })}
                      okText={t('revoke')}
                      okButtonProps={{ danger: true }}
                      onConfirm={() =>
                        revoke.mutateAsync(g.id).then(
                          () => void message.success(t('grant_revoked')),
                          (e: unknown) => void message.error(errorMessage(e)),
                        )
                      }
                    >
                      <Button type="link" danger size="small" icon={<DeleteOutlined />} data-testid="grant-revoke">
                        {t('revoke')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]}
            />
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
            {t('grants_separation_note')}
          </Typography.Paragraph>
        </Card>
      )}
    </>
  );
}
