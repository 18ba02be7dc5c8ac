import {
  ApartmentOutlined,
  AppstoreAddOutlined,
  AuditOutlined,
  BarChartOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FolderOpenOutlined,
  ReadOutlined,
  SendOutlined,
  BookOutlined,
  CloseSquareOutlined,
  EditOutlined,
  SolutionOutlined,
  DatabaseOutlined,
  BankOutlined,
  CloudUploadOutlined,
  HomeOutlined,
  LinkOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import type { Permission } from '@qiming/shared';
import { Menu } from 'antd';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useT, type MessageKey } from '../lib/i18n.ts';

export type NavItem = {
  key: string;
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown when the active role holds any one of these; no list means everyone. */
  anyOf?: Permission[];
  /** Shown only when this instance has the feature (e.g. an upstream identity provider configured). */
  feature?: keyof NavFeatures;
};

/** What this instance has switched on, as far as the menu cares. */
export type NavFeatures = { upstream?: boolean };

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'home', path: '/', label: 'nav_home', icon: <HomeOutlined /> },
  { key: 'org', path: '/org', label: 'nav_org', icon: <ApartmentOutlined />, anyOf: ['org.read'] },
  { key: 'schools', path: '/schools', label: 'nav_schools', icon: <BankOutlined />, anyOf: ['class.manage', 'roster.read'] },
  { key: 'homework', path: '/homework', label: 'hw_nav_teacher', icon: <EditOutlined />, anyOf: ['homework.manage'] },
  { key: 'my-homework', path: '/my/homework', label: 'hw_nav_my', icon: <BookOutlined />, anyOf: ['homework.take', 'assessment.take'] },
  { key: 'wrong-items', path: '/my/wrong-items', label: 'hw_nav_wrong', icon: <CloseSquareOutlined />, anyOf: ['homework.take'] },
  { key: 'children-homework', path: '/children/homework', label: 'hw_child_title', icon: <BookOutlined />, anyOf: ['homework.view_child'] },
  { key: 'assessments', path: '/assessments', label: 'hw_nav_assessments', icon: <SolutionOutlined />, anyOf: ['assessment.manage'] },
  { key: 'roster', path: '/roster', label: 'nav_roster', icon: <CloudUploadOutlined />, anyOf: ['roster.manage'] },
  { key: 'users', path: '/users', label: 'nav_users', icon: <TeamOutlined />, anyOf: ['user.manage'] },
  {
    key: 'upstream-links',
    path: '/upstream-links',
    label: 'nav_upstream_links',
    icon: <LinkOutlined />,
    anyOf: ['user.manage'],
    feature: 'upstream',
  },
  { key: 'grants', path: '/grants', label: 'nav_grants', icon: <UserSwitchOutlined />, anyOf: ['grant.manage'] },
  { key: 'security', path: '/security', label: 'nav_security', icon: <SafetyCertificateOutlined />, anyOf: ['security.manage'] },
  { key: 'apps', path: '/apps', label: 'nav_apps', icon: <AppstoreAddOutlined />, anyOf: ['app.register', 'app.enable'] },
  {
    key: 'resources',
    path: '/resources',
    label: 'nav_resources',
    icon: <FolderOpenOutlined />,
    anyOf: ['resource.contribute', 'resource.review', 'resource.manage'],
  },
  {
    key: 'resource-collections',
    path: '/resources/collections',
    label: 'nav_resource_collections',
    icon: <ReadOutlined />,
    anyOf: ['resource.contribute', 'resource.review', 'resource.manage'],
  },
  { key: 'my-resources', path: '/resources/mine', label: 'nav_my_resources', icon: <FileTextOutlined />, anyOf: ['resource.contribute'] },
  {
    key: 'resource-review',
    path: '/resources/review',
    label: 'nav_resource_review',
    icon: <FileSearchOutlined />,
    anyOf: ['resource.review'],
  },
  { key: 'resource-push', path: '/resources/push', label: 'nav_resource_push', icon: <SendOutlined />, anyOf: ['resource.manage'] },
  {
    key: 'resource-stats',
    path: '/resources/stats',
    label: 'nav_resource_stats',
    icon: <BarChartOutlined />,
    anyOf: ['resource.manage', 'resource.review'],
  },
  { key: 'items', path: '/items', label: 'nav_items', icon: <DatabaseOutlined />, anyOf: ['items.read'] },
  { key: 'papers', path: '/papers', label: 'nav_papers', icon: <FileTextOutlined />, anyOf: ['items.manage'] },
  { key: 'audit', path: '/audit', label: 'nav_audit', icon: <AuditOutlined />, anyOf: ['audit.read'] },
];

/** The menu entries the active role may open (on this instance). */
export const navItemsFor = (permissions: readonly Permission[], features: NavFeatures = {}): NavItem[] =>
  NAV_ITEMS.filter((item) => (!item.anyOf || item.anyOf.some((p) => permissions.includes(p))) && (!item.feature || features[item.feature]));

/** Which entry a path belongs to (school, class and student pages sit under 学校/班级). */
export function activeNavKey(pathname: string, items: readonly NavItem[]): string {
  if (/^\/(classes|students)\//.test(pathname)) return items.some((i) => i.key === 'schools') ? 'schools' : 'home';
  const match = items
    .filter((i) => i.path !== '/' && (pathname === i.path || pathname.startsWith(`${i.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return match?.key ?? 'home';
}

export function NavMenu({
  permissions,
  features,
  onNavigate,
}: {
  permissions: readonly Permission[];
  features?: NavFeatures;
  onNavigate?: () => void;
}) {
  const t = useT();
  const { pathname } = useLocation();
  const items = navItemsFor(permissions, features);
  return (
    <Menu
      mode="inline"
      selectedKeys={[activeNavKey(pathname, items)]}
      style={{ borderInlineEnd: 'none' }}
      items={items.map((item) => ({
        key: item.key,
        icon: item.icon,
        label: (
          <Link to={item.path} data-testid={`nav-${item.key}`} onClick={onNavigate}>
            {t(item.label)}
          </Link>
        ),
      }))}
    />
  );
}
