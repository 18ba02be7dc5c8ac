import { FolderOpenOutlined, LoginOutlined, ReadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Grid, Layout, Menu, Result, Typography } from 'antd';
import { Suspense } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../lib/api.ts';
import { useT } from '../lib/i18n.ts';
import { useMe } from '../modules/identity/identity.api.ts';
import { SearchBox } from '../modules/search/components/search-box.tsx';
import { AppLayout, Brand, LanguageSwitch, PageFallback } from './layout.tsx';
import { authFailureOf } from './query-client.ts';
import { loginPath } from './require-auth.tsx';

const { Header, Content, Footer } = Layout;

/** The pages a visitor may open without signing in, as the public frame's menu lists them. */
const PUBLIC_NAV = [
  { key: '/resources', label: 'nav_resources', icon: <FolderOpenOutlined /> },
  { key: '/resources/collections', label: 'nav_resource_collections', icon: <ReadOutlined /> },
  { key: '/search', label: 'search_button', icon: <SearchOutlined /> },
] as const;

const activeKey = (pathname: string) =>
  pathname.startsWith('/resources/collections') ? '/resources/collections' : pathname.startsWith('/search') ? '/search' : '/resources';

/** Where "sign in" goes from this page, coming back to it afterwards. */
export function useSignInPath(): string {
  const { pathname, search } = useLocation();
  return loginPath(pathname + search);
}

/** The frame for visitors (社会公众): the public pages, the search box, and a way to sign in. */
export function PublicLayout() {
  const t = useT();
  const isPhone = Grid.useBreakpoint().md === false;
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const signIn = useSignInPath();
  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="public-layout">
      <Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: isPhone ? 4 : 16,
          borderBottom: '1px solid #e8edf3',
          position: 'sticky',
          top: 0,
          zIndex: 10,
          paddingInline: isPhone ? 12 : 24,
        }}
      >
        <Link to="/resources" style={{ flex: 'none' }}>
          <Brand compact={isPhone} />
        </Link>
        {!isPhone && (
          <Menu
            mode="horizontal"
            selectedKeys={[activeKey(pathname)]}
            style={{ borderBottom: 'none', minWidth: 0, flex: 'none' }}
            items={PUBLIC_NAV.filter((i) => i.key !== '/search').map((i) => ({
              key: i.key,
              icon: i.icon,
              label: <Link to={i.key}>{t(i.label)}</Link>,
            }))}
          />
        )}
        <div style={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: isPhone ? 'flex-end' : 'flex-start', minWidth: 0 }}>
          {isPhone ? (
            <Button
              type="text"
              icon={<SearchOutlined />}
              aria-label={t('search_button')}
              data-testid="header-search"
              onClick={() => void navigate('/search')}
            />
          ) : (
            pathname !== '/search' && (
              <div style={{ width: '100%', maxWidth: 380, lineHeight: 'normal' }} data-testid="header-search">
                <SearchBox />
              </div>
            )
          )}
        </div>
        {!isPhone && <LanguageSwitch />}
        <Link to={signIn}>
          <Button type="primary" icon={<LoginOutlined />} data-testid="public-sign-in">
            {t('login_submit')}
          </Button>
        </Link>
      </Header>
      {isPhone && (
        <Menu
          mode="horizontal"
          selectedKeys={[activeKey(pathname)]}
          style={{ justifyContent: 'center' }}
          items={PUBLIC_NAV.filter((i) => i.key !== '/search').map((i) => ({
            key: i.key,
            icon: i.icon,
            label: <Link to={i.key}>{t(i.label)}</Link>,
          }))}
        />
      )}
      <Content style={{ padding: isPhone ? 12 : 24, width: '100%', maxWidth: 1280, marginInline: 'auto' }}>
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </Content>
      <Footer style={{ textAlign: 'center', padding: '16px 12px' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('public_footer')}
        </Typography.Text>
        {isPhone && (
          <div style={{ marginTop: 12 }}>
            <LanguageSwitch size="small" />
          </div>
        )}
      </Footer>
    </Layout>
  );
}

/**
 * Pages open to everyone (资源中心, 资源目录, 检索): in the signed-in frame for a user with a
 * session, in the public frame for a visitor. A password change or MFA enrolment still comes first.
 */
export function PublicOrSignedIn() {
  const me = useMe();
  const t = useT();
  if (me.isPending) return <PageFallback />;
  if (me.isError) {
    const failure = authFailureOf(me.error);
    if (failure?.kind === 'login') return <PublicLayout />;
    if (failure?.kind === 'change-password') return <Navigate to="/change-password" replace />;
    if (failure?.kind === 'mfa-setup') return <Navigate to="/mfa-setup" replace />;
    return (
      <Result
        status="error"
        title={t('load_failed')}
        subTitle={errorMessage(me.error)}
        extra={
          <Button type="primary" onClick={() => void me.refetch()}>
            {t('retry')}
          </Button>
        }
      />
    );
  }
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  if (me.data.mfaEnrollmentRequired) return <Navigate to="/mfa-setup" replace />;
  return <AppLayout />;
}

/** Whether the viewer is a visitor without a session (the public frame is showing). */
export function useIsVisitor(): boolean {
  const me = useMe();
  return me.isError && authFailureOf(me.error)?.kind === 'login';
}
