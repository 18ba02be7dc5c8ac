import { AppstoreOutlined, PlusOutlined } from '@ant-design/icons';
import type { TApp, TAppWithSecret } from '@qiming/shared';
import { App, Avatar, Button, Card, Dropdown, Form, Grid, List, Modal, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { EmptyHint, LoadError, OneTimeSecret, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { ScopeTreeSelect } from '../../access/components/scope-tree-select.tsx';
import { useCan } from '../../identity/identity.api.ts';
import { updateBodyOf, useApps, useRotateSecret, useSetEnabled, useUpdateApp, useUploadLogo } from '../apps.api.ts';
import { categoryKey, CreateAppModal } from '../components/create-app-modal.tsx';

const ENABLE_KINDS = ['province', 'city', 'district', 'school', 'teaching_point'] as const;

/** The client id, and the secret that is never shown again. */
function SecretModal({ result, onClose }: { result: TAppWithSecret; onClose: () => void }) {
  const t = useT();
  return (
    <Modal
      open
      title={t('apps_credentials_title', { name: result.app.name })}
      onCancel={onClose}
      onOk={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        {result.app.oidc && (
          <div>
            <Typography.Text type="secondary">{t('apps_client_id')}</Typography.Text>
            <div>
              <Typography.Text code copyable data-testid="app-client-id">
                {result.app.oidc.clientId}
              </Typography.Text>
            </div>
          </div>
        )}
        {result.clientSecret && <OneTimeSecret value={result.clientSecret} hint={t('apps_client_secret')} testId="app-client-secret" />}
        {result.app.oidc && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('apps_issuer_hint', { issuer: `${window.location.origin}/oidc` })}
          </Typography.Text>
        )}
      </Space>
    </Modal>
  );
}

function EnableModal({ app, onClose }: { app: TApp; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [scopeId, setScopeId] = useState<string>();
  const setEnabled = useSetEnabled(app.id);
  return (
    <Modal
      open
      title={t('apps_enable_title', { name: app.name })}
      onCancel={onClose}
      okText={t('apps_enable')}
      okButtonProps={{ disabled: !scopeId, loading: setEnabled.isPending, ...({ 'data-testid': 'app-enable-submit' } as object) }}
      onOk={() =>
        setEnabled.mutate(
          { scopeId: scopeId!, enabled: true },
          {
            onSuccess: () => {
              message.success(t('apps_enabled_done'));
              onClose();
            },
            onError: (e) => void message.error(errorMessage(e)),
          },
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('apps_enable_hint', { owner: app.ownerScope.name })}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('apps_enable_scope')}>
          <ScopeTreeSelect value={scopeId} onChange={setScopeId} kinds={ENABLE_KINDS} data-testid="app-enable-scope" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ManageMenu({ app, onSecret }: { app: TApp; onSecret: (r: TAppWithSecret) => void }) {
  const t = useT();
  const { message, modal } = App.useApp();
  const update = useUpdateApp(app.id);
  const rotate = useRotateSecret(app.id);
  const logo = useUploadLogo(app.id);
  const fail = (e: unknown) => void message.error(errorMessage(e));
  const items = [
    { key: 'status', label: app.status === 'active' ? t('apps_disable_app') : t('apps_activate_app') },
    ...(app.oidc && !app.oidc.isPublic ? [{ key: 'secret', label: t('apps_rotate_secret') }] : []),
    {
      key: 'logo',
      label: (
        <Upload
          accept="image/png,image/jpeg,image/webp"
          showUploadList={false}
          beforeUpload={(file) => {
            logo.mutate(file, { onSuccess: () => void message.success(t('apps_logo_done')), onError: fail });
            return false;
          }}
        >
          {t('apps_upload_logo')}
        </Upload>
      ),
    },
  ];
  return (
    <Dropdown
      menu={{
        items,
        onClick: ({ key }) => {
          if (key === 'status')
            update.mutate(updateBodyOf(app, { status: app.status === 'active' ? 'disabled' : 'active' }), { onError: fail });
          if (key === 'secret')
            modal.confirm({
              title: t('apps_rotate_secret_confirm'),
              content: t('apps_rotate_secret_body'),
              onOk: () => rotate.mutateAsync().then(onSecret, fail),
            });
        },
      }}
    >
      <Button size="small" data-testid="app-manage">
        {t('apps_manage')}
      </Button>
    </Dropdown>
  );
}

/** 应用接入: the registry a bureau fills once, and where districts and schools switch applications on. */
export function AppsPage() {
  const t = useT();
  const can = useCan();
  const apps = useApps();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<TAppWithSecret | null>(null);
  const [enabling, setEnabling] = useState<TApp | null>(null);
  const { message } = App.useApp();
  // a phone gets one card per application instead of a table wider than the screen
  const isPhone = Grid.useBreakpoint().md === false;
  const empty = <EmptyHint text={can('app.register') ? t('apps_empty_register') : t('apps_empty_enable')} />;
  const fail = (e: unknown) => void message.error(errorMessage(e));

  const statusTag = (a: TApp) =>
    a.status === 'active' ? <Tag color="green">{t('apps_status_active')}</Tag> : <Tag>{t('apps_status_disabled')}</Tag>;
  const enabledIn = (a: TApp) =>
    a.enablements.length ? (
      <EnablementTags app={a} onError={fail} />
    ) : (
      <Typography.Text type="secondary">{t('apps_not_enabled_yet')}</Typography.Text>
    );
  const actions = (a: TApp) => (
    <Space>
      {a.policies.canEnable && (
        <Button size="small" type="primary" ghost onClick={() => setEnabling(a)} data-testid="app-enable">
          {t('apps_enable')}
        </Button>
      )}
      {a.policies.canEdit && <ManageMenu app={a} onSecret={setSecret} />}
    </Space>
  );

  return (
    <div>
      <PageTitle
        title={t('apps_title')}
        subtitle={t('apps_subtitle')}
        extra={
          can('app.register') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="app-create">
              {t('apps_create')}
            </Button>
          )
        }
      />
      {apps.isError ? (
        <LoadError error={apps.error} onRetry={() => void apps.refetch()} />
      ) : isPhone ? (
        <List<TApp>
          loading={apps.isPending}
          dataSource={apps.data}
          locale={{ emptyText: empty }}
          renderItem={(a) => (
            <Card size="small" style={{ marginBottom: 12 }} data-testid="app-card">
              <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                <NameCell app={a} />
                <Space size={[4, 4]} wrap>
                  <Tag>{t(categoryKey(a.category))}</Tag>
                  <Tag>{protocolName(a)}</Tag>
                  {statusTag(a)}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('apps_owner_scope')}：{a.ownerScope.name}
                  </Typography.Text>
                </Space>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('apps_enabled_in')}：
                  </Typography.Text>
                  {enabledIn(a)}
                </div>
                {actions(a)}
              </Space>
            </Card>
          )}
        />
      ) : (
        <Table<TApp>
          rowKey="id"
          loading={apps.isPending}
          dataSource={apps.data}
          scroll={{ x: 900 }}
          pagination={false}
          locale={{ emptyText: empty }}
          columns={[
            { title: t('apps_name'), key: 'name', render: (_, a) => <NameCell app={a} /> },
            { title: t('apps_category'), key: 'category', width: 100, render: (_, a) => t(categoryKey(a.category)) },
            { title: t('apps_protocol'), key: 'protocol', width: 130, render: (_, a) => protocolName(a) },
            { title: t('apps_owner_scope'), key: 'owner', width: 130, render: (_, a) => a.ownerScope.name },
            { title: t('apps_status'), key: 'status', width: 90, render: (_, a) => statusTag(a) },
            { title: t('apps_enabled_in'), key: 'enablements', render: (_, a) => enabledIn(a) },
            { title: t('actions'), key: 'actions', width: 170, render: (_, a) => actions(a) },
          ]}
        />
      )}
      {creating && <CreateAppModal onClose={() => setCreating(false)} onCreated={setSecret} />}
      {secret && <SecretModal result={secret} onClose={() => setSecret(null)} />}
      {enabling && <EnableModal app={enabling} onClose={() => setEnabling(null)} />}
    </div>
  );
}

const protocolName = (a: TApp) => (a.protocol === 'oidc' ? 'OpenID Connect' : 'CAS 3.0');

function NameCell({ app: a }: { app: TApp }) {
  return (
    <Space>
      <Avatar shape="square" src={a.logoUrl ?? undefined} icon={<AppstoreOutlined />} />
      <div>
        <Typography.Text strong data-testid="app-row-name">
          {a.name}
        </Typography.Text>
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
            {a.description || a.homeUrl}
          </Typography.Text>
        </div>
      </div>
    </Space>
  );
}

function EnablementTags({ app, onError }: { app: TApp; onError: (e: unknown) => void }) {
  const setEnabled = useSetEnabled(app.id);
  return (
    <Space size={[4, 4]} wrap>
      {app.enablements.map((e) => (
        <Tag
          key={e.scopeId}
          color="blue"
          closable={app.policies.canEnable}
          onClose={(ev) => {
            ev.preventDefault();
            setEnabled.mutate({ scopeId: e.scopeId, enabled: false }, { onError });
          }}
        >
          {e.scopeName}
        </Tag>
      ))}
    </Space>
  );
}
