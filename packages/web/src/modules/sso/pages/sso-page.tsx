import { AppstoreOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { Alert, Avatar, Button, List, Result, Space, Spin, Typography } from 'antd';
import { useEffect } from 'react';
import { useParams } from 'react-router';
import { errorMessage, isAppError } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { AuthShell } from '../../identity/components/auth-shell.tsx';
import { useDecide, useInteraction } from '../sso.api.ts';

/**
 * 单点登录: an application asked Qiming to sign the user in. A signed-in user passes the sign-in
 * step at once; the first visit to an application that is not trusted asks for consent.
 * Without a session the global handler sends the user to the sign-in page and back here.
 */
export function SsoPage() {
  const t = useT();
  const { uid = '' } = useParams();
  const interaction = useInteraction(uid);
  const decide = useDecide(uid);
  const data = interaction.data;
  const autoContinue = data?.prompt === 'login';

  useEffect(() => {
    if (autoContinue && decide.isIdle) decide.mutate(true);
  }, [autoContinue, decide]);

  if (interaction.isError) {
    const expired = isAppError(interaction.error, 'OIDC_INTERACTION_NOT_FOUND');
    return (
      <AuthShell>
        <Result
          status="warning"
          title={expired ? t('sso_expired_title') : t('load_failed')}
          subTitle={expired ? t('sso_expired_body') : errorMessage(interaction.error)}
        />
      </AuthShell>
    );
  }
  if (!data || autoContinue || decide.isSuccess) {
    return (
      <AuthShell>
        <div style={{ textAlign: 'center', padding: 24 }} data-testid="sso-continuing">
          <Spin />
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('sso_continuing')}
          </Typography.Paragraph>
        </div>
      </AuthShell>
    );
  }

  return (
    <AuthShell title={t('sso_consent_title')}>
      <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="sso-consent">
        <Space size={12} align="center">
          <Avatar shape="square" size={48} src={data.client.logoUrl} icon={<AppstoreOutlined />} />
          <div>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {data.client.name}
            </Typography.Title>
            <Typography.Text type="secondary">{t('sso_consent_asks')}</Typography.Text>
          </div>
        </Space>
        {!data.isEnabled && <Alert type="warning" showIcon title={t('sso_not_enabled')} data-testid="sso-not-enabled" />}
        {data.isEnabled && (
          <List
            size="small"
            bordered
            dataSource={data.scopes}
            renderItem={(s) => (
              <List.Item>
                <Space>
                  <CheckCircleOutlined style={{ color: '#52c41a' }} />
                  {s.label}
                </Space>
              </List.Item>
            )}
          />
        )}
        <Typography.Text type="secondary">
          {t('sso_consent_account', { name: data.account.displayName, username: data.account.username })}
        </Typography.Text>
        {decide.isError && <Alert type="error" showIcon title={errorMessage(decide.error)} />}
        <Space style={{ width: '100%', justifyContent: 'flex-end' }} wrap>
          <Button onClick={() => decide.mutate(false)} loading={decide.isPending && decide.variables === false} data-testid="sso-deny">
            {data.isEnabled ? t('sso_deny') : t('sso_back_to_app')}
          </Button>
          {data.isEnabled && (
            <Button
              type="primary"
              onClick={() => decide.mutate(true)}
              loading={decide.isPending && decide.variables === true}
              data-testid="sso-approve"
            >
              {t('sso_approve')}
            </Button>
          )}
        </Space>
      </Space>
    </AuthShell>
  );
}
