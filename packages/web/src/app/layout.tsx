import {
  DownOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  SafetyCertificateOutlined,
  StopOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { Role } from '@qiming/shared';
import { App, Button, Drawer, Dropdown, Grid, Layout, Segmented, Select, Space, Spin, Tag, Typography } from 'antd';
import { Suspense, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../lib/api.ts';
import { useI18n, type Locale } from '../lib/i18n.ts';
import { roleName } from '../lib/labels.ts';
import { useCurrentUser, useLogout, useSwitchRole } from '../modules/identity/identity.api.ts';
import { SearchBox, SearchButton } from '../modules/search/components/search-box.tsx';
import { useUpstreamInfo } from '../modules/upstream/upstream.api.ts';
import { NavMenu } from './nav.tsx';

const { Header, Sider, Content } = Layout;

export function Brand({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 10, minWidth: 0 }}>
      <span
        aria-hidden
        style={{
          width: 30,
          height: 30,
          borderRadius: 8,
          background: '#1f6fd1',
          color: '#fff',
          display: 'inline-flex',
          alignItems: 'center',
          justifyContent: 'center',
          fontWeight: 700,
          flex: 'none',
        }}
      >
        启
      </span>
      <span style={{ lineHeight: 1.15, minWidth: 0 }}>
        <Typography.Text strong style={{ fontSize: 16, display: 'block', whiteSpace: 'nowrap' }}>
          {compact ? t('login_brand') : t('app_name')}
        </Typography.Text>
        {!compact && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('app_tagline')}
          </Typography.Text>
        )}
      </span>
    </div>
  );
}

export function LanguageSwitch({ size = 'middle' }: { size?: 'small' | 'middle' }) {
  const { locale, setLocale } = useI18n();
  return (
    <Segmented<Locale>
      size={size}
      value={locale}
      onChange={setLocale}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en-US' },
      ]}
      data-testid="language-switch"
    />
  );
}

function RoleSwitcher({ compact }: { compact: boolean }) {
  const me = useCurrentUser();
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const switchRole = useSwitchRole();
  // one role: nothing to switch to, so show it plainly rather than as a disabled control
  if (me.roles.length < 2)
    return me.activeRole ? (
      <Tag color="blue" data-testid="role-switcher" style={{ marginInlineEnd: 0 }}>
        {roleName(t, me.activeRole)}
      </Tag>
    ) : null;
  return (
    <Select<Role>
      data-testid="role-switcher"
      aria-label={t('role_switcher_label')}
      value={me.activeRole ?? undefined}
      placeholder={t('role_switcher_label')}
      loading={switchRole.isPending}
      disabled={switchRole.isPending}
      style={{ minWidth: compact ? 104 : 150 }}
      popupMatchSelectWidth={false}
      options={me.roles.map((role) => ({ value: role, label: roleName(t, role) }))}
      onChange={(role) =>
        switchRole.mutate(role, {
          onSuccess: () => {
            void message.success(t('role_switched', { role: roleName(t, role) }));
            void navigate('/');
          },
          onError: (e) => void message.error(errorMessage(e)),
        })
      }
    />
  );
}

function UserMenu({ compact }: { compact: boolean }) {
  const me = useCurrentUser();
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const navigate = useNavigate();
  const logout = useLogout(false);
  const logoutAll = useLogout(true);
  const leave = () => void navigate('/login', { replace: true });
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          {
            key: 'security',
            icon: <SafetyCertificateOutlined />,
            label: <span data-testid="account-security">{t('nav_account_security')}</span>,
          },
          { key: 'password', icon: <KeyOutlined />, label: t('change_password') },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('logout')}</span> },
          { key: 'logout-all', icon: <StopOutlined />, danger: true, label: <span data-testid="logout-all">{t('logout_all')}</span> },
        ],
        onClick: ({ key }) => {
          if (key === 'security') void navigate('/account/security');
          if (key === 'password') void navigate('/change-password');
          if (key === 'logout') logout.mutate(undefined, { onSettled: leave });
          if (key === 'logout-all')
            modal.confirm({
              title: t('logout_all_confirm_title'),
              content: t('logout_all_confirm_body'),
              okText: t('logout_all'),
              okButtonProps: { danger: true },
              onOk: () =>
                logoutAll.mutateAsync().then(
                  () => leave(),
                  (e: unknown) => {
                    message.error(errorMessage(e));
                  },
                ),
            });
        },
      }}
    >
      <Button type="text" data-testid="user-menu" icon={<UserOutlined />} style={{ paddingInline: compact ? 6 : 10 }}>
        {!compact && <span style={{ maxWidth: 140, overflow: 'hidden', textOverflow: 'ellipsis' }}>{me.displayName}</span>}
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Dropdown>
  );
}

export function PageFallback() {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: 64 }}>
      <Spin />
    </div>
  );
}

/** The signed-in frame: menu by permission (a drawer on phones), header with role, language, account. */
export function AppLayout() {
  const me = useCurrentUser();
  const upstream = useUpstreamInfo();
  const features = { upstream: upstream.data?.enabled ?? false };
  const screens = Grid.useBreakpoint();
  const isPhone = screens.md === false;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { pathname } = useLocation();

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!isPhone && (
        <Sider
          width={224}
          theme="light"
          style={{ borderInlineEnd: '1px solid #e8edf3', position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        >
          <div style={{ padding: '14px 18px 10px' }}>
            <Brand />
          </div>
          <NavMenu permissions={me.permissions} features={features} />
        </Sider>
      )}
      <Drawer
        open={isPhone && drawerOpen}
        onClose={() => setDrawerOpen(false)}
        placement="left"
        size={260}
        title={<Brand />}
        styles={{ body: { padding: 8 } }}
      >
        <NavMenu permissions={me.permissions} features={features} onNavigate={() => setDrawerOpen(false)} />
      </Drawer>
      <Layout>
        <Header
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            borderBottom: '1px solid #e8edf3',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          {isPhone && (
            <>
              <Button type="text" icon={<MenuOutlined />} aria-label="menu" data-testid="nav-toggle" onClick={() => setDrawerOpen(true)} />
              <Brand compact />
            </>
          )}
          {isPhone ? (
            <div style={{ flex: 1, display: 'flex', justifyContent: 'flex-end' }}>
              <SearchButton />
            </div>
          ) : (
            // the header's 64 px line height would otherwise stretch the search input to the full bar
            <div style={{ flex: 1, maxWidth: 420, marginInlineEnd: 'auto', lineHeight: 'normal' }} data-testid="header-search">
              {pathname !== '/search' && <SearchBox />}
            </div>
          )}
          <Space size={isPhone ? 4 : 12}>
            <RoleSwitcher compact={isPhone} />
            {!isPhone && <LanguageSwitch />}
            <UserMenu compact={isPhone} />
          </Space>
        </Header>
        <Content style={{ padding: isPhone ? 12 : 24, width: '100%', maxWidth: 1280, marginInline: 'auto' }}>
          <Suspense fallback={<PageFallback />}>
            <Outlet />
          </Suspense>
          {isPhone && (
            <div style={{ textAlign: 'center', marginTop: 24 }}>
              <LanguageSwitch size="small" />
            </div>
          )}
        </Content>
      </Layout>
    </Layout>
  );
}
