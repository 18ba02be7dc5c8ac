import { KeyOutlined, LockOutlined, StopOutlined, UnlockOutlined, CheckCircleOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { ROLES, type Role, type TUserSummary } from '@qiming/shared';
import { App, Button, Card, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { EmptyHint, LoadError, OneTimeSecret, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDateTime, roleName } from '../../../lib/labels.ts';
import { useCurrentUser } from '../../identity/identity.api.ts';
import { useResetPassword, useSetUserActive, useResetUserMfa, useUnlockUser, useUsers } from '../users.api.ts';

/** Accounts in scope: reset a password (shown once), unlock, enable or disable. */
export function UsersPage() {
  const t = useT();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const users = useUsers({ q: q || undefined, role, page, pageSize });
  const reset = useResetPassword();
  const unlock = useUnlockUser();
  const resetMfa = useResetUserMfa();
  const setActive = useSetUserActive();
  const [secret, setSecret] = useState<{ user: TUserSummary; password: string } | null>(null);

  const fail = (e: unknown) => void message.error(errorMessage(e));

  return (
    <>
      <PageTitle title={t('nav_users')} />
      <Card>
        <div className="qm-toolbar">
          <Input.Search
            allowClear
            placeholder={t('users_search_placeholder')}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
            style={{ maxWidth: 280 }}
            data-testid="users-search"
          />
          <Select<Role>
            allowClear
            placeholder={t('users_filter_role')}
            value={role}
            onChange={(v) => {
              setRole(v);
              setPage(1);
            }}
            options={ROLES.map((r) => ({ value: r, label: roleName(t, r) }))}
            style={{ minWidth: 160 }}
          />
        </div>
        {users.isError ? (
          <LoadError error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <Table<TUserSummary>
            rowKey="id"
            size="middle"
            loading={users.isFetching}
            dataSource={users.data?.items}
            scroll={{ x: 900 }}
            locale={{ emptyText: <EmptyHint text={q || role ? t('no_match') : t('users_empty')} /> }}
            pagination={{
              current: page,
              pageSize,
              total: users.data?.total ?? 0,
              onChange: setPage,
              showSizeChanger: false,
              showTotal: (n) => t('total_count', { count: n }),
            }}
            onRow={() => ({ 'data-testid': 'user-row' }) as object}
            columns={[
              { title: t('username'), dataIndex: 'username', width: 140, fixed: 'left' },
              { title: t('person_name'), dataIndex: 'displayName', width: 110 },
              { title: t('roles'), dataIndex: 'roles', render: (roles: Role[]) => roles.map((r) => <Tag key={r}>{roleName(t, r)}</Tag>) },
              {
                title: t('user_status'),
                key: 'status',
                width: 130,
                render: (_: unknown, u) => (
                  <Space size={4} wrap>
                    {u.isActive ? <Tag color="green">{t('user_active')}</Tag> : <Tag color="default">{t('user_disabled')}</Tag>}
                    {u.isLocked && (
                      <Tag color="red" icon={<LockOutlined />}>
                        {t('user_locked')}
                      </Tag>
                    )}
                    {u.mfaEnabled && (
                      <Tag color="blue" icon={<SafetyCertificateOutlined />} data-testid="user-mfa-on">
                        {t('user_mfa_on')}
                      </Tag>
                    )}
                  </Space>
                ),
              },
              {
                title: t('user_last_login'),
                dataIndex: 'lastLoginAt',
                width: 150,
                render: (v: string | null) => formatDateTime(v) || t('never'),
              },
              {
                title: t('actions'),
                key: 'actions',
                width: 330,
                render: (_: unknown, u) => {
                  const self = u.id === me.id;
                  return (
                    <Space size={0} wrap>
                      <Popconfirm
                        title={t('reset_password_confirm', { name: u.displayName })}
                        okText={t('reset_password')}
                        onConfirm={() => reset.mutateAsync(u.id).then((r) => setSecret({ user: u, password: r.temporaryPassword }), fail)}
                      >
                        <Button type="link" size="small" icon={<KeyOutlined />} disabled={self} data-testid="reset-password">
                          {t('reset_password')}
                        </Button>
                      </Popconfirm>
                      {u.mfaEnabled && (
                        <Popconfirm
                          title={t('mfa_reset_confirm_title', { name: u.displayName })}
                          description={<div style={{ maxWidth: 280 }}>{t('mfa_reset_confirm_body')}</div>}
                          okText={t('mfa_reset')}
                          okButtonProps={{ danger: true }}
                          onConfirm={() =>
                            resetMfa.mutateAsync(u.id).then(() => void message.success(t('mfa_reset_done', { name: u.displayName })), fail)
                          }
                        >
                          <Button type="link" size="small" icon={<SafetyCertificateOutlined />} disabled={self} data-testid="reset-mfa">
                            {t('mfa_reset')}
                          </Button>
                        </Popconfirm>
                      )}
                      {u.isLocked && (
                        <Button
                          type="link"
                          size="small"
                          icon={<UnlockOutlined />}
                          data-testid="unlock-user"
                          onClick={() =>
                            unlock.mutateAsync(u.id).then(() => void message.success(t('user_unlocked', { name: u.displayName })), fail)
                          }
                        >
                          {t('unlock')}
                        </Button>
                      )}
                      <Popconfirm
                        title={u.isActive ? t('disable_confirm', { name: u.displayName }) : t('enable_confirm', { name: u.displayName })}
                        okText={u.isActive ? t('disable') : t('enable')}
                        okButtonProps={{ danger: u.isActive }}
                        onConfirm={() =>
                          setActive
                            .mutateAsync({ id: u.id, isActive: !u.isActive })
                            .then(
                              () =>
                                void message.success(
                                  u.isActive
                                    ? t('user_disabled_done', { name: u.displayName })
                                    : t('user_enabled_done', { name: u.displayName }),
                                ),
                              fail,
                            )
                        }
                      >
                        <Button
                          type="link"
                          size="small"
                          danger={u.isActive}
                          disabled={self}
                          icon={u.isActive ? <StopOutlined /> : <CheckCircleOutlined />}
                          data-testid="toggle-active"
                        >
                          {u.isActive ? t('disable') : t('enable')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  );
                },
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={!!secret}
        title={t('reset_password_done_title', { name: secret?.user.displayName ?? '' })}
        onCancel={() => setSecret(null)}
        footer={
          <Button type="primary" onClick={() => setSecret(null)}>
            {t('done')}
          </Button>
        }
        destroyOnHidden
        mask={{ closable: false }}
      >
        {secret && (
          <OneTimeSecret
            value={secret.password}
            hint={t('reset_password_done_hint', { username: secret.user.username })}
            testId="temp-password"
          />
        )}
      </Modal>
    </>
  );
}
