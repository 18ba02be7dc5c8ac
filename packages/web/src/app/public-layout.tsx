import { FolderOpenOutlined, LoginOutlined, ReadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Grid, Layout, Menu, Typography } from 'antd';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useT } from '../lib/i18n.ts';
import { useMe } from '../modules/identity/identity.api.ts';
import { SearchBox, SearchButton } from '../modules/search/components/search-box.tsx';
import { Brand, LanguageSwitch, PageFallback } from './layout.tsx';
import { authFailureOf } from './query-client.ts';
import { loginPath, SignedInGate } from './require-auth.tsx';

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
  const signIn = useSignInPath();
  // the search page is reached through the box (or its icon on a phone), not the menu
  const navItems = PUBLIC_NAV.filter((i) => i.key !== '/search').map((i) => ({
    key: i.key,
    icon: i.icon,
    label: <Link to={i.key}>{t(i.label)}</Link>,
  }));
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
            items={navItems}
          />
        )}
        <div style={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: isPhone ? 'flex-end' : 'flex-start', minWidth: 0 }}>
          {isPhone ? (
            <SearchButton />
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
      {isPhone && <Menu mode="horizontal" selectedKeys={[activeKey(pathname)]} style={{ justifyContent: 'center' }} items={navItems} />}
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
  return <SignedInGate signedOut={() => <PublicLayout />} />;
}

/** Whether the viewer is a visitor without a session (the public frame is showing). */
export function useIsVisitor(): boolean {
  const me = useMe();
  return me.isError && authFailureOf(me.error)?.kind === 'login';
}
