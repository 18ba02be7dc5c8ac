import { AppstoreOutlined } from '@ant-design/icons';
import { Avatar, Button, Card, Col, Row, Skeleton, Typography } from 'antd';
import { Link } from 'react-router';
import { EmptyHint, LoadError } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useCan } from '../../identity/identity.api.ts';
import { useMyApps } from '../apps.api.ts';
import { categoryKey } from './create-app-modal.tsx';

/**
 * 我的应用 on the personal space: the applications enabled for the user's school or region, each
 * opened with one click — single sign-on means no second sign-in there.
 */
export function AppLauncher() {
  const t = useT();
  const apps = useMyApps();
  // an administrator who can enable applications is told where, not to ask themselves
  const can = useCan();
  const canEnable = can('app.enable') || can('app.register');
  return (
    <Card title={t('launcher_title')} data-testid="app-launcher">
      {apps.isPending && <Skeleton active />}
      {apps.isError && <LoadError error={apps.error} onRetry={() => void apps.refetch()} />}
      {apps.data && apps.data.length === 0 && (
        <EmptyHint
          text={t(canEnable ? 'launcher_empty_admin' : 'launcher_empty')}
          action={
            canEnable && (
              <Link to="/apps">
                <Button type="primary">{t('nav_apps')}</Button>
              </Link>
            )
          }
        />
      )}
      {apps.data && apps.data.length > 0 && (
        <Row gutter={[12, 12]}>
          {apps.data.map((a) => (
            <Col key={a.id} xs={12} sm={8} md={6} xl={4}>
              <a
                href={a.launchUrl}
                target="_blank"
                rel="noopener"
                data-testid="launcher-app"
                aria-label={a.name}
                title={a.description || a.name}
              >
                <Card hoverable size="small" styles={{ body: { textAlign: 'center', padding: 12 } }}>
                  <Avatar
                    shape="square"
                    size={48}
                    src={a.logoUrl ?? undefined}
                    icon={<AppstoreOutlined />}
                    style={{ background: a.logoUrl ? undefined : '#1f6fd1' }}
                  />
                  <Typography.Paragraph ellipsis={{ rows: 1 }} strong style={{ margin: '8px 0 0' }}>
                    {a.name}
                  </Typography.Paragraph>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(categoryKey(a.category))}
                  </Typography.Text>
                </Card>
              </a>
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}
